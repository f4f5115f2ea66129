package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A stale {@code postmaster.pid} left by an interrupted run: the throwaway cluster must not signal
 * the PID it names (now nobody, or an unrelated process) and must still start. Needs PostgreSQL's
 * server binaries (skipped without them).
 */
class ThrowawayPostgresTest {
    private static Path binaries() {
        try {
            return ThrowawayPostgres.binaries();
        } catch (IOException e) {
            assumeTrue(false, e.getMessage());
            return null;
        }
    }

    /** A folder under target/ (PostgreSQL's OS user must reach it when the build runs as root), with a stale PID file. */
    private static Path staleFolder(final String name, final long pid) throws IOException {
        final Path folder = Path.of("target", name).toAbsolutePath();
        Files.createDirectories(folder.resolve("data"));
        Files.writeString(folder.resolve("data/PG_VERSION"), "15\n", StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("data/postmaster.pid"), pid + "\n" + folder.resolve("data") + "\n", StandardCharsets.UTF_8);
        return folder;
    }

    private static List<String> asUser() {
        return "root".equals(System.getProperty("user.name"))
                ? List.of("runuser", "-u", System.getenv().getOrDefault("FLEXLEDGER_PG_OS_USER", "postgres"), "--") : List.of();
    }

    @Test
    void aPidFileNamingAnEndedProcessIsToleratedAsNotRunning() throws Exception {
        final Path bin = binaries();
        final Process ended = new ProcessBuilder("true").start();
        assertThat(ended.waitFor(30, TimeUnit.SECONDS)).isTrue();
        final Path folder = staleFolder("stale-pg-ended", ended.pid());
        assertThat(ThrowawayPostgres.stopLeftover(folder, bin, asUser())).isFalse();
    }

    @Test
    void aPidFileNamingAnUnrelatedProcessNeitherSignalsItNorStopsTheStart() throws Exception {
        binaries();
        final Process unrelated = new ProcessBuilder("sleep", "120").start();
        try {
            final Path folder = staleFolder("stale-pg-unrelated", unrelated.pid());
            try (ThrowawayPostgres pg = ThrowawayPostgres.start(folder)) {
                assertThat(pg.pid()).isPositive().isNotEqualTo(unrelated.pid());
            }
            assertThat(unrelated.isAlive()).as("the process the stale PID file names").isTrue();
        } finally {
            unrelated.destroyForcibly();
            unrelated.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
