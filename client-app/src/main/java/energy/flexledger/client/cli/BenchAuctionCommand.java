package energy.flexledger.client.cli;

import energy.flexledger.client.AuctionLedger;
import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.MemberProfile;
import energy.flexledger.client.TokenLedger;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Json;
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
 * One double auction with {@code --orders} revealed orders, cleared inside one endorsement (issue 10:
 * DA1 with 10,000 orders, target ≤ 1 s). Every identity profile of the auction's channel trades (one
 * thread per identity for its BUY reveals, which debit its account; the rest on {@code --threads});
 * orders are seeded pseudo-random (sides alternate, 100..1,000 Wh, 50..150 per kWh) so runs compare.
 * The figure is the time of {@code ClearAuction}'s endorsement as the client sees it (both peers run
 * the clearing, on the same machine); ordering and commit are timed apart. A measurement, not a test.
 */
@Command(name = "bench-auction", description = "Measure the endorsement of a DA1 clearing with many revealed orders (one auction; the community channel "
        + "unless --channel says otherwise).")
final class BenchAuctionCommand extends Connected implements Callable<Integer> {
    @Option(names = "--orders", defaultValue = "1000", description = "orders in the auction (default: ${DEFAULT-VALUE})")
    int orders;

    @Option(names = "--threads", defaultValue = "24", description = "transactions in flight at once (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--gate-seconds", description = "seconds from the opening to the gate closure (default: 20 + orders / 8)")
    Long gateSeconds;

    @Option(names = "--endorse-in-parallel", description = "name the endorsing orgs of the clearing (this member and the next member of the "
            + "channel's consortium), so that the gateway asks both peers at once instead of its own first")
    boolean parallel;

    @Option(names = "--clear-only", paramLabel = "AUCTION", description = "only clear (timed) an auction whose orders are already revealed")
    String clearOnly;

