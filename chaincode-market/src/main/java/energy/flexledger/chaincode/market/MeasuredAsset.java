package energy.flexledger.chaincode.market;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** One asset's delivery as chaincode-dr measured it, and whether it counts for the offer (and why not). */
@DataType
public record MeasuredAsset(@Property String assetId, @Property String ownerMsp, @Property String zone, @Property long deliveredWh,
        @Property boolean counted, @Property String note, @Property String baselineInputHash) {}
