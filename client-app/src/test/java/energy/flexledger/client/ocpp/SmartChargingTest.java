package energy.flexledger.client.ocpp;

import static org.assertj.core.api.Assertions.assertThat;

import eu.chargetime.ocpp.model.Confirmation;
import eu.chargetime.ocpp.model.Request;
import eu.chargetime.ocpp.model.core.ChargingProfile;
import eu.chargetime.ocpp.model.smartcharging.ChargingProfileStatus;
import eu.chargetime.ocpp.model.core.ChargingSchedule;
import eu.chargetime.ocpp.model.core.ChargingRateUnitType;
import eu.chargetime.ocpp.model.core.ChargingSchedulePeriod;
import eu.chargetime.ocpp.model.smartcharging.ClearChargingProfileConfirmation;
import eu.chargetime.ocpp.model.smartcharging.ClearChargingProfileRequest;
import eu.chargetime.ocpp.model.smartcharging.ClearChargingProfileStatus;
import eu.chargetime.ocpp.model.smartcharging.GetCompositeScheduleConfirmation;
import eu.chargetime.ocpp.model.smartcharging.GetCompositeScheduleRequest;
import eu.chargetime.ocpp.model.smartcharging.GetCompositeScheduleStatus;
import eu.chargetime.ocpp.model.smartcharging.SetChargingProfileConfirmation;
import eu.chargetime.ocpp.model.smartcharging.SetChargingProfileRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SmartCharging} on a real {@code ocpp.db}, with stations that answer in this thread (a
 * stand-in for the central system: connected or not, accepting or rejecting profiles, a composite
 * schedule from the profiles they hold) and chaincode-market as a map. CentralSystemTest runs the DR
 * path over real WebSockets, OcppIT both paths on the real network.
 */
class SmartChargingTest {
    private static final long Q = 900_000L;
    private static final String OWN = "CpoMSP";

    @TempDir
    Path dir;

    private final long[] now = {1_800_000_000_000L};
    private final ConcurrentLinkedQueue<Map<String, Object>> log = new ConcurrentLinkedQueue<>();
    private final Stations stations = new Stations();
    private final FakeMarket market = new FakeMarket();
    private OcppStore store;

