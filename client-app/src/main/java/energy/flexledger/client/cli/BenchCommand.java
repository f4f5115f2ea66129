package energy.flexledger.client.cli;

import energy.flexledger.client.EnergyLedger;
import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.MemberProfile;
import energy.flexledger.client.store.OutboxSubmitter;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.IntervalDigest;
import energy.flexledger.spec.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A load generator for interval certification through the Fabric Gateway: each of {@code --meters}
 * meters records {@code --intervals} transactions one after the other (a meter's chain is
 * sequential), all meters at once; each transaction carries {@code --batch} contiguous records
 * (RecordInterval for 1, RecordIntervals above). {@code --noop} submits the same number of
 * transactions that do nothing, the baseline cost of a transaction. Prints one JSON object with
 * throughput and latency percentiles. A measurement, not a test: it asserts nothing about speed.
 */
@Command(name = "bench", description = "Measure interval certification (or no-op) throughput and latency on the running network.")
final class BenchCommand extends Connected implements Callable<Integer> {
    @Option(names = "--interval-ms", defaultValue = "900000",
            description = "the bench meters' interval length in ms, a divisor of a day (default: ${DEFAULT-VALUE}, a quarter-hour)")
    long intervalMs;
    /** A meter's chain may start no earlier than its back-fill window (31 days) before its registration. */
    private static final long BACKFILL_MS = 30L * 86_400_000L;
    /** Tries per transaction when the failure is transient (no error code). */
    private static final int MAX_ATTEMPTS = 3;

    @Option(names = "--meters", defaultValue = "8", description = "meters submitting at once (default: ${DEFAULT-VALUE})")
    int meters;

    @Option(names = "--intervals", defaultValue = "25", description = "intervals per meter (default: ${DEFAULT-VALUE})")
    int intervals;

    @Option(names = "--samples", defaultValue = "15", description = "samples per interval (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--batch", defaultValue = "1", description = "records per transaction, 1..2000 (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--noop", description = "submit no-op transactions instead: the cost of a transaction itself")
    boolean noop;

    @Option(names = "--confirm", defaultValue = "status",
            description = "how a commit is confirmed: status (the Gateway's submit, one signed CommitStatus call per transaction, as the"
                    + " client app does) or events (submitAsync, then one filtered-block event stream for the whole run)"
                    + " (default: ${DEFAULT-VALUE})")
    String confirm;

