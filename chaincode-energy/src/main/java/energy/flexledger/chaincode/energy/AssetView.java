package energy.flexledger.chaincode.energy;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * An asset as {@code GetAsset} answers it: the asset, plus, when it certifies intervals,
 * {@code dataReaders} (the orgs that may read them) and its chain head ({@code intervals},
 * {@code lastEnd}, {@code headLink}) when the caller is one of them.
 */
@DataType
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AssetView(
        @Property String assetId,
        @Property String type,
        @Property String ownerMsp,
        @Property String zone,
        @Property @JsonInclude(JsonInclude.Include.ALWAYS) String deviceId,
        @Property @JsonInclude(JsonInclude.Include.ALWAYS) String gatewayId,
        @Property String quantity,
        @Property Long intervalMs,
        @Property String saltCommitment,
        @Property Long maxAbsValue,
        @Property Long earliestStart,
        @Property String dataDso,
        @Property String dataCollection,
        @Property String status,
        @Property Long registeredAt,
        @Property String registeredTx,
        @Property Long updatedAt,
        @Property String updatedTx,
        @Property Long intervals,
        @Property Long lastEnd,
        @Property String headLink,
        @Property String[] dataReaders) {

    static AssetView of(final Asset a, final ChainHead head, final String[] dataReaders) {
        return new AssetView(a.assetId(), a.type(), a.ownerMsp(), a.zone(), a.deviceId(), a.gatewayId(), a.quantity(), a.intervalMs(),
                a.saltCommitment(), a.maxAbsValue(), a.earliestStart(), a.dataDso(), a.dataCollection(), a.status(), a.registeredAt(),
                a.registeredTx(), a.updatedAt(), a.updatedTx(), head == null ? null : head.intervals(), head == null ? null : head.lastEnd(),
                head == null ? null : head.headLink(), dataReaders == null ? null : dataReaders.clone());
    }

    @Override
    public String[] dataReaders() {
        return dataReaders == null ? null : dataReaders.clone();
    }
}
