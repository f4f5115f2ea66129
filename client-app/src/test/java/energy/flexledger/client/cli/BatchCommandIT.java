package energy.flexledger.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.spec.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private static Map<String, Object> run(final String... args) {
        final PrintStream stdout = System.out;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        final int code;
        try {
            code = FlexLedgerCli.run(args);
        } finally {
            System.setOut(stdout);
        }
        assertThat(code).as("flexledger %s exit code; output %s", String.join(" ", args), out).isZero();
        return Json.parseObject(out.toString(StandardCharsets.UTF_8).trim());
    }

    @Test
    void anAuditorChecksAProofAgainstTheLedgersRoot(@TempDir final Path dir) throws Exception {
        final String batch = "IT-CLI-BATCH-" + System.nanoTime();
        final Path items = dir.resolve("items.json");
        Files.writeString(items, "[{\"meter\":\"M1\",\"kWh\":3},{\"meter\":\"M2\",\"kWh\":4},{\"meter\":\"M3\",\"kWh\":5}]");
        assertThat(run("--org", "community", "batch", "certify", "--batch", batch, "--topic", "community/cli", "--from", "0", "--to", "1",
                "--items", items.toString())).containsEntry("count", 3L);
        final Map<String, Object> proof = run("batch", "prove", "--items", items.toString(), "--index", "1");
        final Path proofFile = dir.resolve("proof.json");
        Files.writeString(proofFile, Json.write(proof));
        final Path item = dir.resolve("item.json");
        Files.writeString(item, "{\"meter\":\"M2\",\"kWh\":4}");

        // The aggregator's peer may commit the batch a moment after the community's: ask until it has it.
        Map<String, Object> checked = null;
        for (int attempt = 0; attempt < 600 && checked == null; attempt++) {
            try {
                checked = run("--org", "aggregator", "batch", "check", "--batch", batch, "--proof", proofFile.toString(), "--item",
                        item.toString());
            } catch (AssertionError notYet) {
                Thread.sleep(100);
            }
        }
        assertThat(checked).isNotNull().containsEntry("valid", true).containsEntry("rootFrom", "ledger").containsEntry("count", 3L)
                .containsEntry("root", proof.get("root"));
        assertThat(run("--org", "aggregator", "batch", "verify", "--batch", batch, "--items", items.toString(), "--index", "1"))
                .containsEntry("valid", true);
        Files.writeString(item, "{\"meter\":\"M2\",\"kWh\":40}");
        assertThat(run("--org", "aggregator", "batch", "check", "--batch", batch, "--proof", proofFile.toString(), "--item",
                item.toString())).containsEntry("valid", false).containsEntry("itemMatchesLeaf", false);
    }
}
