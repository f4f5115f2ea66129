package energy.flexledger.client.cli;

import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.MemberProfile;
import energy.flexledger.client.TokenLedger;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One flexibility request with {@code --offers} sealed, submitted and revealed offers, cleared by MK1 inside one
 * endorsement (issue 10: 1,000 and 10,000 offers, target ≤ 1 s each). The DSO's admin creates a DR program for the
 * request's baseline, mints the escrow to its org account and posts the request; every CPO and aggregator identity
 * offers (seeded pseudo-random, 100..1,000 Wh, 50..150 per kWh, one asset each), on {@code --threads}; after the
 * deadline every offer is revealed, and {@code ClearRequest}'s endorsement is timed apart from its ordering and commit.
 * The stored clearing is recomputed here with MK1 and compared. A measurement, not a test.
 */
@Command(name = "bench-market", description = "Measure the endorsement of an MK1 clearing with many revealed offers (one request on grid).")
final class BenchMarketCommand extends Connected implements Callable<Integer> {
    static final String CHANNEL = "grid";

    @Option(names = "--offers", defaultValue = "1000", description = "offers on the request (default: ${DEFAULT-VALUE})")
    int offers;

    @Option(names = "--threads", defaultValue = "24", description = "transactions in flight at once (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--deadline-seconds", description = "seconds from the posting to the deadline (default: 30 + offers / 10)")
    Long deadlineSeconds;

    @Option(names = "--identities", split = ",", description = "profiles that offer, e.g. cpo-user,aggregator-admin (default: the user, admin and device "
            + "profiles of every member holding CPO or AGGREGATOR)")
    List<String> identities;

    /** Seconds to the deadline: the option, or 30 s plus 100 ms per offer (two transactions each). */
    static long deadlineSeconds(final int offers, final Long option) {
        return option != null ? option : 30 + offers / 10;
    }

    /** Seconds from the deadline to revealBy: 30 s plus 125 ms per offer. */
    static long revealSeconds(final int offers) {
        return 30 + offers / 8;
    }

    /** The first quarter-hour at or after {@code epochMillis}. */
    static long quarterAtOrAfter(final long epochMillis) {
        return Math.floorDiv(epochMillis + 899_999L, 900_000L) * 900_000L;
    }

