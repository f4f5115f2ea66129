package energy.flexledger.chaincode.market;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * An order as it is sealed (the trader's org's implicit collection) and later revealed (transient
 * data {@code sealed}): the side, the quantity in Wh, the limit price in token units per kWh, and a
 * salt of at least 128 bits. Its canonical JSON's SHA-256 is what the channel records.
 */
@DataType
public record SealedOrder(
        @Property String auctionId,
        @Property String orderId,
        @Property(schema = {"enum", "BUY,SELL"}) String side,
        @Property long quantityWh,
        @Property long price,
        @Property String salt) {}
