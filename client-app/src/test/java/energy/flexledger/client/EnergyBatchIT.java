package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Fp1Verifier;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.IntervalDigest;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.Merkle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Batched certification, range reads, batch proofs and subscriptions on the real network. */
@Tag("integration")
class EnergyBatchIT {
    private static final long QUARTER = 900_000L;
    private static final byte[] SALT = Hex.decode("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    private static Path root;
    private static LedgerConnection community;
    private static LedgerConnection aggregator;
    private static PeersInSync peers;

    @BeforeAll
    static void connect() throws IOException {
        root = Path.of(System.getProperty("flexledger.root", "..")).toAbsolutePath().normalize();
        final String env = System.getenv("FLEXLEDGER_WORK");
        final Path work = env != null ? Path.of(env) : root.resolve("work/network");
        community = LedgerConnection.open(MemberProfile.fromWork(work, "community", "user"));
        aggregator = LedgerConnection.open(MemberProfile.fromWork(work, "aggregator", "user"));
        peers = new PeersInSync(work);
    }

    @AfterAll
    static void close() {
        community.close();
        aggregator.close();
        peers.close();
    }

    private static EnergyLedger meter(final String id) throws LedgerException {
        final EnergyLedger energy = community.energy("grid");
        energy.registerMeter(id, "zone-1", Hex.encode(Fp1.saltCommitment(SALT)));
        return energy;
    }

    private static long alignedPast(final int quarters) {
        return Math.floorDiv(System.currentTimeMillis(), QUARTER) * QUARTER - quarters * QUARTER;
    }

    /** A public FP1 vector: its {@code input} and {@code expected} members. */
    private static Json.Obj[] vector(final String file) throws IOException {
        final Map<String, Object> vector = Json.parseObject(Files.readString(root.resolve("core/src/test/resources/vectors/" + file)));
        return new Json.Obj[] {Json.Obj.of(vector.get("input"), "input"), Json.Obj.of(vector.get("expected"), "expected")};
    }

    /** The digests of a vector's intervals, fingerprinted by the client as a device would. */
    private static List<IntervalDigest> digests(final Json.Obj input) {
        final String meterId = input.getString("meterId");
        final byte[] salt = input.getHex("salt");
        final List<IntervalDigest> out = new ArrayList<>();
        for (final Object item : input.getList("intervals")) {
            final Json.Obj interval = Json.Obj.of(item, "interval");
            final Fp1.Accumulator acc = Fp1.interval(salt, meterId, interval.getLong("start"), interval.getLong("end"));
            for (final Object s : interval.getList("samples")) {
                acc.add((Long) ((List<?>) s).get(0), (Long) ((List<?>) s).get(1));
            }
            out.add(acc.digest());
        }
        return out;
    }

    @Test
    void theFp1VectorThroughTheChaincodeGivesTheSpecsLinks() throws Exception {
        final Json.Obj[] vector = vector("fp1-basic.json");
        final Json.Obj input = vector[0];
        final Json.Obj expected = vector[1];
        final String meterId = input.getString("meterId");
        final EnergyLedger energy = community.energy("grid");
        // The vector's meter id is fixed, so a second run on the same network finds it registered:
        // the same registration and the same records are then no-ops, and the links still match.
        final List<IntervalDigest> digests = digests(input);
        // The vector's times are fixed in the past: the meter declares its earliest start outright.
        final Map<String, Object> meter = new LinkedHashMap<>();
        meter.put("assetId", meterId);
        meter.put("type", "METER");
        meter.put("zone", "zone-1");
        meter.put("saltCommitment", Hex.encode(Fp1.saltCommitment(input.getHex("salt"))));
        meter.put("earliestStart", digests.get(0).start());
        energy.registerAsset(meter);
        final List<Map<String, Object>> records = new ArrayList<>();
        for (final IntervalDigest d : digests) {
            records.add(EnergyLedger.record(meterId, d));
        }
        energy.recordIntervals(records);
        final List<Map<String, Object>> stored = energy.allIntervals(meterId, 0, Long.MAX_VALUE);
        final List<?> want = expected.getList("intervals");
        assertThat(stored).hasSize(want.size());
        for (int i = 0; i < want.size(); i++) {
            final Map<?, ?> w = (Map<?, ?>) want.get(i);
            for (final String field : List.of("start", "end", "count", "sum", "avg", "fingerprint", "link")) {
                assertThat(stored.get(i).get(field)).as("interval %d %s", i, field).isEqualTo(w.get(field));
            }
        }
    }

    /**
     * The other public FP1 vector: a one-hour interval of a meter whose id is not ASCII, one sample
     * at the interval's end whose value is the largest a sum may reach. Its expected link continues
     * a chain from a given previous link, which a ledger chain (it starts at the meter's genesis)
     * cannot; the chaincode's count, sum, average and fingerprint must be the vector's, its first
     * link the one FP1 gives from the vector's genesis.
     */
    @Test
    void theContinuationVectorsIntervalThroughTheChaincodeGivesTheSpecsDigest() throws Exception {
        final Json.Obj[] vector = vector("fp1-continue.json");
        final Json.Obj input = vector[0];
        final Json.Obj expected = vector[1];
        final String meterId = input.getString("meterId");
        final IntervalDigest digest = digests(input).get(0);
        final long start = digest.start();
        final Map<String, Object> asset = new LinkedHashMap<>();
        asset.put("assetId", meterId);
        asset.put("type", "METER");
        asset.put("zone", "zone-1");
        asset.put("intervalMs", digest.end() - start);
        asset.put("saltCommitment", Hex.encode(Fp1.saltCommitment(input.getHex("salt"))));
        // Fixed times in the past, and a sample as large as a sum may be: declared, not defaulted.
        asset.put("earliestStart", start);
        asset.put("maxAbsValue", Long.MAX_VALUE);
        final EnergyLedger energy = community.energy("grid");
        energy.registerAsset(asset);
        energy.recordIntervals(List.of(EnergyLedger.record(meterId, digest)));
        final Map<String, Object> stored = energy.getInterval(meterId, start);
        final Map<?, ?> want = (Map<?, ?>) expected.getList("intervals").get(0);
        for (final String field : List.of("start", "end", "count", "sum", "avg", "fingerprint")) {
            assertThat(stored.get(field)).as(field).isEqualTo(want.get(field));
        }
        assertThat(Hex.encode(Fp1.genesis(meterId))).isEqualTo(expected.getString("genesis"));
        assertThat(stored).containsEntry("previousLink", expected.getString("genesis"))
                .containsEntry("link", Hex.encode(Fp1.link(Fp1.genesis(meterId), digest)));
    }

    @Test
    void aThousandIntervalsInOneTransactionRetriedAndAudited() throws Exception {
        final String meterId = "IT-BATCH-" + System.nanoTime();
        final EnergyLedger energy = meter(meterId);
        final long from = alignedPast(1000);
        final List<Map<String, Object>> records = new ArrayList<>();
        final List<long[]> samples = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            final long start = from + i * QUARTER;
            final long[] sample = {start + 60_000L, 1_000_000L + i};
            samples.add(sample);
            records.add(EnergyLedger.record(meterId, Fp1.interval(SALT, meterId, start, start + QUARTER).add(sample[0], sample[1]).digest()));
        }
        assertThat(energy.recordIntervals(records)).containsEntry("recorded", 1000L).containsEntry("unchanged", 0L);
        // A retry after a lost answer: nothing new, nothing refused.
        assertThat(energy.recordIntervals(records)).containsEntry("recorded", 0L).containsEntry("unchanged", 1000L);

        final List<Map<String, Object>> stored = energy.allIntervals(meterId, from, from + 1000 * QUARTER);
        assertThat(stored).hasSize(1000);
        // The auditor's check: the samples against the ledger's records, from the ledger's genesis.
        final List<Fp1Verifier.CertifiedInterval> certified = new ArrayList<>();
        for (final Map<String, Object> r : stored) {
            certified.add(Fp1Verifier.CertifiedInterval.fromRecord(r));
        }
        final Fp1Verifier verifier = new Fp1Verifier(SALT, meterId, Fp1.genesis(meterId), certified);
        samples.forEach(s -> verifier.add(s[0], s[1]));
        final Fp1Verifier.Report report = verifier.finish();
        assertThat(report.ok()).isTrue();
        assertThat(Hex.encode(report.headLink())).isEqualTo(energy.getHead(meterId).get("headLink"));
    }