    @Override
    public Integer call() throws Exception {
        if (offers < 1 || threads < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--offers and --threads must be at least 1");
        }
        final List<LedgerConnection> open = new ArrayList<>();
        final List<LedgerConnection> providers = new ArrayList<>();
        LedgerConnection dso = null;
        String zone = null;
        try {
            try (Stream<Path> files = Files.list(root().work.resolve("clients"))) {
                for (final Path f : files.filter(p -> p.getFileName().toString().endsWith(".properties")).sorted().toList()) {
                    final MemberProfile profile = MemberProfile.load(f);
                    if (!profile.channels().contains(CHANNEL)) {
                        continue;
                    }
                    final String name = f.getFileName().toString().replace(".properties", "");
                    final LedgerConnection c = LedgerConnection.open(profile);
                    open.add(c);
                    final Map<String, Object> member = c.consortium(CHANNEL).member(profile.mspId());
                    final List<?> roles = (List<?>) member.get("roles");
                    final List<?> zones = (List<?>) member.get("zones");
                    if (dso == null && name.endsWith("-admin") && roles.contains("DSO") && roles.contains("ISSUER") && zones != null
                            && !zones.isEmpty()) {
                        dso = c;
                        zone = (String) zones.get(0);
                    }
                    if ((roles.contains("CPO") || roles.contains("AGGREGATOR")) && (identities == null ? defaultProvider(name) : identities.contains(name))) {
                        providers.add(c);
                    }
                }
            }
            if (dso == null || providers.isEmpty()) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "need the admin profile of a DSO holding ISSUER with a zone and "
                        + "at least one profile of a CPO or aggregator in " + root().work.resolve("clients"));
            }
            return run(dso, zone, providers);
        } finally {
            open.forEach(LedgerConnection::close);
        }
    }

    @SuppressWarnings("unchecked")
    private int run(final LedgerConnection dso, final String zone, final List<LedgerConnection> providers) throws Exception {
        final String tag = Long.toString(System.currentTimeMillis(), 36);
        final String program = "BENCH-MKT-" + tag;
        final Map<String, Object> terms = energy.flexledger.client.DrLedger.bl1Program(program, 100, 50, 12_000, 8000, 15, "Europe/Berlin", new long[] {3, 5}, new long[] {2, 3}, 14, List.of());
        dso.dr(CHANNEL).createProgram(terms);

        final java.util.Random random = new java.util.Random(20261203L);
        final long[] quantity = new long[offers];
        final long[] price = new long[offers];
        long total = 0;
        for (int i = 0; i < offers; i++) {
            quantity[i] = 100 + random.nextInt(901);
            price[i] = 50 + random.nextInt(101);
            total += quantity[i];
        }
        final long wanted = Math.max(1, total / 2);
        final long maxPrice = 150;
        final long escrow = energy.flexledger.spec.Exact.ceilDiv(wanted * maxPrice, 1000L);
        final TokenLedger token = dso.token(CHANNEL);
        try {
            token.info();
        } catch (LedgerException e) {
            if (e.code().orElse(null) != ErrorCode.NOT_FOUND) {
                throw e;
            }
            token.initialize("FlexLedger Reward", "FLEX", 0);
        }
        final String payer = "org:" + dso.profile().mspId();
        token.mint(payer, escrow + 1);

        final String requestId = "bench-" + tag;
        final long deadline = System.currentTimeMillis() + 1000L * deadlineSeconds(offers, deadlineSeconds);
        final long revealBy = deadline + 1000L * revealSeconds(offers);
        final long windowStart = quarterAtOrAfter(revealBy);
        final Map<String, Object> request = new LinkedHashMap<>();
        request.put("id", requestId);
        request.put("zone", zone);
        request.put("quantityWh", wanted);
        request.put("maxPrice", maxPrice);
        request.put("deadline", deadline);
        request.put("revealBy", revealBy);
        request.put("windowStart", windowStart);
        request.put("windowEnd", windowStart + 900_000L);
        request.put("mode", "MERIT");
        request.put("payer", payer);
        request.put("baselineProgram", program);
        dso.market(CHANNEL).postRequest(request);
        System.err.printf("request %s posted (%d Wh, escrow %d), %d offers from %d identities, deadline in %d s%n", requestId, wanted, escrow, offers,
                providers.size(), (deadline - System.currentTimeMillis()) / 1000);

        final Map<Integer, Boolean> submitted = new ConcurrentHashMap<>();
        final AtomicLong late = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            final long t0 = System.nanoTime();
            final List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < offers; i++) {
                final int n = i;
                work.add(pool.submit(() -> {
                    if (System.currentTimeMillis() >= deadline - 3000) {
                        late.incrementAndGet();
                        return null;
                    }
                    try {
                        providers.get(n % providers.size()).market(CHANNEL).submitOffer(requestId, offerId(n), quantity[n], price[n],
                                List.of(String.format("BENCH-A%05d", n)));
                        submitted.put(n, true);
                    } catch (LedgerException e) {
                        if (failed.incrementAndGet() <= 5) {
                            System.err.println("offer " + n + ": " + e.getMessage());
                        }
                    }
                    return null;
                }));
            }
            for (final Future<?> f : work) {
                f.get();
            }
            final double submitSeconds = (System.nanoTime() - t0) / 1e9;
            System.err.printf("%d offers sealed and submitted in %.1f s (%d too late for the deadline, %d failed)%n", submitted.size(), submitSeconds,
                    late.get(), failed.get());
            final long wait = deadline + 1000 - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            final long t1 = System.nanoTime();
            work.clear();
            final AtomicLong revealed = new AtomicLong();
            // The first reveal closes the request to offers (it writes the request): alone, then the rest at once, each submitted
            // again after a read conflict (RevealOffer goes through submitPrivately, which does not retry).
            boolean first = true;
            for (int i = 0; i < offers; i++) {
                final int n = i;
                if (submitted.containsKey(n)) {
                    final Future<?> f = pool.submit(() -> {
                        for (int attempt = 1;; attempt++) {
                            try {
                                providers.get(n % providers.size()).market(CHANNEL).revealOffer(requestId, offerId(n));
                                break;
                            } catch (LedgerException e) {
                                if (!e.retryable() || attempt >= 5) {
                                    throw e;
                                }
                            }
                        }
                        revealed.incrementAndGet();
                        return null;
                    });
                    if (first) {
                        f.get();
                        first = false;
                    } else {
                        work.add(f);
                    }
                }
            }
            for (final Future<?> f : work) {
                f.get();
            }
            final double revealSeconds = (System.nanoTime() - t1) / 1e9;
            System.err.printf("%d offers revealed in %.1f s%n", revealed.get(), revealSeconds);

            final Map<String, Object> cleared = dso.market(CHANNEL).clearTimed(requestId);
            final Map<String, Object> clearing = dso.market(CHANNEL).clearing(requestId);
            final Map<String, Object> output = (Map<String, Object>) clearing.get("output");
            final boolean mk1Matches = SpecCommands.mk1(clearing.get("input")).equals(output);
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("request", requestId);
            out.put("program", program);
            out.put("offers", (long) submitted.size());
            out.put("identities", (long) providers.size());
            out.put("clearEndorseMs", cleared.get("endorseMs"));
            out.put("clearCommitMs", cleared.get("commitMs"));
            out.put("status", output.get("status"));
            out.put("awards", (long) ((List<Object>) output.get("awards")).size());
            out.put("awardedWh", output.get("awardedWh"));
            out.put("mk1Matches", mk1Matches);
            out.put("submitSeconds", String.format(java.util.Locale.ROOT, "%.1f", submitSeconds));
            out.put("revealSeconds", String.format(java.util.Locale.ROOT, "%.1f", revealSeconds));
            out.put("audit", token.audit());
            System.out.println(Json.write(out));
            return mk1Matches ? 0 : 1;
        } finally {
            pool.shutdownNow();
        }
    }

    /** By default the user, admin and device identities of each provider member offer. */
    static boolean defaultProvider(final String profile) {
        return profile.endsWith("-user") || profile.endsWith("-admin") || profile.endsWith("-device");
    }

    static String offerId(final int n) {
        return String.format("o%05d", n);
    }
}
