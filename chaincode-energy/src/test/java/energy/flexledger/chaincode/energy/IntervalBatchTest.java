package energy.flexledger.chaincode.energy;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.spec.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IntervalBatchTest extends Fixture {

    @BeforeEach
    void meters() {
        meter("MTR-A");
        meter("MTR-B");
    }

    private Map<String, Object> submit(final List<Object> records) {
        return Json.parseObject(call("recordIntervals", ledger.transientData("records", Json.write(records)).context()));
    }

    @Test
    void oneTransactionCertifiesManyMetersAndOneEventSaysSo() {
        final List<Object> batch = new ArrayList<>(quarters("MTR-A", T0, 3));
        batch.addAll(quarters("MTR-B", T0, 2));
        asGateway();
        final Map<String, Object> out = submit(batch);
        assertThat(out).containsEntry("recorded", 5L).containsEntry("unchanged", 0L);
        // Results and events go into the block: positions only, nothing private.
        assertThat(Json.write(out)).doesNotContain("headLink").doesNotContain("fingerprint");
        assertThat(ledger.lastEventPayload()).doesNotContain("headLink").doesNotContain("fingerprint");
        assertThat(ledger.lastEventName()).isEqualTo("IntervalsRecorded");
        assertThat(Json.parseObject(call("getHead", ledger.context(), "MTR-A"))).containsEntry("intervals", 3L)
                .containsEntry("lastEnd", T0 + 3 * QUARTER);
        assertThat(Json.parseObject(call("getHead", ledger.context(), "MTR-B"))).containsEntry("intervals", 2L);
    }

    @Test
    void aThousandRecordsOfOneMeterChainInOrder() {
        asDevice();
        assertThat(submit(quarters("MTR-A", T0 - 1000 * QUARTER, 1000))).containsEntry("recorded", 1000L);
        final Map<String, Object> page = Json.parseObject(call("getIntervals", ledger.context(), "MTR-A",
                Long.toString(T0 - 1000 * QUARTER), Long.toString(T0), "1000", ""));
        final List<?> records = (List<?>) page.get("records");
        assertThat(records).hasSize(1000);
        for (int i = 1; i < records.size(); i++) {
            assertThat(((Map<?, ?>) records.get(i)).get("previousLink")).isEqualTo(((Map<?, ?>) records.get(i - 1)).get("link"));
        }
    }

    @Test
    void retryingABatchIsANoOpAndAnOverlappingOneOnlyAddsTheNewRecords() {
        asGateway();
        submit(quarters("MTR-A", T0, 3));
        final Map<String, String> before = ledger.snapshot();
        assertThat(submit(quarters("MTR-A", T0, 3))).containsEntry("recorded", 0L).containsEntry("unchanged", 3L);
        assertThat(ledger.snapshot()).isEqualTo(before);
        assertThat(submit(quarters("MTR-A", T0, 5))).containsEntry("recorded", 2L).containsEntry("unchanged", 3L);
    }

    @Test
    void theSameRecordTwiceInOneBatchIsWrittenOnce() {
        asGateway();
        final List<Object> batch = new ArrayList<>(quarters("MTR-A", T0, 2));
        batch.add(batch.get(0));
        assertThat(submit(batch)).containsEntry("recorded", 2L).containsEntry("unchanged", 1L);
    }

    @Test
    void oneBadRecordFailsTheWholeBatch() {
        asGateway();
        submit(quarters("MTR-A", T0, 1));
        final Map<String, String> before = ledger.snapshot();
        final List<Object> conflict = new ArrayList<>(quarters("MTR-B", T0, 2));
        conflict.add(recordOf("MTR-A", digest("MTR-A", T0, 999)));
        rejects("CONFLICT", () -> submit(conflict));
        final List<Object> gap = new ArrayList<>(quarters("MTR-B", T0, 2));
        gap.addAll(quarters("MTR-A", T0 + 2 * QUARTER, 1));
        rejects("NOT_CONTIGUOUS", () -> submit(gap));
        final List<Object> misaligned = new ArrayList<>(quarters("MTR-B", T0, 2));
        misaligned.add(recordOf("MTR-A", energy.flexledger.spec.Fp1.interval(SALT, "MTR-A", T0 + QUARTER + 1, T0 + 2 * QUARTER + 1).digest()));
        rejects("MISALIGNED", () -> submit(misaligned));
        rejects("BAD_REQUEST", () -> submit(List.of()));
        rejects("BAD_JSON", () -> call("recordIntervals", ledger.transientData("records", "{\"meterId\":\"MTR-A\"}").context()));
        rejects("BAD_REQUEST", () -> call("recordIntervals", ledger.context()));
        rejects("BAD_JSON", () -> submit(List.of(Map.of("meterId", "MTR-A"))));
        assertThat(ledger.snapshot()).isEqualTo(before);
    }

    @Test
    void aDeviceWritesOnlyForItsOwnAssetAndOtherOrgsDevicesNotAtAll() {
        call("updateAsset", asAdmin().context(), "MTR-B", "{\"deviceId\":null}");
        asDevice();
        submit(quarters("MTR-A", T0, 1));
        rejects("ACCESS_DENIED", () -> submit(quarters("MTR-B", T0, 1)));
        ledger.as(AGGREGATOR, "client", "device");
        rejects("ACCESS_DENIED", () -> submit(quarters("MTR-A", T0 + QUARTER, 1)));
        asAdmin();
        rejects("ACCESS_DENIED", () -> submit(quarters("MTR-A", T0 + QUARTER, 1)));
    }

    @Test
    void aDeactivatedMeterTakesNoDataUntilReactivated() {
        call("deactivateAsset", asAdmin().context(), "MTR-A");
        asGateway();
        rejects("INACTIVE", () -> submit(quarters("MTR-A", T0, 1)));
        call("updateAsset", asAdmin().context(), "MTR-A", "{\"status\":\"ACTIVE\"}");
        asGateway();
        assertThat(submit(quarters("MTR-A", T0, 1))).containsEntry("recorded", 1L);
    }

    @Test
    void rangeReadsArePagedAndStopAtTheHead() {
        asGateway();
        submit(quarters("MTR-A", T0, 10));
        final String page = call("getIntervals", ledger.context(), "MTR-A", Long.toString(T0), Long.toString(T0 + 10 * QUARTER), "", "");
        final List<Object> records = new ArrayList<>((List<?>) Json.parseObject(page).get("records"));
        // Altered chaincode planted a well-formed record ahead of the head.
        final Map<String, Object> stray = new java.util.LinkedHashMap<>(Json.Obj.of(records.get(9), "r").toMap());
        stray.put("start", T0 + 10 * QUARTER);
        stray.put("end", T0 + 11 * QUARTER);
        records.add(stray);
        ledger.plantPrivate("meterData-CommunityMSP_DsoMSP", Intervals.key("MTR-A", T0),
                Json.write(Map.of("meterId", "MTR-A", "segmentStart", T0, "records", records)));
        final Map<String, Object> first = Json.parseObject(call("getIntervals", ledger.context(), "MTR-A", Long.toString(T0 + QUARTER),
                Long.toString(T0 + 20 * QUARTER), "4", ""));
        assertThat((List<?>) first.get("records")).hasSize(4);
        assertThat(((Map<?, ?>) ((List<?>) first.get("records")).get(0)).get("start")).isEqualTo(T0 + QUARTER);
        final Map<String, Object> second = Json.parseObject(call("getIntervals", ledger.context(), "MTR-A", Long.toString(T0 + QUARTER),
                Long.toString(T0 + 20 * QUARTER), "4", (String) first.get("bookmark")));
        final Map<String, Object> third = Json.parseObject(call("getIntervals", ledger.context(), "MTR-A", Long.toString(T0 + QUARTER),
                Long.toString(T0 + 20 * QUARTER), "4", (String) second.get("bookmark")));
        // 9 certified records from T0+Q on; the planted one ahead of the head is not one of them.
        assertThat((List<?>) second.get("records")).hasSize(4);
        assertThat((List<?>) third.get("records")).hasSize(1);
        assertThat(((Map<?, ?>) third.get("head")).get("intervals")).isEqualTo(10L);
        rejects("BAD_REQUEST", () -> call("getIntervals", ledger.context(), "MTR-A", "10", "10", "", ""));
        rejects("NOT_FOUND", () -> call("getIntervals", ledger.context(), "MTR-404", "0", "10", "", ""));
        rejects("BAD_REQUEST", () -> call("getIntervals", ledger.context(), "MTR-A", "0", "10", "", "x\u0000y"));
    }

    @Test
    void aPageHoldsADayOfQuarterHoursAndRangesCrossPages() {
        asGateway();
        assertThat(submit(quarters("MTR-A", T0 - 100 * QUARTER, 190))).containsEntry("recorded", 190L);
        // 190 quarter-hours from T0 - 100 Q touch three pages (days); reads cross them in order.
        final Map<String, Object> all = Json.parseObject(call("getIntervals", ledger.context(), "MTR-A", "0", Long.toString(Long.MAX_VALUE),
                "1000", ""));
        final List<?> records = (List<?>) all.get("records");
        assertThat(records).hasSize(190);
        for (int i = 0; i < 190; i++) {
            assertThat(((Map<?, ?>) records.get(i)).get("start")).isEqualTo(T0 - 100 * QUARTER + i * QUARTER);
        }
        assertThat(Intervals.pageStart(T0 + 95 * QUARTER, QUARTER)).isEqualTo(T0);
        assertThat(Intervals.pageStart(T0 + 96 * QUARTER, QUARTER)).isEqualTo(T0 + 96 * QUARTER);
        assertThat(Intervals.pageStart(T0 - 1, QUARTER)).isEqualTo(T0 - 96 * QUARTER);
        // A record in the middle of a page reads back alone.
        assertThat(Json.parseObject(call("getInterval", ledger.context(), "MTR-A", Long.toString(T0 + 7 * QUARTER))))
                .containsEntry("start", T0 + 7 * QUARTER);
    }

    @Test
    void pagingThroughAllHistoryReadsEachRecordOnceAndOnlyThePagesItNeeds() {
        asGateway();
        // 500 quarter-hours: six pages (days) of the community's collection.
        final long from = T0 - 500 * QUARTER;
        assertThat(submit(quarters("MTR-A", from, 500))).containsEntry("recorded", 500L);
        for (final int size : new int[] {1, 7, 95, 96, 97, 1000}) {
            final List<Object> all = new ArrayList<>();
            String bookmark = "";
            int calls = 0;
            do {
                final int before = ledger.privateReads();
                final Map<String, Object> page = Json.parseObject(call("getIntervals", ledger.context(), "MTR-A", "0",
                        Long.toString(Long.MAX_VALUE), Integer.toString(size), bookmark));
                // One page of records costs the asset's head and, for each of at most size / 96 + 2
                // stored pages (days), its segment and the next page's first one (the link check):
                // not the whole history.
                assertThat(ledger.privateReads() - before).as("private reads for a page of %d", size).isBetween(2, 2 * (size / 96 + 2) + 1);
                final List<?> records = (List<?>) page.get("records");
                assertThat(records).as("page size %d", size).hasSizeLessThanOrEqualTo(size).isNotEmpty();
                all.addAll(records);
                bookmark = (String) page.get("bookmark");
                calls++;
            } while (!bookmark.isEmpty() && calls < 1000);
            assertThat(all).as("page size %d", size).hasSize(500);
            for (int i = 0; i < 500; i++) {
                assertThat(((Map<?, ?>) all.get(i)).get("start")).isEqualTo(from + i * QUARTER);
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void averagesOfSeveralMetersComeInOneCallBySingleKeyReads() {
        asGateway();
        submit(quarters("MTR-A", T0 - 200 * QUARTER, 200));
        submit(quarters("MTR-B", T0, 3));
        final Map<String, Object> out = Json.parseObject(call("getAverages", ledger.context(), "[\"MTR-A\",\"MTR-B\"]",
                Long.toString(T0 - 150 * QUARTER), Long.toString(T0 + 10 * QUARTER)));
        final List<Map<String, Object>> meters = (List<Map<String, Object>>) out.get("meters");
        assertThat(meters).extracting(m -> m.get("meterId")).containsExactly("MTR-A", "MTR-B");
        final List<List<Object>> a = (List<List<Object>>) meters.get(0).get("readings");
        assertThat(a).hasSize(150);
        assertThat(a.get(0)).containsExactly(T0 - 150 * QUARTER, 1050L);
        assertThat(meters.get(1)).containsEntry("ownerMsp", COMMUNITY).containsEntry("zone", "zone-1").containsEntry("intervalMs", QUARTER);
        assertThat((List<?>) meters.get(1).get("readings")).hasSize(3);
        // A range that ends inside the certified history; a meter with nothing certified yet.
        final Map<String, Object> part = Json.parseObject(call("getAverages", ledger.context(), "[\"MTR-A\"]", Long.toString(T0 - 100 * QUARTER),
                Long.toString(T0 - 90 * QUARTER)));
        assertThat((List<?>) ((List<Map<String, Object>>) part.get("meters")).get(0).get("readings")).hasSize(10);
        meter("MTR-C");
        final Map<String, Object> none = Json.parseObject(call("getAverages", ledger.context(), "[\"MTR-C\"]", "0", Long.toString(T0)));
        assertThat((List<?>) ((List<Map<String, Object>>) none.get("meters")).get(0).get("readings")).isEmpty();
        rejects("BAD_REQUEST", () -> call("getAverages", ledger.context(), "[]", "0", "1"));
        rejects("BAD_REQUEST", () -> call("getAverages", ledger.context(), "[\"MTR-A\"]", "5", "1"));
        assertThat(call("getAverages", ledger.context(), "[\"MTR-A\"]", "0", Long.toString(T0))).contains("\"error\":\"BAD_REQUEST\"");
        // A meter the caller may not read, or that does not exist, answers with its error; the others still answer.
        final List<Map<String, Object>> mixed = (List<Map<String, Object>>) Json.parseObject(call("getAverages", ledger.as("CpoMSP", "client")
                .context(), "[\"MTR-A\",\"NO-SUCH\"]", "0", "1")).get("meters");
        assertThat(mixed.get(0)).containsEntry("error", "ACCESS_DENIED").doesNotContainKey("ownerMsp");
        assertThat(mixed.get(1)).containsEntry("error", "NOT_FOUND");
    }

    @Test
    void aRecordBeforeTheChainsFirstIsNotContiguousAndAnOutOfRangeTimeIsBadRequest() {
        asGateway();
        submit(quarters("MTR-A", T0, 2));
        rejects("NOT_CONTIGUOUS", () -> submit(quarters("MTR-A", T0 - QUARTER, 1)));
        rejects("NOT_FOUND", () -> call("getInterval", ledger.context(), "MTR-A", Long.toString(Long.MIN_VALUE)));
        rejects("NOT_FOUND", () -> call("getIntervalHash", ledger.context(), "MTR-A", Long.toString(Long.MIN_VALUE)));
        rejects("BAD_REQUEST", () -> call("getIntervals", ledger.context(), "MTR-A", "0", "1", "", "18446744073709551616"));
        rejects("BAD_REQUEST", () -> call("getIntervals", ledger.context(), "MTR-A", "0", "1", "", "99999999999999999999"));
        // "From the beginning" as the smallest long is a fine range start.
        assertThat((List<?>) Json.parseObject(call("getIntervals", ledger.context(), "MTR-A", Long.toString(Long.MIN_VALUE),
                Long.toString(Long.MAX_VALUE), "", "")).get("records")).hasSize(2);
    }

    @Test
    void aPeerWhosePrivateCopyLacksARecordSaysSoInsteadOfReturningAGap() {
        asGateway();
        submit(quarters("MTR-A", T0, 5));
        final Map<String, Object> page = Json.parseObject(call("getIntervals", ledger.context(), "MTR-A", "0", Long.toString(Long.MAX_VALUE),
                "", ""));
        final List<Object> records = new ArrayList<>((List<?>) page.get("records"));
        records.remove(2);
        ledger.plantPrivate("meterData-CommunityMSP_DsoMSP", Intervals.key("MTR-A", T0),
                Json.write(Map.of("meterId", "MTR-A", "segmentStart", T0, "records", records)));
        rejects("INVALID_STATE", () -> call("getIntervals", ledger.context(), "MTR-A", "0", Long.toString(Long.MAX_VALUE), "", ""));
        // A range before the hole still reads.
        assertThat((List<?>) Json.parseObject(call("getIntervals", ledger.context(), "MTR-A", Long.toString(T0),
                Long.toString(T0 + 2 * QUARTER), "", "")).get("records")).hasSize(2);
        ledger.plantPrivate("meterData-CommunityMSP_DsoMSP", Intervals.key("MTR-A", T0),
                Json.write(Map.of("meterId", "MTR-A", "segmentStart", T0, "records", records.subList(0, 2))));
        rejects("INVALID_STATE", () -> call("getIntervals", ledger.context(), "MTR-A", "0", Long.toString(Long.MAX_VALUE), "", ""));
    }

    @Test
    void aRetriedBatchAnnouncesNothing() {
        asGateway();
        submit(quarters("MTR-A", T0, 3));
        assertThat(ledger.lastEventName()).isEqualTo("IntervalsRecorded");
        assertThat(submit(quarters("MTR-A", T0, 3))).containsEntry("recorded", 0L);
        assertThat(ledger.eventOf(ledger.lastTxId())).isNull();
    }
}
