package energy.flexledger.chaincode.market;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** A request as MK1 sees it (docs/spec/MK1.md). */
@DataType
public record Mk1Request(@Property String id, @Property long quantityWh, @Property long maxPrice, @Property long deadline,
        @Property(schema = {"enum", "SINGLE,MERIT"}) String mode) {}
