package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.spec.Canonical;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The flexibility marketplace on the real network (chaincode-market's {@code flex} contract, MK1,
 * decision 0017): a DSO's request locks its escrow, providers' offers stay sealed (their bids in no
 * block, on no other org's peer) until the deadline, reveals are checked against the sealed hashes,
 * the clearing fixes the awards and returns the unused escrow, and every balance is asserted at each
 * step. Roles come from the consortium on the ledger: the test looks them up, it names no MSP.
 */
@Tag("integration")
class MarketIT {
    private static final Map<String, LedgerConnection> admins = new LinkedHashMap<>();
    private static LedgerConnection issuer;
    private static LedgerConnection dso;
    private static String dsoMsp;
    private static String zone;
    private static LedgerConnection cpo;
    private static LedgerConnection aggregator;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void setUp() throws IOException, LedgerException {
        final Path work = EnergyRoleMatrix.work();
        final Map<String, String> orgs = EnergyRoleMatrix.orgsByMsp(work);
        for (final Map.Entry<String, String> e : orgs.entrySet()) {
            admins.put(e.getKey(), LedgerConnection.open(MemberProfile.fromWork(work, e.getValue(), "admin")));
        }
        final LedgerConnection any = admins.values().iterator().next();
        for (final Map<String, Object> m : (List<Map<String, Object>>) any.consortium("grid").consortium().get("members")) {
            final List<Object> roles = (List<Object>) m.get("roles");
            final LedgerConnection admin = admins.get((String) m.get("mspId"));
            if (roles.contains("ISSUER") && issuer == null) {
                issuer = admin;
            }
            if (roles.contains("DSO") && !((List<Object>) m.get("zones")).isEmpty() && dso == null) {
                dso = admin;
                dsoMsp = (String) m.get("mspId");
                zone = (String) ((List<Object>) m.get("zones")).get(0);
            }
            if (roles.contains("CPO") && cpo == null) {
                cpo = admin;
            }
            if (roles.contains("AGGREGATOR") && aggregator == null) {
                aggregator = admin;
            }
        }
        assertThat(List.of(issuer, dso, cpo, aggregator)).as("an issuer, a DSO with a zone, a CPO and an aggregator").doesNotContainNull();
        try {
            issuer.token("grid").info();
        } catch (LedgerException e) {
            assertThat(e.code()).contains(ErrorCode.NOT_FOUND);
            issuer.token("grid").initialize("FlexLedger Reward", "FLEX", 3);
        }
        issuer.token("grid").mint("org:" + dsoMsp, 10_000);
        // The DR program whose BL1 terms measure the requests' delivery.
        final Map<String, Object> program = DrLedger.bl1Program(PROGRAM, 100, 50, 12_000, 8000, 15, "Europe/Berlin", new long[] {3, 5}, new long[] {2, 3}, 14, List.of());
        dso.dr("grid").createProgram(program);
    }

    static final String PROGRAM = "MKT-" + Long.toString(System.currentTimeMillis(), 36);

    @AfterAll
    static void close() {
        admins.values().forEach(LedgerConnection::close);
    }

    private static long balance(final String account) throws LedgerException {
        return (Long) issuer.token("grid").balance(account).get("balance");
    }

    private static ErrorCode refusal(final ThrowingCall call) {
        try {
            call.run();
        } catch (LedgerException e) {
            return e.code().orElseThrow(() -> new AssertionError("refused without a code: " + e.getMessage(), e));
        }
        throw new AssertionError("not refused");
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws LedgerException;
    }

    /** Waits until the wall clock (which stamps the next transaction) is past {@code epochMillis}. */
    private static void waitUntilAfter(final long epochMillis) throws InterruptedException {
        final long wait = epochMillis + 1 - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRequestThreeSealedOffersRevealAndClearingMoveExactlyTheEscrowTheyShould() throws Exception {
        final String requestId = "it-" + Long.toString(System.currentTimeMillis(), 36);
        final String dsoAccount = "org:" + dsoMsp;
        final String escrow = "escrow:flex:" + requestId;
        final long dsoBefore = balance(dsoAccount);
        final long heightBefore = dso.blockHeight("grid");

        // 1. The DSO posts 3,000 Wh at up to 200 per kWh: 600 move into the request's escrow in the same transaction.
        final long deadline = System.currentTimeMillis() + 15_000;
        assertThat(dso.market("grid").postRequest(requestTerms(requestId, 3000, deadline, deadline + 60_000))).containsEntry("escrow", 600L).containsEntry("status", "OPEN");
        assertThat(balance(dsoAccount)).isEqualTo(dsoBefore - 600);
        assertThat(balance(escrow)).isEqualTo(600);

        // 2. Three sealed offers, at once: each bid is endorsed by its provider's own peer only.
        final ExecutorService pool = Executors.newFixedThreadPool(3);
        final List<Future<Map<String, Object>>> submitted = new ArrayList<>();
        submitted.add(pool.submit(() -> cpo.market("grid").submitOffer(requestId, "cpo-1", 2000, 150, List.of("CS-1"))));
        submitted.add(pool.submit(() -> aggregator.market("grid").submitOffer(requestId, "agg-1", 1500, 120, List.of("HH-1", "HH-2"))));
        submitted.add(pool.submit(() -> cpo.market("grid").submitOffer(requestId, "cpo-2", 1000, 180, List.of("CS-2"))));
        final List<String> salts = new ArrayList<>();
        for (final Future<Map<String, Object>> f : submitted) {
            final Map<String, Object> offer = (Map<String, Object>) f.get().get("offer");
            assertThat(offer).containsEntry("status", "SEALED").doesNotContainKeys("price", "quantityWh");
        }
        pool.shutdown();
        salts.add((String) cpo.market("grid").sealedOffer(requestId, "cpo-1").get("salt"));
        salts.add((String) aggregator.market("grid").sealedOffer(requestId, "agg-1").get("salt"));
        // No other org's peer holds a bid, and no block carries one (only hashes).
        assertThat(refusal(() -> dso.market("grid").sealedOffer(requestId, "cpo-1"))).isIn(ErrorCode.NOT_FOUND, ErrorCode.ACCESS_DENIED);
        final long heightSealed = dso.blockHeight("grid");
        for (long b = heightBefore; b < heightSealed; b++) {
            final String block = new String(dso.block("grid", b), StandardCharsets.ISO_8859_1);
            for (final String salt : salts) {
                assertThat(block).as("block " + b).doesNotContain(salt);
            }
        }
        assertThat((List<Object>) dso.market("grid").offers(requestId).get("offers")).hasSize(3)
                .allSatisfy(o -> assertThat((Map<String, Object>) o).doesNotContainKey("price"));
        // Before the deadline nothing can be revealed or cleared.
        assertThat(refusal(() -> cpo.market("grid").revealOffer(requestId, "cpo-1"))).isEqualTo(ErrorCode.TOO_EARLY);
        assertThat(refusal(() -> dso.market("grid").clear(requestId))).isEqualTo(ErrorCode.TOO_EARLY);
        // The DSO cannot take its escrow back by a transfer.
        assertThat(refusal(() -> dso.token("grid").transfer(escrow, dsoAccount, 600))).isEqualTo(ErrorCode.ACCESS_DENIED);
        assertThat(balance(escrow)).isEqualTo(600);

        // 3. The deadline passes: no more offers; reveals are checked against the sealed hashes.
        waitUntilAfter(deadline);
        assertThat(refusal(() -> aggregator.market("grid").submitOffer(requestId, "agg-late", 3000, 10, List.of("HH-1"))))
                .isEqualTo(ErrorCode.DEADLINE_PASSED);
        final Map<String, Object> bid = new LinkedHashMap<>(cpo.market("grid").sealedOffer(requestId, "cpo-2"));
        bid.put("price", 100L);   // cheaper than what was sealed
        assertThat(refusal(() -> cpo.market("grid").revealOffer(requestId, "cpo-2", Canonical.write(bid).getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(ErrorCode.SEAL_MISMATCH);
        // Offers not yet revealed: clearing waits for them (until revealBy).
        assertThat(refusal(() -> dso.market("grid").clear(requestId))).isEqualTo(ErrorCode.TOO_EARLY);
        assertThat(cpo.market("grid").revealOffer(requestId, "cpo-1")).containsEntry("price", 150L).containsEntry("status", "REVEALED");
        assertThat(aggregator.market("grid").revealOffer(requestId, "agg-1")).containsEntry("price", 120L);
        assertThat(cpo.market("grid").revealOffer(requestId, "cpo-2")).containsEntry("price", 180L);
        assertThat(balance(escrow)).isEqualTo(600);

        // 4. One org alone cannot clear (it moves escrow): the channel invalidates its endorsement.
        final LedgerException alone = org.junit.jupiter.api.Assertions.assertThrows(LedgerException.class,
                () -> ChaincodeCalls.submitPrivately(dso.gatewayContract("grid", "market", "flex"), "ClearRequest", Map.of(), List.of(dsoMsp),
                        requestId));
        assertThat(alone.getMessage()).contains("ENDORSEMENT_POLICY_FAILURE");
        assertThat(dso.market("grid").request(requestId)).containsEntry("status", "REVEALING");

        // 5. Anyone clears: agg-1 (120) takes 1,500 Wh, cpo-1 (150) the other 1,500; 405 stay reserved, 195 return at once.
        final Map<String, Object> clearing = aggregator.market("grid").clear(requestId);
        final Map<String, Object> output = (Map<String, Object>) clearing.get("output");
        assertThat(output).containsEntry("status", "FILLED").containsEntry("escrow", 600L).containsEntry("reserved", 405L)
                .containsEntry("refundAtClearing", 195L).containsEntry("awardedWh", 3000L);
        assertThat((List<Object>) output.get("awards")).extracting(a -> ((Map<String, Object>) a).get("offerId")).containsExactly("agg-1", "cpo-1");
        assertThat(SpecCommands.mk1(clearing.get("input"))).isEqualTo(output);
        assertThat(dso.market("grid").clearing(requestId)).isEqualTo(clearing);
        assertThat(balance(dsoAccount)).isEqualTo(dsoBefore - 600 + 195);
        assertThat(balance(escrow)).isEqualTo(405);
        assertThat(refusal(() -> cpo.market("grid").clear(requestId))).isEqualTo(ErrorCode.INVALID_STATE);
        assertThat(balance(escrow)).isEqualTo(405);
        final Map<String, Object> audit = issuer.token("grid").audit();
        assertThat(audit).containsEntry("consistent", true);
        assertThat(Json.write(audit)).isNotEmpty();
    }

    private static Map<String, Object> requestTerms(final String requestId, final long quantityWh, final long deadline, final long revealBy) {
        long windowStart = energy.flexledger.spec.Exact.ceilDiv(revealBy + 60_000, 900_000L) * 900_000L;
        // The delivery window must lie within one local day of the program's time zone: a run near midnight there
        // starts it at the next midnight instead.
        final java.time.ZoneId zoneId = java.time.ZoneId.of("Europe/Berlin");
        final java.time.LocalDate first = java.time.Instant.ofEpochMilli(windowStart).atZone(zoneId).toLocalDate();
        if (!first.equals(java.time.Instant.ofEpochMilli(windowStart + 3_600_000 - 1).atZone(zoneId).toLocalDate())) {
            windowStart = first.plusDays(1).atStartOfDay(zoneId).toInstant().toEpochMilli();
        }
        final Map<String, Object> terms = new LinkedHashMap<>();
        terms.put("id", requestId);
        terms.put("zone", zone);
        terms.put("quantityWh", quantityWh);
        terms.put("maxPrice", 200L);
        terms.put("deadline", deadline);
        terms.put("revealBy", revealBy);
        terms.put("windowStart", windowStart);
        terms.put("windowEnd", windowStart + 3_600_000);
        terms.put("mode", "MERIT");
        terms.put("payer", "org:" + dsoMsp);
        terms.put("baselineProgram", PROGRAM);
        return terms;
    }

    /**
     * Conservation under concurrency: token transfers between three members in a ring, two
     * requests revealed and cleared, a third request posted and offered on, all at once from eight
     * threads and seven client connections; afterwards every balance is what the committed
     * operations say, every offer is on the ledger, and minted − burned = balances + escrow exactly.
     * Nothing is lost to a read conflict: the clients submit again what the ledger invalidated. The
     * two cleared requests were posted and offered on "earlier" ({@link Backdated}), so their
     * deadlines have passed without the test waiting for them.
     */
    @Test
    @SuppressWarnings("unchecked")
    void transfersOffersRevealsAndClearingsAtOnceConserveEveryToken() throws Exception {
        final String tag = Long.toString(System.currentTimeMillis(), 36);
        final long now = System.currentTimeMillis();
        final long t0 = now - 20 * 60_000L;
        final long deadline = now - 5 * 60_000L;
        final long revealBy = now + 30 * 60_000L;
        final String dsoAccount = "org:" + dsoMsp;
        final String cpoAccount = "org:" + cpo.profile().mspId();
        final String aggAccount = "org:" + aggregator.profile().mspId();
        final TokenLedger token = issuer.token("grid");
        issuer.token("grid").mint(cpoAccount, 500);
        issuer.token("grid").mint(aggAccount, 500);
        // The CPO's account gets more rows than one debit folds (TokenLedger.FOLD = 128), so that its debits below fold in
        // parts: three payers credit it one unit at a time (credits from distinct payers never conflict; mints would:
        // each reads the supply).
        final LedgerConnection contestedOwner = admins.values().stream()
                .filter(c -> c != dso && c != cpo && c != aggregator && c != issuer).findFirst().orElseThrow();
        final String contested = "org:" + contestedOwner.profile().mspId();
        issuer.token("grid").mint(contested, 50);
        final ExecutorService crediting = Executors.newFixedThreadPool(3);
        final List<Future<?>> credits = new ArrayList<>();
        for (final LedgerConnection payer : List.of(dso, aggregator, contestedOwner)) {
            credits.add(crediting.submit(() -> {
                for (int i = 0; i < 44; i++) {
                    payer.token("grid").transfer("org:" + payer.profile().mspId(), cpoAccount, 1);
                }
                return null;
            }));
        }
        try {
            for (final Future<?> f : credits) {
                f.get(5, java.util.concurrent.TimeUnit.MINUTES);
            }
        } finally {
            crediting.shutdownNow();
        }
        // A contested account: five debits of 30 at once from an account holding exactly 100: three commit, two are
        // refused INSUFFICIENT_FUNDS, whatever the interleaving.
        final long contestedHad = balance(contested);
        if (contestedHad > 0) {
            contestedOwner.token("grid").transfer(contested, aggAccount, contestedHad);
        }
        issuer.token("grid").mint(contested, 100);
        final Map<String, Object> audit0 = token.audit();
        assertThat(audit0).containsEntry("consistent", true);
        final Map<String, Long> start = new LinkedHashMap<>();
        for (final String a : List.of(dsoAccount, cpoAccount, aggAccount)) {
            start.put(a, balance(a));
        }
        assertThat((Long) token.balance(cpoAccount).get("rows")).isGreaterThan(128L);

        // Before: two requests posted and offered on "20 minutes ago" (deadline 5 minutes ago).
        final List<String> cleared = List.of("cc1-" + tag, "cc2-" + tag);
        long locked = 0;
        for (final String id : cleared) {
            final Map<String, Object> posted = Backdated.submit(dso, java.time.Instant.ofEpochMilli(t0), "grid", "market", "flex:PostRequest",
                    Json.write(requestTerms(id, 2000, deadline, revealBy)));
            locked += (Long) posted.get("escrow");
            int n = 0;
            for (final LedgerConnection provider : List.of(cpo, aggregator)) {
                final String offerId = "o" + n;
                final byte[] bid = MarketLedger.bid(id, offerId, 1200, 90 + 30L * n++, List.of("A-" + offerId));
                Backdated.submit(provider, java.time.Instant.ofEpochMilli(t0 + 60_000), "grid", "market", "flex:SealOffer", Map.of("sealed", bid),
                        List.of(provider.profile().mspId()), id, offerId);
                Backdated.submit(provider, java.time.Instant.ofEpochMilli(t0 + 120_000), "grid", "market", "flex:SubmitOffer", Map.of(), List.of(),
                        id, offerId);
            }
        }
        final String open = "co-" + tag;

        // At once: a ring of transfers, both cleared requests revealed and cleared, a third posted and offered on.
        final Path work = EnergyRoleMatrix.work();
        final Map<String, String> orgs = EnergyRoleMatrix.orgsByMsp(work);
        final List<LedgerConnection> extra = new ArrayList<>();
        for (final LedgerConnection c : List.of(dso, cpo, aggregator)) {
            extra.add(LedgerConnection.open(MemberProfile.fromWork(work, orgs.get(c.profile().mspId()), "admin")));
        }
        final List<LedgerConnection> contestants = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            contestants.add(LedgerConnection.open(MemberProfile.fromWork(work, orgs.get(contestedOwner.profile().mspId()), "admin")));
        }
        final int rounds = 6;
        final Map<String, Map<String, Object>> clearings = new java.util.concurrent.ConcurrentHashMap<>();
        final long[] openEscrow = new long[1];
        final List<String> openOffers = new java.util.concurrent.CopyOnWriteArrayList<>();
        final ExecutorService pool = Executors.newFixedThreadPool(13);
        try {
        final List<Future<?>> work8 = new ArrayList<>();
        final List<String> ring = List.of(dsoAccount, cpoAccount, aggAccount);
        final long[] amounts = {7, 5, 3};
        for (int i = 0; i < ring.size(); i++) {
            final String from = ring.get(i);
            final String to = ring.get((i + 1) % ring.size());
            final long amount = amounts[i];
            final LedgerConnection as = extra.get(i);
            work8.add(pool.submit(() -> {
                for (int r = 0; r < rounds; r++) {
                    as.token("grid").transfer(from, to, amount);
                }
                return null;
            }));
        }
        final List<Future<String>> contests = new ArrayList<>();
        for (final LedgerConnection c : contestants) {
            contests.add(pool.submit(() -> {
                try {
                    c.token("grid").transfer(contested, dsoAccount, 30);
                    return "committed";
                } catch (LedgerException e) {
                    return e.code().map(Enum::name).orElse("ERROR " + e.getMessage());
                }
            }));
        }
        for (final String id : cleared) {
            work8.add(pool.submit(() -> {
                cpo.market("grid").revealOffer(id, "o0");
                aggregator.market("grid").revealOffer(id, "o1");
                // The DSO's gateway may ask a peer that has not committed the last reveal yet (TOO_EARLY): again, a few times.
                for (int attempt = 1; ; attempt++) {
                    try {
                        clearings.put(id, dso.market("grid").clear(id));
                        return null;
                    } catch (LedgerException e) {
                        if (attempt >= 10 || !e.code().equals(java.util.Optional.of(ErrorCode.TOO_EARLY))) {
                            throw e;
                        }
                        Thread.sleep(300);
                    }
                }
            }));
        }
        work8.add(pool.submit(() -> {
            openEscrow[0] = (Long) dso.market("grid").postRequest(requestTerms(open, 3000, revealBy - 60_000, revealBy)).get("escrow");
            return null;
        }));
        for (final LedgerConnection provider : List.of(cpo, aggregator)) {
            work8.add(pool.submit(() -> {
                // The request may not be on the ledger yet: its offers start once it is (a bounded wait).
                for (int k = 0; k < 3; k++) {
                    final String offerId = provider.profile().mspId() + "-" + k;
                    for (int attempt = 1; ; attempt++) {
                        try {
                            provider.market("grid").submitOffer(open, offerId, 500, 100 + k, List.of("A-" + offerId));
                            break;
                        } catch (LedgerException e) {
                            if (attempt >= 150 || !e.code().equals(java.util.Optional.of(ErrorCode.NOT_FOUND))) {
                                throw e;
                            }
                            Thread.sleep(200);
                        }
                    }
                    openOffers.add(offerId);
                }
                return null;
            }));
        }
        for (final Future<?> f : work8) {
            f.get(5, java.util.concurrent.TimeUnit.MINUTES);   // each operation committed (or the test fails here)
        }
        final List<String> outcomes = new ArrayList<>();
        for (final Future<String> f : contests) {
            outcomes.add(f.get(5, java.util.concurrent.TimeUnit.MINUTES));
        }
        assertThat(outcomes).as("five debits of 30 from 100").containsOnly("committed", ErrorCode.INSUFFICIENT_FUNDS.name())
                .filteredOn("committed"::equals).hasSize(3);
        } finally {
            pool.shutdownNow();
            extra.forEach(LedgerConnection::close);
            contestants.forEach(LedgerConnection::close);
        }
        PeerHeights.awaitSame("grid", admins.values(), PeerHeights.DEFAULT_WAIT);

        // Every balance is what the committed operations say.
        long refunds = 0;
        for (final String id : cleared) {
            final Map<String, Object> output = (Map<String, Object>) clearings.get(id).get("output");
            assertThat(output).containsEntry("status", "FILLED").containsEntry("awardedWh", 2000L);
            assertThat(SpecCommands.mk1(clearings.get(id).get("input"))).isEqualTo(output);
            assertThat(balance("escrow:flex:" + id)).isEqualTo((Long) output.get("reserved"));
            refunds += (Long) output.get("refundAtClearing");
        }
        assertThat(balance("escrow:flex:" + open)).isEqualTo(openEscrow[0]).isEqualTo(600L);
        assertThat(balance(dsoAccount)).isEqualTo(start.get(dsoAccount) - locked + refunds - openEscrow[0] - rounds * 7L + rounds * 3L + 90);
        assertThat(balance(contested)).isEqualTo(10);
        assertThat(balance(cpoAccount)).isEqualTo(start.get(cpoAccount) - rounds * 5L + rounds * 7L);
        assertThat(balance(aggAccount)).isEqualTo(start.get(aggAccount) - rounds * 3L + rounds * 5L);
        assertThat((List<Object>) dso.market("grid").offers(open).get("offers")).hasSize(6)
                .extracting(o -> ((Map<String, Object>) o).get("offerId")).containsExactlyInAnyOrderElementsOf(openOffers);
        final Map<String, Object> audit = token.audit();
        assertThat(audit).containsEntry("consistent", true);
        assertThat((Long) audit.get("minted") - (Long) audit.get("burned")).isEqualTo((Long) audit.get("balances") + (Long) audit.get("escrow"));
        assertThat((Long) audit.get("minted") - (Long) audit0.get("minted")).isZero();
        assertThat((Long) token.balance(cpoAccount).get("rows")).as("the CPO's debits folded its rows").isLessThan(128L);
        assertThat((Long) audit.get("escrow") - (Long) audit0.get("escrow")).isEqualTo(locked - refunds + openEscrow[0]);
    }
}
