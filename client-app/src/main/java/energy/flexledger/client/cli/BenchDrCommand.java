package energy.flexledger.client.cli;

import energy.flexledger.client.Backdated;
import energy.flexledger.client.EnergyLedger;
import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.MemberProfile;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Json;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
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
 * Demand response at scale (issue 11), on the {@code dso}, {@code community} and {@code aggregator} orgs' profiles.
 * With {@code --baseline}: one community meter with {@code --lookback} + 1 days of certified quarter-hours and a
 * program looking back that far; {@code PreviewBaseline} (one energy call, then BL1) for a weekday target timed
 * {@code --repeat} times. Otherwise: {@code --participants} community meters with a short certified history, enrolled,
 * an event on the last closed quarter-hour and one commitment per meter (both backdated before the window, as DrIT
 * does), the window certified, then {@code SettleMany} in batches of 100, timed. A measurement, not a test.
 */
@Command(name = "bench-dr", description = "Measure BL1 over a long lookback (--baseline) or the settlement of an event with many participants.")
final class BenchDrCommand extends Connected implements Callable<Integer> {
    static final String CHANNEL = "grid";
    static final long QUARTER = 900_000L;
    static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    private static final byte[] SALT = Hex.decode("1f1e1d1c1b1a19181716151413121110000102030405060708090a0b0c0d0e0f");

    @Option(names = "--baseline", description = "measure PreviewBaseline for one meter over --lookback days instead of a settlement")
    boolean baseline;

    @Option(names = "--lookback", description = "BL1 lookback days (default: 45 with --baseline, else 10)")
    Integer lookback;

    @Option(names = "--repeat", defaultValue = "10", description = "PreviewBaseline calls with --baseline (default: ${DEFAULT-VALUE})")
    int repeat;

    @Option(names = "--participants", defaultValue = "100", description = "meters committed to the event (default: ${DEFAULT-VALUE})")
    int participants;

    @Option(names = "--threads", defaultValue = "8", description = "transactions in flight at once (default: ${DEFAULT-VALUE})")
    int threads;

    /** The lookback: the option, or 45 days for a baseline and 10 for a settlement. */
    static int lookback(final boolean baseline, final Integer option) {
        return option != null ? option : baseline ? 45 : 10;
    }

    /** The most recent weekday before {@code today} (a BL1 target whose lookback is all in the past). */
    static LocalDate lastWeekdayBefore(final LocalDate today) {
        LocalDate d = today.minusDays(1);
        while (d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY) {
            d = d.minusDays(1);
        }
        return d;
    }

    /** Median and maximum of {@code values} (sorted in place). */
    static long[] medianAndMax(final long[] values) {
        Arrays.sort(values);
        return new long[] {values[values.length / 2], values[values.length - 1]};
    }

