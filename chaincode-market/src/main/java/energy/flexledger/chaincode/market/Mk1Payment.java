package energy.flexledger.chaincode.market;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** One winner's payment (MK1 step 5): {@code floorDiv(min(delivered, awarded) * price, 1000)}. */
@DataType
public record Mk1Payment(@Property String offerId, @Property long paid) {}
