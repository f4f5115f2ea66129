package energy.flexledger.chaincode.consortium;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.chaincode.ContractCalls;
import energy.flexledger.chaincode.FakeLedger;
import energy.flexledger.spec.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapTest {
    @Test
    void printsTheGenesisBallotThatEveryFounderCastsAndTheContractApplies(@TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("consortium.json");
        // The aggregator comes first in the file, but can only represent an org already admitted.
        Files.writeString(file, "{\"members\":[{\"mspId\":\"OrgB\",\"roles\":[\"AGGREGATOR\"],\"represents\":[\"OrgA\"]},"
                + "{\"mspId\":\"OrgA\",\"roles\":[\"DSO\"],\"zones\":[\"z \\\"1\\\"\"]}]}");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            Bootstrap.main(new String[] {file.toString()});
        } finally {
            System.setOut(original);
        }
        final List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).isEqualTo("OrgB OrgA");
        final List<?> ctor = (List<?>) Json.parseObject(lines.get(0)).get("Args");
        assertThat(ctor.get(0)).isEqualTo("Genesis");
        final FakeLedger ledger = new FakeLedger();
        final ContractCalls calls = new ContractCalls(new ConsortiumContract());
        for (final String founder : lines.get(1).split(" ")) {
            calls.call("genesis", ledger.as(founder, "admin").context(), (String) ctor.get(1));
        }
        final Map<String, Object> consortium = Json.parseObject(calls.call("getConsortium", ledger.context()));
        assertThat((List<?>) consortium.get("members")).hasSize(2);
        assertThat(((Map<?, ?>) ((List<?>) consortium.get("members")).get(0)).get("zones")).isEqualTo(List.of("z \"1\""));
    }
}
