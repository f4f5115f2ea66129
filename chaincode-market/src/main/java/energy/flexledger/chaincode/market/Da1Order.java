package energy.flexledger.chaincode.market;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** A revealed order as DA1 sees it: {@code submittedAt} is the submitting transaction's time. */
@DataType
public record Da1Order(@Property String id, @Property(schema = {"enum", "BUY,SELL"}) String side, @Property long quantityWh,
        @Property long price, @Property long submittedAt) {}