    @BeforeEach
    void open() throws Exception {
        store = OcppStore.open(dir.resolve("member.db"), () -> now[0]);
        store.addStation("CS-A", 2);
        store.addStation("CS-B", 1);
        store.addStation("CS-C", 1);
        stations.online.addAll(List.of("CS-A", "CS-B", "CS-C"));
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    private SmartCharging smart() {
        return new SmartCharging(store, stations, 3_680, market, OWN, log::add, () -> now[0]);
    }

    private static <T> T done(final CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Map<String, Object> clearing(final String requestId, final String... awarded) {
        final List<Object> awards = new ArrayList<>();
        for (final String offerId : awarded) {
            awards.add(Map.of("offerId", offerId, "quantityWh", 500L, "price", 100L, "cost", 50L));
        }
        return Map.of("event", "FlexRequestCleared", "payload", Map.of("requestId", requestId, "output", Map.of("status", "FILLED",
                "awards", awards), "clearedAt", 1_799_999_999_000L));
    }

    @Test
    void aClearedRequestLimitsOnlyTheStationsOfThisMembersAwardedOffers() throws Exception {
        final long from = now[0] + 2 * Q;
        market.request("R1", from, from + 4 * Q);
        market.offer("R1", "mine", OWN, "CS-A-C2", "MTR-9");        // awarded, ours: CS-A
        market.offer("R1", "theirs", "OtherMSP", "CS-B-C1");       // awarded, but another member's offer naming our connector
        market.offer("R1", "lost", OWN, "CS-C");                   // ours, not awarded
        market.offer("R1", "meters", OWN, "MTR-1", "CS-A-C9");      // ours, awarded, no station of this gateway
        final SmartCharging smart = smart();
        final Map<String, Object> summary = done(smart.onRequestCleared("R1", List.of("mine", "theirs", "meters"), now[0] - 250));
        assertThat(summary).containsEntry("requestId", "R1").containsEntry("offers", 2L).containsEntry("stations", 1L)
                .containsEntry("accepted", 1L).containsEntry("msFromCommit", 250L);
        assertThat(stations.held("CS-B")).isEmpty();
        assertThat(stations.held("CS-C")).isEmpty();
        final ChargingProfile p = stations.held("CS-A").values().iterator().next();
        assertThat(p.getChargingProfilePurpose().name()).isEqualTo("ChargePointMaxProfile");
        assertThat(p.getStackLevel()).isEqualTo(1);
        assertThat(p.getValidFrom().toInstant().toEpochMilli()).isEqualTo(from);
        assertThat(p.getValidTo().toInstant().toEpochMilli()).isEqualTo(from + 4 * Q);
        assertThat(p.getChargingSchedule().getChargingSchedulePeriod()[0].getLimit()).isEqualTo(3_680.0);
        assertThat(stations.actions("CS-A")).containsExactly("SetChargingProfile", "GetCompositeSchedule");
        assertThat(store.profiles(null)).singleElement().satisfies(r -> assertThat(r).containsEntry("stationId", "CS-A")
                .containsEntry("source", "market:R1/mine").containsEntry("status", "Accepted").containsEntry("checked", "Accepted, limit 3680 W")
                .containsEntry("validFrom", from).containsEntry("validTo", from + 4 * Q).containsEntry("limitW", 3_680L));
        assertThat(log).anySatisfy(l -> assertThat(l).containsEntry("event", "ocpp market profiles").containsEntry("requestId", "R1"));

        // The same clearing again (an event delivered twice after a restart): nothing more is sent.
        smart.onChaincodeEvent(clearing("R1", "mine", "theirs", "meters"));
        assertThat(store.profiles(null)).hasSize(1);
        assertThat(stations.actions("CS-A")).hasSize(2);
    }

    @Test
    void theClearingEventAsTheFeedGivesItAndStationsThatRejectOrAreOfflineAreReported() throws Exception {
        final long from = now[0] + Q;
        market.request("R2", from, from + Q);
        market.offer("R2", "o1", OWN, "CS-A-C1", "CS-B-C1", "CS-C-C1");
        stations.answers.put("CS-B", "Rejected");
        stations.online.remove("CS-C");
        smart().onChaincodeEvent(clearing("R2", "o1"));
        assertThat(store.profiles("CS-A")).singleElement().satisfies(r -> assertThat(r).containsEntry("status", "Accepted"));
        assertThat(store.profiles("CS-B")).singleElement().satisfies(r -> assertThat(r).containsEntry("status", "Rejected"));
        assertThat(store.profiles("CS-C")).singleElement().satisfies(r -> assertThat(r).containsEntry("status", "NOT_CONNECTED"));
        assertThat(log).anySatisfy(l -> assertThat(l).containsEntry("event", "ocpp profile not in force").containsEntry("stationId", "CS-B")
                .containsEntry("status", "Rejected"));
        assertThat(log).anySatisfy(l -> assertThat(l).containsEntry("event", "ocpp profile not in force").containsEntry("stationId", "CS-C")
                .containsEntry("status", "NOT_CONNECTED"));
        assertThat(log).anySatisfy(l -> assertThat(l.toString()).contains("ocpp market profiles").contains("accepted=1")
                .contains("source=market:R2/o1").contains("status=Rejected").contains("status=NOT_CONNECTED"));
        // A station that took it but does not show it in its composite schedule: DROPPED.
        stations.answers.remove("CS-B");
        stations.dropping.add("CS-B");
        market.request("R3", from, from + Q);
        market.offer("R3", "o1", OWN, "CS-B");
        assertThat(done(smart().onRequestCleared("R3", List.of("o1"), now[0])).get("refused").toString()).contains("DROPPED");
    }

    @Test
    void nothingIsSentForAWindowThatIsOverNorWithoutAMarketNorForAReadFailure() throws Exception {
        market.request("R4", now[0] - 2 * Q, now[0]);
        market.offer("R4", "o1", OWN, "CS-A");
        assertThat(done(smart().onRequestCleared("R4", List.of("o1"), now[0]))).containsEntry("stations", 0L);
        assertThat(log).anySatisfy(l -> assertThat(l).containsEntry("event", "ocpp market request over"));
        // A gateway without chaincode-market (DR only) ignores clearings.
        final SmartCharging drOnly = new SmartCharging(store, stations, 3_680, log::add, () -> now[0]);
        drOnly.onChaincodeEvent(clearing("R4", "o1"));
        // A request the market cannot read: logged, the feed goes on.
        smart().onChaincodeEvent(clearing("R-missing", "o1"));
        assertThat(log).anySatisfy(l -> assertThat(l).containsEntry("event", "ocpp market clearing not applied").containsEntry("requestId",
                "R-missing"));
        // Events the gateway does not act on.
        smart().onChaincodeEvent(Map.of("event", "FlexRequestPosted", "payload", Map.of("id", "R5")));
        smart().onChaincodeEvent(Map.of("event", "Transfer", "payload", "text"));
        assertThat(store.profiles(null)).isEmpty();
        assertThat(stations.actions("CS-A")).isEmpty();
    }

    @Test
    void overlappingProfilesOfOneStationTakeDistinctStackLevels() throws Exception {
        final SmartCharging smart = smart();
        final long from = now[0] + Q;
        done(smart.onDrEvent("E1", from, from + Q, List.of("CS-A-C1"), now[0]));
        market.request("R6", from + Q, from + 3 * Q);
        market.offer("R6", "o1", OWN, "CS-A-C2");
        done(smart.onRequestCleared("R6", List.of("o1"), now[0]));
        assertThat(store.profiles("CS-A")).extracting(p -> p.get("stackLevel")).containsExactly(1L, 2L);
        assertThat(stations.held("CS-A")).hasSize(2).as("neither replaced the other");
        // Once the first is cleared, its level is free again.
        now[0] = from + Q;
        assertThat(done(smart.clearEnded())).containsEntry("ended", 1L).containsEntry("cleared", 1L);
        done(smart.onDrEvent("E2", from + 2 * Q, from + 3 * Q, List.of("CS-A"), now[0]));
        assertThat(store.profiles("CS-A")).extracting(p -> p.get("stackLevel")).containsExactly(1L, 2L, 1L);
    }

    @Test
    void clearEndedClearsWhatEndedRetriesOfflineStationsAndSurvivesARestart() throws Exception {
        final SmartCharging smart = smart();
        final long from = now[0] + Q;
        done(smart.onDrEvent("E1", from, from + Q, List.of("CS-A-C1", "CS-B-C1"), now[0]));
        done(smart.onDrEvent("E2", from, from + 4 * Q, List.of("CS-C"), now[0]));
        assertThat(done(smart.clearEnded())).as("nothing ended yet").containsEntry("ended", 0L);
        assertThat(stations.actions("CS-A")).doesNotContain("ClearChargingProfile");

        // E1 ends; CS-B is offline then: CS-A's profile is cleared, CS-B's stays uncleared and is reported once.
        now[0] = from + Q;
        stations.online.remove("CS-B");
        final Map<String, Object> first = done(smart.clearEnded());
        assertThat(first).containsEntry("ended", 2L).containsEntry("cleared", 1L);
        assertThat(stations.held("CS-A")).isEmpty();
        assertThat(store.profiles("CS-A").get(0).get("clearedAt")).isEqualTo(from + Q);
        assertThat(store.profiles("CS-B").get(0).get("clearedAt")).isNull();
        assertThat(store.profiles("CS-C").get(0).get("clearedAt")).as("its window goes on").isNull();
        assertThat(stations.held("CS-C")).hasSize(1);
        assertThat(done(smart.clearEnded())).containsEntry("ended", 1L).containsEntry("cleared", 0L);
        assertThat(log.stream().filter(l -> "CLEAR_NOT_SENT".equals(l.get("status")))).as("reported once, retried quietly").hasSize(1);

        // The gateway restarts: a new instance on the same ocpp.db clears what the old one sent once it has ended.
        store.close();
        store = OcppStore.open(dir.resolve("member.db"), () -> now[0]);
        final SmartCharging restarted = smart();
        now[0] = from + 4 * Q;
        stations.online.add("CS-B");
        final Map<String, Object> after = done(restarted.clearEnded());
        assertThat(after).containsEntry("ended", 2L).containsEntry("cleared", 2L);
        assertThat(stations.held("CS-B")).isEmpty();
        assertThat(stations.held("CS-C")).isEmpty();
        assertThat(store.profiles(null)).allSatisfy(p -> assertThat(p.get("clearedAt")).isNotNull());
        assertThat(done(restarted.clearEnded())).containsEntry("ended", 0L);
        assertThat(log).anySatisfy(l -> assertThat(l).containsEntry("event", "ocpp profile cleared").containsEntry("stationId", "CS-B"));
    }

    @Test
    void aClearThatIsNotAnsweredIsTriedAgainAndAnUnknownProfileCountsAsCleared() throws Exception {
        final SmartCharging smart = smart();
        final long from = now[0] + Q;
        done(smart.onDrEvent("E1", from, from + Q, List.of("CS-A"), now[0]));
        now[0] = from + Q;
        stations.failing.add("CS-A");
        assertThat(done(smart.clearEnded())).containsEntry("cleared", 0L).containsEntry("notCleared", List.of(1L));
        assertThat(log).anySatisfy(l -> assertThat(l).containsEntry("status", "CLEAR_FAILED"));
        stations.failing.remove("CS-A");
        stations.held("CS-A").clear(); // the station dropped it itself at its validTo
        assertThat(done(smart.clearEnded())).containsEntry("cleared", 1L);
        assertThat(log).anySatisfy(l -> assertThat(l).containsEntry("event", "ocpp profile cleared").containsEntry("status", "Unknown"));
    }

    @Test
    void aStationThatConnectsLateGetsTheProfileItMissedUnderTheSameIdAndLevel() throws Exception {
        final SmartCharging smart = smart();
        final long from = now[0] + Q;
        stations.online.remove("CS-B");
        done(smart.onDrEvent("E1", from, from + Q, List.of("CS-B"), now[0]));
        stations.online.add("CS-B");
        smart.resend("CS-B");
        assertThat(stations.held("CS-B")).containsOnlyKeys(1);
        assertThat(store.profiles("CS-B")).singleElement().satisfies(p -> assertThat(p).containsEntry("status", "Accepted"));
    }

    /** chaincode-market as the gateway reads it. */
    @Test
    void aDrEventCallingManyStationsAnsweringAtOnceIsRecordedWholeBeforeItsSummary() throws Exception {
        final List<String> many = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            final String id = String.format(java.util.Locale.ROOT, "MANY-%03d", i);
            store.addStation(id, 1);
            stations.online.add(id);
            many.add(id + "-C1");
        }
        // Stations answer on eight threads of their own, as connections do: the answers race to be recorded.
        final java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            final SmartCharging.Sender async = (station, request) -> {
                final CompletionStage<Confirmation> answer;
                synchronized (stations) {
                    answer = stations.send(station, request);
                }
                return answer.thenApplyAsync(a -> a, threads);
            };
            final SmartCharging smart = new SmartCharging(store, async, 3_680, market, OWN, log::add, () -> now[0]);
            final Map<String, Object> summary = done(smart.onDrEvent("E-MANY", now[0] + Q, now[0] + 2 * Q, many, now[0]));
            assertThat(summary).containsEntry("stations", 300L).containsEntry("accepted", 300L);
            // Complete means recorded: every profile's answer and composite check are in ocpp.db when the summary is.
            final List<Map<String, Object>> recorded = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                recorded.addAll(store.profiles(String.format(java.util.Locale.ROOT, "MANY-%03d", i)));
            }
            assertThat(recorded).hasSize(300).allSatisfy(p -> {
                assertThat(p.get("status")).isEqualTo("Accepted");
                assertThat(String.valueOf(p.get("checked"))).contains("limit 3680 W");
                assertThat(p.get("stackLevel")).isEqualTo(1L);
            });
            assertThat(log).noneMatch(l -> "ocpp profile answer not recorded".equals(l.get("event")));
            // The same event again (a feed replayed after a restart) sends nothing new.
            assertThat(done(smart.onDrEvent("E-MANY", now[0] + Q, now[0] + 2 * Q, many, now[0]))).containsEntry("accepted", 300L);
            assertThat(stations.actions("MANY-000")).containsExactly("SetChargingProfile", "GetCompositeSchedule");
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void profilesRecordedInOneCallForOneStationTakeSuccessiveStackLevels() throws Exception {
        final long from = now[0] + Q;
        final List<OcppStore.SentProfile> sent = store.profilesSent(List.of(
                new OcppStore.PlannedProfile("CS-B", "dr:X", SmartCharging.PURPOSE, from, from + Q, 3_680),
                new OcppStore.PlannedProfile("CS-B", "market:R/o", SmartCharging.PURPOSE, from, from + Q, 3_680),
                new OcppStore.PlannedProfile("CS-B", "dr:X", SmartCharging.PURPOSE, from, from + Q, 3_680)), SmartCharging.STACK_LEVEL);
        assertThat(sent).extracting(OcppStore.SentProfile::stackLevel).containsExactly(1, 2, 1);
        assertThat(sent.get(2).id()).as("the same source again is the first one").isEqualTo(sent.get(0).id());
        assertThat(sent.get(2).existingStatus()).isEqualTo("SENT");
        assertThat(store.profiles("CS-B")).hasSize(2);
    }

    @Test
    void aStationThatNeverAnswersIsReportedAndItsClearIsTriedAgain() throws Exception {
        final SmartCharging smart = smart().answerTimeout(200);
        final long from = now[0] + Q;
        stations.silent.add("CS-C");
        final Map<String, Object> summary = done(smart.onDrEvent("E-SILENT", from, from + Q, List.of("CS-B", "CS-C"), now[0]));
        assertThat(summary).containsEntry("accepted", 1L);
        assertThat(store.profiles("CS-C")).singleElement().satisfies(p -> assertThat(p.get("status")).isEqualTo("NO_ANSWER"));
        assertThat(log).anyMatch(l -> "ocpp profile not in force".equals(l.get("event")) && "CS-C".equals(l.get("stationId"))
                && String.valueOf(l.get("message")).contains("did not answer SetChargingProfile within 200 ms"));
        // CS-B took its profile, then goes silent before the window ends: its clear times out and is sent again next time.
        stations.silent.add("CS-B");
        now[0] = from + Q;
        final Map<String, Object> first = done(smart.clearEnded());
        assertThat(first).containsEntry("cleared", 0L);
        assertThat(log).anyMatch(l -> "ocpp profile not cleared".equals(l.get("event")) && "CS-B".equals(l.get("stationId")));
        stations.silent.remove("CS-B");
        stations.silent.remove("CS-C");
        assertThat(done(smart.clearEnded())).containsEntry("cleared", 2L);
        assertThat(stations.actions("CS-B")).containsExactly("SetChargingProfile", "GetCompositeSchedule", "ClearChargingProfile",
                "ClearChargingProfile");
    }

    @Test
    void theCompositeScheduleMustHoldTheLimitInWattsThroughoutTheWindow() {
        final long from = 1_800_000_000_000L;
        final long to = from + Q;
        final long asked = from - 60_000L;
        // from the request's time: unlimited for the first minute, then 3,680 W for the window, then unlimited again
        assertThat(SmartCharging.limitDuring(composite(asked, ChargingRateUnitType.W, new double[][] {{0, 22_000}, {60, 3_680}, {960, 22_000}}),
                asked, from, to)).isEqualTo(3_680.0);
        // a higher limit inside the window (another profile took over halfway): not ours in force
        assertThat(SmartCharging.limitDuring(composite(asked, ChargingRateUnitType.W, new double[][] {{0, 22_000}, {60, 3_680}, {500, 11_000}}),
                asked, from, to)).isEqualTo(11_000.0);
        // in amperes: cannot be compared with watts
        assertThat(SmartCharging.limitDuring(composite(asked, ChargingRateUnitType.A, new double[][] {{0, 16}}), asked, from, to)).isNaN();
        // a schedule that starts only after the window began leaves its start unlimited
        assertThat(SmartCharging.limitDuring(composite(from + 300_000L, ChargingRateUnitType.W, new double[][] {{0, 3_680}}), asked, from, to))
                .isInfinite();
        assertThat(SmartCharging.limitDuring(new GetCompositeScheduleConfirmation(GetCompositeScheduleStatus.Rejected), asked, from, to)).isNaN();
    }

    private static GetCompositeScheduleConfirmation composite(final long start, final ChargingRateUnitType unit, final double[][] periods) {
        final ChargingSchedulePeriod[] p = new ChargingSchedulePeriod[periods.length];
        for (int i = 0; i < periods.length; i++) {
            p[i] = new ChargingSchedulePeriod((int) periods[i][0], periods[i][1]);
        }
        final ChargingSchedule schedule = new ChargingSchedule(unit, p);
        schedule.setDuration(3600);
        final GetCompositeScheduleConfirmation answer = new GetCompositeScheduleConfirmation(GetCompositeScheduleStatus.Accepted);
        answer.setScheduleStart(java.time.ZonedDateTime.ofInstant(java.time.Instant.ofEpochMilli(start), java.time.ZoneOffset.UTC));
        answer.setChargingSchedule(schedule);
        return answer;
    }

    private static final class FakeMarket implements SmartCharging.Market {
        final Map<String, Map<String, Object>> requests = new HashMap<>();
        final Map<String, List<Map<String, Object>>> offers = new HashMap<>();

        void request(final String id, final long windowStart, final long windowEnd) {
            requests.put(id, Map.of("id", id, "windowStart", windowStart, "windowEnd", windowEnd, "status", "CLEARED"));
        }

        void offer(final String requestId, final String offerId, final String provider, final String... assets) {
            final Map<String, Object> o = new LinkedHashMap<>();
            o.put("requestId", requestId);
            o.put("offerId", offerId);
            o.put("provider", provider);
            o.put("status", "REVEALED");
            o.put("assets", List.of(assets));
            offers.computeIfAbsent(requestId, k -> new ArrayList<>()).add(o);
        }

        @Override
        public Map<String, Object> request(final String requestId) throws IOException {
            final Map<String, Object> r = requests.get(requestId);
            if (r == null) {
                throw new IOException("NOT_FOUND: flexibility request " + requestId);
            }
            return r;
        }

        @Override
        public List<Map<String, Object>> offers(final String requestId) {
            return offers.getOrDefault(requestId, List.of());
        }
    }

    /** Stations answering at once: what they hold, and every action they were sent. */
    private static final class Stations implements SmartCharging.Sender {
        final Set<String> online = new HashSet<>();
        final Set<String> dropping = new HashSet<>();
        final Set<String> failing = new HashSet<>();
        /** Stations that take a request and never answer (the library then never completes it). */
        final Set<String> silent = new HashSet<>();
        final Map<String, String> answers = new HashMap<>();
        final Map<String, Map<Integer, ChargingProfile>> held = new HashMap<>();
        final Map<String, List<String>> actions = new HashMap<>();

        Map<Integer, ChargingProfile> held(final String station) {
            return held.computeIfAbsent(station, k -> new LinkedHashMap<>());
        }

        List<String> actions(final String station) {
            return actions.getOrDefault(station, List.of());
        }

        @Override
        public CompletionStage<Confirmation> send(final String station, final Request request) throws IOException {
            if (!online.contains(station)) {
                throw new IOException("station " + station + " is not connected");
            }
            actions.computeIfAbsent(station, k -> new ArrayList<>()).add(request.getClass().getSimpleName().replace("Request", ""));
            if (failing.contains(station)) {
                return CompletableFuture.failedFuture(new IOException("no answer"));
            }
            if (silent.contains(station)) {
                return new CompletableFuture<>();
            }
            if (request instanceof SetChargingProfileRequest set) {
                final ChargingProfileStatus status = ChargingProfileStatus.valueOf(answers.getOrDefault(station, "Accepted"));
                if (status == ChargingProfileStatus.Accepted && !dropping.contains(station)) {
                    held(station).put(set.getCsChargingProfiles().getChargingProfileId(), set.getCsChargingProfiles());
                }
                return CompletableFuture.completedFuture(new SetChargingProfileConfirmation(status));
            }
            if (request instanceof GetCompositeScheduleRequest) {
                final GetCompositeScheduleConfirmation answer = new GetCompositeScheduleConfirmation(GetCompositeScheduleStatus.Accepted);
                double min = 22_000;
                for (final ChargingProfile p : held(station).values()) {
                    min = Math.min(min, p.getChargingSchedule().getChargingSchedulePeriod()[0].getLimit());
                }
                answer.setChargingSchedule(new ChargingSchedule(ChargingRateUnitType.W, new ChargingSchedulePeriod[] {
                    new ChargingSchedulePeriod(0, min)}));
                return CompletableFuture.completedFuture(answer);
            }
            if (request instanceof ClearChargingProfileRequest clear) {
                final boolean removed = held(station).remove(clear.getId()) != null;
                return CompletableFuture.completedFuture(new ClearChargingProfileConfirmation(removed ? ClearChargingProfileStatus.Accepted
                        : ClearChargingProfileStatus.Unknown));
            }
            throw new IOException("unexpected " + request);
        }
    }
}
