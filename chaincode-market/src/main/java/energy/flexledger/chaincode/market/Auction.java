package energy.flexledger.chaincode.market;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * A double auction on the ledger ({@code auc.auction/<id>}): its terms, who opened it, the escrow
 * account that holds the buyers' funds between their reveal and the clearing, and its status: OPEN
 * (orders until {@code gateClosure}, reveals until {@code revealBy}) or CLEARED.
 */
@DataType
public record Auction(
        @Property String id,
        @Property String zone,
        @Property long deliveryStart,
        @Property long deliveryEnd,
        @Property long gateClosure,
        @Property long revealBy,
        @Property long capacityWh,
        @Property String openedBy,
        @Property String escrowAccount,
        @Property(schema = {"enum", "OPEN,CLEARED"}) String status,
        @Property long createdAt,
        @Property String createdTx,
        @Property long updatedAt,
        @Property String updatedTx) {

    Auction cleared(final long at, final String txId) {
        return new Auction(id, zone, deliveryStart, deliveryEnd, gateClosure, revealBy, capacityWh, openedBy, escrowAccount,
                AuctionContract.CLEARED, createdAt, createdTx, at, txId);
    }
}
