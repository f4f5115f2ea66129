package energy.flexledger.chaincode.market;

import energy.flexledger.spec.Canonical;
import java.util.List;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** The orders of one auction, in order id order. */
@DataType
public record AuctionOrderList(@Property String auctionId, @Property AuctionOrder[] orders) {
    public AuctionOrderList {
        orders = Canonical.copyOf(orders, "orders");
    }

    AuctionOrderList(final String auctionId, final List<AuctionOrder> orders) {
        this(auctionId, orders.toArray(new AuctionOrder[0]));
    }

    @Override
    public AuctionOrder[] orders() {
        return orders.clone();
    }
}
