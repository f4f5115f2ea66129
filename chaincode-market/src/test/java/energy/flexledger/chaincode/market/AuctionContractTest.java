package energy.flexledger.chaincode.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.chaincode.Consortium;
import energy.flexledger.chaincode.ContractCalls;
import energy.flexledger.chaincode.FakeLedger;
import energy.flexledger.chaincode.Member;
import energy.flexledger.spec.Canonical;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.contract.Context;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The P2P double auction (DA1) on a stubbed ledger, through Fabric's serializer; roles from a fixture community consortium. */
class AuctionContractTest {
    /** Fixture orgs of a community channel: the community, which also issues its token, and its aggregator. */
    private static final String VILLAGE = "VillageMSP";
    private static final String AGG = "FlexAggMSP";
    private static final String SALT = "00112233445566778899aabbccddeeff";
    private static final long Q = 900_000L;
    private static final long GATE = 1_000L;
    private static final long REVEAL_BY = 2_000L;
    private static final long FUNDS = 1_000_000L;

    private final ContractCalls auction = new ContractCalls(new AuctionContract());
    private final ContractCalls token = new ContractCalls(new TokenContract());
    private final FakeLedger ledger = new FakeLedger();
    /** Which fixture identity (org, name) places each order id. */
    private final Map<String, String[]> traders = new HashMap<>();

    @BeforeEach
    void consortium() {
        ledger.withConsortium(new Consortium(new Member[] {
            FakeLedger.member(AGG, new String[] {"AGGREGATOR"}, new String[0], new String[] {VILLAGE}),
            FakeLedger.member(VILLAGE, new String[] {"COMMUNITY", "ISSUER"}, new String[0], new String[0]),
        }, 2, 0, "genesis"));
        ledger.at(0);
        token.call("initialize", ledger.as(VILLAGE, "admin").context(), "Village Energy", "VLG", "0");
    }

    private static String account(final String msp, final String name) {
        return Accounts.identity(msp, FakeLedger.idOf(msp, "client", name));
    }

    private void fund(final String msp, final String name, final long amount) {
        token.call("mint", ledger.as(VILLAGE, "admin").context(), account(msp, name), Long.toString(amount));
    }

    private Map<String, Object> call(final ContractCalls contract, final String method, final Context ctx, final String... args) {
        return Json.parseObject(contract.call(method, ctx, args));
    }

    private Map<String, Object> auction(final String method, final Context ctx, final String... args) {
        return call(auction, method, ctx, args);
    }

    /** Asserts the call fails with {@code code} and, as Fabric would, commits none of its writes. */
    private void refused(final String code, final String method, final Context ctx, final String... args) {
        final Map<String, String> before = ledger.snapshot();
        assertThatThrownBy(() -> auction.call(method, ctx, args)).hasMessageStartingWith(code + ":");
        ledger.abort();
        assertThat(ledger.snapshot()).isEqualTo(before);
    }

    private long balance(final String account) {
        return (Long) call(token, "balanceOf", ledger.as(AGG, "client").context(), account).get("balance");
    }

