package energy.flexledger.chaincode.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hyperledger.fabric.contract.RouterMetadata.at;

import energy.flexledger.spec.Json;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hyperledger.fabric.contract.RouterMetadata;
import org.junit.jupiter.api.Test;

/**
 * What the market chaincode answers to {@code org.hyperledger.fabric:GetMetadata}, built by Fabric's
 * own router and builder as at the chaincode server's start: both contracts load, and every token
 * transaction names its real types.
 */
class MetadataTest {
    @Test
    @SuppressWarnings("unchecked")
    void theTokenContractDescribesItsTransactionsAndTypes() {
        final Map<String, Object> metadata = Json.parseObject(RouterMetadata.build());
        assertThat(at(metadata, "contracts")).containsKeys("market", "token");
        final Map<String, Object> schemas = at(metadata, "components", "schemas");
        assertThat(schemas).containsKeys("TokenInfo", "Balance", "Supply", "Audit", "Transfer", "Allowance");
        assertThat(at(schemas, "Audit", "properties", "supply")).containsEntry("type", "integer").containsEntry("format", "int64");
        final Map<String, Map<String, Object>> byName = new TreeMap<>();
        for (final Object tx : (List<?>) at(metadata, "contracts", "token").get("transactions")) {
            byName.put((String) ((Map<?, ?>) tx).get("name"), (Map<String, Object>) tx);
        }
        assertThat(byName).containsKeys("Initialize", "TokenInfo", "TotalSupply", "BalanceOf", "MyAccount", "Transfer", "Approve", "Allowance",
                "TransferFrom", "Mint", "Burn", "Compact", "Audit");
        assertThat(at(byName.get("Transfer"), "returns")).containsEntry("$ref", "#/components/schemas/Transfer");
        assertThat(at(byName.get("Audit"), "returns")).containsEntry("$ref", "#/components/schemas/Audit");
    }
}