    @Override
    public Integer call() throws Exception {
        if (participants < 1 || threads < 1 || repeat < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--participants, --threads and --repeat must be at least 1");
        }
        final int days = lookback(baseline, lookback);
        try (LedgerConnection dso = open("dso", "user");
                LedgerConnection dsoAdmin = open("dso", "admin");
                LedgerConnection communityAdmin = open("community", "admin");
                LedgerConnection community = open("community", "user");
                LedgerConnection aggregator = open("aggregator", "user")) {
            final Bench b = new Bench(dso, dsoAdmin, communityAdmin, community, aggregator, List.of(aggregator), days);
            final ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                final Map<String, Object> out = baseline ? b.baseline(pool, repeat) : b.settlement(pool, participants);
                System.out.println(Json.write(out));
            } finally {
                pool.shutdownNow();
            }
        }
        return 0;
    }

    private LedgerConnection open(final String org, final String who) throws java.io.IOException {
        return LedgerConnection.open(MemberProfile.fromWork(root().work, org, who));
    }

    private static final class Bench {
        final LedgerConnection dso;
        final LedgerConnection dsoAdmin;
        final LedgerConnection communityAdmin;
        final LedgerConnection community;
        final LedgerConnection aggregator;
        final List<LedgerConnection> committers;
        final int days;
        final String tag = Long.toString(System.currentTimeMillis(), 36);
        final long now = System.currentTimeMillis();
        final LocalDate today = Instant.ofEpochMilli(now).atZone(ZONE).toLocalDate();
        final long windowEnd = now - Math.floorMod(now, QUARTER);
        final long windowStart = windowEnd - QUARTER;
        final long historyFrom;

        Bench(final LedgerConnection dso, final LedgerConnection dsoAdmin, final LedgerConnection communityAdmin, final LedgerConnection community,
                final LedgerConnection aggregator, final List<LedgerConnection> committers, final int days) {
            this.committers = committers;
            this.dso = dso;
            this.dsoAdmin = dsoAdmin;
            this.communityAdmin = communityAdmin;
            this.community = community;
            this.aggregator = aggregator;
            this.days = days;
            this.historyFrom = today.minusDays(days + 1L).atStartOfDay(ZONE).toInstant().toEpochMilli();
        }

        String program(final long x, final long y) throws LedgerException {
            final Map<String, Object> terms = new LinkedHashMap<>();
            terms.put("method", "BL1");
            terms.put("slotMinutes", 15L);
            terms.put("timezone", "Europe/Berlin");
            terms.put("weekday", Map.of("x", x, "y", y));
            terms.put("weekend", Map.of("x", 2L, "y", 3L));
            terms.put("lookbackDays", (long) days);
            terms.put("holidays", List.of());
            final Map<String, Object> program = new LinkedHashMap<>();
            final String id = "BENCH-DR-" + tag;
            program.put("id", id);
            program.put("rewardRate", 100L);
            program.put("penaltyRate", 50L);
            program.put("capBps", 12_000L);
            program.put("thresholdBps", 8000L);
            program.put("baseline", terms);
            dso.dr(CHANNEL).createProgram(program);
            return id;
        }

        void register(final String meterId) throws LedgerException {
            final Map<String, Object> meter = new LinkedHashMap<>();
            meter.put("assetId", meterId);
            meter.put("type", "METER");
            meter.put("zone", "zone-1");
            meter.put("gatewayId", community.energy(CHANNEL).whoAmI().get("id"));
            meter.put("saltCommitment", Hex.encode(Fp1.saltCommitment(SALT)));
            meter.put("earliestStart", historyFrom);
            communityAdmin.energy(CHANNEL).registerAsset(meter);
        }

        /** About 2 kW plus a watt per day of history and a little per meter; 1 kW in the event window. */
        long load(final int meter, final long t) {
            if (t >= windowStart && t < windowEnd) {
                return 1_000_000L;
            }
            return 2_000_000L + (t - historyFrom) / 86_400_000L * 1000 + meter * 10L;
        }

        /** Certifies [from, to) of one meter in batches of 500; returns the transactions. */
        int certify(final int meter, final String meterId, final long from, final long to) throws LedgerException {
            final List<Map<String, Object>> batch = new ArrayList<>();
            int txs = 0;
            for (long t = from; t < to; t += QUARTER) {
                batch.add(EnergyLedger.record(meterId, Fp1.interval(SALT, meterId, t, t + QUARTER).add(t + 60_000, load(meter, t)).digest()));
                if (batch.size() == 500 || t + QUARTER >= to) {
                    // The previous batch committed on the gateway's peer; the other endorser may not have it yet (NOT_CONTIGUOUS,
                    // or the two endorsers' results differ; nothing ordered): the same batch again, a little later.
                    for (int attempt = 1;; attempt++) {
                        try {
                            community.energy(CHANNEL).recordIntervals(batch);
                            break;
                        } catch (LedgerException e) {
                            if (attempt >= 10 || e.getMessage() == null || !(e.getMessage().contains("NOT_CONTIGUOUS") || e.getMessage().contains("do not match"))) {
                                throw e;
                            }
                            sleep(300L * attempt);
                        }
                    }
                    batch.clear();
                    txs++;
                }
            }
            return txs;
        }

        Map<String, Object> baseline(final ExecutorService pool, final int repeat) throws Exception {
            final String meterId = "BL-" + tag;
            final String program = program(5, 10);
            register(meterId);
            energy.flexledger.client.PeerHeights.awaitSame(CHANNEL, List.of(dso, community, aggregator), energy.flexledger.client.PeerHeights.DEFAULT_WAIT);   // every peer has committed the meter before its data are endorsed
            final long c0 = System.nanoTime();
            final long dayStart = today.atStartOfDay(ZONE).toInstant().toEpochMilli();
            final int txs = certify(0, meterId, historyFrom, dayStart);
            final double certifySeconds = (System.nanoTime() - c0) / 1e9;
            energy.flexledger.client.PeerHeights.awaitSame(CHANNEL, List.of(dso, community, aggregator), energy.flexledger.client.PeerHeights.DEFAULT_WAIT);   // every peer has committed the history (not timed)
            final LocalDate target = lastWeekdayBefore(today);
            final long[] ms = new long[repeat];
            Map<String, Object> last = null;
            for (int i = 0; i < repeat; i++) {
                final long t = System.nanoTime();
                last = dso.dr(CHANNEL).baseline(meterId, target.toString(), program);
                ms[i] = (System.nanoTime() - t) / 1_000_000L;
            }
            final long[] mm = medianAndMax(ms.clone());
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("meter", meterId);
            out.put("program", program);
            out.put("lookbackDays", (long) days);
            out.put("records", (dayStart - historyFrom) / QUARTER);
            out.put("certifyTxs", (long) txs);
            out.put("certifySeconds", String.format(java.util.Locale.ROOT, "%.1f", certifySeconds));
            out.put("target", target.toString());
            out.put("previewMs", Arrays.stream(ms).boxed().toList());
            out.put("previewMedianMs", mm[0]);
            out.put("previewMaxMs", mm[1]);
            out.put("baselineKeys", last == null ? List.of() : new ArrayList<>(last.keySet()));
            return out;
        }

        Map<String, Object> settlement(final ExecutorService pool, final int n) throws Exception {
            final String program = program(3, 5);
            final List<String> meters = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                meters.add(String.format("SM-%s-%04d", tag, i));
            }
            final long p0 = System.nanoTime();
            // Phase by phase: a transaction endorsed right after the one it depends on may reach a peer that has not committed it yet.
            all(pool, n, i -> register(meters.get(i)));
            all(pool, n, i -> communityAdmin.dr(CHANNEL).enrol(program, meters.get(i)));
            all(pool, n, i -> dso.dr(CHANNEL).acceptEnrolment(program, meters.get(i)));
            final double enrolSeconds = (System.nanoTime() - p0) / 1e9;
            System.err.printf("%d meters registered and enrolled in %.1f s%n", n, enrolSeconds);
            final long c0 = System.nanoTime();
            final java.util.concurrent.atomic.AtomicLong historyTxs = new java.util.concurrent.atomic.AtomicLong();
            all(pool, n, i -> historyTxs.addAndGet(certify(i, meters.get(i), historyFrom, windowStart)));
            final double historySeconds = (System.nanoTime() - c0) / 1e9;
            System.err.printf("history certified: %d records in %d transactions, %.1f s%n", n * ((windowStart - historyFrom) / QUARTER), historyTxs.get(),
                    historySeconds);

            final String dsoAccount = (String) dso.token(CHANNEL).myAccount().get("account");
            // Collateral comes from the committing identity's own account. Commitments to one event conflict with each other
            // (PHANTOM_READ_CONFLICT even from distinct identities and accounts, measured): one stream, one after the other.
            final List<String> aggAccounts = new ArrayList<>();
            for (final LedgerConnection c : committers) {
                aggAccounts.add((String) c.token(CHANNEL).myAccount().get("account"));
            }
            try {
                dsoAdmin.token(CHANNEL).info();
            } catch (LedgerException e) {
                dsoAdmin.token(CHANNEL).initialize("FlexLedger Reward", "FLEX", 3);
            }
            final long budget = 30L * n;
            dsoAdmin.token(CHANNEL).mint(dsoAccount, budget);
            for (final String account : aggAccounts) {
                dsoAdmin.token(CHANNEL).mint(account, 10L * n);
            }
            final String eventId = "BENCH-E-" + tag;
            final Instant before = Instant.ofEpochMilli(windowStart - 5 * 60_000L);
            final Map<String, Object> event = new LinkedHashMap<>();
            event.put("id", eventId);
            event.put("programId", program);
            event.put("windowStart", windowStart);
            event.put("windowEnd", windowEnd);
            event.put("assets", meters);
            event.put("budget", budget);
            event.put("payer", dsoAccount);
            Backdated.submit(dso, before, CHANNEL, "dr", "CreateEvent", Json.write(event));
            energy.flexledger.client.PeerHeights.awaitSame(CHANNEL, List.of(dso, community, aggregator), energy.flexledger.client.PeerHeights.DEFAULT_WAIT);   // every peer has committed the event before the commitments are endorsed (not timed)
            final long k0 = System.nanoTime();
            // One identity account pays every collateral: debits of one account conflict, so MVCC conflicts are submitted again.
            final int streams = committers.size();
            all(pool, streams, k -> {
                for (int i = k; i < n; i += streams) {
                    final int m = i;
                    retrying(() -> Backdated.submit(committers.get(k), before.plusSeconds(30 + m / 10), CHANNEL, "dr", "Commit", eventId,
                            meters.get(m), "800000", aggAccounts.get(k)));
                }
            });
            final double commitSeconds = (System.nanoTime() - k0) / 1e9;
            System.err.printf("event %s and %d commitments in %.1f s%n", eventId, n, commitSeconds);
            final long w0 = System.nanoTime();
            all(pool, n, i -> certify(i, meters.get(i), windowStart, windowEnd));
            final double windowSeconds = (System.nanoTime() - w0) / 1e9;

            energy.flexledger.client.PeerHeights.awaitSame(CHANNEL, List.of(dso, community, aggregator), energy.flexledger.client.PeerHeights.DEFAULT_WAIT);   // every peer has committed the window's data (not timed)
            final List<Long> batchMs = new ArrayList<>();
            final long s0 = System.nanoTime();
            long settled = 0;
            for (int from = 0; from < n; from += 100) {
                final List<String> batch = meters.subList(from, Math.min(n, from + 100));
                final long t = System.nanoTime();
                final Map<String, Object> r = dso.dr(CHANNEL).settleMany(eventId, batch);
                batchMs.add((System.nanoTime() - t) / 1_000_000L);
                settled += batch.size();
                if (from == 0) {
                    System.err.println("first SettleMany result keys: " + r.keySet());
                }
            }
            final double settleSeconds = (System.nanoTime() - s0) / 1e9;
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("event", eventId);
            out.put("program", program);
            out.put("participants", (long) n);
            out.put("lookbackDays", (long) days);
            out.put("historyRecords", n * ((windowStart - historyFrom) / QUARTER));
            out.put("historyTxs", historyTxs.get());
            out.put("enrolSeconds", fmt(enrolSeconds));
            out.put("historyCertifySeconds", fmt(historySeconds));
            out.put("commitSeconds", fmt(commitSeconds));
            out.put("windowCertifySeconds", fmt(windowSeconds));
            out.put("settleManyTxs", (long) batchMs.size());
            out.put("settleManyMs", batchMs);
            out.put("settleSeconds", fmt(settleSeconds));
            out.put("settledPerSecond", fmt(settled / settleSeconds));
            out.put("settleTxPerSecond", fmt(batchMs.size() / settleSeconds));
            out.put("audit", dso.token(CHANNEL).audit());
            return out;
        }
    }

    static void sleep(final long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String fmt(final double v) {
        return String.format(java.util.Locale.ROOT, "%.2f", v);
    }

    @FunctionalInterface
    interface Step {
        void run(int i) throws Exception;
    }

    @FunctionalInterface
    interface Call {
        Object run() throws Exception;
    }

    /** Runs {@code step} for 0..n-1 on {@code pool}; the first failure fails the whole. */
    static void all(final ExecutorService pool, final int n, final Step step) throws Exception {
        final List<Future<?>> work = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final int k = i;
            work.add(pool.submit(() -> {
                // A nested chaincode call that the peer reports as not answered ("Task map missing entry" in the called
                // chaincode's shim, seen under load) fails the endorsement; nothing was ordered, so the step is run again.
                for (int attempt = 1;; attempt++) {
                    try {
                        step.run(k);
                        return null;
                    } catch (LedgerException e) {
                        if (attempt >= 3 || e.getMessage() == null || !e.getMessage().contains("did not answer")) {
                            throw e;
                        }
                        System.err.println("step " + k + " run again: " + e.getMessage());
                    }
                }
            }));
        }
        for (final Future<?> f : work) {
            f.get();
        }
    }

    /** {@code call}, submitted again (up to 20 times after a conflict, 8 after a failed endorsement) when it was not committed for a read conflict (MVCC or phantom) or not endorsed. */
    static Object retrying(final Call call) throws Exception {
        for (int attempt = 1;; attempt++) {
            try {
                return call.run();
            } catch (IllegalStateException e) {
                if (attempt >= 20 || e.getMessage() == null || !e.getMessage().contains("CONFLICT")) {
                    throw e;
                }
                Thread.sleep(50L * attempt);
            } catch (org.hyperledger.fabric.client.EndorseException e) {
                // Not endorsed (nothing ordered): under load a nested call to the consortium chaincode sometimes goes unanswered.
                if (attempt >= 8) {
                    throw e;
                }
                System.err.println("endorsement failed, submitted again: " + e.getMessage());
                Thread.sleep(200L * attempt);
            }
        }
    }
}
