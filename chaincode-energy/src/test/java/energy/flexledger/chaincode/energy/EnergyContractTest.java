package energy.flexledger.chaincode.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.chaincode.ContractCalls;
import energy.flexledger.chaincode.FakeLedger;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.IntervalDigest;
import energy.flexledger.spec.Json;
import java.util.Map;
import org.hyperledger.fabric.shim.ChaincodeException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import java.util.function.Consumer;

class EnergyContractTest {
    private static final byte[] SALT = new byte[32];
    private static final String COMMITMENT = Hex.encode(Fp1.saltCommitment(SALT));
    private static final long T0 = 1_767_225_600_000L;
    private static final long QUARTER = 900_000L;
    /** The transactions' time: a day after T0, so the test intervals have closed. */
    private static final long NOW = T0 + 86_400_000L;

    private final EnergyContract contract = new EnergyContract();
    private final ContractCalls calls = new ContractCalls(contract);
    private FakeLedger ledger;

    private String call(final String method, final org.hyperledger.fabric.contract.Context ctx, final String... args) {
        return calls.call(method, ctx, args);
    }

    @BeforeEach
    void setUp() {
        ledger = new FakeLedger().as("CommunityMSP", "client").at(NOW);
    }

    private static IntervalDigest digest(final String meterId, final long start, final long... values) {
        final Fp1.Accumulator acc = Fp1.interval(SALT, meterId, start, start + QUARTER);
        for (int i = 0; i < values.length; i++) {
            acc.add(start + (i + 1) * 60_000L, values[i]);
        }
        return acc.digest();
    }

    /** Records one interval (as transient data, like a client) and returns the stored record. */
    private String record(final String meterId, final IntervalDigest d) {
        final Map<String, Object> summary = Json.parseObject(call("recordInterval", 
                ledger.transientData("record", Json.write(Fixture.recordOf(meterId, d))).context()));
        assertThat(summary).doesNotContainKeys("fingerprint", "sum", "link");
        return call("getInterval", ledger.context(), meterId, Long.toString(d.start()));
    }

    /** RecordInterval with a hand-written transient record. */
    private String recordRaw(final String json) {
        return call("recordInterval", ledger.transientData("record", json).context());
    }

