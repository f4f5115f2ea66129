package energy.flexledger.chaincode.dr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hyperledger.fabric.contract.RouterMetadata.at;

import energy.flexledger.spec.Json;
import java.util.Map;
import org.hyperledger.fabric.contract.RouterMetadata;
import org.junit.jupiter.api.Test;

/** What chaincode-dr answers to GetMetadata, built by Fabric's own router at start: its records, nested arrays included, load. */
class MetadataTest {
    @Test
    void theDrContractDescribesItsTypes() {
        final Map<String, Object> metadata = Json.parseObject(RouterMetadata.build());
        assertThat(at(metadata, "contracts")).containsKey("dr");
        final Map<String, Object> schemas = at(metadata, "components", "schemas");
        assertThat(schemas).containsKeys("Program", "DrEvent", "Commitment", "Settlement", "Bl1Input", "Bl1Output", "St1Input", "Delivery");
        assertThat(at(schemas, "Bl1Input", "properties", "readings")).containsEntry("type", "array");
    }
}