    @Override
    public Integer call() throws Exception {
        if (!"status".equals(confirm) && !"events".equals(confirm)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--confirm is status or events");
        }
        final boolean byEvents = "events".equals(confirm);
        if (meters < 1 || intervals < 1 || samples < 0 || batch < 1 || batch > 2000) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--meters and --intervals must be at least 1, --batch 1..2000");
        }
        final String run = "BENCH-" + System.currentTimeMillis();
        // Benchmark intervals lie in the past (the ledger accepts closed intervals only) and inside
        // the meters' back-fill window.
        final long firstStart = Math.floorDiv(System.currentTimeMillis() - BACKFILL_MS, 86_400_000L) * 86_400_000L + 86_400_000L;
        final long perMeter = noop ? 0 : (long) intervals * batch;
        if (intervalMs < 60_000L || 86_400_000L % intervalMs != 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--interval-ms must divide a day and be at least 60000");
        }
        if (firstStart + perMeter * intervalMs > System.currentTimeMillis()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--intervals x --batch = " + perMeter
                    + " records per meter reach into the future: at most " + (BACKFILL_MS / intervalMs - 86_400_000L / intervalMs) + " per meter");
        }
        final byte[] salt = new byte[Fp1.SALT_BYTES];
        final long[] latencies = new long[meters * intervals];
        final java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong retries = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicReference<String> failureSample = new java.util.concurrent.atomic.AtomicReference<>();
        final long began;
        final long ended;
        try (LedgerConnection ledger = connect();
                BenchEvents events = byEvents ? new BenchEvents(MemberProfile.fromWork(root().work, root().org, root().who), root().channel,
                        "energy") : null) {
            final EnergyLedger energy = ledger.energy(root().channel);
            final ExecutorService pool = Executors.newFixedThreadPool(meters);
            try {
                // The meters are registered at once (before the clock starts).
                final List<Future<?>> registered = new ArrayList<>();
                for (int m = 0; m < meters && !noop; m++) {
                    final Map<String, Object> meter = new LinkedHashMap<>();
                    meter.put("assetId", run + "-" + m);
                    meter.put("type", "METER");
                    // zone-1, which network-config/consortium.json gives the DSO: the meters' data goes to the
                    // community's collection with the DSO and the aggregator (decision 0014), three orgs.
                    meter.put("zone", "zone-1");
                    meter.put("intervalMs", intervalMs);
                    meter.put("saltCommitment", Hex.encode(Fp1.saltCommitment(salt)));
                    registered.add(pool.submit(() -> energy.registerAsset(meter)));
                }
                for (final Future<?> f : registered) {
                    f.get();
                }
                final List<Future<Void>> done = new ArrayList<>();
                began = System.nanoTime();
                for (int m = 0; m < meters; m++) {
                    final int meter = m;
                    done.add(pool.submit(() -> {
                        final String id = run + "-" + meter;
                        for (int i = 0; i < intervals; i++) {
                            final List<Map<String, Object>> records = new ArrayList<>(batch);
                            for (int k = 0; k < batch && !noop; k++) {
                                records.add(EnergyLedger.record(id, digest(salt, id, firstStart + ((long) i * batch + k) * intervalMs)));
                            }
                            final long t = System.nanoTime();
                            // A transient failure (a conflict, a timeout) is retried and counted; it
                            // does not abort the run. A refusal with a code would answer the same again.
                            for (int attempt = 1; ; attempt++) {
                                try {
                                    if (byEvents) {
                                        events.submit(noop ? "Noop" : "RecordIntervals", noop ? Map.of()
                                                : Map.of("records", Json.write(new ArrayList<Object>(records)).getBytes(StandardCharsets.UTF_8)));
                                    } else if (noop) {
                                        energy.noop();
                                    } else {
                                        energy.recordIntervals(records); // one record: the single-record transaction
                                    }
                                    break;
                                } catch (LedgerException e) {
                                    // A meter's first record may reach a second endorser that has not committed
                                    // the meter's registration yet (all meters are registered at once): NOT_FOUND.
                                    final boolean lagging = OutboxSubmitter.mayBeLaggingPeer(e)
                                            || i == 0 && e.code().orElse(null) == ErrorCode.NOT_FOUND;
                                    if (e.code().isPresent() && !lagging || attempt == MAX_ATTEMPTS) {
                                        failures.incrementAndGet();
                                        failureSample.compareAndSet(null, e.getMessage());
                                        break;
                                    }
                                    retries.incrementAndGet();
                                    if (lagging) {
                                        // The second endorser has not committed our previous block yet.
                                        Thread.sleep(200L * attempt);
                                    }
                                }
                            }
                            latencies[meter * intervals + i] = System.nanoTime() - t;
                        }
                        return null;
                    }));
                }
                for (final Future<Void> f : done) {
                    f.get();
                }
                ended = System.nanoTime();
            } finally {
                pool.shutdownNow();
            }
        }
        Arrays.sort(latencies);
        final double seconds = (ended - began) / 1e9;
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("mode", noop ? "noop" : batch == 1 ? "single record" : "RecordIntervals");
        out.put("meters", (long) meters);
        out.put("confirm", confirm);
        out.put("recordsPerTransaction", noop ? 0L : (long) batch);
        out.put("records", noop ? 0L : (long) latencies.length * batch);
        out.put("recordsPerSecond", String.format(java.util.Locale.ROOT, "%.0f", noop ? 0 : latencies.length * (double) batch / seconds));
        out.put("intervalsPerMeter", (long) intervals);
        out.put("intervalMs", intervalMs);
        out.put("samplesPerInterval", (long) samples);
        out.put("transactions", (long) latencies.length);
        out.put("elapsedMs", (ended - began) / 1_000_000L);
        out.put("txPerSecond", String.format(java.util.Locale.ROOT, "%.1f", latencies.length / seconds));
        out.put("latencyP50Ms", percentile(latencies, 50));
        out.put("latencyP95Ms", percentile(latencies, 95));
        out.put("latencyMaxMs", latencies[latencies.length - 1] / 1_000_000L);
        out.put("retries", retries.get());
        out.put("failed", failures.get());
        if (failureSample.get() != null) {
            out.put("firstFailure", failureSample.get());
        }
        System.out.println(Json.write(out));
        return 0;
    }

    private IntervalDigest digest(final byte[] salt, final String meterId, final long start) {
        final Fp1.Accumulator acc = Fp1.interval(salt, meterId, start, start + intervalMs);
        final long step = intervalMs / Math.max(samples, 1);
        for (int k = 1; k <= samples; k++) {
            acc.add(start + k * step, 1_000_000L + k);
        }
        return acc.digest();
    }

    private static long percentile(final long[] sorted, final int p) {
        return energy.flexledger.client.Percentiles.nearestRank(sorted, p / 100.0) / 1_000_000L;
    }
}
