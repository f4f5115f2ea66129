package energy.flexledger.client.cli;

import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.replica.ReplicaStore;
import energy.flexledger.client.replica.Replicator;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code flexledger replica}: the analytics replica. Every block of the channel from the member's
 * peer into SQL tables, resuming at the database's checkpoint; one JSON line per block on standard
 * output.
 */
@Command(name = "replica", description = {
    "Copy every chaincode event of the channel into SQL tables for analysts",
    "(docs/replica.md): SQLite by default, PostgreSQL with",
    "--jdbc jdbc:postgresql://HOST:PORT/DATABASE.",
    "Blocks arrive in ledger order from the member's peer; each block's rows and",
    "the replica's checkpoint are committed together, so a restart (after a crash",
    "too) resumes at the first block the database does not have: no event is",
    "lost or written twice. Runs until stopped (SIGTERM, Ctrl-C: the block being",
    "written is finished first) or for --for seconds. One JSON line per block on",
    "standard output."})
final class ReplicaCommand extends Connected implements java.util.concurrent.Callable<Integer> {
    /** Where the JDBC password comes from: never the command line, which other users of the machine can read. */
    static final String PASSWORD_ENV = "FLEXLEDGER_JDBC_PASSWORD";

    @Option(names = "--jdbc", paramLabel = "URL",
            description = "the replica database: jdbc:sqlite:FILE or jdbc:postgresql://HOST:PORT/DATABASE (default: jdbc:sqlite:<data>/replica.db)")
    String jdbcUrl;

    @Option(names = "--jdbc-user", paramLabel = "USER",
            description = "database user for PostgreSQL (or ?user= in the URL); the password is read from $" + PASSWORD_ENV)
    String jdbcUser;

    @Option(names = "--for", paramLabel = "SECONDS", defaultValue = "0",
            description = "stop after this many seconds (default: run until stopped)")
    long runFor;

    /**
     * The lag of the blocks written live (numbered from the ledger's height when the replica
     * started): from the newest transaction's timestamp to the rows' SQL commit ({@code lagMs}) and
     * from the block's arrival to the rows' commit ({@code writeMicros}), as nearest-rank percentiles.
     */
    static final class LiveLag implements java.util.function.Consumer<Map<String, Object>> {
        private final long from;
        private final java.util.List<Long> lagMicros = new java.util.ArrayList<>();
        private final java.util.List<Long> writeMicros = new java.util.ArrayList<>();

        LiveLag(final long from) {
            this.from = from;
        }

        @Override
        public synchronized void accept(final Map<String, Object> line) {
            if ("block".equals(line.get("event")) && line.get("block") instanceof Long b && b >= from && Boolean.TRUE.equals(line.get("written"))) {
                if (line.get("lagMs") instanceof Long l) {
                    lagMicros.add(l * 1_000);
                }
                if (line.get("writeMicros") instanceof Long w) {
                    writeMicros.add(w);
                }
            }
        }

        synchronized Map<String, Object> summary() {
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("blocks", (long) lagMicros.size());
            out.put("lagMs", percentiles(lagMicros));
            out.put("writeMs", percentiles(writeMicros));
            return out;
        }

        private static String ms(final long micros) {
            return String.format(java.util.Locale.ROOT, "%.1f", micros / 1000.0);
        }

        private static Map<String, Object> percentiles(final java.util.List<Long> micros) {
            final long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
            final Map<String, Object> out = new LinkedHashMap<>();
            if (sorted.length == 0) {
                return out;
            }
            // milliseconds as text with one decimal: canonical JSON has no floating-point numbers
            out.put("p50", ms(energy.flexledger.client.Percentiles.nearestRank(sorted, 0.5)));
            out.put("p99", ms(energy.flexledger.client.Percentiles.nearestRank(sorted, 0.99)));
            out.put("max", ms(sorted[sorted.length - 1]));
            return out;
        }
    }

    @Override
    public Integer call() throws IOException, InterruptedException, energy.flexledger.client.LedgerException {
        if (runFor < 0) {
            throw new ParameterException(spec.commandLine(), "--for must be >= 0 seconds");
        }
        final String url = jdbcUrl != null ? jdbcUrl : ReplicaStore.sqliteUrl(root().dataDir().resolve("replica.db"));
        ReplicaStore.Engine.of(url); // BAD_REQUEST before anything is opened
        final Replicator[] running = new Replicator[1];
        final StopOnSignal signal = new StopOnSignal("flexledger-replica-stop", () -> {
            synchronized (running) {
                if (running[0] != null) {
                    running[0].stop();
                }
            }
        }, 30);
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "flexledger-replica-timer");
            t.setDaemon(true);
            return t;
        });
        try (ReplicaStore store = ReplicaStore.open(url, jdbcUser, System.getenv(PASSWORD_ENV));
                LedgerConnection ledger = connect()) {
            // Blocks from the ledger's height at the start on are "live": their lag is the replica's, not a catch-up's.
            final long live = ledger.blockHeight(root().channel);
            final LiveLag lag = new LiveLag(live);
            final Replicator replicator = new Replicator(ledger.network(root().channel), store, line -> {
                lag.accept(line);
                GatewayCommand.print(line);
            });
            synchronized (running) {
                running[0] = replicator;
            }
            final Map<String, Object> started = new LinkedHashMap<>();
            started.put("event", "started");
            started.put("channel", root().channel);
            started.put("engine", store.engine().name());
            started.put("jdbc", store.url());
            started.put("checkpoint", store.nextBlock(root().channel).orElse(0));
            GatewayCommand.print(started);
            if (runFor > 0) {
                timer.schedule(replicator::stop, runFor, TimeUnit.SECONDS);
            }
            final long next = replicator.run();
            final Map<String, Object> stopped = new LinkedHashMap<>();
            stopped.put("event", "stopped");
            stopped.put("channel", root().channel);
            stopped.put("checkpoint", next);
            stopped.put("events", store.count("events", root().channel));
            stopped.put("liveFrom", live);
            stopped.put("liveLag", lag.summary());
            GatewayCommand.print(stopped);
            return 0;
        } finally {
            timer.shutdownNow();
            signal.close();
        }
    }
}