    /** The call fails with {@code expected}; like Fabric, the fake then commits none of its writes. */
    private void rejects(final String expected, final org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).satisfies(code(expected));
        ledger.abort();
    }

    static Consumer<Throwable> code(final String expected) {
        return e -> {
            assertThat(e).isInstanceOf(ChaincodeException.class).hasMessageStartingWith(expected + ": ");
            assertThat(new String(((ChaincodeException) e).getPayload(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(expected);
        };
    }

    @Nested
    class RegisterMeter {
        @Test
        void ownerIsTheCallersOrgAndTheChainStartsAtGenesis() {
            final Map<String, Object> meter = Json.parseObject(call("registerMeter", ledger.context(), "MTR-1", "zone-1", COMMITMENT));
            assertThat(meter).containsEntry("ownerMsp", "CommunityMSP").containsEntry("zone", "zone-1")
                    .containsEntry("saltCommitment", COMMITMENT).containsEntry("registeredAt", NOW);
            final Map<String, Object> read = Json.parseObject(call("getMeter", ledger.context(), "MTR-1"));
            assertThat(read).containsEntry("intervals", 0L).containsEntry("headLink", Hex.encode(Fp1.genesis("MTR-1")));
            assertThat(read.get("lastEnd")).isNull();
            assertThat(ledger.lastEventName()).isEqualTo("AssetRegistered");
        }

        @Test
        void theOwnerAndAPartyWithASeparateInterestMustEndorseChangesToTheMeterAndItsChain() {
            call("registerMeter", ledger.context(), "MTR-1", "zone-1", COMMITMENT);
            final String ownerAndOther = "AND('CommunityMSP.peer', OR('DsoMSP.peer', 'AggregatorMSP.peer'))";
            assertThat(ledger.policyOf(Registry.ASSET, "MTR-1")).isEqualTo(ownerAndOther);
            final String headKey = new org.hyperledger.fabric.shim.ledger.CompositeKey(Registry.HEAD, "MTR-1").toString();
            assertThat(ledger.policyOfPrivate("meterData-CommunityMSP_DsoMSP", headKey)).isEqualTo(ownerAndOther);
            assertThat(ledger.policyOf(Registry.BY_OWNER, "CommunityMSP", "METER", "MTR-1")).isEqualTo(ownerAndOther);
            record("MTR-1", digest("MTR-1", T0, 1));
            assertThat(ledger.policyOfPrivate("meterData-CommunityMSP_DsoMSP", Intervals.key("MTR-1", T0))).isEqualTo(ownerAndOther);
            // An append writes a new segment and the head, each with the policy set again (the
            // policy of a key never depends on how it was first written).
            record("MTR-1", digest("MTR-1", T0 + QUARTER, 2));
            assertThat(ledger.policyOfPrivate("meterData-CommunityMSP_DsoMSP", Intervals.key("MTR-1", T0 + QUARTER))).isEqualTo(ownerAndOther);
            assertThat(ledger.policyOfPrivate("meterData-CommunityMSP_DsoMSP", headKey)).isEqualTo(ownerAndOther);
        }

        @Test
        void theSameRegistrationAgainIsANoOp() {
            final String first = call("registerMeter", ledger.context(), "MTR-1", "zone-1", COMMITMENT);
            final Map<String, String> before = ledger.snapshot();
            assertThat(call("registerMeter", ledger.context(), "MTR-1", "zone-1", COMMITMENT)).isEqualTo(first);
            assertThat(ledger.snapshot()).isEqualTo(before);
            rejects("ALREADY_EXISTS", () -> call("registerMeter", ledger.context(), "MTR-1", "zone-8", COMMITMENT));
        }

        @Test
        void registeringTwiceIsAlreadyExistsAndChangesNothing() {
            call("registerMeter", ledger.context(), "MTR-1", "zone-1", COMMITMENT);
            final Map<String, String> before = ledger.snapshot();
            rejects("ALREADY_EXISTS", () -> call("registerMeter", ledger.as("DsoMSP", "admin").context(), "MTR-1", "z", COMMITMENT));
            assertThat(ledger.snapshot()).isEqualTo(before);
        }

        @Test
        void badArgumentsAreBadRequest() {
            rejects("BAD_REQUEST", () -> call("registerMeter", ledger.context(), "", "z", COMMITMENT));
            rejects("BAD_REQUEST", () -> call("registerMeter", ledger.context(), "a\u0000b", "z", COMMITMENT));
            rejects("BAD_REQUEST", () -> call("registerMeter", ledger.context(), "M", "", COMMITMENT));
            rejects("BAD_REQUEST", () -> call("registerMeter", ledger.context(), "M", "z", COMMITMENT.toUpperCase()));
            rejects("BAD_REQUEST", () -> call("registerMeter", ledger.context(), "M", "z", "abc"));
            assertThat(ledger.writes()).isZero();
        }

        @Test
        void peersAndStrangersMayNotRegister() {
            rejects("ACCESS_DENIED", () -> call("registerMeter", ledger.as("CommunityMSP", "peer").context(), "M", "z", COMMITMENT));
            rejects("ACCESS_DENIED", () -> call("registerMeter", ledger.as("EvilMSP", "admin").context(), "M", "z", COMMITMENT));
            assertThat(ledger.writes()).isZero();
        }
    }

    @Nested
    class RecordInterval {
        @BeforeEach
        void register() {
            call("registerMeter", ledger.context(), "MTR-1", "zone-1", COMMITMENT);
        }

        @Test
        void storesTheDigestAndExtendsTheLinkChainExactlyAsFp1() {
            final IntervalDigest first = digest("MTR-1", T0, 1_500_000, -250_000, 7);
            final IntervalDigest second = digest("MTR-1", T0 + QUARTER);
            final Map<String, Object> r1 = Json.parseObject(record("MTR-1", first));
            final Map<String, Object> r2 = Json.parseObject(record("MTR-1", second));

            final byte[] link1 = Fp1.link(Fp1.genesis("MTR-1"), first);
            final byte[] link2 = Fp1.link(link1, second);
            assertThat(r1).containsEntry("count", 3L).containsEntry("sum", 1_250_007L).containsEntry("avg", 416_669L)
                    .containsEntry("fingerprint", first.fingerprintHex()).containsEntry("link", Hex.encode(link1));
            assertThat(r2).containsEntry("count", 0L).containsEntry("previousLink", Hex.encode(link1))
                    .containsEntry("link", Hex.encode(link2));
            assertThat(Json.parseObject(call("getMeter", ledger.context(), "MTR-1")))
                    .containsEntry("intervals", 2L).containsEntry("lastEnd", T0 + 2 * QUARTER).containsEntry("headLink", Hex.encode(link2));
            assertThat(call("getInterval", ledger.context(), "MTR-1", Long.toString(T0))).isEqualTo(Json.write(r1));
            assertThat(ledger.lastEventName()).isEqualTo("IntervalsRecorded");
            assertThat(Json.parseObject(ledger.lastEventPayload())).containsEntry("recorded", 1L).containsEntry("unchanged", 0L);
        }

        @Test
        void identicalResubmissionIsANoOpThatReturnsTheStoredRecord() {
            final IntervalDigest d = digest("MTR-1", T0, 42);
            final String stored = record("MTR-1", d);
            record("MTR-1", digest("MTR-1", T0 + QUARTER, 1));
            final Map<String, String> before = ledger.snapshot();
            final int writes = ledger.writes();
            assertThat(record("MTR-1", d)).isEqualTo(stored);
            assertThat(ledger.writes()).isEqualTo(writes);
            assertThat(ledger.snapshot()).isEqualTo(before);
        }

        @Test
        void aDifferentRecordForARecordedIntervalIsConflict() {
            record("MTR-1", digest("MTR-1", T0, 42));
            final Map<String, String> before = ledger.snapshot();
            rejects("CONFLICT", () -> record("MTR-1", digest("MTR-1", T0, 43)));
            assertThat(ledger.snapshot()).isEqualTo(before);
        }

        @Test
        void aGapOrOverlapIsNotContiguousAndChangesNothing() {
            record("MTR-1", digest("MTR-1", T0, 42));
            final Map<String, String> before = ledger.snapshot();
            rejects("NOT_CONTIGUOUS", () -> record("MTR-1", digest("MTR-1", T0 + 2 * QUARTER, 1)));
            rejects("MISALIGNED", () -> record("MTR-1", digest("MTR-1", T0 + 60_000, 1)));
            assertThat(ledger.snapshot()).isEqualTo(before);
        }

        @Test
        void anIntervalOfAnotherLengthIsMisaligned() {
            record("MTR-1", digest("MTR-1", T0, 42));
            final IntervalDigest longer = Fp1.interval(SALT, "MTR-1", T0, T0 + 2 * QUARTER).add(T0 + 60_000, 42).digest();
            rejects("MISALIGNED", () -> record("MTR-1", longer));
        }

        @Test
        void anIntervalThatHasNotClosedIsRejectedSoItCannotBlockTheChain() {
            ledger.at(T0 + QUARTER - Intervals.MAX_CLOCK_SKEW_MS - 1);
            final Map<String, String> before = ledger.snapshot();
            rejects("BAD_INTERVAL", () -> record("MTR-1", digest("MTR-1", T0, 1)));
            assertThat(ledger.snapshot()).isEqualTo(before);
            ledger.at(T0 + QUARTER - Intervals.MAX_CLOCK_SKEW_MS);
            assertThat(Json.parseObject(record("MTR-1", digest("MTR-1", T0, 1)))).containsEntry("count", 1L);
        }

        @Test
        void aStrayRecordAheadOfTheChainIsNeitherReadNorInTheWay() {
            final String first = record("MTR-1", digest("MTR-1", T0, 1));
            // Altered chaincode wrote a record ahead of the chain head into the meter's page.
            ledger.plantPrivate("meterData-CommunityMSP_DsoMSP", Intervals.key("MTR-1", T0), "{\"meterId\":\"MTR-1\",\"segmentStart\":" + T0
                    + ",\"records\":[" + first + "," + first.replace("\"start\":" + T0, "\"start\":" + (T0 + QUARTER))
                            .replace("\"end\":" + (T0 + QUARTER), "\"end\":" + (T0 + 2 * QUARTER)).replace("\"count\":1,", "\"count\":666,") + "]}");
            rejects("NOT_FOUND", () -> call("getInterval", ledger.context(), "MTR-1", Long.toString(T0 + QUARTER)));
            final Map<String, Object> recorded = Json.parseObject(record("MTR-1", digest("MTR-1", T0 + QUARTER, 2)));
            assertThat(recorded).containsEntry("count", 1L).containsEntry("sum", 2L);
            assertThat(call("getInterval", ledger.context(), "MTR-1", Long.toString(T0 + QUARTER))).isEqualTo(Json.write(recorded));
            // Read by averages too: the certified record, not the planted one.
            final Map<String, Object> averages = Json.parseObject(call("getAverages", ledger.context(), "[\"MTR-1\"]", Long.toString(T0),
                    Long.toString(T0 + 4 * QUARTER)));
            assertThat(Json.write(averages)).contains("[" + (T0 + QUARTER) + ",2]").doesNotContain("666");
            // A peer whose private copy lacks a certified segment says so instead of answering short.
            ledger.plantPrivate("meterData-CommunityMSP_DsoMSP", Intervals.key("MTR-1", T0 + QUARTER), "");
            assertThat(call("getAverages", ledger.context(), "[\"MTR-1\"]", Long.toString(T0), Long.toString(T0 + 4 * QUARTER)))
                    .contains("\"error\":\"INVALID_STATE\"");
        }

        @Test
        void theLinkChainMatchesTheSpecVectors() throws java.io.IOException {
            final Map<String, Object> vector = Json.parseObject(java.nio.file.Files.readString(
                    java.nio.file.Path.of("../core/src/test/resources/vectors/fp1-basic.json")));
            final Json.Obj expected = Json.Obj.of(vector.get("expected"), "expected");
            final String meterId = expected.getString("meterId");
            call("registerMeter", ledger.context(), meterId, "zone-v", COMMITMENT);
            for (final Object item : expected.getList("intervals")) {
                final Json.Obj e = Json.Obj.of(item, "interval");
                recordRaw("{\"meterId\":\"" + meterId + "\",\"start\":" + e.getLong("start") + ",\"end\":" + e.getLong("end")
                        + ",\"count\":" + e.getLong("count") + ",\"sum\":" + e.getLong("sum") + ",\"fingerprint\":\"" + e.getString("fingerprint") + "\"}");
                final Map<String, Object> r = Json.parseObject(call("getInterval", ledger.context(), meterId, Long.toString(e.getLong("start"))));
                assertThat(r).containsEntry("avg", e.getLong("avg")).containsEntry("link", e.getString("link"));
            }
            assertThat(Json.parseObject(call("getMeter", ledger.context(), meterId)))
                    .containsEntry("headLink", Json.Obj.of(expected.getList("intervals").get(expected.getList("intervals").size() - 1), "last")
                            .getString("link"));
        }

        @Test
        void anotherOrgsClientIsDeniedAndNothingChanges() {
            final Map<String, String> before = ledger.snapshot();
            ledger.as("AggregatorMSP", "client");
            rejects("ACCESS_DENIED", () -> record("MTR-1", digest("MTR-1", T0, 1)));
            assertThat(ledger.snapshot()).isEqualTo(before);
        }

        @Test
        void unknownMeterIsNotFound() {
            rejects("NOT_FOUND", () -> record("MTR-404", digest("MTR-404", T0, 1)));
        }

        @Test
        void malformedNumbersAndDigestsAreRejectedWithStableCodes() {
            final Map<String, String> before = ledger.snapshot();
            final String fp = digest("MTR-1", T0).fingerprintHex();
            final String s = Long.toString(T0);
            final String e = Long.toString(T0 + QUARTER);
            final String m = "{\"meterId\":\"MTR-1\",";
            rejects("BAD_JSON", () -> recordRaw(m + "\"start\":\"x\",\"end\":" + e + ",\"count\":0,\"sum\":0,\"fingerprint\":\"" + fp + "\"}"));
            rejects("BAD_INTERVAL", () -> recordRaw(m + "\"start\":" + e + ",\"end\":" + s + ",\"count\":0,\"sum\":0,\"fingerprint\":\"" + fp + "\"}"));
            rejects("BAD_REQUEST", () -> recordRaw(m + "\"start\":" + s + ",\"end\":" + e + ",\"count\":-1,\"sum\":0,\"fingerprint\":\"" + fp + "\"}"));
            rejects("BAD_REQUEST", () -> recordRaw(m + "\"start\":" + s + ",\"end\":" + e + ",\"count\":0,\"sum\":5,\"fingerprint\":\"" + fp + "\"}"));
            rejects("BAD_REQUEST", () -> recordRaw(m + "\"start\":" + s + ",\"end\":" + e + ",\"count\":0,\"sum\":0,\"fingerprint\":\"zz\"}"));
            rejects("BAD_REQUEST", () -> recordRaw(m + "\"start\":" + s + ",\"end\":" + (T0 + 3) + ",\"count\":4,\"sum\":4,\"fingerprint\":\"" + fp + "\"}"));
            // Private inputs as plain arguments would land in the block: refused.
            rejects("BAD_REQUEST", () -> call("recordInterval", ledger.context()));
            rejects("BAD_JSON", () -> recordRaw("{"));
            assertThat(ledger.snapshot()).isEqualTo(before);
        }
    }

    @Nested
    class Reads {
        @Test
        void anyMemberMayReadButNotStrangers() {
            call("registerMeter", ledger.context(), "MTR-1", "zone-1", COMMITMENT);
            assertThat(call("getMeter", ledger.as("CpoMSP", "peer").context(), "MTR-1")).contains("\"ownerMsp\":\"CommunityMSP\"");
            assertThat(call("getMeter", ledger.as("DsoMSP", "peer").context(), "MTR-1")).contains("\"headLink\"");
            rejects("ACCESS_DENIED", () -> call("getMeter", ledger.as("OrdererMSP", "admin").context(), "MTR-1"));
        }

        @Test
        void missingIntervalIsNotFound() {
            rejects("NOT_FOUND", () -> call("getInterval", ledger.context(), "MTR-1", "5"));
        }
    }
}
