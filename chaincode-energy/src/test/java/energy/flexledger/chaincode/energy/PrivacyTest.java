package energy.flexledger.chaincode.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.chaincode.Consortium;
import energy.flexledger.chaincode.FakeLedger;
import energy.flexledger.chaincode.Member;

import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PrivacyTest extends Fixture {

    @BeforeEach
    void meterWithData() {
        meter("MTR-1");
        call("recordIntervals", asDevice().transientData("records", Json.write(quarters("MTR-1", T0, 2))).context());
    }

    @Test
    void intervalsAndTheHeadGoToTheCollectionOfTheOwnerAndItsZonesDsoNotTheChannel() {
        // Fixture: DsoMSP operates zone-1, where the meter is.
        assertThat(ledger.collections()).containsExactly("meterData-CommunityMSP_DsoMSP");
        assertThat(ledger.snapshot().keySet()).noneMatch(k -> k.startsWith("interval\u0000"));
    }

    @Test
    void theDsoAndTheAggregatorReadTheCpoDoesNot() {
        for (final String reader : List.of("DsoMSP", "AggregatorMSP", "CommunityMSP")) {
            final Map<String, Object> page = Json.parseObject(call("getIntervals", ledger.as(reader, "client", "analyst").context(), "MTR-1",
                    "0", Long.toString(Long.MAX_VALUE), "", ""));
            assertThat((List<?>) page.get("records")).as(reader).hasSize(2);
        }
        ledger.as("CpoMSP", "client", "analyst");
        rejects("ACCESS_DENIED", () -> call("getIntervals", ledger.context(), "MTR-1", "0", "100", "", ""));
        rejects("ACCESS_DENIED", () -> call("getInterval", ledger.context(), "MTR-1", Long.toString(T0)));
        rejects("ACCESS_DENIED", () -> call("getHead", ledger.context(), "MTR-1"));
        final Map<String, Object> asset = Json.parseObject(call("getAsset", ledger.context(), "MTR-1"));
        assertThat(asset).doesNotContainKey("headLink").containsEntry("dataReaders", List.of("CommunityMSP", "DsoMSP", "AggregatorMSP"));
    }

    @Test
    void anyMemberChecksASegmentItWasGivenAgainstTheChannelsHash() {
        // Both records came in one transaction: one segment, named by its first record.
        final Map<String, Object> hash = Json.parseObject(call("getIntervalHash", ledger.as("CpoMSP", "client", "auditor").context(), "MTR-1",
                Long.toString(T0)));
        assertThat(hash).containsEntry("collection", "meterData-CommunityMSP_DsoMSP").containsEntry("segmentStart", T0);
        // A reader hands over the segment: the records of one transaction, as GetIntervals gives them.
        final Map<String, Object> read = Json.parseObject(call("getIntervals", ledger.as("DsoMSP", "client", "analyst").context(), "MTR-1",
                Long.toString(T0), Long.toString(T0 + 96 * QUARTER), "", ""));
        final Map<String, Object> segment = new java.util.LinkedHashMap<>();
        segment.put("meterId", "MTR-1");
        segment.put("segmentStart", T0);
        segment.put("records", read.get("records"));
        assertThat(hash).containsEntry("segmentHash", Hex.encode(Sha256.of(Json.write(segment).getBytes(StandardCharsets.UTF_8))));
        // Not the start of a segment (the second record), or no record at all.
        rejects("NOT_FOUND", () -> call("getIntervalHash", ledger.context(), "MTR-1", Long.toString(T0 + QUARTER)));
        rejects("NOT_FOUND", () -> call("getIntervalHash", ledger.context(), "MTR-1", Long.toString(T0 + 200 * QUARTER)));
    }

    @Test
    void privateDataKeptGrowsWithTheRecordsNotWithSubmissionsTimesTheDay() {
        // 96 submissions of one record each (a day at a quarter-hour cadence): each writes one new
        // segment of one record; nothing already written is written again.
        meter("MTR-L");
        long bytesWritten = 0;
        for (int i = 0; i < 96; i++) {
            final java.util.Map<String, String> before = ledger.snapshot();
            call("recordIntervals", asDevice().transientData("records", Json.write(quarters("MTR-L", T0 + i * QUARTER, 1))).context());
            final java.util.Map<String, String> after = ledger.snapshot();
            for (final Map.Entry<String, String> e : after.entrySet()) {
                if (e.getKey().contains("interval\u0000MTR-L") && !e.getKey().startsWith("policy:") && !e.getValue().equals(before.get(e.getKey()))) {
                    assertThat(before).as("segment %s is written once", e.getKey()).doesNotContainKey(e.getKey());
                    bytesWritten += e.getValue().length();
                }
            }
        }
        final long oneRecord = Json.write(Json.parseObject(call("getInterval", ledger.as("DsoMSP", "client", "a").context(), "MTR-L",
                Long.toString(T0)))).length();
        // Linear: 96 segments of about one record each (plus the segment's own few fields).
        assertThat(bytesWritten).isLessThan(96 * (oneRecord + 100));
    }

    /** Two DSOs: DsoMSP operates zone-1 and zone-2, Dso2MSP zone-3; the aggregator represents the community and the CPO. */
    static Consortium twoDsos() {
        return new Consortium(new Member[] {
            FakeLedger.member("AggregatorMSP", new String[] {"AGGREGATOR"}, new String[0], new String[] {"CommunityMSP", "CpoMSP"}),
            FakeLedger.member("CommunityMSP", new String[] {"COMMUNITY"}, new String[0], new String[0]),
            FakeLedger.member("CpoMSP", new String[] {"CPO"}, new String[0], new String[0]),
            FakeLedger.member("Dso2MSP", new String[] {"DSO"}, new String[] {"zone-3"}, new String[0]),
            FakeLedger.member("DsoMSP", new String[] {"DSO"}, new String[] {"zone-1", "zone-2"}, new String[0]),
        }, 5, 0, "t");
    }

    /** {@code consortium} with {@code zone} moved to {@code dso} (governance's SetZones on both DSOs). */
    static Consortium withZoneMoved(final Consortium consortium, final String zone, final String dso) {
        final List<Member> members = new ArrayList<>();
        for (final Member m : consortium.members()) {
            final List<String> zones = new ArrayList<>(List.of(m.zones()));
            zones.remove(zone);
            if (m.mspId().equals(dso)) {
                zones.add(zone);
                java.util.Collections.sort(zones);
            }
            members.add(FakeLedger.member(m.mspId(), m.roles(), zones.toArray(new String[0]), m.represents()));
        }
        return new Consortium(members.toArray(new Member[0]), consortium.version() + 1, 0, "t2");
    }

    private Map<String, Object> meterIn(final String meterId, final String zone) {
        final Map<String, Object> spec = new java.util.LinkedHashMap<>();
        spec.put("assetId", meterId);
        spec.put("type", "METER");
        spec.put("zone", zone);
        spec.put("deviceId", DEVICE_ID);
        spec.put("gatewayId", GATEWAY_ID);
        spec.put("saltCommitment", COMMITMENT);
        final Map<String, Object> asset = Json.parseObject(call("registerAsset", asAdmin().context(), Json.write(spec)));
        call("recordIntervals", asDevice().transientData("records", Json.write(quarters(meterId, T0, 2))).context());
        return asset;
    }

    private List<?> recordsReadBy(final String msp, final String meterId) {
        return (List<?>) Json.parseObject(call("getIntervals", ledger.as(msp, "client", "analyst").context(), meterId, "0",
                Long.toString(Long.MAX_VALUE), "", "")).get("records");
    }

    private void refusedTo(final String msp, final String meterId) {
        ledger.as(msp, "client", "analyst");
        rejects("ACCESS_DENIED", () -> call("getIntervals", ledger.context(), meterId, "0", "100", "", ""));
        rejects("ACCESS_DENIED", () -> call("getInterval", ledger.context(), meterId, Long.toString(T0)));
        rejects("ACCESS_DENIED", () -> call("getHead", ledger.context(), meterId));
        assertThat(Json.parseObject(call("getAsset", ledger.context(), meterId))).doesNotContainKey("headLink");
    }

    private static Map<String, Object> collection(final List<Map<String, Object>> config, final String name) {
        return config.stream().filter(c -> name.equals(c.get("name"))).findFirst().orElseThrow(() -> new AssertionError("no collection " + name));
    }

    private static List<String> membersOf(final Map<String, Object> collection) {
        final List<String> members = new ArrayList<>();
        final Matcher m = Pattern.compile("'([\\w-]+)\\.member'").matcher((String) collection.get("policy"));
        while (m.find()) {
            members.add(m.group(1));
        }
        return members;
    }

    @Test
    void theDsoOfTheMetersZoneReadsADsoOfAnotherZoneIsRefusedAndHoldsNothing() {
        ledger.withConsortium(twoDsos());
        final Map<String, Object> asset = meterIn("MTR-Z3", "zone-3");
        assertThat(asset).containsEntry("dataDso", "Dso2MSP").containsEntry("dataCollection", "meterData-CommunityMSP_Dso2MSP");
        assertThat(ledger.collections()).contains("meterData-CommunityMSP_Dso2MSP");
        for (final String reader : List.of("CommunityMSP", "Dso2MSP", "AggregatorMSP")) {
            assertThat(recordsReadBy(reader, "MTR-Z3")).as(reader).hasSize(2);
        }
        refusedTo("DsoMSP", "MTR-Z3");
        refusedTo("CpoMSP", "MTR-Z3");
        assertThat(Json.parseObject(call("getAsset", ledger.as("DsoMSP", "client", "analyst").context(), "MTR-Z3")))
                .containsEntry("dataReaders", List.of("CommunityMSP", "Dso2MSP", "AggregatorMSP"));
        // And the other way round: Dso2MSP reads nothing of zone-1.
        assertThat(recordsReadBy("DsoMSP", "MTR-1")).hasSize(2);
        refusedTo("Dso2MSP", "MTR-1");
        // Fabric gives the data only to the collection's members: DsoMSP's peers are not among them.
        final List<Map<String, Object>> config = Collections.config(twoDsos());
        assertThat(membersOf(collection(config, "meterData-CommunityMSP_Dso2MSP"))).containsExactly("CommunityMSP", "Dso2MSP", "AggregatorMSP");
        assertThat(membersOf(collection(config, "meterData-CommunityMSP_DsoMSP"))).containsExactly("CommunityMSP", "DsoMSP", "AggregatorMSP");
    }

    @Test
    void everyKeyOfAMeterNeedsItsOwnerAndOneOfItsCollectionsOtherReaders() {
        ledger.withConsortium(twoDsos());
        meterIn("MTR-Z3", "zone-3");
        final String policy = "AND('CommunityMSP.peer', OR('Dso2MSP.peer', 'AggregatorMSP.peer'))";
        final String collection = "meterData-CommunityMSP_Dso2MSP";
        assertThat(ledger.policyOf(Registry.ASSET, "MTR-Z3")).isEqualTo(policy);
        assertThat(ledger.policyOf(Registry.BY_ZONE, "zone-3", "METER", "MTR-Z3")).isEqualTo(policy);
        assertThat(ledger.policyOfPrivate(collection, new org.hyperledger.fabric.shim.ledger.CompositeKey(Registry.HEAD, "MTR-Z3").toString()))
                .isEqualTo(policy);
        assertThat(ledger.policyOfPrivate(collection, Intervals.key("MTR-Z3", T0))).isEqualTo(policy);
        assertThat(collection(Collections.config(twoDsos()), collection).get("endorsementPolicy"))
                .isEqualTo(Map.of("signaturePolicy", policy));
        // A DSO of another zone is no party to it, nor is any member's policy without the owner.
        assertThat(policy).doesNotContain("'DsoMSP.peer'");
    }

    @Test
    void aMeterKeepsItsCollectionWhenItsZoneMovesToAnotherDso() {
        ledger.withConsortium(twoDsos());
        meterIn("MTR-Z3", "zone-3");
        // Governance gives zone-3 to DsoMSP: the meter's data stays where it started, with Dso2MSP.
        ledger.withConsortium(withZoneMoved(twoDsos(), "zone-3", "DsoMSP"));
        call("recordIntervals", asDevice().transientData("records", Json.write(quarters("MTR-Z3", T0 + 2 * QUARTER, 1))).context());
        assertThat(recordsReadBy("Dso2MSP", "MTR-Z3")).hasSize(3);
        refusedTo("DsoMSP", "MTR-Z3");
        assertThat(ledger.policyOfPrivate("meterData-CommunityMSP_Dso2MSP", Intervals.key("MTR-Z3", T0 + 2 * QUARTER)))
                .isEqualTo("AND('CommunityMSP.peer', OR('Dso2MSP.peer', 'AggregatorMSP.peer'))");
        // So does a meter its owner moves to another DSO's zone.
        call("updateAsset", asAdmin().context(), "MTR-1", "{\"zone\":\"zone-3\"}");
        assertThat(Json.parseObject(call("getAsset", asAdmin().context(), "MTR-1"))).containsEntry("zone", "zone-3")
                .containsEntry("dataCollection", "meterData-CommunityMSP_DsoMSP");
        assertThat(recordsReadBy("DsoMSP", "MTR-1")).hasSize(2);
        // A meter registered in zone-3 from now on goes to its new DSO.
        assertThat(meterIn("MTR-NEW", "zone-3")).containsEntry("dataCollection", "meterData-CommunityMSP_DsoMSP");
        refusedTo("Dso2MSP", "MTR-NEW");
    }

    @Test
    void aZoneWithoutADsoKeepsTheDataWithTheOwnerAndItsAggregators() {
        final Map<String, Object> asset = meterIn("MTR-Z9", "zone-9");
        assertThat(asset).containsEntry("dataCollection", "meterData-CommunityMSP").doesNotContainKey("dataDso");
        assertThat(recordsReadBy("AggregatorMSP", "MTR-Z9")).hasSize(2);
        refusedTo("DsoMSP", "MTR-Z9");
        assertThat(ledger.policyOf(Registry.ASSET, "MTR-Z9")).isEqualTo("AND('CommunityMSP.peer', 'AggregatorMSP.peer')");
        // The DSO's own meters in its own zone: no DSO with a separate interest, every aggregator checks.
        final Consortium fixture = FakeLedger.fixtureConsortium();
        assertThat(Privacy.custodianOf(fixture, "DsoMSP", "zone-1")).isNull();
        assertThat(Privacy.readersOf(fixture, "DsoMSP", null)).containsExactly("DsoMSP", "AggregatorMSP");
        // An aggregator's meter in a zone no DSO operates has no one to check it: refused.
        ledger.as(AGGREGATOR, "admin", "admin");
        rejects("INVALID_STATE", () -> call("registerMeter", ledger.context(), "MTR-AGG", "zone-9", COMMITMENT));
        ledger.as(AGGREGATOR, "admin", "admin");
        assertThat(Json.parseObject(call("registerMeter", ledger.context(), "MTR-AGG", "zone-2", COMMITMENT)))
                .containsEntry("dataCollection", "meterData-AggregatorMSP_DsoMSP");
    }

    @Test
    void theGeneratorsRuleIsTheChaincodesRule() {
        for (final Consortium consortium : List.of(FakeLedger.fixtureConsortium(), twoDsos())) {
            final List<Map<String, Object>> config = Collections.config(consortium);
            final java.util.Set<String> names = new java.util.HashSet<>();
            for (final Map<String, Object> c : config) {
                assertThat(names.add((String) c.get("name"))).as("unique %s", c.get("name")).isTrue();
                // Fabric's collectionNameRegExp (core/chaincode/lifecycle).
                assertThat((String) c.get("name")).matches("^[A-Za-z0-9-]+([A-Za-z0-9_-]+)*$");
                assertThat(c.get("memberOnlyRead")).isEqualTo(true);
                assertThat(c.get("blockToLive")).isEqualTo(0L);
            }
            // Every collection the chaincode can pick for an owner and a zone exists, with the
            // chaincode's readers as members and its key-level policy for new keys.
            final List<String> zones = new ArrayList<>(List.of("zone-nobody"));
            for (final Member m : consortium.members()) {
                zones.addAll(List.of(m.zones()));
            }
            for (final Member owner : consortium.members()) {
                for (final String zone : zones) {
                    final String dso = Privacy.custodianOf(consortium, owner.mspId(), zone);
                    final List<String> readers = Privacy.readersOf(consortium, owner.mspId(), dso);
                    final String name = Privacy.collectionOf(owner.mspId(), dso);
                    if (readers.size() < 2) {
                        assertThat(names).as(name).doesNotContain(name);
                        continue;
                    }
                    final Map<String, Object> c = collection(config, name);
                    assertThat(membersOf(c)).as(name).containsExactlyElementsOf(readers);
                    assertThat(c.get("endorsementPolicy")).as(name)
                            .isEqualTo(Map.of("signaturePolicy", Privacy.endorsement(consortium, owner.mspId(), dso).toString()));
                    assertThat(c.get("maxPeerCount")).isEqualTo((long) readers.size() - 1);
                }
            }
        }
        // Members x (DSOs + 1), less the custodies no other member could check.
        assertThat(Collections.config(FakeLedger.fixtureConsortium())).extracting(c -> c.get("name")).containsExactly(
                "meterData-AggregatorMSP_DsoMSP", "meterData-CommunityMSP", "meterData-CommunityMSP_DsoMSP", "meterData-CpoMSP",
                "meterData-CpoMSP_DsoMSP", "meterData-DsoMSP");
        assertThat(Collections.config(twoDsos())).hasSize(12);
        final Consortium alone = new Consortium(new Member[] {
            FakeLedger.member("DsoMSP", new String[] {"DSO"}, new String[] {"zone-1"}, new String[0]),
            FakeLedger.member("CpoMSP", new String[] {"CPO"}, new String[0], new String[0])}, 2, 0, "t");
        assertThatThrownBy(() -> Privacy.endorsement(alone, "DsoMSP", null)).hasMessageStartingWith("INVALID_STATE: no member besides DsoMSP");
        assertThat(Collections.config(alone)).extracting(c -> c.get("name")).containsExactly("meterData-CpoMSP_DsoMSP");
    }

    @Test
    void namesOfHyphenatedMspIdsNeverCollide() {
        // '-' may be part of an MSP id, '_' never: (A-B, C) and (A, B-C) are different collections.
        assertThat(Privacy.collectionOf("A-B", "C")).isEqualTo("meterData-A-B_C");
        assertThat(Privacy.collectionOf("A", "B-C")).isEqualTo("meterData-A_B-C");
        assertThat(Privacy.collectionOf("A-B", null)).isEqualTo("meterData-A-B");
        assertThat(Privacy.collectionOf("A-", "B--C")).matches("^[A-Za-z0-9-]+([A-Za-z0-9_-]+)*$");
    }

    @Test
    void aSecondAggregatorReadsExactlyTheDataOfTheOrgsItRepresents() {
        final Consortium grown = new Consortium(new Member[] {
            FakeLedger.member("AggregatorMSP", new String[] {"AGGREGATOR"}, new String[0], new String[] {"CommunityMSP"}),
            FakeLedger.member("Aggregator2MSP", new String[] {"AGGREGATOR"}, new String[0], new String[] {"CpoMSP"}),
            FakeLedger.member("CommunityMSP", new String[] {"COMMUNITY"}, new String[0], new String[0]),
            FakeLedger.member("CpoMSP", new String[] {"CPO"}, new String[0], new String[0]),
            FakeLedger.member("DsoMSP", new String[] {"DSO"}, new String[] {"zone-1"}, new String[0]),
        }, 5, 0, "t");
        assertThat(Privacy.readersOf(grown, "CpoMSP", "DsoMSP")).containsExactly("CpoMSP", "DsoMSP", "Aggregator2MSP");
        assertThat(Privacy.readersOf(grown, "CommunityMSP", "DsoMSP")).containsExactly("CommunityMSP", "DsoMSP", "AggregatorMSP");
        assertThat(Privacy.endorsement(grown, "CpoMSP", "DsoMSP").toString())
                .isEqualTo("AND('CpoMSP.peer', OR('DsoMSP.peer', 'Aggregator2MSP.peer'))");
        // Batches belong to no zone: the owner and any DSO or its aggregators certify them.
        assertThat(Privacy.ownerEndorsement(grown, "CpoMSP").toString()).isEqualTo("AND('CpoMSP.peer', OR('DsoMSP.peer', 'Aggregator2MSP.peer'))");
        // Each owner: one with the DSO, one without (an aggregator's: itself and the other aggregator).
        assertThat(Collections.config(grown)).hasSize(9);
    }

    @Test
    void theGeneratorReadsAConsortiumFileAndPrintsTheCollections(@org.junit.jupiter.api.io.TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("consortium.json");
        // What GetConsortium answers is a consortium file too.
        Files.writeString(file, energy.flexledger.spec.Canonical.write(FakeLedger.fixtureConsortium()));
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        final java.io.PrintStream original = System.out;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            Collections.main(new String[] {file.toString()});
        } finally {
            System.setOut(original);
        }
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8).trim())
                .isEqualTo(energy.flexledger.spec.Canonical.write(Collections.config(FakeLedger.fixtureConsortium())));
    }
}
