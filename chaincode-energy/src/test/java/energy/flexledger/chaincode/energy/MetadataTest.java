package energy.flexledger.chaincode.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hyperledger.fabric.contract.RouterMetadata.at;

import energy.flexledger.spec.Json;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.contract.RouterMetadata;
import org.junit.jupiter.api.Test;

/** What {@code org.hyperledger.fabric:GetMetadata} answers: the real types of arguments and results. */
class MetadataTest {
    @Test
    @SuppressWarnings("unchecked")
    void everyTransactionNamesItsTypesAndEveryTypeItsMembers() {
        final Map<String, Object> metadata = Json.parseObject(RouterMetadata.build());
        final Map<String, Object> schemas = at(metadata, "components", "schemas");
        assertThat(schemas).containsKeys("Asset", "AssetView", "AssetSpec", "AssetChanges", "AssetPage", "ChainHead", "IntervalRecord",
                "IntervalInput", "IntervalPage", "IntervalsRecorded", "Segment", "SegmentHash", "Batch", "BatchSpec", "BatchPage", "Inclusion",
                "Subscription", "SubscriptionPage", "SubscriptionTerms", "SubscriptionDecision", "SubscriptionRevocation", "Identity",
                "Nothing");
        // Members with their JSON types; lists as arrays of their element type.
        assertThat(at(schemas, "IntervalRecord", "properties", "sum")).containsEntry("type", "integer").containsEntry("format", "int64");
        assertThat(at(schemas, "IntervalRecord", "properties", "link")).containsEntry("pattern", "^[0-9a-f]{64}$");
        assertThat(at(schemas, "IntervalPage", "properties", "records")).containsEntry("type", "array");
        assertThat(at(schemas, "IntervalPage", "properties", "records", "items")).containsEntry("$ref", "#/components/schemas/IntervalRecord");
        assertThat(at(schemas, "IntervalPage", "properties", "head")).containsEntry("$ref", "#/components/schemas/ChainHead");
        assertThat(at(schemas, "Asset", "properties", "status").get("enum")).isEqualTo(List.of("ACTIVE", "INACTIVE"));
        assertThat(at(schemas, "AssetChanges", "properties")).containsOnlyKeys("zone", "deviceId", "gatewayId", "status");

        final Map<String, Object> energy = at(metadata, "contracts", "energy");
        final Map<String, Map<String, Object>> byName = new java.util.TreeMap<>();
        for (final Object tx : (List<?>) energy.get("transactions")) {
            byName.put((String) ((Map<?, ?>) tx).get("name"), (Map<String, Object>) tx);
        }
        assertThat(at(byName.get("GetIntervals"), "returns")).containsEntry("$ref", "#/components/schemas/IntervalPage");
        assertThat(at(byName.get("RecordIntervals"), "returns")).containsEntry("$ref", "#/components/schemas/IntervalsRecorded");
        final Map<?, ?> assetParameter = (Map<?, ?>) ((List<?>) byName.get("RegisterAsset").get("parameters")).get(0);
        assertThat(at(assetParameter, "schema")).containsEntry("$ref", "#/components/schemas/AssetSpec");
        // No transaction still speaks in untyped strings of JSON.
        for (final Map.Entry<String, Map<String, Object>> tx : byName.entrySet()) {
            assertThat(at(tx.getValue(), "returns")).as(tx.getKey()).containsKey("$ref");
        }
    }
}
