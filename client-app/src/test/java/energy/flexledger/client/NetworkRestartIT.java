package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.IntervalDigest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The network scripts against the real network: {@code up} while up changes nothing, {@code status}
 * fails while down, and a full {@code down}/{@code up} cycle loses nothing that was committed.
 */
@Tag("integration")
class NetworkRestartIT {
    private static final Path ROOT = Path.of(System.getProperty("flexledger.root", "..")).toAbsolutePath().normalize();
    private static final Path WORK = System.getenv("FLEXLEDGER_WORK") != null ? Path.of(System.getenv("FLEXLEDGER_WORK"))
            : ROOT.resolve("work/network");

    private record Result(int exitCode, String output) {}

    private static Result network(final String... args) throws IOException, InterruptedException {
        final String[] command = new String[args.length + 1];
        command[0] = ROOT.resolve("scripts/network.sh").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        final ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().put("FLEXLEDGER_WORK", WORK.toString());
        final Process p = pb.start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("network.sh %s finished", String.join(" ", args)).isTrue();
        return new Result(p.exitValue(), out);
    }

    @Test
    void upWhileUpChangesNothingAndARestartLosesNothingCommitted() throws Exception {
        final String meter = "IT-RESTART-" + System.nanoTime();
        final byte[] salt = new byte[32];
        final long start = Math.floorDiv(System.currentTimeMillis(), 86_400_000L) * 86_400_000L - 2 * 86_400_000L;
        final IntervalDigest d = Fp1.interval(salt, meter, start, start + 900_000L).add(start + 1, 123).digest();
        final Map<String, Object> recorded;
        try (LedgerConnection community = LedgerConnection.open(MemberProfile.fromWork(WORK, "community", "user"))) {
            community.energy("grid").registerMeter(meter, "zone-1", Hex.encode(Fp1.saltCommitment(salt)));
            recorded = community.energy("grid").recordInterval(meter, d);
        }
        try (PeersInSync peers = new PeersInSync(WORK)) {
            peers.await("grid");
        }

        try {
            restartKeepsEverything(meter, start, recorded);
        } finally {
            // Whatever failed, leave a running network to the tests that follow.
            if (network("status").exitCode() != 0) {
                network("up");
            }
        }
    }

    @Test
    void afterAPeerAndAChaincodeAreKilledUpRestartsJustThoseAndNothingAcknowledgedIsLost() throws Exception {
        final String meter = "IT-CRASH-" + System.nanoTime();
        final byte[] salt = new byte[32];
        final long start = Math.floorDiv(System.currentTimeMillis(), 86_400_000L) * 86_400_000L - 2 * 86_400_000L;
        final Map<String, Object> recorded;
        try (LedgerConnection community = LedgerConnection.open(MemberProfile.fromWork(WORK, "community", "user"))) {
            community.energy("grid").registerMeter(meter, "zone-1", Hex.encode(Fp1.saltCommitment(salt)));
            recorded = community.energy("grid").recordInterval(meter,
                    Fp1.interval(salt, meter, start, start + 900_000L).add(start + 1, 7).digest());
        }
        try {
            for (final String name : new String[] {"peer0.community", "cc-energy-community"}) {
                final long pid = Long.parseLong(java.nio.file.Files.readString(WORK.resolve("pids/" + name + ".pid")).trim().split(" ")[0]);
                final ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError(name + " is not running"));
                process.destroyForcibly();
                process.onExit().get(30, TimeUnit.SECONDS);
            }
            assertThat(network("status").exitCode()).isNotZero();

            final Result up = network("up");
            assertThat(up.exitCode()).as(up.output()).isZero();
            assertThat(up.output()).contains("starting what is missing").contains("starting peer0.community")
                    .contains("starting chaincode 'energy'").doesNotContain("starting orderer0").doesNotContain("starting peer0.dso");
            assertThat(network("status").exitCode()).isZero();

            try (LedgerConnection community = LedgerConnection.open(MemberProfile.fromWork(WORK, "community", "user"))) {
                final EnergyLedger energy = community.energy("grid");
                assertThat(energy.getInterval(meter, start)).isEqualTo(recorded);
                final long next = start + 900_000L;
                assertThat(energy.recordInterval(meter, Fp1.interval(salt, meter, next, next + 900_000L).digest()))
                        .containsEntry("previousLink", recorded.get("link"));
            }
        } finally {
            if (network("status").exitCode() != 0) {
                network("up");
            }
        }
    }

    private static void restartKeepsEverything(final String meter, final long start, final Map<String, Object> recorded)
            throws Exception {
        final Result again = network("up");
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output()).contains("already up").doesNotContain("starting");

        final Result down = network("down");
        assertThat(down.exitCode()).as(down.output()).isZero();
        assertThat(down.output()).contains("stopped orderer0").contains("stopped peer0.community").contains("stopped cc-energy");
        final Result statusWhileDown = network("status");
        assertThat(statusWhileDown.exitCode()).as(statusWhileDown.output()).isNotZero();
        assertThat(statusWhileDown.output()).contains("DOWN  orderer0");

        final Result up = network("up");
        assertThat(up.exitCode()).as(up.output()).isZero();
        // The second start reuses crypto, channels and deployments: nothing is created or installed again.
        assertThat(up.output()).doesNotContain("generating crypto").doesNotContain("joins channel").doesNotContain("installing");
        final Result status = network("status");
        assertThat(status.exitCode()).as(status.output()).isZero();

        // Another reader of the community's private interval data, through its own restarted peer
        // (once every peer has caught up with the others).
        try (PeersInSync peers = new PeersInSync(WORK)) {
            peers.await("grid");
        }
        try (LedgerConnection dso = LedgerConnection.open(MemberProfile.fromWork(WORK, "dso", "user"))) {
            assertThat(dso.energy("grid").getInterval(meter, start)).isEqualTo(recorded);
            assertThat(dso.energy("grid").getMeter(meter)).containsEntry("intervals", 1L).containsEntry("lastEnd", start + 900_000L);
        }
        // A member outside the data: the channel's hash of the record survived the restart too.
        try (LedgerConnection cpo = LedgerConnection.open(MemberProfile.fromWork(WORK, "cpo", "user"))) {
            assertThat(cpo.energy("grid").getIntervalHash(meter, start)).containsEntry("segmentHash",
                    EnergyLedger.segmentHash(meter, start, java.util.List.of(recorded)));
        }
    }
}
