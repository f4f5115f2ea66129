package energy.flexledger.chaincode.energy;

import com.fasterxml.jackson.annotation.JsonRootName;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * The argument of {@code RegisterAsset}. {@code saltCommitment} is required for a METER and makes
 * the asset certify intervals; {@code quantity}, {@code intervalMs}, {@code maxAbsValue} and one of
 * {@code backfillMs} or {@code earliestStart} describe those intervals and need it. The gateway
 * identity defaults to the caller.
 */
@DataType
@JsonRootName("asset")
public record AssetSpec(
        @Property String assetId,
        @Property(schema = {"enum", "METER,EMS,BMS,CHARGING_STATION,EV"}) String type,
        @Property String zone,
        @Property String deviceId,
        @Property String gatewayId,
        @Property String quantity,
        @Property Long intervalMs,
        @Property(schema = {"pattern", "^[0-9a-f]{64}$"}) String saltCommitment,
        @Property Long maxAbsValue,
        @Property Long backfillMs,
        @Property Long earliestStart) {

    /** A METER with the defaults, as {@code RegisterMeter} asks for it. */
    static AssetSpec meter(final String meterId, final String zone, final String saltCommitment) {
        return new AssetSpec(meterId, AssetType.METER.name(), zone, null, null, null, null, saltCommitment, null, null, null);
    }
}
