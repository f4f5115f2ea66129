package energy.flexledger.chaincode.dr;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * What one asset delivered in a window, as other chaincodes are told it (chaincode-market's payments):
 * the figures and whose asset it is, without the certified averages they come from (those stay with
 * the asset's readers); or, when it cannot be measured, the stable {@code error} code and why.
 */
@DataType
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record AssetDelivery(@Property String assetId, @Property String ownerMsp, @Property String zone, @Property long deliveredMilliWh,
        @Property long deliveredWh, @Property String baselineInputHash, @Property String error, @Property String message) {}