    @Test
    void conflictGapAndMisalignmentAreRefusedAndChangeNothing() throws Exception {
        final String meterId = "IT-REFUSE-" + System.nanoTime();
        final EnergyLedger energy = meter(meterId);
        final long from = alignedPast(10);
        energy.recordIntervals(List.of(EnergyLedger.record(meterId, Fp1.interval(SALT, meterId, from, from + QUARTER).digest())));
        final Map<String, Object> head = energy.getHead(meterId);
        final IntervalDigest different = Fp1.interval(SALT, meterId, from, from + QUARTER).add(from + 1, 1).digest();
        final IntervalDigest gap = Fp1.interval(SALT, meterId, from + 2 * QUARTER, from + 3 * QUARTER).digest();
        final IntervalDigest misaligned = Fp1.interval(SALT, meterId, from + QUARTER, from + 2 * QUARTER + 1).digest();
        assertCode(() -> energy.recordIntervals(List.of(EnergyLedger.record(meterId, different))), ErrorCode.CONFLICT);
        assertCode(() -> energy.recordIntervals(List.of(EnergyLedger.record(meterId, gap))), ErrorCode.NOT_CONTIGUOUS);
        assertCode(() -> energy.recordIntervals(List.of(EnergyLedger.record(meterId, misaligned))), ErrorCode.MISALIGNED);
        assertThat(energy.getHead(meterId)).isEqualTo(head);
    }

