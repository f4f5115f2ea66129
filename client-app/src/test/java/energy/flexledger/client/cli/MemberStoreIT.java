package energy.flexledger.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.client.store.MemberStore;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.IntervalDigest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The member's ingestion path on the real network: raw samples into the member store, closed
 * intervals through the outbox into chaincode-energy, the audit of the stored samples against the
 * ledger, a tampered sample found; and a {@code flexledger ingest} process killed with SIGKILL in
 * the middle of its input leaves a store whose fingerprints agree with its samples, and goes on.
 */
@Tag("integration")
class MemberStoreIT {
    private static final Path ROOT = InProcessCli.ROOT;
    private static final long Q = 900_000L;

    private static InProcessCli.Run run(final String... args) {
        return InProcessCli.run(args);
    }

    private static Map<String, Object> ok(final String... args) {
        return InProcessCli.ok(args);
    }

    private static Path storeFile() {
        return InProcessCli.communityStore();
    }

    private static Path samplesFile(final Path dir, final String name, final long from, final long step, final int n) throws Exception {
        final StringBuilder text = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            text.append('[').append(from + i * step).append(',').append(1_000_000 + (i % 97) * 1_000).append("]\n");
        }
        final Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void samplesGoThroughTheOutboxToTheLedgerAndTheAuditFindsATamperedOne(@TempDir final Path dir) throws Exception {
        final String meter = "IT-STORE-" + System.nanoTime();
        ok("--org", "community", "meter", "register", "--meter", meter, "--zone", "zone-1");
        final long t0 = Math.floorDiv(System.currentTimeMillis(), Q) * Q - 10 * Q;
        // One sample a minute for three quarter-hours, then one in the fifth: four closed, one empty.
        final Path input = samplesFile(dir, "s.ndjson", t0, 60_000L, 45);
        Files.writeString(input, "[" + (t0 + 4 * Q + 1) + ",5]\n", java.nio.file.StandardOpenOption.APPEND);
        final Map<String, Object> ingested = ok("--org", "community", "ingest", "--meter", meter, "--input", input.toString());
        assertThat(ingested).containsEntry("accepted", 46L).containsEntry("closed", 4L).containsEntry("openStart", t0 + 4 * Q);

        final Map<String, Object> sent = ok("--org", "community", "outbox", "submit", "--batch", "3");
        assertThat(sent).containsEntry("committed", 4L).containsEntry("transactions", 2L);
        final Map<String, Object> meterOnLedger = ok("--org", "community", "meter", "show", "--meter", meter);
        assertThat(meterOnLedger).containsEntry("intervals", 4L).containsEntry("lastEnd", t0 + 4 * Q);
        final Map<String, Object> audit = ok("--org", "community", "audit", "--meter", meter);
        assertThat(audit).containsEntry("ok", true);
        assertThat((String) audit.get("samplesFrom")).contains("member.db");

        // Someone changes one stored reading: the audit names the interval and how it differs.
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + storeFile());
                PreparedStatement ps = db.prepareStatement("UPDATE sample SET v = v + 1 WHERE meter_id = ? AND t = ?")) {
            ps.setString(1, meter);
            ps.setLong(2, t0 + Q + 60_000L);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        final InProcessCli.Run tampered = run("--org", "community", "audit", "--meter", meter);
        assertThat(tampered.code()).isEqualTo(1);
        assertThat(tampered.out()).contains("\"ok\":false").contains(Long.toString(t0 + Q)).contains("fingerprint");
    }

    @Test
    void anIngestKilledMidwayLeavesAConsistentStoreThatGoesOn(@TempDir final Path dir) throws Exception {
        final String meter = "IT-CRASH-STORE-" + System.nanoTime();
        ok("--org", "community", "meter", "register", "--meter", meter, "--zone", "zone-1");
        final long t0 = Math.floorDiv(System.currentTimeMillis(), Q) * Q - 200 * Q;
        // 1 Hz for about 42 hours: 150,000 samples, 150 transactions of the store.
        final Path input = samplesFile(dir, "big.ndjson", t0, 1_000L, 150_000);
        // The first ingest starts the meter's chain from the ledger: do it before the crash run.
        final Path first = samplesFile(dir, "first.ndjson", t0 - 1_000L, 1_000L, 1);
        ok("--org", "community", "ingest", "--meter", meter, "--input", first.toString());

        // Halted right after its 20th chunk (of 1,000 samples) is committed: a deterministic kill point.
        final ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("scripts/flexledger").toString(), "--org", "community", "ingest", "--meter",
                meter, "--input", input.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("ingest.log").toFile());
        pb.environment().put("JDK_JAVA_OPTIONS", "-Dflexledger.test.haltAfterChunks=20");
        final Process p = pb.start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("halted at the kill point; log: %s", Files.readString(dir.resolve("ingest.log"))).isEqualTo(137);
        // The first sample, and exactly the 20 chunks committed before the halt: nothing half-written.
        assertThat(storedSamples(meter)).isEqualTo(1 + 20 * IngestCommand.CHUNK);

        final long last;
        try (MemberStore store = MemberStore.open(storeFile())) {
            final byte[] salt = new energy.flexledger.client.SaltStore(storeFile().getParent().resolve("salts")).read(meter);
            // Every closed record and the open interval's state agree with the samples stored for them.
            for (final MemberStore.OutboxRow r : store.outbox(meter)) {
                assertThat(r.digest()).as("record %d", r.digest().start()).isEqualTo(recompute(store, salt, meter, r.digest().start(),
                        r.digest().end()));
            }
            final MemberStore.Tracked open = store.tracked(meter).orElseThrow();
            assertThat(open.resume().digest()).isEqualTo(recompute(store, salt, meter, open.openStart(), open.openStart() + open.intervalMs()));
            last = store.samples(meter, Long.MIN_VALUE, Long.MAX_VALUE).stream().mapToLong(s -> s[0]).max().orElseThrow();
        }
        // It goes on after the last acknowledged sample, and everything closed reaches the ledger.
        final Path rest = samplesFile(dir, "rest.ndjson", last, 1_000L, 5_000);
        assertThat(ok("--org", "community", "ingest", "--meter", meter, "--input", rest.toString())).containsEntry("accepted", 5_000L);
        final Map<String, Object> sent = ok("--org", "community", "outbox", "submit", "--batch", "500");
        assertThat((Long) sent.get("committed")).isPositive();
        assertThat(ok("--org", "community", "audit", "--meter", meter)).containsEntry("ok", true);
    }

    private static IntervalDigest recompute(final MemberStore store, final byte[] salt, final String meter, final long start, final long end)
            throws Exception {
        final Fp1.Accumulator acc = Fp1.interval(salt, meter, start, end);
        for (final long[] s : store.samples(meter, start, end)) {
            acc.add(s[0], s[1]);
        }
        return acc.digest();
    }

    private static long storedSamples(final String meter) throws Exception {
        if (!Files.exists(storeFile())) {
            return 0;
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + storeFile());
                PreparedStatement ps = db.prepareStatement("SELECT count(*) FROM sample WHERE meter_id = ?")) {
            ps.setString(1, meter);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (java.sql.SQLException busy) {
            return 0;
        }
    }
}
