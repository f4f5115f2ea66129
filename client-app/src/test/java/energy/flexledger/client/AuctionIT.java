package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecCommands;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
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
 * The P2P double auction (DA1) on the real network's community channel: the community's admin
 * opens an auction with the zone's capacity, identities of both members seal buy and sell orders
 * (each seal endorsed by the trader's own peer only), the gate closes, they reveal (buyers lock
 * funds), anyone clears: the trades are DA1's on the revealed orders within the capacity, settled
 * at the clearing price, every balance exact, the token's audit consistent; refusals keep their
 * stable codes and change nothing.
 */
@Tag("integration")
class AuctionIT {
    private static final String CHANNEL = "community";
    private static final Map<String, LedgerConnection> connections = new LinkedHashMap<>();
    /** The member holding COMMUNITY and ISSUER on the channel, and the other member. */
    private static String communityOrg;
    private static String otherOrg;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void setUp() throws IOException, LedgerException {
        final Path work = EnergyRoleMatrix.work();
        final Map<String, String> orgs = EnergyRoleMatrix.orgsByMsp(work);
        final LedgerConnection any = connect(orgs.get("CommunityMSP") != null ? orgs.get("CommunityMSP") : orgs.values().iterator().next(), "user");
        for (final Map<String, Object> m : (List<Map<String, Object>>) any.consortium(CHANNEL).consortium().get("members")) {
            final List<Object> roles = (List<Object>) m.get("roles");
            if (roles.contains("COMMUNITY") && roles.contains("ISSUER") && communityOrg == null) {
                communityOrg = orgs.get((String) m.get("mspId"));
            } else if (otherOrg == null) {
                otherOrg = orgs.get((String) m.get("mspId"));
            }
        }
        assertThat(communityOrg).as("a member holding COMMUNITY and ISSUER on " + CHANNEL).isNotNull();
        assertThat(otherOrg).as("a second member on " + CHANNEL).isNotNull();
        try {
            connect(communityOrg, "admin").token(CHANNEL).info();
        } catch (LedgerException e) {
            assertThat(e.code()).contains(ErrorCode.NOT_FOUND);
            connect(communityOrg, "admin").token(CHANNEL).initialize("Community Energy", "CEN", 0);
        }
    }

    private static LedgerConnection connect(final String org, final String who) throws IOException {
        final String key = org + "-" + who;
        if (!connections.containsKey(key)) {
            connections.put(key, LedgerConnection.open(MemberProfile.fromWork(EnergyRoleMatrix.work(), org, who)));
        }
        return connections.get(key);
    }

    @AfterAll
    static void close() {
        connections.values().forEach(LedgerConnection::close);
    }

    private static long balance(final String account) throws LedgerException {
        return (Long) connections.values().iterator().next().token(CHANNEL).balance(account).get("balance");
    }

    private static String account(final LedgerConnection c) throws LedgerException {
        return (String) c.token(CHANNEL).myAccount().get("account");
    }

    private static Map<String, Object> terms(final String id, final long gate, final long revealBy, final long capacityWh) {
        final Map<String, Object> terms = new LinkedHashMap<>();
        terms.put("id", id);
        terms.put("zone", "zone-1");
        final long start = Math.floorDiv(revealBy + 899_999L, 900_000L) * 900_000L;
        terms.put("deliveryStart", start);
        terms.put("deliveryEnd", start + 900_000L);
        terms.put("gateClosure", gate);
        terms.put("revealBy", revealBy);
        terms.put("capacityWh", capacityWh);
        return terms;
    }

    private static void refused(final ErrorCode code, final ThrowingCall call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(LedgerException.class, e -> assertThat(e.code()).as(e.getMessage()).contains(code));
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }

