package energy.flexledger.chaincode.market;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** Energy moved from a seller to a buyer at the clearing price (DA1). */
@DataType
public record Da1Trade(@Property String buyId, @Property String sellId, @Property long quantityWh) {}
