package energy.flexledger.chaincode.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import energy.flexledger.spec.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.shim.ChaincodeStub;
import org.junit.jupiter.api.Test;

/** What no single member may do, and the bad input that must not change state (issue 8). */
class TrustTest extends Fixture {
    private static final long DAY = 86_400_000L;

    private Map<String, Object> meterWith(final String id, final String extraJson) {
        final String spec = "{\"assetId\":\"" + id + "\",\"type\":\"METER\",\"zone\":\"zone-1\",\"deviceId\":\"" + DEVICE_ID
                + "\",\"gatewayId\":\"" + GATEWAY_ID + "\",\"saltCommitment\":\"" + COMMITMENT + "\"" + extraJson + "}";
        return Json.parseObject(call("registerAsset", asAdmin().context(), spec));
    }

    private String submit(final List<Object> records) {
        return call("recordIntervals", asDevice().transientData("records", Json.write(records)).context());
    }

    @Test
    void aMeterHasAnEarliestStartFromItsRegistrationAndRefusesRecordsBeforeIt() {
        // NOW is a day after T0: the default back-fill window (31 days) covers T0.
        final Map<String, Object> meter = meter("MTR-1");
        assertThat(meter).containsEntry("earliestStart", NOW - Registry.DEFAULT_BACKFILL_MS);
        final Map<String, String> before = ledger.snapshot();
        // Seconds typed as milliseconds, or a zero: refused, and the meter is not pinned in 1970.
        rejects("BAD_INTERVAL", () -> submit(quarters("MTR-1", 0, 1)));
        rejects("BAD_INTERVAL", () -> submit(quarters("MTR-1", (T0 / 1000) / QUARTER * QUARTER, 1)));
        assertThat(ledger.snapshot()).isEqualTo(before);
        submit(quarters("MTR-1", T0, 1));
        // A meter registered with no back-fill starts at its registration.
        assertThat(meterWith("MTR-2", ",\"backfillMs\":0")).containsEntry("earliestStart", NOW);
        rejects("BAD_INTERVAL", () -> submit(quarters("MTR-2", NOW - QUARTER, 1)));
        rejects("BAD_REQUEST", () -> meterWith("MTR-3", ",\"backfillMs\":" + (367 * DAY)));
        rejects("BAD_REQUEST", () -> meterWith("MTR-3", ",\"backfillMs\":-1"));
        // Declared outright, for a history loaded from an archive: aligned, not after the registration.
        assertThat(meterWith("MTR-5", ",\"earliestStart\":" + (T0 - 400 * DAY))).containsEntry("earliestStart", T0 - 400 * DAY);
        submit(quarters("MTR-5", T0 - 400 * DAY, 1));
        rejects("BAD_REQUEST", () -> meterWith("MTR-6", ",\"earliestStart\":" + (NOW + QUARTER)));
        rejects("BAD_REQUEST", () -> meterWith("MTR-6", ",\"earliestStart\":" + (T0 + 1)));
        rejects("BAD_REQUEST", () -> meterWith("MTR-6", ",\"earliestStart\":" + T0 + ",\"backfillMs\":0"));
    }

    @Test
    void aRecordWhoseSumNoPlausibleSamplesCanMakeIsRefused() {
        meterWith("MTR-1", ",\"maxAbsValue\":5000");
        final Map<String, String> before = ledger.snapshot();
        rejects("BAD_REQUEST", () -> submit(List.of(recordOf("MTR-1", digest("MTR-1", T0, 5001)))));
        rejects("BAD_REQUEST", () -> submit(List.of(recordOf("MTR-1", digest("MTR-1", T0, -5001)))));
        assertThat(ledger.snapshot()).isEqualTo(before);
        submit(List.of(recordOf("MTR-1", digest("MTR-1", T0, 5000, -5000))));
        rejects("BAD_REQUEST", () -> meterWith("MTR-2", ",\"maxAbsValue\":0"));
        // The default keeps every interval's sum inside 64 bits; a larger bound may be declared.
        assertThat(meter("MTR-3")).containsEntry("maxAbsValue", Registry.DEFAULT_MAX_ABS_VALUE);
        meterWith("MTR-4", ",\"maxAbsValue\":" + Long.MAX_VALUE);
        submit(List.of(recordOf("MTR-4", digest("MTR-4", T0, Long.MAX_VALUE))));
    }

    @Test
    void aNullOrNonObjectRecordIsBadRequestNotAnUnexpectedError() {
        meter("MTR-1");
        for (final String batch : List.of("[null]", "[[1,2]]", "[7]", "[\"x\"]")) {
            rejects("BAD_REQUEST", () -> call("recordIntervals", asDevice().transientData("records", batch).context()));
        }
        rejects("BAD_REQUEST", () -> call("recordInterval", asDevice().transientData("record", "null").context()));
    }