    private static void sleepUntil(final long epochMs) throws InterruptedException {
        final long wait = epochMs - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    /** One of this test's orders: who places it and what it is. */
    private record Placed(LedgerConnection trader, Map<String, Object> order) {}

    @Test
    @SuppressWarnings("unchecked")
    void sealedOrdersClearWithinTheCapacityAndSettleEveryBalance() throws Exception {
        final LedgerConnection admin = connect(communityOrg, "admin");
        final String id = "A-" + System.currentTimeMillis();
        // The public DA1 capacity vector's book, placed by six identities of the two members.
        final List<Placed> book = new ArrayList<>();
        book.add(new Placed(connect(communityOrg, "user"), AuctionLedger.sealedOrder(id, "b1", "BUY", 300, 120, AuctionLedger.salt())));
        book.add(new Placed(connect(communityOrg, "client"), AuctionLedger.sealedOrder(id, "b2", "BUY", 500, 100, AuctionLedger.salt())));
        book.add(new Placed(connect(otherOrg, "user"), AuctionLedger.sealedOrder(id, "b3", "BUY", 400, 80, AuctionLedger.salt())));
        book.add(new Placed(connect(otherOrg, "client"), AuctionLedger.sealedOrder(id, "s1", "SELL", 200, 70, AuctionLedger.salt())));
        book.add(new Placed(connect(communityOrg, "device"), AuctionLedger.sealedOrder(id, "s2", "SELL", 450, 90, AuctionLedger.salt())));
        book.add(new Placed(connect(otherOrg, "admin"), AuctionLedger.sealedOrder(id, "s3", "SELL", 600, 110, AuctionLedger.salt())));
        // A buyer who will lack one token at its reveal: 100 Wh per token it holds plus one, at 10 per kWh.
        final LedgerConnection poor = connect(otherOrg, "device");
        final long poorBalance = balance(account(poor));
        book.add(new Placed(poor, AuctionLedger.sealedOrder(id, "b4", "BUY", 100 * (poorBalance + 1), 10, AuctionLedger.salt())));

        final long capacity = 400;
        final long gate = System.currentTimeMillis() + 12_000;
        final long revealBy = gate + 60_000;
        // Only an admin of the member holding COMMUNITY opens an auction.
        refused(ErrorCode.ACCESS_DENIED, () -> connect(otherOrg, "admin").auction(CHANNEL).open(terms(id, gate, revealBy, capacity)));
        refused(ErrorCode.ACCESS_DENIED, () -> connect(communityOrg, "user").auction(CHANNEL).open(terms(id, gate, revealBy, capacity)));
        assertThat(admin.auction(CHANNEL).open(terms(id, gate, revealBy, capacity))).containsEntry("status", "OPEN").containsEntry("capacityWh", capacity);

        final Map<String, Long> before = new HashMap<>();
        final Map<String, String> accountOf = new HashMap<>();
        for (final Placed p : book) {
            final String account = account(p.trader());
            accountOf.put((String) p.order().get("orderId"), account);
            if ("BUY".equals(p.order().get("side")) && p.trader() != poor) {
                admin.token(CHANNEL).mint(account, 100);
            }
        }
        PeerHeights.awaitSame(CHANNEL, List.of(admin, poor), PeerHeights.DEFAULT_WAIT);
        for (final String account : accountOf.values()) {
            before.put(account, balance(account));
        }
        final ExecutorService pool = Executors.newFixedThreadPool(book.size());
        try {
            final List<Future<Map<String, Object>>> placed = new ArrayList<>();
            for (final Placed p : book) {
                placed.add(pool.submit(() -> p.trader().auction(CHANNEL).order(p.order())));
            }
            for (final Future<Map<String, Object>> f : placed) {
                final Map<String, Object> order = (Map<String, Object>) f.get().get("order");
                assertThat(order).containsEntry("status", "SEALED").doesNotContainKeys("side", "price", "quantityWh");
                assertThat((Long) order.get("submittedAt")).isLessThanOrEqualTo(gate);
            }
            // Before the gate closes: nothing is revealed and nothing clears.
            final Placed b1 = book.get(0);
            refused(ErrorCode.TOO_EARLY, () -> b1.trader().auction(CHANNEL).reveal(id, "b1"));
            refused(ErrorCode.TOO_EARLY, () -> admin.auction(CHANNEL).clear(id));
            // The other member's peer answers with the hash only, never the order.
            refused(ErrorCode.NOT_FOUND, () -> connect(otherOrg, "user").auction(CHANNEL).mySealedOrder(id, "b1"));
            sleepUntil(gate + 1_000);

            // After it: no more orders; a reveal that is not what was sealed is refused.
            final Map<String, Object> late = AuctionLedger.sealedOrder(id, "late", "SELL", 100, 1, AuctionLedger.salt());
            refused(ErrorCode.DEADLINE_PASSED, () -> connect(otherOrg, "client").auction(CHANNEL).order(late));
            final Map<String, Object> cheaper = new LinkedHashMap<>(b1.order());
            cheaper.put("price", 60L);
            refused(ErrorCode.SEAL_MISMATCH, () -> b1.trader().auction(CHANNEL).reveal(cheaper));
            assertThat(balance(accountOf.get("b1"))).isEqualTo(before.get(accountOf.get("b1")));
            refused(ErrorCode.INSUFFICIENT_FUNDS, () -> poor.auction(CHANNEL).reveal(id, "b4"));
            assertThat(balance(accountOf.get("b4"))).isEqualTo(poorBalance);

            final List<Future<Map<String, Object>>> revealed = new ArrayList<>();
            for (final Placed p : book.subList(0, 6)) {
                revealed.add(pool.submit(() -> p.trader().auction(CHANNEL).reveal(id, (String) p.order().get("orderId"))));
            }
            for (final Future<Map<String, Object>> f : revealed) {
                assertThat(f.get()).containsEntry("status", "REVEALED");
            }
        } finally {
            pool.shutdownNow();
        }
        // b4 is still sealed and may be revealed until revealBy: no clearing before that.
        refused(ErrorCode.TOO_EARLY, () -> admin.auction(CHANNEL).clear(id));
        admin.token(CHANNEL).mint(accountOf.get("b4"), 1);
        PeerHeights.awaitSame(CHANNEL, List.of(admin, poor), PeerHeights.DEFAULT_WAIT);
        assertThat(poor.auction(CHANNEL).reveal(id, "b4")).containsEntry("locked", poorBalance + 1);

        // Anyone clears: here an identity of the other member, naming both members' peers as endorsers (as 'auction clear' does).
        final LedgerConnection clearer = connect(otherOrg, "user");
        final List<String> endorsers = AuctionLedger.endorsers(clearer, CHANNEL);
        assertThat(endorsers).hasSize(2).startsWith(clearer.profile().mspId()).doesNotHaveDuplicates();
        final Map<String, Object> cleared = clearer.auction(CHANNEL).clear(id, endorsers);
        final Map<String, Object> clearing = admin.auction(CHANNEL).clearing(id);
        final Map<String, Object> output = (Map<String, Object>) clearing.get("output");
        assertThat(SpecCommands.da1(clearing.get("input"))).isEqualTo(output);
        // The DA1 capacity vector's result: its book is this one, b4 bidding below every ask.
        assertThat(output).containsEntry("clearingPrice", 95L).containsEntry("volumeWh", 400L);
        assertThat((List<Object>) output.get("trades")).hasSize(3);
        assertThat((Long) output.get("volumeWh")).isLessThanOrEqualTo(capacity);
        assertThat(cleared).containsEntry("clearingPrice", 95L).containsEntry("orders", 7L).containsEntry("unrevealed", 0L);

        // Every balance: buyers paid floorDiv(q * 95, 1000) per trade, sellers received it, nothing else moved.
        final Map<String, Long> expected = new HashMap<>(before);
        expected.merge(accountOf.get("b4"), 1L, Long::sum);
        for (final Object t : (List<Object>) output.get("trades")) {
            final Map<String, Object> trade = (Map<String, Object>) t;
            final long cost = Math.floorDiv((Long) trade.get("quantityWh") * 95L, 1000L);
            expected.merge(accountOf.get((String) trade.get("buyId")), -cost, Long::sum);
            expected.merge(accountOf.get((String) trade.get("sellId")), cost, Long::sum);
        }
        PeerHeights.awaitSame(CHANNEL, List.of(admin, connect(otherOrg, "user")), PeerHeights.DEFAULT_WAIT);
        for (final Map.Entry<String, String> e : accountOf.entrySet()) {
            assertThat(balance(e.getValue())).as(e.getKey()).isEqualTo(expected.get(e.getValue()));
        }
        assertThat(expected.get(accountOf.get("s1")) - before.get(accountOf.get("s1"))).isEqualTo(19);
        assertThat(balance("escrow:auction:" + id)).isZero();
        final Map<String, Object> audit = admin.token(CHANNEL).audit();
        assertThat(audit).containsEntry("consistent", true);
        refused(ErrorCode.INVALID_STATE, () -> admin.auction(CHANNEL).clear(id));
        assertThat(admin.auction(CHANNEL).auction(id)).containsEntry("status", "CLEARED");
        assertThat(admin.token(CHANNEL).audit()).isEqualTo(audit);
    }
}