    private static String terms(final String id, final long gate, final long revealBy, final long capacityWh) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("zone", "zone-1");
        m.put("deliveryStart", Q);
        m.put("deliveryEnd", 2 * Q);
        m.put("gateClosure", gate);
        m.put("revealBy", revealBy);
        m.put("capacityWh", capacityWh);
        return Json.write(m);
    }

    private Map<String, Object> open(final String id, final long capacityWh) {
        return auction("openAuction", ledger.as(VILLAGE, "admin").context(), terms(id, GATE, REVEAL_BY, capacityWh));
    }

    private static String sealed(final String auctionId, final String orderId, final String side, final long quantityWh, final long price,
            final String salt) {
        return Canonical.write(new SealedOrder(auctionId, orderId, side, quantityWh, price, salt));
    }

    /** Seals (own peer) and submits (channel) an order of {@code msp}'s identity {@code name} at the ledger's current time. */
    private Map<String, Object> order(final String msp, final String name, final String auctionId, final String orderId, final String side,
            final long quantityWh, final long price) {
        traders.put(orderId, new String[] {msp, name});
        auction("sealOrder", ledger.as(msp, "client", name).transientData(Seals.TRANSIENT, sealed(auctionId, orderId, side, quantityWh, price, SALT))
                .context(), auctionId, orderId);
        return auction("submitOrder", ledger.as(msp, "client", name).context(), auctionId, orderId);
    }

    private FakeLedger revealing(final String auctionId, final String orderId, final String side, final long quantityWh, final long price) {
        final String[] who = traders.get(orderId);
        return ledger.as(who[0], "client", who[1]).transientData(Seals.TRANSIENT, sealed(auctionId, orderId, side, quantityWh, price, SALT));
    }

    private Map<String, Object> reveal(final String auctionId, final String orderId, final String side, final long quantityWh, final long price) {
        return auction("revealOrder", revealing(auctionId, orderId, side, quantityWh, price).context(), auctionId, orderId);
    }

    @ParameterizedTest
    @ValueSource(strings = {"da1-basic.json", "da1-capacity.json"})
    @SuppressWarnings("unchecked")
    void theDa1VectorsClearThroughTheChaincode(final String file) throws IOException {
        final Map<String, Object> vector = Json.parseObject(Files.readString(Path.of("../core/src/test/resources/vectors/" + file)));
        final Json.Obj input = Json.Obj.of(vector.get("input"), "input");
        final Map<String, Object> expected = Json.Obj.of(vector.get("expected"), "expected").toMap();
        final List<?> orders = input.getList("orders");
        long total = 0;
        for (final Object item : orders) {
            total += Json.Obj.of(item, "order").getLong("quantityWh");
        }
        // Without a capacity in the vector, the auction's capacity is every order's quantity: no limit.
        final long capacity = input.has("capacityWh") ? input.getLong("capacityWh") : total;
        open("a1", capacity);
        final Map<String, String> accounts = new HashMap<>();
        int n = 0;
        for (final Object item : orders) {
            final Json.Obj o = Json.Obj.of(item, "order");
            // Buyers and sellers in both orgs, one identity each.
            final String msp = n++ % 2 == 0 ? VILLAGE : AGG;
            final String name = "trader-" + o.getString("id");
            accounts.put(o.getString("id"), account(msp, name));
            if ("BUY".equals(o.getString("side"))) {
                fund(msp, name, FUNDS);
            }
            ledger.at(o.getLong("submittedAt"));
            final Map<String, Object> submitted = order(msp, name, "a1", o.getString("id"), o.getString("side"), o.getLong("quantityWh"),
                    o.getLong("price"));
            assertThat(submitted).containsEntry("status", "SEALED").containsEntry("submittedAt", o.getLong("submittedAt"))
                    .doesNotContainKeys("side", "price", "quantityWh", "locked");
        }
        ledger.at(GATE);
        refused("TOO_EARLY", "clearAuction", ledger.as(AGG, "client").context(), "a1");
        ledger.at(GATE + 1);
        refused("TOO_EARLY", "clearAuction", ledger.as(AGG, "client").context(), "a1");   // orders still sealed
        long locked = 0;
        for (final Object item : orders) {
            final Json.Obj o = Json.Obj.of(item, "order");
            final Map<String, Object> revealed = reveal("a1", o.getString("id"), o.getString("side"), o.getLong("quantityWh"), o.getLong("price"));
            final long lock = "BUY".equals(o.getString("side")) ? (o.getLong("quantityWh") * o.getLong("price") + 999) / 1000 : 0;
            assertThat(revealed).containsEntry("status", "REVEALED").containsEntry("locked", lock);
            locked += lock;
            if (lock > 0) {
                assertThat(balance(accounts.get(o.getString("id")))).isEqualTo(FUNDS - lock);
            }
        }
        assertThat(balance(Accounts.escrow("auction", "a1"))).isEqualTo(locked);

        final Map<String, Object> cleared = auction("clearAuction", ledger.as(VILLAGE, "client").context(), "a1");
        assertThat(cleared).containsEntry("clearingPrice", expected.get("clearingPrice")).containsEntry("volumeWh", expected.get("volumeWh"))
                .containsEntry("escrowReleased", locked).containsEntry("orders", (long) orders.size());
        final Map<String, Object> clearing = auction("getClearing", ledger.as(AGG, "client").context(), "a1");
        assertThat(clearing.get("output")).isEqualTo(expected);
        // The stored input gives the stored output through the spec's own code: anyone can recompute it.
        assertThat(SpecCommands.da1(clearing.get("input"))).isEqualTo(expected);
        assertThat(((Map<String, Object>) clearing.get("input")).get("orders")).isEqualTo(orders);
        assertThat(((Map<String, Object>) clearing.get("input")).get("capacityWh")).isEqualTo(capacity);

        // Every trade settled at the clearing price; each buyer keeps what it did not spend.
        final long price = (Long) expected.get("clearingPrice");
        final Map<String, Long> expectedBalance = new HashMap<>();
        for (final Object item : orders) {
            final Json.Obj o = Json.Obj.of(item, "order");
            expectedBalance.put(accounts.get(o.getString("id")), "BUY".equals(o.getString("side")) ? FUNDS : 0L);
        }
        for (final Object t : (List<Object>) expected.get("trades")) {
            final Json.Obj trade = Json.Obj.of(t, "trade");
            final long cost = Math.floorDiv(trade.getLong("quantityWh") * price, 1000L);
            expectedBalance.merge(accounts.get(trade.getString("buyId")), -cost, Long::sum);
            expectedBalance.merge(accounts.get(trade.getString("sellId")), cost, Long::sum);
        }
        for (final Map.Entry<String, Long> e : expectedBalance.entrySet()) {
            assertThat(balance(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(balance(Accounts.escrow("auction", "a1"))).isZero();
        assertThat(auction("getAuction", ledger.as(AGG, "client").context(), "a1")).containsEntry("status", "CLEARED");
        assertThat(call(token, "audit", ledger.as(AGG, "client").context())).containsEntry("consistent", true).containsEntry("escrow", 0L);
        refused("INVALID_STATE", "clearAuction", ledger.as(AGG, "client").context(), "a1");
    }

    @Test
    void anOrderStaysSealedUntilTheGateClosesAndMustMatchItsHash() {
        open("a1", 10_000);
        fund(VILLAGE, "alice", 100);
        ledger.at(10);
        final Map<String, Object> receipt = auction("sealOrder", ledger.as(VILLAGE, "client", "alice")
                .transientData(Seals.TRANSIENT, sealed("a1", "b1", "BUY", 1000, 80, SALT)).context(), "a1", "b1");
        assertThat(receipt).containsEntry("collection", "_implicit_org_" + VILLAGE).containsEntry("trader", VILLAGE)
                .containsEntry("sealHash", Seals.hashOf(Canonical.read(sealed("a1", "b1", "BUY", 1000, 80, SALT), SealedOrder.class, "order")));
        // The order is in the trader's implicit collection, not in the world state.
        assertThat(ledger.collections()).containsExactly("_implicit_org_" + VILLAGE);
        assertThat(ledger.snapshot().entrySet()).filteredOn(e -> !e.getKey().startsWith("\uFFFF")).noneMatch(e -> e.getValue().contains("\"price\""));
        traders.put("b1", new String[] {VILLAGE, "alice"});
        final Map<String, Object> order = auction("submitOrder", ledger.as(VILLAGE, "client", "alice").context(), "a1", "b1");
        assertThat(order).containsEntry("sealHash", receipt.get("sealHash")).containsEntry("submittedAt", 10L)
                .containsEntry("account", account(VILLAGE, "alice"));
        // Sent again: a no-op; by another identity of the same org: the order exists.
        assertThat(auction("submitOrder", ledger.as(VILLAGE, "client", "alice").context(), "a1", "b1")).isEqualTo(order);
        refused("ALREADY_EXISTS", "submitOrder", ledger.as(VILLAGE, "client", "bob").context(), "a1", "b1");
        assertThat(auction("mySealedOrder", ledger.as(VILLAGE, "client", "alice").context(), "a1", "b1")).containsEntry("price", 80L);
        refused("NOT_FOUND", "mySealedOrder", ledger.as(AGG, "client").context(), "a1", "b1");

        refused("TOO_EARLY", "revealOrder", revealing("a1", "b1", "BUY", 1000, 80).context(), "a1", "b1");
        ledger.at(GATE + 1);
        refused("SEAL_MISMATCH", "revealOrder", revealing("a1", "b1", "BUY", 1000, 70).context(), "a1", "b1");
        refused("SEAL_MISMATCH", "revealOrder", revealing("a1", "b1", "SELL", 1000, 80).context(), "a1", "b1");
        refused("SEAL_MISMATCH", "revealOrder", ledger.as(VILLAGE, "client", "alice")
                .transientData(Seals.TRANSIENT, sealed("a1", "b1", "BUY", 1000, 80, "ffeeddccbbaa99887766554433221100")).context(), "a1", "b1");
        // Only the identity that submitted it reveals it, another of its org neither.
        refused("ACCESS_DENIED", "revealOrder", ledger.as(VILLAGE, "client", "bob")
                .transientData(Seals.TRANSIENT, sealed("a1", "b1", "BUY", 1000, 80, SALT)).context(), "a1", "b1");
        refused("BAD_REQUEST", "revealOrder", ledger.as(VILLAGE, "client", "alice").context(), "a1", "b1");
        // A buyer who cannot pay cannot reveal: 1000 Wh at 80 per kWh locks 80, alice holds 100.
        token.call("transfer", ledger.as(VILLAGE, "client", "alice").context(), account(VILLAGE, "alice"), account(AGG, "x"), "30");
        refused("INSUFFICIENT_FUNDS", "revealOrder", revealing("a1", "b1", "BUY", 1000, 80).context(), "a1", "b1");
        fund(VILLAGE, "alice", 10);
        assertThat(reveal("a1", "b1", "BUY", 1000, 80)).containsEntry("status", "REVEALED").containsEntry("price", 80L).containsEntry("locked", 80L);
        assertThat(balance(account(VILLAGE, "alice"))).isZero();
        assertThat(balance(Accounts.escrow("auction", "a1"))).isEqualTo(80);
        refused("INVALID_STATE", "revealOrder", revealing("a1", "b1", "BUY", 1000, 80).context(), "a1", "b1");
        // The escrow moves only by the rules.
        assertThatThrownBy(() -> token.call("transfer", ledger.as(VILLAGE, "admin").context(), Accounts.escrow("auction", "a1"),
                Accounts.org(VILLAGE), "80")).hasMessageStartingWith("ACCESS_DENIED:");
        ledger.abort();
        // A lone bid clears without a trade: its whole lock comes back.
        final Map<String, Object> cleared = auction("clearAuction", ledger.as(AGG, "client").context(), "a1");
        assertThat(cleared).containsEntry("volumeWh", 0L).containsEntry("escrowReleased", 80L).doesNotContainKey("clearingPrice");
        assertThat(Json.Obj.of(auction("getClearing", ledger.as(AGG, "client").context(), "a1").get("output"), "output").toMap())
                .containsEntry("clearingPrice", null);
        assertThat(balance(account(VILLAGE, "alice"))).isEqualTo(80);
        assertThat(balance(Accounts.escrow("auction", "a1"))).isZero();
    }

    @Test
    @SuppressWarnings("unchecked")
    void ordersAfterTheGateClosureAndClearingsTooEarlyOrTwiceAreRefused() {
        open("a1", 10_000);
        fund(VILLAGE, "alice", 1_000);
        ledger.at(GATE);
        order(VILLAGE, "alice", "a1", "b1", "BUY", 1000, 100);
        order(AGG, "sam", "a1", "s1", "SELL", 600, 50);
        order(AGG, "sue", "a1", "s2", "SELL", 600, 70);
        ledger.at(GATE - 1);
        refused("TOO_EARLY", "clearAuction", ledger.as(AGG, "client").context(), "a1");
        ledger.at(GATE + 1);
        refused("DEADLINE_PASSED", "sealOrder", ledger.as(AGG, "client", "sam")
                .transientData(Seals.TRANSIENT, sealed("a1", "s3", "SELL", 600, 50, SALT)).context(), "a1", "s3");
        refused("DEADLINE_PASSED", "submitOrder", ledger.as(AGG, "client", "sam").context(), "a1", "s3");
        refused("DEADLINE_PASSED", "withdrawOrder", ledger.as(AGG, "client", "sue").context(), "a1", "s2");
        reveal("a1", "b1", "BUY", 1000, 100);
        reveal("a1", "s1", "SELL", 600, 50);
        // s2 is still sealed: the clearing waits for it until revealBy.
        refused("TOO_EARLY", "clearAuction", ledger.as(AGG, "client").context(), "a1");
        ledger.at(REVEAL_BY + 1);
        refused("DEADLINE_PASSED", "revealOrder", revealing("a1", "s2", "SELL", 600, 70).context(), "a1", "s2");
        final Map<String, Object> cleared = auction("clearAuction", ledger.as(AGG, "admin").context(), "a1");
        // b1 (100) against s1 (50): 600 Wh at 75, 45 paid; b1 locked 100 and gets 55 back.
        assertThat(cleared).containsEntry("clearingPrice", 75L).containsEntry("volumeWh", 600L).containsEntry("unrevealed", 1L)
                .containsEntry("escrowReleased", 100L);
        final Map<String, Object> clearing = auction("getClearing", ledger.as(VILLAGE, "client").context(), "a1");
        assertThat(clearing).containsEntry("unrevealed", List.of("s2")).containsEntry("clearedBy", AGG);
        assertThat((List<Object>) clearing.get("credits")).containsExactlyInAnyOrder(
                Map.<String, Object>of("account", account(VILLAGE, "alice"), "paid", 0L, "refund", 55L),
                Map.<String, Object>of("account", account(AGG, "sam"), "paid", 45L, "refund", 0L));
        assertThat(balance(account(VILLAGE, "alice"))).isEqualTo(955);
        assertThat(balance(account(AGG, "sam"))).isEqualTo(45);
        assertThat(balance(account(AGG, "sue"))).isZero();
        refused("INVALID_STATE", "clearAuction", ledger.as(AGG, "client").context(), "a1");
        refused("INVALID_STATE", "revealOrder", revealing("a1", "s2", "SELL", 600, 70).context(), "a1", "s2");
        refused("INVALID_STATE", "submitOrder", ledger.as(AGG, "client", "sam").context(), "a1", "s1");
        assertThat(call(token, "audit", ledger.as(AGG, "client").context())).containsEntry("consistent", true).containsEntry("escrow", 0L);
    }

    @Test
    void theCapacityLimitsTheVolumeAndOneAccountIsCreditedOnce() {
        open("a1", 500);
        fund(VILLAGE, "alice", 10_000);
        ledger.at(100);
        order(VILLAGE, "alice", "a1", "b1", "BUY", 400, 200);
        order(VILLAGE, "alice", "a1", "b2", "BUY", 400, 190);
        order(AGG, "sam", "a1", "s1", "SELL", 300, 100);
        order(AGG, "sam", "a1", "s2", "SELL", 300, 110);
        // alice also sells: her refunds and her sale arrive as one credit.
        order(VILLAGE, "alice", "a1", "s3", "SELL", 100, 120);
        ledger.at(GATE + 1);
        reveal("a1", "b1", "BUY", 400, 200);
        reveal("a1", "b2", "BUY", 400, 190);
        reveal("a1", "s1", "SELL", 300, 100);
        reveal("a1", "s2", "SELL", 300, 110);
        reveal("a1", "s3", "SELL", 100, 120);
        assertThat(balance(account(VILLAGE, "alice"))).isEqualTo(10_000 - 80 - 76);
        final Map<String, Object> cleared = auction("clearAuction", ledger.as(VILLAGE, "client").context(), "a1");
        // b1-s1 300, b1-s2 100, b2-s2 100: capacity reached at 500 Wh; price (190 + 110) / 2 = 150.
        assertThat(cleared).containsEntry("volumeWh", 500L).containsEntry("clearingPrice", 150L).containsEntry("escrowReleased", 156L);
        final Map<String, Object> clearing = auction("getClearing", ledger.as(VILLAGE, "client").context(), "a1");
        assertThat(clearing.get("output")).isEqualTo(SpecCommands.da1(clearing.get("input")));
        // Paid: 45 + 15 to sam's sale of s1 and s2 (b1), 15 for b2's: sam 75; alice spent 60 + 15 = 75 of 156.
        assertThat(balance(account(AGG, "sam"))).isEqualTo(75);
        assertThat(balance(account(VILLAGE, "alice"))).isEqualTo(10_000 - 75);
        assertThat((List<?>) clearing.get("credits")).hasSize(2);
        assertThat(call(token, "audit", ledger.as(AGG, "client").context())).containsEntry("consistent", true).containsEntry("escrow", 0L);
    }

    @Test
    void onlyACommunitysAdminOpensAuctionsOnSoundTerms() {
        ledger.at(10);
        refused("ACCESS_DENIED", "openAuction", ledger.as(AGG, "admin").context(), terms("a1", GATE, REVEAL_BY, 1000));
        refused("ACCESS_DENIED", "openAuction", ledger.as(VILLAGE, "client").context(), terms("a1", GATE, REVEAL_BY, 1000));
        refused("ACCESS_DENIED", "openAuction", ledger.as("StrangerMSP", "admin").context(), terms("a1", GATE, REVEAL_BY, 1000));
        refused("DEADLINE_PASSED", "openAuction", ledger.as(VILLAGE, "admin").context(), terms("a1", 10, REVEAL_BY, 1000));
        refused("BAD_REQUEST", "openAuction", ledger.as(VILLAGE, "admin").context(), terms("a1", GATE, GATE, 1000));
        refused("BAD_REQUEST", "openAuction", ledger.as(VILLAGE, "admin").context(), terms("a1", GATE, REVEAL_BY, -1));
        refused("BAD_REQUEST", "openAuction", ledger.as(VILLAGE, "admin").context(), terms("a/1", GATE, REVEAL_BY, 1000));
        refused("BAD_REQUEST", "openAuction", ledger.as(VILLAGE, "admin").context(), terms("a1", GATE, 2 * Q, 1000));
        refused("BAD_JSON", "openAuction", ledger.as(VILLAGE, "admin").context(), "{\"id\":\"a1\"}");
        final Map<String, Object> misaligned = Json.parseObject(terms("a1", GATE, REVEAL_BY, 1000));
        misaligned.put("deliveryEnd", 2 * Q + 1);
        refused("BAD_REQUEST", "openAuction", ledger.as(VILLAGE, "admin").context(), Json.write(misaligned));
        assertThat(auction("openAuction", ledger.as(VILLAGE, "admin").context(), terms("a1", GATE, REVEAL_BY, 1000)))
                .containsEntry("status", "OPEN").containsEntry("openedBy", VILLAGE).containsEntry("escrowAccount", "escrow:auction:a1")
                .containsEntry("capacityWh", 1000L);
        refused("ALREADY_EXISTS", "openAuction", ledger.as(VILLAGE, "admin").context(), terms("a1", GATE, REVEAL_BY, 1000));
        open("a2", 0);
        open("a3", 5);
        final Map<String, Object> first = auction("listAuctions", ledger.as(AGG, "client").context(), "2", "");
        assertThat((List<?>) first.get("auctions")).hasSize(2);
        final Map<String, Object> second = auction("listAuctions", ledger.as(AGG, "client").context(), "2", (String) first.get("bookmark"));
        assertThat((List<?>) second.get("auctions")).hasSize(1);
        refused("BAD_REQUEST", "listAuctions", ledger.as(AGG, "client").context(), "0", "");
        refused("NOT_FOUND", "getAuction", ledger.as(AGG, "client").context(), "a9");
        refused("NOT_FOUND", "getClearing", ledger.as(AGG, "client").context(), "a1");
        refused("ACCESS_DENIED", "getAuction", ledger.as("StrangerMSP", "client").context(), "a1");
    }

    @Test
    void sealedOrdersAreCheckedAndOnlyTheirOwnerWithdrawsThem() {
        open("a1", 1000);
        ledger.at(20);
        final String[][] bad = {
            {"BAD_SALT", sealed("a1", "o1", "BUY", 10, 10, "abc")},
            {"BAD_REQUEST", sealed("a1", "o1", "HOLD", 10, 10, SALT)},
            {"BAD_REQUEST", sealed("a1", "o1", "BUY", 0, 10, SALT)},
            {"BAD_REQUEST", sealed("a1", "o1", "SELL", 10, -1, SALT)},
            {"BAD_REQUEST", sealed("a1", "o2", "BUY", 10, 10, SALT)},
            {"BAD_REQUEST", sealed("a2", "o1", "BUY", 10, 10, SALT)},
            {"OVERFLOW", sealed("a1", "o1", "BUY", Long.MAX_VALUE / 2, 10, SALT)},
        };
        for (final String[] b : bad) {
            refused(b[0], "sealOrder", ledger.as(VILLAGE, "client", "alice").transientData(Seals.TRANSIENT, b[1]).context(), "a1", "o1");
        }
        refused("NOT_FOUND", "sealOrder", ledger.as(VILLAGE, "client", "alice")
                .transientData(Seals.TRANSIENT, sealed("a9", "o1", "BUY", 10, 10, SALT)).context(), "a9", "o1");
        refused("ACCESS_DENIED", "sealOrder", ledger.as(VILLAGE, "peer").transientData(Seals.TRANSIENT, sealed("a1", "o1", "BUY", 10, 10, SALT))
                .context(), "a1", "o1");
        refused("NOT_FOUND", "submitOrder", ledger.as(VILLAGE, "client", "alice").context(), "a1", "o1");
        order(VILLAGE, "alice", "a1", "o1", "SELL", 10, 10);
        order(AGG, "sam", "a1", "o2", "SELL", 10, 10);
        refused("ACCESS_DENIED", "withdrawOrder", ledger.as(VILLAGE, "client", "bob").context(), "a1", "o1");
        refused("NOT_FOUND", "withdrawOrder", ledger.as(VILLAGE, "client", "alice").context(), "a1", "o9");
        assertThat(auction("withdrawOrder", ledger.as(VILLAGE, "client", "alice").context(), "a1", "o1")).containsEntry("status", "WITHDRAWN");
        refused("INVALID_STATE", "withdrawOrder", ledger.as(VILLAGE, "client", "alice").context(), "a1", "o1");
        final Map<String, Object> orders = auction("listOrders", ledger.as(AGG, "client").context(), "a1");
        assertThat(((List<?>) orders.get("orders")).stream().map(o -> String.valueOf(((Map<?, ?>) o).get("status"))).toList())
                .containsExactly("WITHDRAWN", "SEALED");
        ledger.at(GATE + 1);
        refused("INVALID_STATE", "revealOrder", revealing("a1", "o1", "SELL", 10, 10).context(), "a1", "o1");
        reveal("a1", "o2", "SELL", 10, 10);
        // Only sellers: no trade, nothing in escrow, nothing moves.
        assertThat(auction("clearAuction", ledger.as(AGG, "client").context(), "a1")).containsEntry("escrowReleased", 0L)
                .containsEntry("orders", 1L).containsEntry("trades", 0L);
    }

    /** Fabric's own router loads the contract and describes its transactions with their real types ({@code GetMetadata}). */
    @Test
    void theContractDescribesItsTransactionsAndTypes() {
        final Map<String, Object> metadata = Json.parseObject(org.hyperledger.fabric.contract.RouterMetadata.build());
        assertThat(org.hyperledger.fabric.contract.RouterMetadata.at(metadata, "contracts")).containsKey("auction");
        assertThat(org.hyperledger.fabric.contract.RouterMetadata.at(metadata, "components", "schemas")).containsKeys("Auction", "AuctionSpec",
                "AuctionOrder", "SealedOrder", "AuctionClearing", "Da1Input", "Da1Output", "Da1Order", "Da1Trade", "AuctionCredit", "AuctionCleared");
        final List<String> names = ((List<?>) org.hyperledger.fabric.contract.RouterMetadata.at(metadata, "contracts", "auction").get("transactions"))
                .stream().map(t -> String.valueOf(((Map<?, ?>) t).get("name"))).toList();
        assertThat(names).contains("OpenAuction", "SealOrder", "SubmitOrder", "WithdrawOrder", "RevealOrder", "ClearAuction", "GetClearing",
                "ListOrders", "ListAuctions", "GetAuction", "MySealedOrder");
    }
}
