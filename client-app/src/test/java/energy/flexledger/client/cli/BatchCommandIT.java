package energy.flexledger.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.MemberProfile;
import energy.flexledger.client.PeerHeights;
import energy.flexledger.spec.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flexledger batch} against the real network: the community certifies a batch, proves an
 * item offline, and the aggregator, an auditor, checks that proof itself against the root and
 * count the ledger holds, and has the ledger check it too.
 */
@Tag("integration")
class BatchCommandIT {

    @Test
    void anAuditorChecksAProofAgainstTheLedgersRoot(@TempDir final Path dir) throws Exception {
        final String batch = "IT-CLI-BATCH-" + System.nanoTime();
        final Path items = dir.resolve("items.json");
        Files.writeString(items, "[{\"meter\":\"M1\",\"kWh\":3},{\"meter\":\"M2\",\"kWh\":4},{\"meter\":\"M3\",\"kWh\":5}]");
        assertThat(InProcessCli.ok("--org", "community", "batch", "certify", "--batch", batch, "--topic", "community/cli", "--from", "0", "--to", "1",
                "--items", items.toString())).containsEntry("count", 3L);
        final Map<String, Object> proof = InProcessCli.ok("batch", "prove", "--items", items.toString(), "--index", "1");
        final Path proofFile = dir.resolve("proof.json");
        Files.writeString(proofFile, Json.write(proof));
        final Path item = dir.resolve("item.json");
        Files.writeString(item, "{\"meter\":\"M2\",\"kWh\":4}");

        // The aggregator reads through its own peer, which commits the batch a moment after the community's.
        final String env = System.getenv("FLEXLEDGER_WORK");
        final Path work = env != null ? Path.of(env) : InProcessCli.ROOT.resolve("work/network");
        try (LedgerConnection community = LedgerConnection.open(MemberProfile.fromWork(work, "community", "user"));
                LedgerConnection aggregator = LedgerConnection.open(MemberProfile.fromWork(work, "aggregator", "user"))) {
            PeerHeights.awaitSame("grid", List.of(community, aggregator), PeerHeights.DEFAULT_WAIT);
        }
        final Map<String, Object> checked = InProcessCli.ok("--org", "aggregator", "batch", "check", "--batch", batch, "--proof",
                proofFile.toString(), "--item", item.toString());
        assertThat(checked).isNotNull().containsEntry("valid", true).containsEntry("rootFrom", "ledger").containsEntry("count", 3L)
                .containsEntry("root", proof.get("root"));
        assertThat(InProcessCli.ok("--org", "aggregator", "batch", "verify", "--batch", batch, "--items", items.toString(), "--index", "1"))
                .containsEntry("valid", true);
        Files.writeString(item, "{\"meter\":\"M2\",\"kWh\":40}");
        assertThat(InProcessCli.ok("--org", "aggregator", "batch", "check", "--batch", batch, "--proof", proofFile.toString(), "--item",
                item.toString())).containsEntry("valid", false).containsEntry("itemMatchesLeaf", false);
    }
}
