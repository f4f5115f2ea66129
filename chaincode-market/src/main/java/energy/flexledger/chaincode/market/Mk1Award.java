package energy.flexledger.chaincode.market;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** One award of a clearing: pay-as-bid, {@code cost = floorDiv(quantityWh * price, 1000)}. */
@DataType
public record Mk1Award(@Property String offerId, @Property long quantityWh, @Property long price, @Property long cost) {}
