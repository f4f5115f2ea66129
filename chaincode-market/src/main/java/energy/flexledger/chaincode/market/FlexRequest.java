package energy.flexledger.chaincode.market;


import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * A flexibility request on the ledger ({@code flex.request/<id>}): the DSO's terms, the escrow it
 * locked in {@code escrowAccount} when posting, and its status: OPEN (taking offers until the
 * deadline, reveals until {@code revealBy}), REVEALING (from the first reveal on: no more offers,
 * whatever a proposal's time says), CLEARED (awards fixed, the unused escrow returned), PAID
 * (winners paid for metered delivery, the rest refunded).
 */
@DataType
public record FlexRequest(
        @Property String id,
        @Property String zone,
        @Property long quantityWh,
        @Property long maxPrice,
        @Property long deadline,
        @Property long revealBy,
        @Property long windowStart,
        @Property long windowEnd,
        @Property(schema = {"enum", "SINGLE,MERIT"}) String mode,
        @Property String requester,
        @Property String payer,
        @Property String escrowAccount,
        @Property String baselineProgram,
        @Property long escrow,
        @Property(schema = {"enum", "OPEN,REVEALING,CLEARED,PAID"}) String status,
        @Property long createdAt,
        @Property String createdTx,
        @Property long updatedAt,
        @Property String updatedTx) {

    FlexRequest withStatus(final String value, final long at, final String txId) {
        return new FlexRequest(id, zone, quantityWh, maxPrice, deadline, revealBy, windowStart, windowEnd, mode, requester, payer,
                escrowAccount, baselineProgram, escrow, value, createdAt, createdTx, at, txId);
    }
}
