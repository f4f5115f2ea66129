package energy.flexledger.chaincode.market;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** What {@code auction:SealOrder} did: the order is in {@code collection}, the channel will know only {@code sealHash}. */
@DataType
public record OrderSealReceipt(@Property String auctionId, @Property String orderId, @Property String trader, @Property String collection,
        @Property String sealHash) {}
