package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Merkle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * chaincode-energy's role table (chaincode-energy/README.md) as a matrix on the real network:
 * every transaction by every identity of two orgs — admin, gateway (user), a bound device — and by
 * the CPO's user, each cell asserted: the call succeeds, or fails with ACCESS_DENIED. The target
 * assets, batches and subscriptions belong to the community; the aggregator's device is bound to an
 * aggregator asset, so it is "another org's device"; the CPO is a member that may not read the
 * community's interval data (private to the community, the DSO of the meter's zone and the aggregator).
 */
@Tag("integration")
class EnergyRolesIT {
    private static final long QUARTER = 900_000L;
    private static final byte[] SALT = Hex.decode("0f0e0d0c0b0a09080706050403020100000102030405060708090a0b0c0d0e0f");
    private static final String[] WHO = {"community-admin", "community-user", "community-device", "community-client", "aggregator-admin",
        "aggregator-user", "aggregator-device", "cpo-user"};

    private static final Map<String, LedgerConnection> connections = new LinkedHashMap<>();
    private static final AtomicLong counter = new AtomicLong();
    private static String run;
    private static String meter;
    private static long nextStart;
    private static long firstStart;
    private static String batchId;
    private static List<byte[]> leaves;

    @BeforeAll
    static void setUp() throws IOException, LedgerException {
        final Path root = Path.of(System.getProperty("flexledger.root", "..")).toAbsolutePath().normalize();
        final String env = System.getenv("FLEXLEDGER_WORK");
        final Path work = env != null ? Path.of(env) : root.resolve("work/network");
        for (final String who : WHO) {
            final String[] parts = who.split("-");
            connections.put(who, LedgerConnection.open(MemberProfile.fromWork(work, parts[0], parts[1])));
        }
        run = "R" + System.currentTimeMillis();
        // Each org's admin binds its gateway (User1) and device (User2) to a meter: binding other
        // identities is the admin's decision.
        meter = run + "-M";
        energy("community-admin").registerAsset(meterSpec(meter, (String) energy("community-user").whoAmI().get("id"),
                (String) energy("community-device").whoAmI().get("id")));
        energy("aggregator-admin").registerAsset(meterSpec(run + "-AGG", (String) energy("aggregator-user").whoAmI().get("id"),
                (String) energy("aggregator-device").whoAmI().get("id")));
        nextStart = Math.floorDiv(System.currentTimeMillis(), QUARTER) * QUARTER - 100 * QUARTER;
        firstStart = nextStart;
        energy("community-device").recordIntervals(List.of(EnergyLedger.record(meter,
                Fp1.interval(SALT, meter, nextStart, nextStart + QUARTER).digest())));
        nextStart += QUARTER;
        batchId = run + "-B";
        leaves = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            leaves.add(Merkle.leaf(("item-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        energy("community-user").certifyBatch(batch(batchId));
        energy("aggregator-user").requestAccess(run + "-S", "CommunityMSP", "community/load");
        inSync();
    }

    /** Waits until every member's peer has what was written so far, whichever peer took it. */
    private static void inSync() throws LedgerException {
        PeerHeights.awaitSame("grid", connections.values(), PeerHeights.DEFAULT_WAIT);
    }

    @AfterAll
    static void close() {
        connections.values().forEach(LedgerConnection::close);
    }

    private static EnergyLedger energy(final String who) {
        return connections.get(who).energy("grid");
    }

    private static Map<String, Object> meterSpec(final String id, final String gatewayId, final String deviceId) {
        final Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("assetId", id);
        spec.put("type", "METER");
        spec.put("zone", "zone-1"); // a zone the DSO operates: the aggregator's own meter needs a second reader
        spec.put("gatewayId", gatewayId);
        spec.put("deviceId", deviceId);
        spec.put("saltCommitment", Hex.encode(Fp1.saltCommitment(SALT)));
        return spec;
    }

    private static Map<String, Object> batch(final String id) {
        final Map<String, Object> b = new LinkedHashMap<>();
        b.put("batchId", id);
        b.put("topic", "community/load");
        b.put("periodStart", 0L);
        b.put("periodEnd", 1L);
        b.put("count", (long) leaves.size());
        b.put("merkleRoot", Hex.encode(Merkle.root(leaves)));
        return b;
    }

    private static String unique(final String what) {
        return run + "-" + what + "-" + counter.incrementAndGet();
    }

    /**
     * An identity id of the caller's org that no certificate here has: binding it as a device
     * changes no other cell of the matrix.
     */
    private static String unboundIdentity(final EnergyLedger as) throws LedgerException {
        final String id = (String) as.whoAmI().get("id");
        return "x509::CN=" + unique("meter-device") + "::" + id.substring(id.lastIndexOf("::") + 2);
    }

    /** A call one identity makes; {@code allowed} says whether the role table lets it. */
    private interface Call {
        void run(EnergyLedger as) throws LedgerException;
    }

    private static Stream<DynamicTest> row(final String transaction, final String allowed, final Call call) {
        final List<DynamicTest> cells = new ArrayList<>();
        for (int i = 0; i < WHO.length; i++) {
            final String who = WHO[i];
            final boolean yes = allowed.charAt(i) == 'Y';
            cells.add(DynamicTest.dynamicTest(transaction + " by " + who + (yes ? " is allowed" : " is ACCESS_DENIED"), () -> {
                if (yes) {
                    call.run(energy(who));
                } else {
                    assertThatThrownBy(() -> call.run(energy(who))).isInstanceOfSatisfying(LedgerException.class,
                            e -> assertThat(e.code()).as("%s by %s: %s", transaction, who, e.getMessage()).contains(ErrorCode.ACCESS_DENIED));
                }
            }));
        }
        return cells.stream();
    }

    /** Subscriptions the aggregator requested from the community, one per call. */
    private static String requested() throws LedgerException {
        final String id = unique("S");
        energy("aggregator-user").requestAccess(id, "CommunityMSP", "community/load");
        inSync();
        return id;
    }

    @TestFactory
    Stream<DynamicTest> roleTable() {
        // Columns: community admin, user (gateway), device, client (bound to nothing); aggregator admin,
        // user, device; CPO user.
        return Stream.of(
                row("RegisterAsset", "YYNYYYNY", as -> as.registerAsset(Map.of("assetId", unique("EV"), "type", "EV", "zone", "z"))),
                row("RegisterMeter", "YYNYYYNY", as -> as.registerMeter(unique("M"), "zone-1", Hex.encode(Fp1.saltCommitment(SALT)))),
                row("RecordInterval", "NYYNNNNN", as -> {
                    final long start;
                    synchronized (EnergyRolesIT.class) {
                        start = nextStart;
                    }
                    assertThat(as.recordInterval(meter, Fp1.interval(SALT, meter, start, start + QUARTER).add(start + 2, 6).digest()))
                            .containsEntry("start", start);
                    synchronized (EnergyRolesIT.class) {
                        nextStart = start + QUARTER;
                    }
                }),
                row("GetMeter", "YYYYYYYY", as -> assertThat(as.getMeter(meter)).containsEntry("type", "METER")),
                row("GetInterval", "YYYYYYYN", as -> assertThat(as.getInterval(meter, firstStart)).containsEntry("start", firstStart)),
                row("RegisterAsset binding another identity as deviceId", "YNNNYNNN", as -> {
                    final Map<String, Object> asset = new LinkedHashMap<>();
                    asset.put("assetId", unique("BMS"));
                    asset.put("type", "BMS");
                    asset.put("zone", "z");
                    asset.put("deviceId", unboundIdentity(as));
                    assertThat(as.registerAsset(asset)).containsEntry("deviceId", asset.get("deviceId"));
                }),
                row("UpdateAsset binding another identity as deviceId", "YNNNNNNN", as -> {
                    final String id = unique("EMS");
                    energy("community-admin").registerAsset(Map.of("assetId", id, "type", "EMS", "zone", "z",
                            "gatewayId", energy("community-user").whoAmI().get("id")));
                    inSync();
                    final String device = unboundIdentity(energy("community-admin"));
                    assertThat(as.updateAsset(id, Map.of("deviceId", device))).containsEntry("deviceId", device);
                }),
                row("UpdateAsset", "YYNNNNNN", as -> as.updateAsset(meter, Map.of("zone", "zone-" + counter.incrementAndGet()))),
                row("RecordIntervals", "NYYNNNNN", as -> {
                    final long start;
                    synchronized (EnergyRolesIT.class) {
                        start = nextStart;
                    }
                    final Map<String, Object> out = as.recordIntervals(List.of(EnergyLedger.record(meter,
                            Fp1.interval(SALT, meter, start, start + QUARTER).add(start + 1, 5).digest())));
                    assertThat(out).containsEntry("recorded", 1L);
                    synchronized (EnergyRolesIT.class) {
                        nextStart = start + QUARTER;
                    }
                }),
                row("DeactivateAsset", "YYNNNNNN", as -> {
                    final String id = unique("CS");
                    energy("community-user").registerAsset(Map.of("assetId", id, "type", "CHARGING_STATION", "zone", "z"));
                    inSync();
                    assertThat(as.deactivateAsset(id)).containsEntry("status", "INACTIVE");
                }),
                row("CertifyBatch", "YYNYYYNY", as -> as.certifyBatch(batch(unique("B")))),
                row("RequestAccess", "YYNYYYNY", as -> {
                    final String provider = "CommunityMSP".equals(as.whoAmI().get("mspId")) ? "AggregatorMSP" : "CommunityMSP";
                    assertThat(as.requestAccess(unique("S"), provider, "topic")).containsEntry("status", "REQUESTED");
                }),
                row("AcceptAccess", "YYNYNNNN", as -> assertThat(as.acceptAccess(requested())).containsEntry("status", "ACCEPTED")),
                row("DeclineAccess", "YYNYNNNN", as -> assertThat(as.declineAccess(requested())).containsEntry("status", "DECLINED")),
                row("RevokeAccess", "YYNYYYNN", as -> assertThat(as.revokeAccess(requested())).containsEntry("status", "REVOKED")),
                row("Noop", "YYYYYYYY", EnergyLedger::noop),
                row("GetAsset", "YYYYYYYY", as -> assertThat(as.getAsset(meter)).containsEntry("ownerMsp", "CommunityMSP")),
                row("QueryAssets", "YYYYYYYY", as -> assertThat(as.queryAssets("owner", "CommunityMSP", 1, "")).containsKey("assets")),
                row("GetHead", "YYYYYYYN", as -> assertThat(as.getHead(meter)).containsKey("headLink")),
                row("GetIntervals", "YYYYYYYN", as -> assertThat(as.getIntervals(meter, 0, Long.MAX_VALUE, 10, "")).containsKey("records")),
                row("GetIntervalHash", "YYYYYYYY", as -> assertThat(as.getIntervalHash(meter, firstStart)).containsKey("segmentHash")),
                row("GetBatch", "YYYYYYYY", as -> assertThat(as.getBatch(batchId)).containsEntry("providerMsp", "CommunityMSP")),
                row("QueryBatches", "YYYYYYYY", as -> assertThat(as.queryBatches("topic", "community/load", 5, "")).containsKey("batches")),
                row("VerifyBatchInclusion", "YYYYYYYY", as -> {
                    final List<String> proof = new ArrayList<>();
                    Merkle.proof(leaves, 3).forEach(h -> proof.add(Hex.encode(h)));
                    assertThat(as.verifyBatchInclusion(batchId, Hex.encode(leaves.get(3)), 3, proof)).containsEntry("valid", true);
                }),
                row("GetSubscription", "YYYYYYYY", as -> assertThat(as.getSubscription(run + "-S")).containsEntry("topic", "community/load")),
                row("QuerySubscriptions", "YYYYYYYY", as -> assertThat(as.querySubscriptions("provider", "CommunityMSP", 5, ""))
                        .containsKey("subscriptions")),
                row("WhoAmI", "YYYYYYYY", as -> assertThat(as.whoAmI()).containsKey("id")))
                .flatMap(s -> s);
    }
}