    @Test
    void theResultAndTheEventOfARecordingCarryNothingPrivate() {
        meter("MTR-1");
        final Map<String, Object> result = Json.parseObject(submit(quarters("MTR-1", T0, 3)));
        assertThat(result).containsOnlyKeys("txId", "recorded", "unchanged", "meters").containsEntry("meters", List.of("MTR-1"));
        assertThat(ledger.lastEventPayload()).isEqualTo(Json.write(result)).doesNotContain("lastEnd").doesNotContain("intervals")
                .doesNotContain("link").doesNotContain("fingerprint");
    }

    @Test
    void idsMustBeValidUnicode() {
        // A lone surrogate reaches the chaincode as a JSON escape (raw, it is not UTF-8: CheckedContract refuses it).
        rejects("BAD_REQUEST", () -> call("registerAsset", asAdmin().context(), "{\"assetId\":\"ADV-\\ud800\",\"type\":\"EMS\",\"zone\":\"z\"}"));
        rejects("BAD_REQUEST", () -> meter("ADV-\ufffd"));
        meter("ADV-\ud83d\ude00"); // a surrogate pair is a code point like any other
    }

    @Test
    void subscriptionsAreGuardedPerParty() {
        final Map<String, Object> sub = Json.parseObject(call("requestAccess", ledger.as(AGGREGATOR, "client", "gw").context(), "S-1",
                COMMUNITY, "community/load"));
        assertThat(sub).containsEntry("status", "REQUESTED");
        // The terms need both parties' peers (neither can rewrite them alone); the decision is the
        // provider's (the consumer cannot accept its own request, even with altered chaincode); the
        // consumer's revocation is the consumer's; the indexes need both.
        assertThat(ledger.policyOf(Subscriptions.SUBSCRIPTION, "S-1")).isEqualTo("AND('CommunityMSP.peer', 'AggregatorMSP.peer')");
        assertThat(ledger.policyOf(Subscriptions.DECISION, "S-1")).isEqualTo("'CommunityMSP.peer'");
        assertThat(ledger.policyOf(Subscriptions.REVOCATION, "S-1")).isEqualTo("'AggregatorMSP.peer'");
        assertThat(ledger.policyOf(Subscriptions.BY_CONSUMER, AGGREGATOR, "S-1")).isEqualTo("AND('CommunityMSP.peer', 'AggregatorMSP.peer')");
        final Map<String, String> requested = ledger.snapshot();
        call("acceptAccess", asGateway().context(), "S-1");
        // The provider's decision wrote only the provider's key.
        onlyChanged(requested, ledger.snapshot(), Subscriptions.DECISION);
        final Map<String, String> accepted = ledger.snapshot();
        ledger.at(NOW + 1000);
        final Map<String, Object> revoked = Json.parseObject(call("revokeAccess", ledger.as(AGGREGATOR, "client", "gw").context(), "S-1"));
        assertThat(revoked).containsEntry("status", "REVOKED").containsEntry("revokedBy", AGGREGATOR).containsEntry("revokedAt", NOW + 1000);
        onlyChanged(accepted, ledger.snapshot(), Subscriptions.REVOCATION);
        assertThat(Json.parseObject(call("getSubscription", ledger.context(), "S-1"))).isEqualTo(revoked);
        // Revoked is final: the provider cannot accept it again; its own revocation is still recorded.
        rejects("INVALID_STATE", () -> call("acceptAccess", asGateway().context(), "S-1"));
        final Map<String, String> consumerRevoked = ledger.snapshot();
        ledger.at(NOW + 2000);
        call("revokeAccess", asGateway().context(), "S-1");
        onlyChanged(consumerRevoked, ledger.snapshot(), Subscriptions.DECISION);
        assertThat(Json.parseObject(call("getSubscription", ledger.context(), "S-1"))).containsEntry("status", "REVOKED")
                .containsEntry("revokedBy", AGGREGATOR).containsEntry("revokedAt", NOW + 1000);
        final Map<String, Object> page = Json.parseObject(call("querySubscriptions", ledger.context(), "provider", COMMUNITY, "", ""));
        assertThat(((Map<?, ?>) ((List<?>) page.get("subscriptions")).get(0)).get("status")).isEqualTo("REVOKED");
    }

