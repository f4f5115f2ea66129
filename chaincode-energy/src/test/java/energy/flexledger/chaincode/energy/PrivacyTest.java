package energy.flexledger.chaincode.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.chaincode.Consortium;
import energy.flexledger.chaincode.FakeLedger;

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
    void intervalsAndTheHeadGoToTheOwnersCollectionNotTheChannel() {
        assertThat(ledger.collections()).containsExactly("meterData-CommunityMSP");
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
        assertThat(hash).containsEntry("collection", "meterData-CommunityMSP").containsEntry("segmentStart", T0);
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

    @Test
    void theGeneratedCollectionsHaveTheMembersThisChaincodeAssumes() {
        final Consortium consortium = FakeLedger.fixtureConsortium();
        final List<Map<String, Object>> collections = Collections.config(consortium);
        assertThat(collections).extracting(c -> c.get("name"))
                .containsExactly("meterData-AggregatorMSP", "meterData-CommunityMSP", "meterData-CpoMSP", "meterData-DsoMSP");
        for (final String owner : List.of("AggregatorMSP", "CommunityMSP", "CpoMSP", "DsoMSP")) {
            final Map<?, ?> c = collections.stream().filter(m -> Privacy.collectionOf(owner).equals(m.get("name"))).findFirst().orElseThrow();
            final List<String> members = new ArrayList<>();
            final Matcher m = Pattern.compile("'([\\w-]+)\\.member'").matcher((String) c.get("policy"));
            while (m.find()) {
                members.add(m.group(1));
            }
            assertThat(members).as(owner).containsExactlyInAnyOrderElementsOf(Privacy.readersOf(consortium, owner));
            // New keys of the collection need the same endorsements as the key-level policy of written ones.
            assertThat(c.get("endorsementPolicy")).as(owner).isEqualTo(Map.of("signaturePolicy", Privacy.endorsement(consortium, owner).toString()));
            assertThat(c.get("memberOnlyRead")).isEqualTo(true);
            assertThat(c.get("blockToLive")).isEqualTo(0L);
        }
        assertThat(Privacy.readersOf(consortium, "CommunityMSP")).containsExactly("CommunityMSP", "DsoMSP", "AggregatorMSP");
        assertThat(Privacy.readersOf(consortium, "AggregatorMSP")).containsExactly("AggregatorMSP", "DsoMSP");
        // No aggregator represents the DSO: every aggregator checks its data.
        assertThat(Privacy.readersOf(consortium, "DsoMSP")).containsExactly("DsoMSP", "AggregatorMSP");
        assertThat(Privacy.endorsement(consortium, "DsoMSP").toString()).isEqualTo("AND('DsoMSP.peer', 'AggregatorMSP.peer')");
        final Consortium alone = new Consortium(new energy.flexledger.chaincode.Member[] {
            FakeLedger.member("DsoMSP", new String[] {"DSO"}, new String[0], new String[0]),
            FakeLedger.member("CpoMSP", new String[] {"CPO"}, new String[0], new String[0])}, 2, 0, "t");
        assertThatThrownBy(() -> Privacy.endorsement(alone, "DsoMSP")).hasMessageStartingWith("INVALID_STATE: no member besides DsoMSP");
        assertThat(Collections.config(alone)).extracting(c -> c.get("name")).containsExactly("meterData-CpoMSP");
    }

    @Test
    void aSecondAggregatorReadsExactlyTheDataOfTheOrgsItRepresents() {
        final Consortium grown = new Consortium(new energy.flexledger.chaincode.Member[] {
            FakeLedger.member("AggregatorMSP", new String[] {"AGGREGATOR"}, new String[0], new String[] {"CommunityMSP"}),
            FakeLedger.member("Aggregator2MSP", new String[] {"AGGREGATOR"}, new String[0], new String[] {"CpoMSP"}),
            FakeLedger.member("CommunityMSP", new String[] {"COMMUNITY"}, new String[0], new String[0]),
            FakeLedger.member("CpoMSP", new String[] {"CPO"}, new String[0], new String[0]),
            FakeLedger.member("DsoMSP", new String[] {"DSO"}, new String[] {"zone-1"}, new String[0]),
        }, 5, 0, "t");
        assertThat(Privacy.readersOf(grown, "CpoMSP")).containsExactly("CpoMSP", "DsoMSP", "Aggregator2MSP");
        assertThat(Privacy.readersOf(grown, "CommunityMSP")).containsExactly("CommunityMSP", "DsoMSP", "AggregatorMSP");
        assertThat(Privacy.endorsement(grown, "CpoMSP").toString()).isEqualTo("AND('CpoMSP.peer', OR('DsoMSP.peer', 'Aggregator2MSP.peer'))");
        assertThat(Collections.config(grown)).hasSize(5);
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
