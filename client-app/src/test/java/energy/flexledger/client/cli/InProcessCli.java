package energy.flexledger.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.spec.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code flexledger} command line run in the test's JVM against the network in
 * {@code FLEXLEDGER_WORK}, its standard output captured. Not for concurrent use: it swaps
 * {@code System.out}.
 */
final class InProcessCli {
    static final Path ROOT = Path.of(System.getProperty("flexledger.root", "..")).toAbsolutePath().normalize();

    private InProcessCli() {
    }

    /** The exit code and standard output of one command. */
    record Run(int code, String out) {
    }

    static Run run(final String... args) {
        final PrintStream stdout = System.out;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            return new Run(FlexLedgerCli.run(args), out.toString(StandardCharsets.UTF_8).trim());
        } finally {
            System.setOut(stdout);
        }
    }

    /** Runs the command, asserts exit code 0 and returns its JSON output. */
    static Map<String, Object> ok(final String... args) {
        final Run r = run(args);
        assertThat(r.code()).as("flexledger %s exit code; output %s", String.join(" ", args), r.out()).isZero();
        return Json.parseObject(r.out());
    }

    /** The community's member store in the network's work folder. */
    static Path communityStore() {
        final String env = System.getenv("FLEXLEDGER_WORK");
        final Path work = env != null ? Path.of(env) : ROOT.resolve("work/network");
        return work.resolve("members/community/member.db");
    }
}
