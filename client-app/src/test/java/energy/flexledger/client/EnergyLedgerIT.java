package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.IntervalDigest;
import energy.flexledger.spec.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Against the real Fabric network that scripts/test.sh starts (FLEXLEDGER_WORK): the community
 * certifies intervals through the Fabric Gateway, reads them back through the gateway and through
 * Fabric's own peer CLI, and other orgs are refused.
 */
@Tag("integration")
class EnergyLedgerIT {
    /** The start of the day before yesterday (UTC): closed, and inside every meter's back-fill window. */
    private static final long T0 = Math.floorDiv(System.currentTimeMillis(), 86_400_000L) * 86_400_000L - 2 * 86_400_000L;
    private static final long QUARTER = 900_000L;
    private static final byte[] SALT = Hex.decode("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    private static Path root;
    private static Path work;
    private static LedgerConnection community;
    private static LedgerConnection aggregator;
    private static PeersInSync peers;

    @BeforeAll
    static void connect() throws IOException {
        root = Path.of(System.getProperty("flexledger.root", "..")).toAbsolutePath().normalize();
        final String env = System.getenv("FLEXLEDGER_WORK");
        work = env != null ? Path.of(env) : root.resolve("work/network");
        community = LedgerConnection.open(MemberProfile.fromWork(work, "community", "user"));
        aggregator = LedgerConnection.open(MemberProfile.fromWork(work, "aggregator", "user"));
        peers = new PeersInSync(work);
    }

    @AfterAll
    static void close() {
        if (community != null) {
            community.close();
        }
        if (aggregator != null) {
            aggregator.close();
        }
        if (peers != null) {
            peers.close();
        }
    }

    private static String uniqueMeter(final String prefix) {
        return prefix + "-" + System.nanoTime();
    }

    private static IntervalDigest interval(final String meterId, final long start, final long... values) {
        final Fp1.Accumulator acc = Fp1.interval(SALT, meterId, start, start + QUARTER);
        for (int i = 0; i < values.length; i++) {
            acc.add(start + (i + 1) * 60_000L, values[i]);
        }
        return acc.digest();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theChaincodeDescribesItsTypesToClients() throws LedgerException {
        // Through a peer, from the running chaincode server: results and record arguments are typed.
        final Map<String, Object> metadata = Json.parseObject(community.metadata("grid", "energy"));
        final Map<String, Object> schemas = (Map<String, Object>) ((Map<?, ?>) metadata.get("components")).get("schemas");
        assertThat(schemas.keySet()).contains("Asset", "ChainHead", "IntervalRecord", "IntervalPage", "AssetSpec", "Subscription");
        final Map<?, ?> page = (Map<?, ?>) ((Map<?, ?>) schemas.get("IntervalPage")).get("properties");
        assertThat(((Map<?, ?>) page.get("records")).get("type")).isEqualTo("array");
        final List<?> transactions = (List<?>) ((Map<?, ?>) ((Map<?, ?>) metadata.get("contracts")).get("energy")).get("transactions");
        assertThat(transactions).anySatisfy(tx -> {
            assertThat(((Map<?, ?>) tx).get("name")).isEqualTo("GetHead");
            assertThat(((Map<?, ?>) ((Map<?, ?>) tx).get("returns")).get("$ref")).isEqualTo("#/components/schemas/ChainHead");
        });
    }

    private static EnergyLedger registered(final String meterId) throws LedgerException {
        final EnergyLedger energy = community.energy("grid");
        energy.registerMeter(meterId, "zone-1", Hex.encode(Fp1.saltCommitment(SALT)));
        peers.await("grid");
        return energy;
    }

    /** A meter of the community with the interval (T0, T0 + 15 min] recorded. */
    private static EnergyLedger registeredWithOneInterval(final String meterId) throws LedgerException {
        final EnergyLedger energy = registered(meterId);
        energy.recordInterval(meterId, interval(meterId, T0, 10));
        peers.await("grid");
        return energy;
    }

    /** Queries chaincode-energy with Fabric's peer CLI as the given org's user; returns its output. */
    private static String peerQuery(final String org, final String... args) throws IOException, InterruptedException {
        return peerCli(org, "peer chaincode query -C grid -n energy -c \"$1\"", Json.write(Map.of("Args", List.of((Object[]) args))), true);
    }

    private static String peerCli(final String org, final String command, final String arg, final boolean mustSucceed)
            throws IOException, InterruptedException {
        return new PeerCli(root, work).run(org, "user", command, arg, mustSucceed);
    }

    /**
     * A collection with fewer member orgs than a majority of the channel (the DSO's own meter in a
     * zone it operates: the DSO and the aggregator, with four members) has no endorsement plan the
     * gateway can derive (it also counts the consortium's MAJORITY policy, read by every
     * transaction); the client then names the meter's readers as endorsers, and Fabric validates
     * only the policies of what the transaction writes.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theDsoCertifiesItsOwnMeterThroughTheGateway() throws Exception {
        try (LedgerConnection dso = LedgerConnection.open(MemberProfile.fromWork(work, "dso", "user"))) {
            final EnergyLedger energy = dso.energy("grid");
            final String meter = uniqueMeter("IT-DSO");
            final Map<String, Object> asset = energy.registerMeter(meter, "zone-1", Hex.encode(Fp1.saltCommitment(SALT)));
            assertThat(asset).containsKey("dataCollection").doesNotContainKey("dataDso"); // its own zone: no other DSO holds the data
            final Map<String, Object> out = energy.recordIntervals(List.of(EnergyLedger.record(meter, interval(meter, T0, 5, 6)),
                    EnergyLedger.record(meter, interval(meter, T0 + QUARTER, 7))));
            assertThat(out).containsEntry("recorded", 2L);
            assertThat(energy.getInterval(meter, T0 + QUARTER)).containsEntry("sum", 7L);
            assertThat((List<Object>) energy.getAsset(meter).get("dataReaders")).contains(dso.profile().mspId(), "AggregatorMSP");
        }
    }

    @Test
    void recordedIntervalReadsBackThroughTheGatewayAndThePeerCli() throws Exception {
        final String meter = uniqueMeter("IT-RW");
        final EnergyLedger energy = registered(meter);
        final IntervalDigest d = interval(meter, T0, 1_500_000, -250_000, 7);

        final Map<String, Object> recorded = energy.recordInterval(meter, d);
        final String expectedLink = Hex.encode(Fp1.link(Fp1.genesis(meter), d));
        assertThat(recorded).containsEntry("count", 3L).containsEntry("sum", 1_250_007L).containsEntry("avg", 416_669L)
                .containsEntry("fingerprint", d.fingerprintHex()).containsEntry("link", expectedLink);

        assertThat(energy.getInterval(meter, T0)).isEqualTo(recorded);
        peers.await("grid");
        // Another member reads the same record through its own peer.
        assertThat(aggregator.energy("grid").getInterval(meter, T0)).isEqualTo(recorded);
        // Fabric's own CLI, as the DSO's user (a reader of the community's interval data), sees
        // byte-for-byte the canonical JSON.
        assertThat(peerQuery("dso", "GetInterval", meter, Long.toString(T0))).isEqualTo(Json.write(recorded));
        // The CPO is a member but not a reader: refused, yet the channel's hash of the record is
        // there for it, and matches the record a reader could hand over.
        final String refused = peerCli("cpo", "peer chaincode query -C grid -n energy -c \"$1\"",
                Json.write(Map.of("Args", List.of("GetInterval", meter, Long.toString(T0)))), false);
        assertThat(refused).contains("ACCESS_DENIED");
        assertThat(Json.parseObject(peerQuery("cpo", "GetIntervalHash", meter, Long.toString(T0))))
                .containsEntry("segmentStart", T0).containsEntry("segmentHash", EnergyLedger.segmentHash(meter, T0, List.of(recorded)));
        assertThat(Json.parseObject(peerQuery("community", "GetMeter", meter)))
                .containsEntry("intervals", 1L).containsEntry("lastEnd", T0 + QUARTER).containsEntry("headLink", expectedLink);
    }

    @Test
    void anotherOrgsUserIsRefusedAndTheChainIsUnchanged() throws Exception {
        final String meter = uniqueMeter("IT-ACL");
        final EnergyLedger energy = registeredWithOneInterval(meter);
        final Map<String, Object> before = energy.getMeter(meter);

        assertThatThrownBy(() -> aggregator.energy("grid").recordInterval(meter, interval(meter, T0 + QUARTER, 99)))
                .isInstanceOfSatisfying(LedgerException.class, e -> {
                    assertThat(e.code()).contains(ErrorCode.ACCESS_DENIED);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("CommunityMSP");
                });
        assertThat(energy.getMeter(meter)).isEqualTo(before);
        assertThatThrownBy(() -> energy.getInterval(meter, T0 + QUARTER))
                .isInstanceOfSatisfying(LedgerException.class, e -> assertThat(e.code()).contains(ErrorCode.NOT_FOUND));
    }

    @Test
    void noBlockOfTheChannelCarriesAPrivateValue() throws Exception {
        final String meter = uniqueMeter("IT-BLOCK");
        final EnergyLedger energy = registered(meter);
        // Distinctive values: a sum no other test uses, and the fingerprints and links of two records.
        final IntervalDigest d1 = interval(meter, T0, 987_654_321_987L, 123);
        final IntervalDigest d2 = interval(meter, T0 + QUARTER, 555_444_333_222L);
        final Map<String, Object> result = energy.recordIntervals(List.of(EnergyLedger.record(meter, d1), EnergyLedger.record(meter, d2)));
        assertThat(result).containsOnlyKeys("txId", "recorded", "unchanged", "meters");
        peers.await("grid");
        final Map<String, Object> r2 = energy.getInterval(meter, T0 + QUARTER);
        final Map<String, Object> head = energy.getHead(meter);
        final List<String> secrets = List.of(d1.fingerprintHex(), d2.fingerprintHex(), (String) r2.get("previousLink"), (String) r2.get("link"),
                (String) head.get("headLink"), Long.toString(d1.sum()), Long.toString(d2.sum()),
                java.util.Base64.getEncoder().encodeToString(Hex.decode(d1.fingerprintHex())).substring(0, 24),
                "\"lastEnd\"", "\"headLink\"", "\"previousLink\"", "\"fingerprint\"");
        // The CPO, a channel member outside the community's collection, reads every block of the
        // channel through its own peer (qscc GetBlockByNumber): arguments, transient-free proposals,
        // results, events and write sets. The meter id is public and must be found: the search works.
        try (LedgerConnection cpo = LedgerConnection.open(MemberProfile.fromWork(work, "cpo", "user"))) {
            final long height = cpo.blockHeight("grid");
            assertThat(height).isGreaterThan(3);
            boolean meterSeen = false;
            for (long n = 0; n < height; n++) {
                final String block = new String(cpo.block("grid", n), StandardCharsets.ISO_8859_1);
                meterSeen |= block.contains(meter);
                for (final String secret : secrets) {
                    assertThat(block).as("block %d of %d must not hold %s", n, height, secret).doesNotContain(secret);
                }
            }
            assertThat(meterSeen).as("the public meter id is in some block").isTrue();
        }
    }

    /**
     * Submits {@code function} with Fabric's own peer CLI as the org's user, endorsed by exactly the
     * peers of {@code endorsers}, with {@code transientJson} (base64 values) and {@code --waitForEvent}:
     * an outside client that the Fabric Gateway's endorsement planning cannot help.
     */
    private static String invokeEndorsedBy(final String org, final List<String> endorsers, final String argsJson, final String transientJson,
            final boolean mustSucceed) throws Exception {
        return new PeerCli(root, work).invokeEndorsedBy(org, "user", "energy", endorsers, argsJson, transientJson, mustSucceed);
    }

    private static String recordsTransient(final String meter, final IntervalDigest... digests) {
        final List<Object> records = new java.util.ArrayList<>();
        for (final IntervalDigest d : digests) {
            records.add(EnergyLedger.record(meter, d));
        }
        return Json.write(Map.of("records", java.util.Base64.getEncoder().encodeToString(Json.write(records).getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void theOwnersPeerAloneCannotCertifyNeitherTheFirstRecordNorAnAppend() throws Exception {
        final String meter = uniqueMeter("IT-SBE");
        final EnergyLedger energy = registered(meter);
        final String args = "{\"Args\":[\"RecordIntervals\"]}";
        // The first record of a new meter: a new key of the owner's collection, which the
        // collection's endorsementPolicy guards (and the head's key-level policy).
        final String first = invokeEndorsedBy("community", List.of("community"), args, recordsTransient(meter, interval(meter, T0, 1)), false);
        assertThat(first).contains("ENDORSEMENT_POLICY_FAILURE");
        assertThat(energy.getMeter(meter)).containsEntry("intervals", 0L);
        // The owner and the DSO together: committed.
        invokeEndorsedBy("community", List.of("community", "dso"), args, recordsTransient(meter, interval(meter, T0, 1)), true);
        peers.await("grid");
        assertThat(energy.getMeter(meter)).containsEntry("intervals", 1L);
        // An append into the day that already exists: the owner alone is invalidated again.
        final String append = invokeEndorsedBy("community", List.of("community"), args,
                recordsTransient(meter, interval(meter, T0 + QUARTER, 2)), false);
        assertThat(append).contains("ENDORSEMENT_POLICY_FAILURE");
        assertThat(energy.getMeter(meter)).containsEntry("intervals", 1L);
        // The owner and the aggregator, the other party with a separate interest: committed.
        invokeEndorsedBy("community", List.of("community", "aggregator"), args, recordsTransient(meter, interval(meter, T0 + QUARTER, 2)), true);
        peers.await("grid");
        assertThat(energy.getMeter(meter)).containsEntry("intervals", 2L);
        // Two peers without the owner's: the chaincode's policy (two orgs) would be met, the keys' is not.
        final String others = invokeEndorsedBy("community", List.of("dso", "aggregator"), args,
                recordsTransient(meter, interval(meter, T0 + 2 * QUARTER, 3)), false);
        assertThat(others).contains("ENDORSEMENT_POLICY_FAILURE");
        assertThat(energy.getMeter(meter)).containsEntry("intervals", 2L);
    }

    @Test
    void theOwnersPeerAloneCannotChangeAnAsset() throws Exception {
        final String meter = uniqueMeter("IT-SBE-ASSET");
        final EnergyLedger energy = registered(meter);
        final String deactivate = Json.write(Map.of("Args", List.of("DeactivateAsset", meter)));
        final String alone = invokeEndorsedBy("community", List.of("community"), deactivate, null, false);
        assertThat(alone).contains("ENDORSEMENT_POLICY_FAILURE");
        assertThat(energy.getMeter(meter)).containsEntry("status", "ACTIVE");
        invokeEndorsedBy("community", List.of("community", "dso"), deactivate, null, true);
        peers.await("grid");
        assertThat(energy.getMeter(meter)).containsEntry("status", "INACTIVE");
    }

    @Test
    void noOrgAloneCreatesCertifiedStateEither() throws Exception {
        // New keys carry no key-level policy yet: the chaincode's OutOf(2) (public) and the
        // collection's endorsementPolicy (the head) apply, and one org's peer is not enough.
        final String meter = uniqueMeter("IT-SBE-NEW");
        final String register = Json.write(Map.of("Args", List.of("RegisterMeter", meter, "zone-1", Hex.encode(Fp1.saltCommitment(SALT)))));
        assertThat(invokeEndorsedBy("community", List.of("community"), register, null, false)).contains("ENDORSEMENT_POLICY_FAILURE");
        assertThatThrownBy(() -> community.energy("grid").getMeter(meter))
                .isInstanceOfSatisfying(LedgerException.class, e -> assertThat(e.code()).contains(ErrorCode.NOT_FOUND));
        final String batch = Json.write(Map.of("Args", List.of("CertifyBatch", Json.write(Map.of("batchId", meter, "topic", "community/load",
                "periodStart", 0L, "periodEnd", 1L, "count", 1L, "merkleRoot", "00".repeat(32))))));
        assertThat(invokeEndorsedBy("community", List.of("community"), batch, null, false)).contains("ENDORSEMENT_POLICY_FAILURE");
        // Two orgs, the owner among them: committed.
        invokeEndorsedBy("community", List.of("community", "aggregator"), register, null, true);
        peers.await("grid");
        assertThat(community.energy("grid").getMeter(meter)).containsEntry("ownerMsp", "CommunityMSP");
    }

    @Test
    void onlyTheProvidersPeerDecidesASubscriptionAndOnlyTheConsumersWithdrawsIt() throws Exception {
        final String id = uniqueMeter("IT-SUB");
        aggregator.energy("grid").requestAccess(id, "CommunityMSP", "community/load");
        peers.await("grid");
        // The provider's own user, endorsed by the consumer's peer only: the chaincode's checks pass
        // (the caller is the provider), but the record's key-level policy wants the provider's peer.
        final String accept = Json.write(Map.of("Args", List.of("AcceptAccess", id)));
        assertThat(invokeEndorsedBy("community", List.of("aggregator"), accept, null, false)).contains("ENDORSEMENT_POLICY_FAILURE");
        assertThat(community.energy("grid").getSubscription(id)).containsEntry("status", "REQUESTED");
        // The provider's peer alone suffices, by design: the decision key is the provider's part only.
        invokeEndorsedBy("community", List.of("community"), accept, null, true);
        peers.await("grid");
        assertThat(community.energy("grid").getSubscription(id)).containsEntry("status", "ACCEPTED");
        // The consumer withdraws alone, with its own peer; the provider's peer cannot do it for it.
        final String revoke = Json.write(Map.of("Args", List.of("RevokeAccess", id)));
        assertThat(invokeEndorsedBy("aggregator", List.of("community"), revoke, null, false)).contains("ENDORSEMENT_POLICY_FAILURE");
        invokeEndorsedBy("aggregator", List.of("aggregator"), revoke, null, true);
        peers.await("grid");
        assertThat(community.energy("grid").getSubscription(id)).containsEntry("status", "REVOKED").containsEntry("revokedBy", "AggregatorMSP");
    }

    @Test
    void resubmissionIsANoOpAndADifferentRecordIsConflict() throws Exception {
        final String meter = uniqueMeter("IT-IDEM");
        final EnergyLedger energy = registered(meter);
        final IntervalDigest d = interval(meter, T0, 5, 6);
        final Map<String, Object> first = energy.recordInterval(meter, d);
        assertThat(energy.recordInterval(meter, d)).isEqualTo(first);
        assertThat(energy.getMeter(meter)).containsEntry("intervals", 1L);

        assertThatThrownBy(() -> energy.recordInterval(meter, interval(meter, T0, 5, 7)))
                .isInstanceOfSatisfying(LedgerException.class, e -> assertThat(e.code()).contains(ErrorCode.CONFLICT));
        assertThatThrownBy(() -> energy.recordInterval(meter, interval(meter, T0 + 2 * QUARTER, 1)))
                .isInstanceOfSatisfying(LedgerException.class, e -> assertThat(e.code()).contains(ErrorCode.NOT_CONTIGUOUS));
        assertThat(energy.getInterval(meter, T0)).isEqualTo(first);
    }

    @Test
    void registeringAnExistingMeterIsAlreadyExists() throws Exception {
        final String meter = uniqueMeter("IT-DUP");
        registered(meter);
        assertThatThrownBy(() -> aggregator.energy("grid").registerMeter(meter, "z", Hex.encode(Fp1.saltCommitment(SALT))))
                .isInstanceOfSatisfying(LedgerException.class, e -> assertThat(e.code()).contains(ErrorCode.ALREADY_EXISTS));
        assertThat(community.energy("grid").getMeter(meter)).containsEntry("ownerMsp", "CommunityMSP");
    }
}
