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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.contract.Context;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The marketplace (MK1) on a stubbed ledger, through Fabric's serializer; roles from a fixture consortium. */
class FlexContractTest {
    /** Fixture orgs: a DSO that also issues, a CPO, an aggregator, a DSO that aggregates too, a community. */
    private static final String DSO = "GridOpMSP";
    private static final String CPO = "ChargeCoMSP";
    private static final String AGG = "FlexAggMSP";
    private static final String DSO_AGG = "BothMSP";
    private static final String COMMUNITY = "VillageMSP";
    private static final String SALT = "00112233445566778899aabbccddeeff";
    private static final long WINDOW = 900_000L;

    private final ContractCalls flex = new ContractCalls(new FlexContract());
    private final ContractCalls token = new ContractCalls(new TokenContract());
    private final FakeLedger ledger = new FakeLedger();
    /** What the fake chaincode-dr measures: Wh per asset, and whose assets they are (default: the CPO's, in zone-1). */
    private final Map<String, Long> deliveredWh = new java.util.HashMap<>();
    private final Map<String, String> owners = new java.util.HashMap<>();
    private final Map<String, String> zones = new java.util.HashMap<>();
    private final Map<String, String> errors = new java.util.HashMap<>();

    @BeforeEach
    void consortium() {
        ledger.proposing("market");
        ledger.withConsortium(new Consortium(new Member[] {
            FakeLedger.member(CPO, new String[] {"CPO"}, new String[0], new String[0]),
            FakeLedger.member(AGG, new String[] {"AGGREGATOR"}, new String[0], new String[] {COMMUNITY}),
            FakeLedger.member(DSO_AGG, new String[] {"AGGREGATOR", "DSO"}, new String[] {"zone-9"}, new String[0]),
            FakeLedger.member(DSO, new String[] {"DSO", "ISSUER"}, new String[] {"zone-1"}, new String[0]),
            FakeLedger.member(COMMUNITY, new String[] {"COMMUNITY"}, new String[0], new String[0]),
        }, 5, 0, "genesis"));
        ledger.withChaincode("dr", (args, ctx) -> {
            if ("CheckWindow".equals(args.get(0))) {
                if (!"P1".equals(args.get(1))) {
                    throw energy.flexledger.chaincode.Failures.fail(energy.flexledger.spec.ErrorCode.NOT_FOUND, "no program " + args.get(1));
                }
                return "{\"id\":\"P1\",\"baseline\":{\"slotMinutes\":15}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            final List<Object> out = new ArrayList<>();
            for (final Object asset : (List<?>) Json.parse(args.get(2))) {
                final Map<String, Object> d = new LinkedHashMap<>();
                d.put("assetId", asset);
                if (errors.containsKey((String) asset)) {
                    d.put("error", errors.get((String) asset));
                    d.put("message", "fake");
                    out.add(d);
                    continue;
                }
                d.put("ownerMsp", owners.getOrDefault((String) asset, CPO));
                d.put("zone", zones.getOrDefault((String) asset, "zone-1"));
                d.put("deliveredMilliWh", deliveredWh.getOrDefault((String) asset, 0L) * 1000);
                d.put("deliveredWh", deliveredWh.getOrDefault((String) asset, 0L));
                d.put("baselineInputHash", "00".repeat(32));
                out.add(d);
            }
            return Json.write(Map.of("programId", args.get(1), "assets", out)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        });
        ledger.at(0);
        token.call("initialize", ledger.as(DSO, "admin").context(), "FlexLedger Reward", "FLEX", "0");
        token.call("mint", ledger.as(DSO, "admin").context(), Accounts.org(DSO), "1000000");
        token.call("mint", ledger.as(DSO, "admin").context(), Accounts.org(DSO_AGG), "1000000");
    }

    private Map<String, Object> call(final ContractCalls contract, final String method, final Context ctx, final String... args) {
        return Json.parseObject(contract.call(method, ctx, args));
    }

    private Map<String, Object> flex(final String method, final Context ctx, final String... args) {
        return call(flex, method, ctx, args);
    }

    /** Asserts the call fails with {@code code} and, as Fabric would, commits none of its writes. */
    private void refused(final String code, final String method, final Context ctx, final String... args) {
        final Map<String, String> before = ledger.snapshot();
        assertThatThrownBy(() -> flex.call(method, ctx, args)).hasMessageStartingWith(code + ":");
        ledger.abort();
        assertThat(ledger.snapshot()).isEqualTo(before);
    }

    private long balance(final String account) {
        return (Long) call(token, "balanceOf", ledger.as(COMMUNITY, "client").context(), account).get("balance");
    }

    private static String spec(final String id, final long quantityWh, final long maxPrice, final long deadline, final String mode,
            final String zone, final String payer) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("zone", zone);
        m.put("quantityWh", quantityWh);
        m.put("maxPrice", maxPrice);
        m.put("deadline", deadline);
        m.put("revealBy", deadline + 1000);
        m.put("windowStart", WINDOW);
        m.put("windowEnd", 2 * WINDOW);
        m.put("mode", mode);
        m.put("payer", payer);
        m.put("baselineProgram", "P1");
        return Json.write(m);
    }

    private Map<String, Object> post(final String id, final long quantityWh, final long maxPrice, final long deadline, final String mode) {
        return flex("postRequest", ledger.as(DSO, "admin").context(), spec(id, quantityWh, maxPrice, deadline, mode, "zone-1", Accounts.org(DSO)));
    }

    private static String bid(final String requestId, final String offerId, final long quantityWh, final long price, final String salt) {
        return Canonical.write(new SealedOffer(requestId, offerId, quantityWh, price, new String[] {"ev-" + offerId}, salt));
    }

    /** Seals (own peer) and submits (channel) an offer of {@code msp} at the ledger's current time. */
    private Map<String, Object> offer(final String msp, final String requestId, final String offerId, final long quantityWh, final long price) {
        flex("sealOffer", ledger.as(msp, "client").transientData(Seals.TRANSIENT, bid(requestId, offerId, quantityWh, price, SALT)).context(),
                requestId, offerId);
        return flex("submitOffer", ledger.as(msp, "client").context(), requestId, offerId);
    }

    private Map<String, Object> reveal(final String msp, final String requestId, final String offerId, final long quantityWh, final long price) {
        return flex("revealOffer", ledger.as(msp, "client").transientData(Seals.TRANSIENT, bid(requestId, offerId, quantityWh, price, SALT))
                .context(), requestId, offerId);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mk1-single.json", "mk1-merit.json"})
    void theMk1VectorsClearThroughTheChaincode(final String file) throws IOException {
        final Map<String, Object> vector = Json.parseObject(Files.readString(Path.of("../core/src/test/resources/vectors/" + file)));
        final Json.Obj input = Json.Obj.of(vector.get("input"), "input");
        final Json.Obj r = input.getObj("request");
        final Map<String, Object> expected = new LinkedHashMap<>(Json.Obj.of(vector.get("expected"), "expected").toMap());
        expected.remove("payments");
        expected.remove("refundAtDelivery");
        final long deadline = r.getLong("deadline");
        ledger.at(1);
        post(r.getString("id"), r.getLong("quantityWh"), r.getLong("maxPrice"), deadline, r.getString("mode"));
        final long escrow = (Long) expected.get("escrow");
        assertThat(balance(Accounts.escrow("flex", r.getString("id")))).isEqualTo(escrow);
        assertThat(balance(Accounts.org(DSO))).isEqualTo(1_000_000 - escrow);

        final List<Json.Obj> accepted = new ArrayList<>();
        int n = 0;
        for (final Object item : input.getList("offers")) {
            final Json.Obj o = Json.Obj.of(item, "offer");
            final String provider = n++ % 2 == 0 ? CPO : AGG;
            ledger.at(o.getLong("submittedAt"));
            if (o.getLong("submittedAt") > deadline) {
                ledger.as(provider, "client").transientData(Seals.TRANSIENT, bid(r.getString("id"), o.getString("id"), o.getLong("quantityWh"),
                        o.getLong("price"), SALT));
                refused("DEADLINE_PASSED", "submitOffer", ledger.as(provider, "client").context(), r.getString("id"), o.getString("id"));
                continue;
            }
            final Map<String, Object> offer = offer(provider, r.getString("id"), o.getString("id"), o.getLong("quantityWh"), o.getLong("price"));
            assertThat(offer).containsEntry("status", "SEALED").doesNotContainKeys("price", "quantityWh");
            accepted.add(o);
        }
        ledger.at(deadline);
        refused("TOO_EARLY", "clearRequest", ledger.as(COMMUNITY, "client").context(), r.getString("id"));
        ledger.at(deadline + 1);
        refused("TOO_EARLY", "clearRequest", ledger.as(COMMUNITY, "client").context(), r.getString("id"));   // offers still sealed
        n = 0;
        for (final Json.Obj o : accepted) {
            reveal(n++ % 2 == 0 ? CPO : AGG, r.getString("id"), o.getString("id"), o.getLong("quantityWh"), o.getLong("price"));
        }
        final Map<String, Object> clearing = flex("clearRequest", ledger.as(COMMUNITY, "client").context(), r.getString("id"));
        assertThat(clearing.get("output")).isEqualTo(expected);
        // The stored input gives the stored output through the spec's own code: anyone can recompute it.
        assertThat(SpecCommands.mk1(clearing.get("input"))).isEqualTo(expected);
        final long refund = (Long) expected.get("refundAtClearing");
        assertThat(balance(Accounts.org(DSO))).isEqualTo(1_000_000 - escrow + refund);
        assertThat(balance(Accounts.escrow("flex", r.getString("id")))).isEqualTo(expected.get("reserved"));
        assertThat(flex("getRequest", ledger.as(CPO, "client").context(), r.getString("id"))).containsEntry("status", "CLEARED");
        assertThat(call(token, "audit", ledger.as(CPO, "client").context())).containsEntry("consistent", true)
                .containsEntry("escrow", expected.get("reserved"));
        refused("INVALID_STATE", "clearRequest", ledger.as(CPO, "client").context(), r.getString("id"));

        // Delivery, measured by chaincode-dr from certified data (here: the vector's figures), then payment by MK1 step 5.
        n = 0;
        for (final Json.Obj o : accepted) {
            owners.put("ev-" + o.getString("id"), n++ % 2 == 0 ? CPO : AGG);
        }
        final Json.Obj d = input.getObj("delivered");
        for (final String offerId : d.names()) {
            deliveredWh.put("ev-" + offerId, d.getLong(offerId));
        }
        refused("TOO_EARLY", "payRequest", ledger.as(DSO, "client").context(), r.getString("id"));
        ledger.at(2 * WINDOW);
        final Map<String, Object> payment = flex("payRequest", ledger.as(DSO, "client").context(), r.getString("id"));
        final Map<String, Object> full = Json.Obj.of(vector.get("expected"), "expected").toMap();
        assertThat(payment.get("payments")).isEqualTo(full.get("payments"));
        assertThat(payment).containsEntry("refundAtDelivery", full.get("refundAtDelivery"));
        // The stored input plus the delivered Wh give the vector's whole output through the spec's own code.
        final Map<String, Object> mk1 = new LinkedHashMap<>(Json.Obj.of(payment.get("input"), "input").toMap());
        final Map<String, Object> deliveredByOffer = new LinkedHashMap<>();
        for (final Object od : (List<?>) payment.get("delivered")) {
            deliveredByOffer.put((String) ((Map<?, ?>) od).get("offerId"), ((Map<?, ?>) od).get("deliveredWh"));
        }
        mk1.put("delivered", deliveredByOffer);
        assertThat(SpecCommands.mk1(mk1)).isEqualTo(full);
        long paidToCpo = 0;
        long paidToAgg = 0;
        for (final Object p : (List<?>) payment.get("payments")) {
            final String offerId = (String) ((Map<?, ?>) p).get("offerId");
            final long paid = (Long) ((Map<?, ?>) p).get("paid");
            if (CPO.equals(owners.get("ev-" + offerId))) {
                paidToCpo += paid;
            } else {
                paidToAgg += paid;
            }
        }
        assertThat(balance(Accounts.org(CPO))).isEqualTo(paidToCpo);
        assertThat(balance(Accounts.org(AGG))).isEqualTo(paidToAgg);
        assertThat(balance(Accounts.org(DSO))).isEqualTo(1_000_000 - escrow + refund + (Long) full.get("refundAtDelivery"));
        assertThat(balance(Accounts.escrow("flex", r.getString("id")))).isZero();
        refused("INVALID_STATE", "payRequest", ledger.as(DSO, "client").context(), r.getString("id"));
        assertThat(flex("getPayment", ledger.as(CPO, "client").context(), r.getString("id"))).isEqualTo(payment);
        assertThat(call(token, "audit", ledger.as(CPO, "client").context())).containsEntry("consistent", true).containsEntry("escrow", 0L);
    }

    @Test
    void onlyTheProvidersOwnOrRepresentedAssetsInTheZoneCount() {
        ledger.at(10);
        post("r1", 3000, 100, 5000, "MERIT");
        offer(CPO, "r1", "o1", 3000, 50);
        refused("INVALID_STATE", "payRequest", ledger.as(DSO, "client").context(), "r1");
        ledger.at(5001);
        reveal(CPO, "r1", "o1", 3000, 50);
        flex("clearRequest", ledger.as(DSO, "client").context(), "r1");
        // The CPO's asset delivered 2,000 Wh, but it belongs to the village: not the CPO's, nor represented by it.
        owners.put("ev-o1", COMMUNITY);
        deliveredWh.put("ev-o1", 2000L);
        ledger.at(2 * WINDOW);
        final Map<String, Object> payment = flex("payRequest", ledger.as(DSO, "client").context(), "r1");
        assertThat(payment.get("payments")).isEqualTo(List.of(Map.of("offerId", "o1", "paid", 0L)));
        assertThat(payment).containsEntry("refundAtDelivery", 150L);
        assertThat(Json.write(payment)).contains("neither owned nor represented by " + CPO);
        assertThat(balance(Accounts.org(DSO))).isEqualTo(1_000_000);
        refused("NOT_FOUND", "getPayment", ledger.as(CPO, "client").context(), "r2");
    }

    @Test
    void anOfferStaysSealedUntilItIsRevealedAndMustMatchItsHash() {
        ledger.at(10);
        post("r1", 1000, 100, 5000, "MERIT");
        ledger.at(20);
        final Map<String, Object> receipt = flex("sealOffer", ledger.as(CPO, "client")
                .transientData(Seals.TRANSIENT, bid("r1", "o1", 1000, 80, SALT)).context(), "r1", "o1");
        assertThat(receipt).containsEntry("collection", "_implicit_org_" + CPO)
                .containsEntry("sealHash", Seals.hashOf(Canonical.read(bid("r1", "o1", 1000, 80, SALT), SealedOffer.class, "bid")));
        // The bid is in the provider's implicit collection, not in the world state.
        assertThat(ledger.collections()).containsExactly("_implicit_org_" + CPO);
        assertThat(ledger.snapshot().entrySet()).filteredOn(e -> !e.getKey().startsWith("\uFFFF")).noneMatch(e -> e.getValue().contains("\"price\""));
        final Map<String, Object> offer = flex("submitOffer", ledger.as(CPO, "client").context(), "r1", "o1");
        assertThat(offer).containsEntry("sealHash", receipt.get("sealHash")).containsEntry("submittedAt", 20L).containsEntry("payTo", "org:" + CPO);
        // Sent again: a no-op.
        assertThat(flex("submitOffer", ledger.as(CPO, "client").context(), "r1", "o1")).isEqualTo(offer);
        assertThat(flex("mySealedOffer", ledger.as(CPO, "client").context(), "r1", "o1")).containsEntry("price", 80L);
        refused("NOT_FOUND", "mySealedOffer", ledger.as(AGG, "client").context(), "r1", "o1");

        refused("TOO_EARLY", "revealOffer", ledger.as(CPO, "client").transientData(Seals.TRANSIENT, bid("r1", "o1", 1000, 80, SALT)).context(),
                "r1", "o1");
        ledger.at(5001);
        refused("SEAL_MISMATCH", "revealOffer", ledger.as(CPO, "client").transientData(Seals.TRANSIENT, bid("r1", "o1", 1000, 70, SALT))
                .context(), "r1", "o1");
        refused("SEAL_MISMATCH", "revealOffer", ledger.as(CPO, "client")
                .transientData(Seals.TRANSIENT, bid("r1", "o1", 1000, 80, "ffeeddccbbaa99887766554433221100")).context(), "r1", "o1");
        refused("ACCESS_DENIED", "revealOffer", ledger.as(AGG, "client").transientData(Seals.TRANSIENT, bid("r1", "o1", 1000, 80, SALT))
                .context(), "r1", "o1");
        refused("BAD_REQUEST", "revealOffer", ledger.as(CPO, "client").context(), "r1", "o1");
        assertThat(reveal(CPO, "r1", "o1", 1000, 80)).containsEntry("status", "REVEALED").containsEntry("price", 80L);
        refused("INVALID_STATE", "revealOffer", ledger.as(CPO, "client").transientData(Seals.TRANSIENT, bid("r1", "o1", 1000, 80, SALT))
                .context(), "r1", "o1");
    }

    @Test
    void onlyDsosPostForTheirZonesAndOnlyProvidersOffer() {
        ledger.at(10);
        refused("ACCESS_DENIED", "postRequest", ledger.as(CPO, "admin").context(), spec("r1", 1000, 10, 5000, "MERIT", "zone-1", Accounts.org(CPO)));
        refused("ACCESS_DENIED", "postRequest", ledger.as(DSO, "admin").context(), spec("r1", 1000, 10, 5000, "MERIT", "zone-9", Accounts.org(DSO)));
        // The escrow comes from an account the caller controls: a DSO's client cannot take the org's.
        refused("ACCESS_DENIED", "postRequest", ledger.as(DSO, "client").context(), spec("r1", 1000, 10, 5000, "MERIT", "zone-1", Accounts.org(DSO)));
        refused("BAD_MODE", "postRequest", ledger.as(DSO, "admin").context(), spec("r1", 1000, 10, 5000, "CHEAPEST", "zone-1", Accounts.org(DSO)));
        refused("BAD_REQUEST", "postRequest", ledger.as(DSO, "admin").context(), spec("r1", 0, 10, 5000, "MERIT", "zone-1", Accounts.org(DSO)));
        refused("NOT_FOUND", "postRequest", ledger.as(DSO, "admin").context(), spec("r1", 10, 10, 5000, "MERIT", "zone-1", Accounts.org(DSO))
                .replace("\"P1\"", "\"P9\""));
        refused("DEADLINE_PASSED", "postRequest", ledger.as(DSO, "admin").context(), spec("r1", 1000, 10, 10, "MERIT", "zone-1", Accounts.org(DSO)));
        refused("INSUFFICIENT_FUNDS", "postRequest", ledger.as(DSO, "admin").context(),
                spec("r1", 1_000_000, 10_000, 5000, "MERIT", "zone-1", Accounts.org(DSO)));
        post("r1", 1000, 10, 5000, "MERIT");
        refused("ALREADY_EXISTS", "postRequest", ledger.as(DSO, "admin").context(), spec("r1", 1000, 10, 5000, "MERIT", "zone-1", Accounts.org(DSO)));
        // Only providers offer, and a requester never on its own request.
        ledger.as(COMMUNITY, "client").transientData(Seals.TRANSIENT, bid("r1", "o1", 1000, 5, SALT));
        refused("ACCESS_DENIED", "sealOffer", ledger.as(COMMUNITY, "client").context(), "r1", "o1");
        flex("postRequest", ledger.as(DSO_AGG, "admin").context(), spec("r9", 1000, 10, 5000, "MERIT", "zone-9", Accounts.org(DSO_AGG)));
        ledger.as(DSO_AGG, "client").transientData(Seals.TRANSIENT, bid("r9", "o1", 1000, 5, SALT));
        refused("ACCESS_DENIED", "sealOffer", ledger.as(DSO_AGG, "client").context(), "r9", "o1");
        // A weak salt would let anyone try prices against the hash.
        ledger.as(CPO, "client").transientData(Seals.TRANSIENT, bid("r1", "o1", 1000, 5, "abc"));
        refused("BAD_SALT", "sealOffer", ledger.as(CPO, "client").context(), "r1", "o1");
        refused("NOT_FOUND", "submitOffer", ledger.as(CPO, "client").context(), "r1", "o1");
    }

    @Test
    void theEscrowMovesOnlyByTheRules() {
        ledger.at(10);
        post("r1", 2000, 50, 5000, "SINGLE");
        final String escrow = Accounts.escrow("flex", "r1");
        assertThat(balance(escrow)).isEqualTo(100);
        assertThatThrownBy(() -> token.call("transfer", ledger.as(DSO, "admin").context(), escrow, Accounts.org(DSO), "100"))
                .hasMessageStartingWith("ACCESS_DENIED:");
        ledger.abort();
        assertThatThrownBy(() -> token.call("burn", ledger.as(DSO, "admin").context(), escrow, "100")).hasMessageStartingWith("ACCESS_DENIED:");
        ledger.abort();
        // An offer withdrawn before the deadline takes no part; one never revealed neither, once revealBy passed.
        offer(CPO, "r1", "o1", 2000, 40);
        offer(AGG, "r1", "o2", 2000, 30);
        refused("ACCESS_DENIED", "withdrawOffer", ledger.as(CPO, "client").context(), "r1", "o2");
        flex("withdrawOffer", ledger.as(AGG, "client").context(), "r1", "o2");
        ledger.at(5001);
        refused("DEADLINE_PASSED", "withdrawOffer", ledger.as(CPO, "client").context(), "r1", "o1");
        ledger.at(6000);
        refused("TOO_EARLY", "clearRequest", ledger.as(DSO, "client").context(), "r1");
        ledger.at(6001);
        refused("DEADLINE_PASSED", "revealOffer", ledger.as(CPO, "client").transientData(Seals.TRANSIENT, bid("r1", "o1", 2000, 40, SALT))
                .context(), "r1", "o1");
        final Map<String, Object> clearing = flex("clearRequest", ledger.as(DSO, "client").context(), "r1");
        assertThat(clearing).containsEntry("unrevealed", List.of("o1"));
        assertThat(Json.Obj.of(clearing.get("output"), "output").toMap()).containsEntry("status", "UNFILLED").containsEntry("reserved", 0L)
                .containsEntry("refundAtClearing", 100L);
        assertThat(balance(escrow)).isZero();
        assertThat(balance(Accounts.org(DSO))).isEqualTo(1_000_000);
    }

    @Test
    void membersListRequestsOffersAndClearings() {
        ledger.at(10);
        post("r1", 1000, 10, 5000, "MERIT");
        post("r2", 1000, 10, 5000, "SINGLE");
        post("r3", 1000, 10, 5000, "MERIT");
        final Map<String, Object> first = flex("listRequests", ledger.as(CPO, "client").context(), "2", "");
        assertThat((List<?>) first.get("requests")).hasSize(2);
        assertThat((String) first.get("bookmark")).isNotEmpty();
        final Map<String, Object> second = flex("listRequests", ledger.as(CPO, "client").context(), "2", (String) first.get("bookmark"));
        assertThat((List<?>) second.get("requests")).hasSize(1);
        refused("BAD_REQUEST", "listRequests", ledger.as(CPO, "client").context(), "0", "");
        refused("BAD_REQUEST", "listRequests", ledger.as(CPO, "client").context(), "2", "elsewhere");
        refused("NOT_FOUND", "getRequest", ledger.as(CPO, "client").context(), "r4");
        refused("BAD_REQUEST", "getRequest", ledger.as(CPO, "client").context(), "no/such");
        offer(CPO, "r1", "o1", 600, 8);
        offer(AGG, "r1", "o2", 600, 9);
        flex("withdrawOffer", ledger.as(AGG, "client").context(), "r1", "o2");
        refused("INVALID_STATE", "withdrawOffer", ledger.as(AGG, "client").context(), "r1", "o2");
        refused("NOT_FOUND", "withdrawOffer", ledger.as(AGG, "client").context(), "r1", "o3");
        final Map<String, Object> offers = flex("listOffers", ledger.as(DSO, "client").context(), "r1");
        assertThat(((List<?>) offers.get("offers")).stream().map(o -> String.valueOf(((Map<?, ?>) o).get("status"))).toList()).containsExactly("SEALED", "WITHDRAWN");
        refused("NOT_FOUND", "getClearing", ledger.as(DSO, "client").context(), "r1");
        ledger.at(5001);
        refused("DEADLINE_PASSED", "submitOffer", ledger.as(CPO, "client").context(), "r1", "o1");
        reveal(CPO, "r1", "o1", 600, 8);
        flex("clearRequest", ledger.as(AGG, "client").context(), "r1");
        assertThat(Json.Obj.of(flex("getClearing", ledger.as(DSO, "client").context(), "r1").get("output"), "output").toMap())
                .containsEntry("status", "PARTIAL").containsEntry("awardedWh", 600L);
        refused("INVALID_STATE", "revealOffer", ledger.as(AGG, "client").transientData(Seals.TRANSIENT, bid("r1", "o2", 600, 9, SALT))
                .context(), "r1", "o2");
        refused("INVALID_STATE", "submitOffer", ledger.as(CPO, "client").context(), "r1", "o1");
        // Non-members read nothing.
        refused("ACCESS_DENIED", "listOffers", ledger.as("StrangerMSP", "client").context(), "r1");
    }

    @Test
    void offersCloseByStateAtTheFirstRevealAndEachAssetCountsOnce() {
        ledger.at(10);
        post("r1", 4000, 100, 5000, "MERIT");
        // Duplicate assets, and a second seal of a submitted offer, are refused.
        ledger.as(CPO, "client").transientData(Seals.TRANSIENT, Canonical.write(new SealedOffer("r1", "o9", 10, 1, new String[] {"a", "a"}, SALT)));
        refused("BAD_REQUEST", "sealOffer", ledger.as(CPO, "client").context(), "r1", "o9");
        offer(CPO, "r1", "o1", 2000, 50);
        ledger.as(CPO, "client").transientData(Seals.TRANSIENT, bid("r1", "o1", 2000, 40, SALT));
        refused("ALREADY_EXISTS", "sealOffer", ledger.as(CPO, "client").context(), "r1", "o1");
        // The aggregator names the same asset as the CPO (it represents the village, which owns it).
        flex("sealOffer", ledger.as(AGG, "client").transientData(Seals.TRANSIENT, bid("r1", "o2", 2000, 60, SALT)
                .replace("ev-o2", "ev-o1")).context(), "r1", "o2");
        flex("submitOffer", ledger.as(AGG, "client").context(), "r1", "o2");
        // A value the provider's own peer sealed unchecked (altered chaincode) is checked again at reveal.
        final String crafted = Canonical.write(new SealedOffer("r1", "o3", 1000, 10, new String[] {"x", "x"}, SALT));
        ledger.plantPrivate(Seals.collection(CPO), new Seals(ledger.as(CPO, "client").context().getStub()).key(FlexContract.OFFER, "r1", "o3"),
                crafted);
        flex("submitOffer", ledger.as(CPO, "client").context(), "r1", "o3");
        ledger.at(5001);
        refused("BAD_REQUEST", "revealOffer", ledger.as(CPO, "client").transientData(Seals.TRANSIENT, crafted).context(), "r1", "o3");
        reveal(CPO, "r1", "o1", 2000, 50);
        assertThat(flex("getRequest", ledger.as(DSO, "client").context(), "r1")).containsEntry("status", "REVEALING");
        // Even a submission stamped before the deadline is refused now: the request closed by state.
        ledger.at(4999);
        refused("INVALID_STATE", "submitOffer", ledger.as(AGG, "client").context(), "r1", "o4");
        ledger.at(5002);
        flex("revealOffer", ledger.as(AGG, "client").transientData(Seals.TRANSIENT, bid("r1", "o2", 2000, 60, SALT).replace("ev-o2", "ev-o1"))
                .context(), "r1", "o2");
        ledger.at(6001);
        flex("clearRequest", ledger.as(DSO, "client").context(), "r1");
        owners.put("ev-o1", COMMUNITY);
        deliveredWh.put("ev-o1", 1500L);
        ledger.at(2 * WINDOW);
        // The CPO does not own or represent ev-o1; the aggregator does, so it counts — once, for the aggregator's offer only.
        final Map<String, Object> payment = flex("payRequest", ledger.as(DSO, "client").context(), "r1");
        assertThat(payment.get("payments")).isEqualTo(List.of(Map.of("offerId", "o1", "paid", 0L), Map.of("offerId", "o2", "paid", 90L)));
        assertThat(Json.write(payment)).contains("neither owned nor represented by " + CPO);
    }

    @Test
    void missingDataWaitsForTheGracePeriodThenCountsAsNothing() {
        ledger.at(10);
        post("r1", 1000, 100, 5000, "SINGLE");
        offer(CPO, "r1", "o1", 1000, 50);
        ledger.at(5001);
        reveal(CPO, "r1", "o1", 1000, 50);
        flex("clearRequest", ledger.as(DSO, "client").context(), "r1");
        errors.put("ev-o1", "INCOMPLETE_DATA");
        ledger.at(2 * WINDOW);
        refused("INCOMPLETE_DATA", "payRequest", ledger.as(DSO, "client").context(), "r1");
        ledger.at(2 * WINDOW + FlexContract.GRACE_MS);
        final Map<String, Object> payment = flex("payRequest", ledger.as(DSO, "client").context(), "r1");
        assertThat(payment).containsEntry("refundAtDelivery", 50L);
        assertThat(Json.write(payment)).contains("not measured: INCOMPLETE_DATA");
    }
}