    @Override
    public Integer call() throws Exception {
        if (clearOnly != null) {
            try (LedgerConnection admin = connect()) {
                final String channel = channelOrCommunity();
                final Map<String, Object> cleared = admin.auction(channel).clearTimed(clearOnly, endorsers(admin, channel));
                final Map<String, Object> out = new LinkedHashMap<>();
                out.put("auction", clearOnly);
                out.put("channel", channel);
                out.put("endorsers", endorsers(admin, channel));
                out.put("clearEndorseMs", cleared.get("endorseMs"));
                out.put("clearCommitMs", cleared.get("commitMs"));
                out.put("cleared", cleared.get("result"));
                out.put("audit", admin.token(channel).audit());
                System.out.println(Json.write(out));
                return 0;
            }
        }
        if (orders < 2 || threads < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--orders must be at least 2 and --threads at least 1");
        }
        final String channel = channelOrCommunity();
        final List<LedgerConnection> traders = new ArrayList<>();
        LedgerConnection admin = null;
        try (Stream<Path> files = Files.list(root().work.resolve("clients"))) {
            for (final Path f : files.filter(p -> p.getFileName().toString().endsWith(".properties")).sorted().toList()) {
                final MemberProfile profile = MemberProfile.load(f);
                if (!profile.channels().contains(channel)) {
                    continue;
                }
                final LedgerConnection c = LedgerConnection.open(profile);
                traders.add(c);
                if (admin == null && f.getFileName().toString().endsWith("-admin.properties") && holds(c, channel, "ISSUER")
                        && holds(c, channel, "COMMUNITY")) {
                    admin = c;
                }
            }
        }
        try {
            if (admin == null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "no admin profile of a member holding ISSUER and COMMUNITY on "
                        + channel + " in " + root().work.resolve("clients"));
            }
            return run(channel, admin, traders);
        } finally {
            traders.forEach(LedgerConnection::close);
        }
    }

    private int run(final String channel, final LedgerConnection admin, final List<LedgerConnection> traders) throws Exception {
        final TokenLedger token = admin.token(channel);
        try {
            token.info();
        } catch (LedgerException e) {
            if (e.code().orElse(null) != ErrorCode.NOT_FOUND) {
                throw e;
            }
            token.initialize("Community Energy", "CEN", 0);
        }
        final java.util.Random random = new java.util.Random(20261203L);
        final List<Map<String, Object>> book = new ArrayList<>();
        final List<Integer> owner = new ArrayList<>();
        final long[] needs = new long[traders.size()];
        final String auctionId = "bench-" + System.currentTimeMillis();
        long total = 0;
        for (int i = 0; i < orders; i++) {
            final String side = i % 2 == 0 ? "BUY" : "SELL";
            final long q = 100 + random.nextInt(901);
            final long p = 50 + random.nextInt(101);
            book.add(AuctionLedger.sealedOrder(auctionId, String.format("o%05d", i), side, q, p, AuctionLedger.salt()));
            // Consecutive pairs go to different traders: each trader buys and sells.
            final int t = (i / 2 + i % 2) % traders.size();
            owner.add(t);
            if ("BUY".equals(side)) {
                needs[t] += -Math.floorDiv(-q * p, 1000L);
            }
            total += q;
        }
        for (int t = 0; t < traders.size(); t++) {
            if (needs[t] > 0) {
                token.mint((String) traders.get(t).token(channel).myAccount().get("account"), needs[t]);
            }
        }
        final long gate = System.currentTimeMillis() + 1000L * (gateSeconds != null ? gateSeconds : 20 + orders / 8);
        final Map<String, Object> terms = new LinkedHashMap<>();
        terms.put("id", auctionId);
        terms.put("zone", "zone-1");
        final long revealBy = gate + 1000L * (20 + orders / 8);
        final long start = Math.floorDiv(revealBy + 899_999L, 900_000L) * 900_000L;
        terms.put("deliveryStart", start);
        terms.put("deliveryEnd", start + 900_000L);
        terms.put("gateClosure", gate);
        terms.put("revealBy", revealBy);
        terms.put("capacityWh", total / 4);
        admin.auction(channel).open(terms);
        System.err.printf("auction %s open, %d orders from %d identities, gate closure in %d s%n", auctionId, orders, traders.size(),
                (gate - System.currentTimeMillis()) / 1000);

        // Sealed and submitted: any order on any thread.
        final Map<Integer, Boolean> submitted = new ConcurrentHashMap<>();
        final AtomicLong late = new AtomicLong();
        final long t0 = System.nanoTime();
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            final List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < orders; i++) {
                final int n = i;
                work.add(pool.submit(() -> {
                    if (System.currentTimeMillis() >= gate - 2000) {
                        late.incrementAndGet();
                        return null;
                    }
                    traders.get(owner.get(n)).auction(channel).order(book.get(n));
                    submitted.put(n, true);
                    return null;
                }));
            }
            for (final Future<?> f : work) {
                f.get();
            }
            final double submitSeconds = (System.nanoTime() - t0) / 1e9;
            System.err.printf("%d orders sealed and submitted in %.0f s (%d too late for the gate)%n", submitted.size(), submitSeconds, late.get());
            final long wait = gate + 1000 - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            // Revealed: one thread per trader for its BUY orders (each debits its account), SELLs on any thread.
            final long t1 = System.nanoTime();
            work.clear();
            for (int t = 0; t < traders.size(); t++) {
                final int trader = t;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < orders; i++) {
                        if (owner.get(i) == trader && submitted.containsKey(i) && "BUY".equals(book.get(i).get("side"))) {
                            traders.get(trader).auction(channel).reveal(book.get(i));
                        }
                    }
                    return null;
                }));
            }
            for (int i = 0; i < orders; i++) {
                final int n = i;
                if (submitted.containsKey(n) && "SELL".equals(book.get(n).get("side"))) {
                    work.add(pool.submit(() -> traders.get(owner.get(n)).auction(channel).reveal(book.get(n))));
                }
            }
            for (final Future<?> f : work) {
                f.get();
            }
            final double revealSeconds = (System.nanoTime() - t1) / 1e9;
            System.err.printf("%d orders revealed in %.0f s%n", submitted.size(), revealSeconds);

            final Map<String, Object> cleared = admin.auction(channel).clearTimed(auctionId, endorsers(admin, channel));
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("auction", auctionId);
            out.put("channel", channel);
            out.put("orders", (long) submitted.size());
            out.put("traders", (long) traders.size());
            out.put("clearEndorseMs", cleared.get("endorseMs"));
            out.put("clearCommitMs", cleared.get("commitMs"));
            out.put("cleared", cleared.get("result"));
            out.put("submitSeconds", String.format(java.util.Locale.ROOT, "%.0f", submitSeconds));
            out.put("revealSeconds", String.format(java.util.Locale.ROOT, "%.0f", revealSeconds));
            out.put("audit", token.audit());
            System.out.println(Json.write(out));
        } finally {
            pool.shutdownNow();
        }
        return 0;
    }

    /** With --endorse-in-parallel: this member and the next in the consortium's order (any two members endorse); else none named. */
    private List<String> endorsers(final LedgerConnection c, final String channel) throws LedgerException {
        return parallel ? energy.flexledger.client.AuctionLedger.endorsers(c, channel) : List.of();
    }

    @SuppressWarnings("unchecked")
    private static boolean holds(final LedgerConnection c, final String channel, final String role) throws LedgerException {
        final Map<String, Object> member = c.consortium(channel).member(c.profile().mspId());
        return ((List<Object>) member.get("roles")).contains(role);
    }

    private String channelOrCommunity() {
        return AuctionCommand.channel(spec, root());
    }
}
