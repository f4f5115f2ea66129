package energy.flexledger.chaincode.energy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * An asset of the registry ({@code asset/<assetId>}, world state): a meter, EMS, BMS, charging
 * station or EV, owned by the org that registered it and bound to the identities that write for it.
 * The fields that describe certified intervals ({@code quantity} ... {@code earliestStart}) are
 * present exactly when the asset has a {@code saltCommitment}; {@code deviceId} and
 * {@code gatewayId} are always written, null when unbound. A metering asset also records its
 * custody (decision 0014): {@code dataCollection}, the private data collection that holds its chain
 * head and interval records, and {@code dataDso}, the DSO that operated its zone when it was
 * registered (absent when none other than the owner did); both are fixed at registration.
 */
@DataType
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Asset(
        @Property String assetId,
        @Property(schema = {"enum", "METER,EMS,BMS,CHARGING_STATION,EV"}) String type,
        @Property String ownerMsp,
        @Property String zone,
        @Property @JsonInclude(JsonInclude.Include.ALWAYS) String deviceId,
        @Property @JsonInclude(JsonInclude.Include.ALWAYS) String gatewayId,
        @Property String quantity,
        @Property Long intervalMs,
        @Property(schema = {"pattern", "^[0-9a-f]{64}$"}) String saltCommitment,
        @Property Long maxAbsValue,
        @Property Long earliestStart,
        @Property String dataDso,
        @Property String dataCollection,
        @Property(schema = {"enum", "ACTIVE,INACTIVE"}) String status,
        @Property Long registeredAt,
        @Property String registeredTx,
        @Property Long updatedAt,
        @Property String updatedTx) {

    /** Whether the asset certifies intervals (it has a salt commitment, so a chain head and FP1 records). */
    public boolean metering() {
        return saltCommitment != null;
    }

    /**
     * Whether {@code proposed}, a registration not yet stored, asks for what this stored asset is:
     * the same registration sent again (a retry after a lost answer) is a no-op. The earliest start
     * counts only when the registration declared it; otherwise it was derived from the first
     * registration's time.
     */
    boolean sameRegistrationAs(final Asset proposed, final boolean earliestStartDeclared) {
        return assetId.equals(proposed.assetId) && type.equals(proposed.type) && ownerMsp.equals(proposed.ownerMsp)
                && zone.equals(proposed.zone) && Objects.equals(deviceId, proposed.deviceId) && Objects.equals(gatewayId, proposed.gatewayId)
                && Objects.equals(quantity, proposed.quantity) && Objects.equals(intervalMs, proposed.intervalMs)
                && Objects.equals(saltCommitment, proposed.saltCommitment) && Objects.equals(maxAbsValue, proposed.maxAbsValue)
                && (!earliestStartDeclared || Objects.equals(earliestStart, proposed.earliestStart));
    }

    /**
     * The asset as registered at {@code at}; a metering asset with its custody, the DSO
     * ({@code dsoMsp}, null for none) whose peers keep its data with the owner's, fixed from now on.
     */
    Asset withRegistration(final long earliest, final String dsoMsp, final long at, final String txId) {
        return new Asset(assetId, type, ownerMsp, zone, deviceId, gatewayId, quantity, intervalMs, saltCommitment, maxAbsValue,
                metering() ? Long.valueOf(earliest) : null, metering() ? dsoMsp : null,
                metering() ? Privacy.collectionOf(ownerMsp, dsoMsp) : null, Registry.ACTIVE, at, txId, at, txId);
    }

    Asset withZone(final String value) {
        return new Asset(assetId, type, ownerMsp, value, deviceId, gatewayId, quantity, intervalMs, saltCommitment, maxAbsValue,
                earliestStart, dataDso, dataCollection, status, registeredAt, registeredTx, updatedAt, updatedTx);
    }

    Asset withDevice(final String value) {
        return new Asset(assetId, type, ownerMsp, zone, value, gatewayId, quantity, intervalMs, saltCommitment, maxAbsValue,
                earliestStart, dataDso, dataCollection, status, registeredAt, registeredTx, updatedAt, updatedTx);
    }

    Asset withGateway(final String value) {
        return new Asset(assetId, type, ownerMsp, zone, deviceId, value, quantity, intervalMs, saltCommitment, maxAbsValue,
                earliestStart, dataDso, dataCollection, status, registeredAt, registeredTx, updatedAt, updatedTx);
    }

    Asset withStatus(final String value) {
        return new Asset(assetId, type, ownerMsp, zone, deviceId, gatewayId, quantity, intervalMs, saltCommitment, maxAbsValue,
                earliestStart, dataDso, dataCollection, value, registeredAt, registeredTx, updatedAt, updatedTx);
    }

    Asset updated(final long at, final String txId) {
        return new Asset(assetId, type, ownerMsp, zone, deviceId, gatewayId, quantity, intervalMs, saltCommitment, maxAbsValue,
                earliestStart, dataDso, dataCollection, status, registeredAt, registeredTx, at, txId);
    }
}