    @Test
    void aChangeIsAnnouncedWhateverTheClientsClocksSay() {
        call("requestAccess", ledger.as(AGGREGATOR, "client", "gw").context(), "S-9", COMMUNITY, "community/load");
        ledger.at(NOW + 5_000);
        call("acceptAccess", asGateway().context(), "S-9");
        // The consumer's client clock is behind: its revocation is stamped before the acceptance.
        ledger.at(NOW + 4_000);
        final Map<String, Object> revoked = Json.parseObject(call("revokeAccess", ledger.as(AGGREGATOR, "client", "gw").context(), "S-9"));
        assertThat(revoked).containsEntry("status", "REVOKED").containsEntry("updatedTx", ledger.lastTxId());
        assertThat(ledger.eventOf(ledger.lastTxId())).isEqualTo("SubscriptionChanged");
        // Revoking again changes nothing and announces nothing.
        call("revokeAccess", ledger.as(AGGREGATOR, "client", "gw").context(), "S-9");
        assertThat(ledger.eventOf(ledger.lastTxId())).isNull();
    }

    private static void onlyChanged(final Map<String, String> before, final Map<String, String> after, final String keyType) {
        for (final Map.Entry<String, String> e : after.entrySet()) {
            if (!e.getValue().equals(before.get(e.getKey()))) {
                assertThat(e.getKey()).contains(keyType);
            }
        }
    }

    @Test
    void aBookmarkFromAnotherQueryIsRefusedNotAnUnexpectedError() {
        meter("MTR-1");
        rejects("BAD_REQUEST", () -> call("queryAssets", ledger.context(), "owner", COMMUNITY, "10", "\u0000asset\u0000"));
        rejects("BAD_REQUEST", () -> call("querySubscriptions", ledger.context(), "consumer", COMMUNITY, "10", "\u0000asset\u0000"));
        rejects("BAD_REQUEST", () -> call("queryBatches", ledger.context(), "topic", "t", "10", "\u0000asset\u0000"));
    }

    @Test
    void aBatchThatRepeatsCertifiedRecordsAndAddsNewOnesWritesOnlyTheNewOnes() {
        // The retry after a crash between commit and the outbox's mark: the certified records come
        // again with newer ones. Fabric refuses writes after a private range query in the same
        // transaction, so the certified ones are found by single-key reads (the fake refuses too).
        meter("MTR-1");
        submit(byStart("MTR-1", T0, 5));
        final Map<String, Object> again = Json.parseObject(submit(byStart("MTR-1", T0, 8)));
        assertThat(again).containsEntry("recorded", 3L).containsEntry("unchanged", 5L);
        final Map<String, Object> head = Json.parseObject(call("getHead", asDevice().context(), "MTR-1"));
        assertThat(head).containsEntry("intervals", 8L).containsEntry("lastEnd", T0 + 8 * QUARTER);
        // Across a page boundary too: the whole first day again plus the next day's first record.
        ledger.at(NOW + DAY);
        submit(byStart("MTR-1", T0 + 8 * QUARTER, 88));
        assertThat(Json.parseObject(submit(byStart("MTR-1", T0, 97)))).containsEntry("recorded", 1L).containsEntry("unchanged", 96L);
    }

    /** {@code n} quarter-hours from {@code from}, each with a value that depends on its start only. */
    private static List<Object> byStart(final String meterId, final long from, final int n) {
        final List<Object> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            final long start = from + i * QUARTER;
            out.add(recordOf(meterId, digest(meterId, start, start / QUARTER % 1000)));
        }
        return out;
    }

    @Test
    void aWrongArgumentCountIsBadRequestBeforeFabricConvertsTheArguments() {
        rejects("BAD_REQUEST", () -> contract.createContext(stubWith("GetMeter")));
        rejects("BAD_REQUEST", () -> contract.createContext(stubWith("energy:GetMeter", "a", "extra")));
        rejects("BAD_REQUEST", () -> contract.createContext(stubWith("RecordIntervals", "ignored")));
        energy.flexledger.chaincode.Arguments.check(contract, stubWith("GetMeter", "MTR-1"));
        energy.flexledger.chaincode.Arguments.check(contract, stubWith("RecordIntervals"));
        // Fabric's own system transactions are not ours to check.
        energy.flexledger.chaincode.Arguments.check(contract, stubWith("org.hyperledger.fabric:GetMetadata", "x"));
    }

    @Test
    void anArgumentThatIsNotUtf8IsBadRequest() {
        final ChaincodeStub stub = mock(ChaincodeStub.class);
        when(stub.getArgs()).thenReturn(List.of("GetMeter".getBytes(StandardCharsets.UTF_8), new byte[] {'A', (byte) 0xED, (byte) 0xA0, (byte) 0x80}));
        rejects("BAD_REQUEST", () -> contract.createContext(stub));
    }

    private static ChaincodeStub stubWith(final String... args) {
        final ChaincodeStub stub = mock(ChaincodeStub.class);
        final java.util.List<byte[]> bytes = new java.util.ArrayList<>();
        for (final String a : args) {
            bytes.add(a.getBytes(StandardCharsets.UTF_8));
        }
        when(stub.getArgs()).thenReturn(bytes);
        return stub;
    }

}
