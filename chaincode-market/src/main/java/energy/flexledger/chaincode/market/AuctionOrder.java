package energy.flexledger.chaincode.market;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * An order on the channel ({@code auc.order/<auctionId>/<orderId>}): whose it is (the trader's org
 * and the identity account that pays or is paid: only that identity withdraws or reveals it), when
 * it was submitted (DA1's {@code submittedAt}), the hash of the sealed order and, once revealed after
 * the gate closure, its side, quantity, price and the funds a BUY locked in the auction's escrow.
 * Status: SEALED, REVEALED, WITHDRAWN.
 */
@DataType
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuctionOrder(
        @Property String auctionId,
        @Property String orderId,
        @Property String trader,
        @Property String account,
        @Property String sealHash,
        @Property(schema = {"enum", "SEALED,REVEALED,WITHDRAWN"}) String status,
        @Property long submittedAt,
        @Property String submittedTx,
        @Property String side,
        @Property Long quantityWh,
        @Property Long price,
        @Property Long locked,
        @Property long updatedAt,
        @Property String updatedTx) {

    AuctionOrder revealed(final SealedOrder order, final long lock, final long at, final String txId) {
        return new AuctionOrder(auctionId, orderId, trader, account, sealHash, AuctionContract.REVEALED, submittedAt, submittedTx, order.side(),
                order.quantityWh(), order.price(), lock, at, txId);
    }

    AuctionOrder withdrawn(final long at, final String txId) {
        return new AuctionOrder(auctionId, orderId, trader, account, sealHash, AuctionContract.WITHDRAWN, submittedAt, submittedTx, null, null,
                null, null, at, txId);
    }
}
