package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Merkle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * chaincode-energy's role table (chaincode-energy/README.md) as a matrix on the real network,
 * expressed over roles, not named orgs: the columns are the identities of an <em>owner</em> (a
 * member with the COMMUNITY role: admin, gateway user, bound device, unbound client), of an
 * <em>aggregator that represents the owner</em> (admin, user, its own asset's device) and the user
 * of an <em>outsider</em> (a CPO member that is neither the owner's DSO nor its aggregator). Which
 * orgs fill these roles is read from the consortium on the ledger ({@link #resolve}); the same
 * matrix then runs for any aggregator, the founders' or one added later ({@code AddOrgIT}). Every
 * cell is asserted: the call succeeds, or fails with ACCESS_DENIED.
 */
final class EnergyRoleMatrix implements AutoCloseable {
    private static final long QUARTER = 900_000L;
    private static final byte[] SALT = Hex.decode("0f0e0d0c0b0a09080706050403020100000102030405060708090a0b0c0d0e0f");
    private static final String[] COLUMNS = {"owner-admin", "owner-user", "owner-device", "owner-client", "aggregator-admin",
        "aggregator-user", "aggregator-device", "outsider-user"};

    /** The orgs (work-folder names) that fill the matrix's roles, and their MSP ids. */
    record Roles(String owner, String ownerMsp, String aggregator, String aggregatorMsp, String outsider) {}

    private final Map<String, LedgerConnection> connections = new LinkedHashMap<>();
    private final Roles roles;
    private final AtomicLong counter = new AtomicLong();
    private final String run;
    private final String meter;
    private final long firstStart;
    private long nextStart;
    private final String batchId;
    private final List<byte[]> leaves = new ArrayList<>();

    /** The network's work folder, as scripts/test.sh exports it. */
    static Path work() {
        final Path root = Path.of(System.getProperty("flexledger.root", "..")).toAbsolutePath().normalize();
        final String env = System.getenv("FLEXLEDGER_WORK");
        return env != null ? Path.of(env) : root.resolve("work/network");
    }

    /** Work-folder org name of every MSP id that has client profiles in the work folder. */
    static Map<String, String> orgsByMsp(final Path work) throws IOException {
        final Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(work.resolve("clients"))) {
            for (final Path f : files.filter(p -> p.getFileName().toString().endsWith("-user.properties")).sorted().toList()) {
                final MemberProfile p = MemberProfile.load(f);
                out.put(p.mspId(), p.org());
            }
        }
        return out;
    }

    /**
     * The roles from the consortium on the ledger, members taken in the order they were admitted
     * (founders first, whatever ran before): the first COMMUNITY member as owner, the given
     * aggregator (or the first-admitted AGGREGATOR that represents the owner), the first CPO that
     * neither is a DSO nor represents the owner as outsider.
     */
    @SuppressWarnings("unchecked")
    static Roles resolve(final LedgerConnection any, final Path work, final String aggregatorMsp) throws LedgerException, IOException {
        final Map<String, String> orgs = orgsByMsp(work);
        final List<Map<String, Object>> members = new ArrayList<>((List<Map<String, Object>>) any.consortium("grid").consortium().get("members"));
        members.sort(java.util.Comparator.comparingLong((Map<String, Object> m) -> ((Number) m.get("admittedAt")).longValue())
                .thenComparing(m -> (String) m.get("mspId")));
        String owner = null;
        for (final Map<String, Object> m : members) {
            if (((List<Object>) m.get("roles")).contains("COMMUNITY")) {
                owner = (String) m.get("mspId");
                break;
            }
        }
        assertThat(owner).as("a COMMUNITY member in the consortium").isNotNull();
        String aggregator = aggregatorMsp;
        String outsider = null;
        for (final Map<String, Object> m : members) {
            final List<Object> r = (List<Object>) m.get("roles");
            final boolean represents = r.contains("AGGREGATOR") && ((List<Object>) m.get("represents")).contains(owner);
            if (aggregator == null && represents) {
                aggregator = (String) m.get("mspId");
            }
            if (outsider == null && r.contains("CPO") && !r.contains("DSO") && !represents) {
                outsider = (String) m.get("mspId");
            }
        }
        assertThat(aggregator).as("an AGGREGATOR that represents %s", owner).isNotNull();
        assertThat(outsider).as("a CPO that does not read %s's data", owner).isNotNull();
        for (final String msp : List.of(owner, aggregator, outsider)) {
            assertThat(orgs).as("client profiles of %s in %s", msp, work).containsKey(msp);
        }
        return new Roles(orgs.get(owner), owner, orgs.get(aggregator), aggregator, orgs.get(outsider));
    }

    /** Connects every column's identity and writes what the rows act on: a meter, an interval, a batch, a subscription. */
    EnergyRoleMatrix(final Path work, final Roles roles) throws IOException, LedgerException {
        this.roles = roles;
        for (final String column : COLUMNS) {
            final String[] parts = column.split("-");
            final String org = switch (parts[0]) {
                case "owner" -> roles.owner();
                case "aggregator" -> roles.aggregator();
                default -> roles.outsider();
            };
            connections.put(column, LedgerConnection.open(MemberProfile.fromWork(work, org, parts[1])));
        }
        run = "R" + System.currentTimeMillis() + "-" + roles.aggregator();
        // Each org's admin binds its gateway (User1) and device (User2) to a meter: binding other
        // identities is the admin's decision.
        meter = run + "-M";
        energy("owner-admin").registerAsset(meterSpec(meter, id("owner-user"), id("owner-device")));
        energy("aggregator-admin").registerAsset(meterSpec(run + "-AGG", id("aggregator-user"), id("aggregator-device")));
        nextStart = Math.floorDiv(System.currentTimeMillis(), QUARTER) * QUARTER - 100 * QUARTER;
        firstStart = nextStart;
        energy("owner-device").recordIntervals(List.of(EnergyLedger.record(meter, Fp1.interval(SALT, meter, nextStart, nextStart + QUARTER).digest())));
        nextStart += QUARTER;
        batchId = run + "-B";
        for (int i = 0; i < 5; i++) {
            leaves.add(Merkle.leaf(("item-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        energy("owner-user").certifyBatch(batch(batchId));
        energy("aggregator-user").requestAccess(run + "-S", roles.ownerMsp(), "community/load");
        inSync();
    }

    Roles roles() {
        return roles;
    }

    private String id(final String column) throws LedgerException {
        return (String) energy(column).whoAmI().get("id");
    }

    /** Waits until every column's peer has what was written so far, whichever peer took it. */
    private void inSync() throws LedgerException {
        PeerHeights.awaitSame("grid", connections.values(), PeerHeights.DEFAULT_WAIT);
    }

    @Override
    public void close() {
        connections.values().forEach(LedgerConnection::close);
    }

    private EnergyLedger energy(final String column) {
        return connections.get(column).energy("grid");
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

    private Map<String, Object> batch(final String id) {
        final Map<String, Object> b = new LinkedHashMap<>();
        b.put("batchId", id);
        b.put("topic", "community/load");
        b.put("periodStart", 0L);
        b.put("periodEnd", 1L);
        b.put("count", (long) leaves.size());
        b.put("merkleRoot", Hex.encode(Merkle.root(leaves)));
        return b;
    }

    private String unique(final String what) {
        return run + "-" + what + "-" + counter.incrementAndGet();
    }

    /** An identity id of the caller's org that no certificate here has: binding it as a device changes no other cell. */
    private String unboundIdentity(final EnergyLedger as) throws LedgerException {
        final String id = (String) as.whoAmI().get("id");
        return "x509::CN=" + unique("meter-device") + "::" + id.substring(id.lastIndexOf("::") + 2);
    }

    /** A call one identity makes; {@code allowed} says whether the role table lets it. */
    private interface Call {
        void run(EnergyLedger as) throws LedgerException;
    }

    private Stream<DynamicTest> row(final String transaction, final String allowed, final Call call) {
        final List<DynamicTest> cells = new ArrayList<>();
        for (int i = 0; i < COLUMNS.length; i++) {
            final String column = COLUMNS[i];
            final String who = column + " (" + mspOf(column) + ")";
            final boolean yes = allowed.charAt(i) == 'Y';
            cells.add(DynamicTest.dynamicTest(transaction + " by " + who + (yes ? " is allowed" : " is ACCESS_DENIED"), () -> {
                if (yes) {
                    call.run(energy(column));
                } else {
                    assertThatThrownBy(() -> call.run(energy(column))).isInstanceOfSatisfying(LedgerException.class,
                            e -> assertThat(e.code()).as("%s by %s: %s", transaction, who, e.getMessage()).contains(ErrorCode.ACCESS_DENIED));
                }
            }));
        }
        return cells.stream();
    }

    private String mspOf(final String column) {
        return column.startsWith("owner") ? roles.ownerMsp() : column.startsWith("aggregator") ? roles.aggregatorMsp() : roles.outsider();
    }

    /** Subscriptions the aggregator requested from the owner, one per call. */
    private String requested() throws LedgerException {
        final String id = unique("S");
        energy("aggregator-user").requestAccess(id, roles.ownerMsp(), "community/load");
        inSync();
        return id;
    }

    /** The next interval of the meter's chain; {@link #recorded} moves on once a call certified it (a refused call leaves no gap). */
    private synchronized long nextStart() {
        return nextStart;
    }

    private synchronized void recorded(final long start) {
        nextStart = start + QUARTER;
    }

    /**
     * Columns: owner admin, user (gateway), device, client (bound to nothing); aggregator admin,
     * user, device; outsider user.
     */
    Stream<DynamicTest> rows() {
        return Stream.of(
                row("RegisterAsset", "YYNYYYNY", as -> as.registerAsset(Map.of("assetId", unique("EV"), "type", "EV", "zone", "z"))),
                row("RegisterMeter", "YYNYYYNY", as -> as.registerMeter(unique("M"), "zone-1", Hex.encode(Fp1.saltCommitment(SALT)))),
                row("RecordInterval", "NYYNNNNN", as -> {
                    final long start = nextStart();
                    assertThat(as.recordInterval(meter, Fp1.interval(SALT, meter, start, start + QUARTER).add(start + 2, 6).digest()))
                            .containsEntry("start", start);
                    recorded(start);
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
                    energy("owner-admin").registerAsset(Map.of("assetId", id, "type", "EMS", "zone", "z", "gatewayId", id("owner-user")));
                    inSync();
                    final String device = unboundIdentity(energy("owner-admin"));
                    assertThat(as.updateAsset(id, Map.of("deviceId", device))).containsEntry("deviceId", device);
                }),
                row("UpdateAsset", "YYNNNNNN", as -> as.updateAsset(meter, Map.of("zone", "zone-" + counter.incrementAndGet()))),
                row("RecordIntervals", "NYYNNNNN", as -> {
                    final long start = nextStart();
                    final Map<String, Object> out = as.recordIntervals(List.of(EnergyLedger.record(meter,
                            Fp1.interval(SALT, meter, start, start + QUARTER).add(start + 1, 5).digest())));
                    assertThat(out).containsEntry("recorded", 1L);
                    recorded(start);
                }),
                row("DeactivateAsset", "YYNNNNNN", as -> {
                    final String id = unique("CS");
                    energy("owner-user").registerAsset(Map.of("assetId", id, "type", "CHARGING_STATION", "zone", "z"));
                    inSync();
                    assertThat(as.deactivateAsset(id)).containsEntry("status", "INACTIVE");
                }),
                row("CertifyBatch", "YYNYYYNY", as -> as.certifyBatch(batch(unique("B")))),
                row("RequestAccess", "YYNYYYNY", as -> {
                    final String provider = roles.ownerMsp().equals(as.whoAmI().get("mspId")) ? roles.aggregatorMsp() : roles.ownerMsp();
                    assertThat(as.requestAccess(unique("S"), provider, "topic")).containsEntry("status", "REQUESTED");
                }),
                row("AcceptAccess", "YYNYNNNN", as -> assertThat(as.acceptAccess(requested())).containsEntry("status", "ACCEPTED")),
                row("DeclineAccess", "YYNYNNNN", as -> assertThat(as.declineAccess(requested())).containsEntry("status", "DECLINED")),
                row("RevokeAccess", "YYNYYYNN", as -> assertThat(as.revokeAccess(requested())).containsEntry("status", "REVOKED")),
                row("Noop", "YYYYYYYY", EnergyLedger::noop),
                row("GetAsset", "YYYYYYYY", as -> assertThat(as.getAsset(meter)).containsEntry("ownerMsp", roles.ownerMsp())),
                row("QueryAssets", "YYYYYYYY", as -> assertThat(as.queryAssets("owner", roles.ownerMsp(), 1, "")).containsKey("assets")),
                row("GetHead", "YYYYYYYN", as -> assertThat(as.getHead(meter)).containsKey("headLink")),
                row("GetIntervals", "YYYYYYYN", as -> assertThat(as.getIntervals(meter, 0, Long.MAX_VALUE, 10, "")).containsKey("records")),
                row("GetIntervalHash", "YYYYYYYY", as -> assertThat(as.getIntervalHash(meter, firstStart)).containsKey("segmentHash")),
                row("GetBatch", "YYYYYYYY", as -> assertThat(as.getBatch(batchId)).containsEntry("providerMsp", roles.ownerMsp())),
                row("QueryBatches", "YYYYYYYY", as -> assertThat(as.queryBatches("topic", "community/load", 5, "")).containsKey("batches")),
                row("VerifyBatchInclusion", "YYYYYYYY", as -> {
                    final List<String> proof = new ArrayList<>();
                    Merkle.proof(leaves, 3).forEach(h -> proof.add(Hex.encode(h)));
                    assertThat(as.verifyBatchInclusion(batchId, Hex.encode(leaves.get(3)), 3, proof)).containsEntry("valid", true);
                }),
                row("GetSubscription", "YYYYYYYY", as -> assertThat(as.getSubscription(run + "-S")).containsEntry("topic", "community/load")),
                row("QuerySubscriptions", "YYYYYYYY", as -> assertThat(as.querySubscriptions("provider", roles.ownerMsp(), 5, ""))
                        .containsKey("subscriptions")),
                row("WhoAmI", "YYYYYYYY", as -> assertThat(as.whoAmI()).containsKey("id")))
                .flatMap(s -> s);
    }
}
