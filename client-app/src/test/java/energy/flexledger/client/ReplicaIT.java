package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.client.replica.BlockDecoder;
import energy.flexledger.client.replica.ReplicaBlock;
import energy.flexledger.client.replica.ReplicaStore;
import energy.flexledger.spec.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.client.CloseableIterator;
import org.hyperledger.fabric.protos.common.Block;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The analytics replica on the real network, as a member runs it: {@code flexledger replica} in its
 * own JVM, killed with SIGKILL in the middle of the live stream while tokens are being minted, the
 * mints going on while it is down, started again, more tokens minted while it runs, then stopped
 * with SIGTERM. Its rows must equal the
 * ledger's events exactly once: every event of every valid transaction of the blocks it covers (an
 * uninterrupted read of the same blocks from the peer), in ledger order, no row twice, and each
 * mint this test submitted once with its amount. Against SQLite and a throwaway PostgreSQL
 * cluster of its own (Debian's packages).
 */
@Tag("integration")
class ReplicaIT {
    private static final String CHANNEL = "grid";
    private static Path work;
    private static String issuerOrg;
    private static LedgerConnection issuer;
    private static ThrowawayPostgres postgres;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void setUp() throws Exception {
        work = EnergyRoleMatrix.work();
        final Map<String, String> orgs = EnergyRoleMatrix.orgsByMsp(work);
        try (LedgerConnection any = LedgerConnection.open(MemberProfile.fromWork(work, orgs.values().iterator().next(), "admin"))) {
            for (final Map<String, Object> m : (List<Map<String, Object>>) any.consortium(CHANNEL).consortium().get("members")) {
                if (((List<Object>) m.get("roles")).contains("ISSUER") && issuerOrg == null) {
                    issuerOrg = orgs.get((String) m.get("mspId"));
                }
            }
        }
        assertThat(issuerOrg).as("a member holding ISSUER in the consortium").isNotNull();
        issuer = LedgerConnection.open(MemberProfile.fromWork(work, issuerOrg, "admin"));
        try {
            issuer.token(CHANNEL).info();
        } catch (LedgerException e) {
            issuer.token(CHANNEL).initialize("FlexLedger Reward", "FLEX", 3);
        }
        phase("setup", "starting PostgreSQL");
        postgres = ThrowawayPostgres.start(work.resolve("replica-postgres"));
        phase("setup", "PostgreSQL up, PID " + postgres.pid());
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (issuer != null) {
            issuer.close();
        }
        if (postgres != null) {
            final long pid = postgres.pid();
            postgres.close();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("the throwaway PostgreSQL (PID %d) is stopped", pid)
                    .isNotEqualTo(java.util.Optional.of(true));
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES) // a guard against a hung process, not a measure
    void sqliteReplicaKilledMidStreamAndRestartedHoldsEveryEventOnce() throws Exception {
        final Path file = work.resolve("replica-it").resolve("replica-" + System.nanoTime() + ".db");
        killAndResume(ReplicaStore.sqliteUrl(file), "sqlite");
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void postgresqlReplicaKilledMidStreamAndRestartedHoldsEveryEventOnce() throws Exception {
        killAndResume(postgres.jdbcUrl(), "postgresql");
    }

    private static void phase(final String label, final String what) {
        System.out.println(java.time.Instant.now() + " ReplicaIT " + label + ": " + what);
    }

    private void killAndResume(final String url, final String label) throws Exception {
        final String account = "org:replica-it-" + label + "-" + Long.toString(System.nanoTime(), 36);
        final Map<String, Long> minted = new LinkedHashMap<>();
        phase(label, "minting");
        mint(account, minted, 1, 1);
        final long before = issuer.blockHeight(CHANNEL);

        // First run: catches up on the channel's history, then is killed (SIGKILL) on the first block it writes
        // live, while mints keep coming: the kill lands wherever the process is, blocks keep being cut.
        Replica first = null;
        Replica second = null;
        try {
            phase(label, "replica 1");
            first = Replica.start(url, label + "-1");
            first.awaitLine(l -> "block".equals(l.get("event")) && (Long) l.get("block") >= before - 1);
            final java.util.concurrent.ExecutorService minter = java.util.concurrent.Executors.newSingleThreadExecutor();
            final java.util.concurrent.Future<?> minting = minter.submit(() -> {
                mint(account, minted, 2, 4);
                return null;
            });
            final Map<String, Object> written = first.awaitLine(l -> "block".equals(l.get("event")) && (Long) l.get("block") >= before);
            first.process.toHandle().destroyForcibly(); // SIGKILL (Process.destroy* would also close our end of its output)
            assertThat(first.process.waitFor(1, TimeUnit.MINUTES)).isTrue();
            final long killedAfter = (Long) written.get("block");
            minting.get(2, TimeUnit.MINUTES); // the mints go on while no replica runs
            minter.shutdown();
            phase(label, "killed after block " + killedAfter);
            final long heightWhileDown = issuer.blockHeight(CHANNEL);
            try (ReplicaStore store = ReplicaStore.open(url, null, null)) {
                final long checkpoint = store.nextBlock(CHANNEL).orElse(0);
                phase(label, "checkpoint after the kill: " + checkpoint + " of " + heightWhileDown + " blocks");
                assertThat(checkpoint).as("the killed replica had written block %d and stopped before the end", killedAfter)
                        .isGreaterThan(killedAfter).isLessThan(heightWhileDown);
            }

            // Second run: resumes at the checkpoint, catches up, takes new blocks live, stops on SIGTERM.
            phase(label, "replica 2");
            second = Replica.start(url, label + "-2");
            final Map<String, Object> startedAt = second.awaitLine(l -> "started".equals(l.get("event")));
            second.awaitLine(l -> "block".equals(l.get("event")) && (Long) l.get("block") >= heightWhileDown - 1);
            mint(account, minted, 6, 1); // while it runs
            final long height = issuer.blockHeight(CHANNEL);
            second.awaitLine(l -> "block".equals(l.get("event")) && (Long) l.get("block") >= height - 1);
            second.process.toHandle().destroy(); // SIGTERM: graceful
            final Map<String, Object> stopped = second.awaitLine(l -> "stopped".equals(l.get("event")));
            assertThat(second.process.waitFor(1, TimeUnit.MINUTES)).isTrue();
            assertThat(second.process.exitValue()).as("exit code after SIGTERM; stderr: %s", second.stderr()).isIn(0, 143);
            final long checkpoint = (Long) stopped.get("checkpoint");
            assertThat(checkpoint).isGreaterThanOrEqualTo(height);
            assertThat((Long) startedAt.get("checkpoint")).isGreaterThan(killedAfter);

            phase(label, "stopped at checkpoint " + checkpoint);
            final List<String> ledger = ledgerEvents(checkpoint);
            try (ReplicaStore store = ReplicaStore.open(url, null, null)) {
                assertThat(store.nextBlock(CHANNEL)).hasValue(checkpoint);
                assertThat(rows(store, "SELECT block_number, tx_index, action_index, tx_id, chaincode, event_name, payload FROM events"
                        + " WHERE channel = 'grid' ORDER BY block_number, tx_index, action_index")).as("the replica's events against the ledger's")
                        .containsExactlyElementsOf(ledger);
                assertThat(rows(store, "SELECT block_number FROM blocks WHERE channel = 'grid' ORDER BY block_number"))
                        .as("every block once").hasSize((int) checkpoint).doesNotHaveDuplicates();
                assertThat(rows(store, "SELECT tx_id FROM events WHERE channel = 'grid' GROUP BY tx_id HAVING COUNT(*) > 1")).isEmpty();
                // The blocks form Fabric's hash chain: each one's previous_hash is the header hash the replica computed for the one before.
                assertThat(rows(store, "SELECT COUNT(*) FROM blocks b JOIN blocks p ON p.channel = b.channel AND p.block_number = b.block_number - 1"
                        + " WHERE b.channel = 'grid' AND b.previous_hash = p.header_hash")).containsExactly(Long.toString(checkpoint - 1));
                final Map<String, Long> replicated = new HashMap<>();
                for (final String row : rows(store, "SELECT tx_id, amount FROM token_transfers WHERE to_account = '" + account + "'")) {
                    final String[] f = row.split("\\|");
                    assertThat(replicated.put(f[0], Long.parseLong(f[1]))).as("transaction %s once", f[0]).isNull();
                }
                assertThat(replicated).as("every mint of this test once, with its amount").isEqualTo(minted);
            }
        } finally { // a failed assertion must not leave a replica JVM behind
            Replica.stop(first);
            Replica.stop(second);
        }
    }

    private static void mint(final String account, final Map<String, Long> minted, final long firstAmount, final int n) throws LedgerException {
        for (long a = firstAmount; a < firstAmount + n; a++) {
            final Map<String, Object> t = issuer.token(CHANNEL).mint(account, a);
            synchronized (minted) {
                minted.put((String) t.get("txId"), a);
            }
        }
    }

    /** The events of blocks [0, end) as one uninterrupted read from the peer yields them, one line per event. */
    private static List<String> ledgerEvents(final long end) {
        final List<String> out = new ArrayList<>();
        try (CloseableIterator<Block> blocks = issuer.network(CHANNEL).newBlockEventsRequest().startBlock(0).build().getEvents()) {
            while (blocks.hasNext()) {
                final ReplicaBlock b = BlockDecoder.decode(CHANNEL, blocks.next());
                for (final ReplicaBlock.Event e : b.events()) {
                    out.add(e.blockNumber() + "|" + e.txIndex() + "|" + e.actionIndex() + "|" + e.txId() + "|" + e.chaincode() + "|" + e.name()
                            + "|" + e.json());
                }
                if (b.number() >= end - 1) {
                    break;
                }
            }
        }
        return out;
    }

    private static List<String> rows(final ReplicaStore store, final String sql) throws SQLException {
        final List<String> out = new ArrayList<>();
        try (Statement s = store.connection().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            final int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                final StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
        store.connection().commit();
        return out;
    }

    /**
     * {@code flexledger replica} in a JVM of its own (the shaded jar the build just made), its JSON
     * lines read as they come by a thread of their own, so that a replica that goes silent fails the
     * test instead of blocking it. It runs {@code --for 240} seconds at most, so one that a crashed
     * test run forgot still ends.
     */
    private static final class Replica {
        private static final String EOF = "\u0000end of output"; // no JSON line holds a raw NUL
        private static final long LINE_TIMEOUT_S = 120;
        final Process process;
        final java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        final Path err;

        private Replica(final Process process, final Path err) {
            this.process = process;
            this.err = err;
            final Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException closed) {
                    // the process is gone; EOF below says so
                } finally {
                    lines.add(EOF);
                }
            }, "replica-it-output-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        static Replica start(final String url, final String name) throws IOException {
            final Path root = Path.of(System.getProperty("flexledger.root", "..")).toAbsolutePath().normalize();
            final Path jar = root.resolve("client-app/target/flexledger.jar");
            assertThat(jar).as("the CLI's jar (mvn package)").exists();
            final Path err = work.resolve("replica-it").resolve(name + ".stderr");
            Files.createDirectories(err.getParent());
            final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            final Process p = new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString(), "--work", work.toString(), "--org", issuerOrg,
                    "replica", "--jdbc", url, "--for", "240").redirectError(err.toFile()).start();
            return new Replica(p, err);
        }

        /** Kills {@code r}'s JVM (if any, and if still running) and waits for it to end. */
        static void stop(final Replica r) throws InterruptedException {
            if (r == null) {
                return;
            }
            r.process.toHandle().destroyForcibly();
            if (!r.process.waitFor(1, TimeUnit.MINUTES)) {
                System.err.println("ReplicaIT: replica PID " + r.process.pid() + " did not end within a minute of SIGKILL");
            }
        }

        /** The first line from now on that matches; fails when none comes within two minutes of the last. */
        Map<String, Object> awaitLine(final java.util.function.Predicate<Map<String, Object>> match) throws InterruptedException {
            while (true) {
                final String line = lines.poll(LINE_TIMEOUT_S, TimeUnit.SECONDS);
                if (line == null) {
                    throw new AssertionError("flexledger replica (PID " + process.pid() + ") wrote no line for " + LINE_TIMEOUT_S
                            + " s before the expected one; stderr:\n" + stderr());
                }
                if (EOF.equals(line)) {
                    lines.add(EOF); // every later wait sees the end too
                    throw new AssertionError("flexledger replica ended (exit " + (process.isAlive() ? "?" : process.exitValue())
                            + ") before the expected line; stderr:\n" + stderr());
                }
                final Map<String, Object> json = Json.parseObject(line);
                if (match.test(json)) {
                    return json;
                }
            }
        }

        String stderr() {
            try {
                return Files.readString(err, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        }
    }
}