    private static void assertCode(final org.assertj.core.api.ThrowableAssert.ThrowingCallable call, final ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(LedgerException.class, e -> assertThat(e.code()).as(e.getMessage()).contains(code));
    }

    @Test
    void aCertifiedBatchProvesItsItemsOnChainAndOffChain() throws Exception {
        final List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            leaves.add(Merkle.leaf(("{\"reading\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
        }
        final String batchId = "IT-BATCH-" + System.nanoTime();
        final Map<String, Object> batch = new LinkedHashMap<>();
        batch.put("batchId", batchId);
        batch.put("topic", "community/aggregates");
        batch.put("periodStart", 1_767_225_600_000L);
        batch.put("periodEnd", 1_767_229_200_000L);
        batch.put("count", 11L);
        batch.put("merkleRoot", Hex.encode(Merkle.root(leaves)));
        community.energy("grid").certifyBatch(batch);
        peers.await("grid");
        final EnergyLedger reader = aggregator.energy("grid");
        final Map<String, Object> stored = reader.getBatch(batchId);
        for (final int i : new int[] {0, 5, 10}) {
            final List<String> proof = new ArrayList<>();
            Merkle.proof(leaves, i).forEach(h -> proof.add(Hex.encode(h)));
            assertThat(reader.verifyBatchInclusion(batchId, Hex.encode(leaves.get(i)), i, proof)).containsEntry("valid", true);
            assertThat(Merkle.verify(leaves.get(i), i, (Long) stored.get("count"), Merkle.proof(leaves, i),
                    Hex.decode((String) stored.get("merkleRoot")))).isTrue();
        }
        final List<String> wrong = new ArrayList<>();
        Merkle.proof(leaves, 4).forEach(h -> wrong.add(Hex.encode(h)));
        assertThat(reader.verifyBatchInclusion(batchId, Hex.encode(leaves.get(5)), 4, wrong)).containsEntry("valid", false);
    }

    @Test
    void aSubscriptionRunsItsCourseAndIsFoundByEachSide() throws Exception {
        final String id = "IT-SUB-" + System.nanoTime();
        assertThat(aggregator.energy("grid").requestAccess(id, "CommunityMSP", "community/load")).containsEntry("status", "REQUESTED");
        peers.await("grid");
        assertThat(community.energy("grid").acceptAccess(id)).containsEntry("status", "ACCEPTED");
        assertCode(() -> community.energy("grid").declineAccess(id), ErrorCode.INVALID_STATE);
        peers.await("grid");
        assertThat(aggregator.energy("grid").revokeAccess(id)).containsEntry("status", "REVOKED").containsEntry("revokedBy", "AggregatorMSP");
        final List<?> mine = (List<?>) aggregator.energy("grid").querySubscriptions("consumer", "AggregatorMSP", 1000, "").get("subscriptions");
        assertThat(mine).anySatisfy(s -> assertThat(((Map<?, ?>) s).get("subscriptionId")).isEqualTo(id));
    }
}
