package energy.flexledger.chaincode.market;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** A revealed offer as MK1 sees it: {@code submittedAt} is the submitting transaction's time. */
@DataType
public record Mk1Offer(@Property String id, @Property long quantityWh, @Property long price, @Property long submittedAt) {}
