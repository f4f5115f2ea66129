package energy.flexledger.client.ocpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.client.SaltStore;
import energy.flexledger.client.ingest.SampleMessages;
import energy.flexledger.client.store.MemberStore;
import eu.chargetime.ocpp.model.core.ChargePointStatus;
import eu.chargetime.ocpp.model.core.RegistrationStatus;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The central system on a loopback port with a real member store and OCPP store, stations on the
 * library's client side; only the ledger's asset registry is a stand-in (a station id starting
 * with "FOREIGN" is refused). The network tests (OcppIT) run the same against the real ledger.
 */
class CentralSystemTest {
    private static final long Q = 900_000L;

    @TempDir
    Path dir;

    private MemberStore members;
    private OcppStore store;
    private CentralSystem central;
    private String url;
    private final ConcurrentLinkedQueue<Map<String, Object>> log = new ConcurrentLinkedQueue<>();
    private SaltStore salts;

    @BeforeEach
    void start() throws Exception {
        salts = new SaltStore(dir.resolve("salts"));
        members = MemberStore.open(dir.resolve("member.db"));
        store = OcppStore.open(dir.resolve("member.db"));
        final SampleMessages messages = new SampleMessages(members, salts,
                (s, salt, meterId, first) -> s.track(meterId, salt, Q, Math.floorDiv(first - 1, Q) * Q));
        final int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        central = new CentralSystem(store, messages, station -> {
            if (station.startsWith("FOREIGN")) {
                throw new CentralSystem.Refused("station '" + station + "' belongs to another member");
            }
        }, new CentralSystem.Settings(300, 10, 900), log::add, false).start("127.0.0.1", port);
        url = "ws://127.0.0.1:" + port;
    }

    @AfterEach
    void stop() throws Exception {
        central.close();
        store.close();
        members.close();
    }

    private String station(final String id, final int connectors) throws Exception {
        for (int c = 1; c <= connectors; c++) {
            salts.create(CentralSystem.connectorMeter(id, c));
        }
        return store.addStation(id, connectors);
    }

    private ChargePoint connected(final String id, final String password) throws Exception {
        final ChargePoint cp = new ChargePoint(url, id, password, 10_000);
        for (int attempt = 1;; attempt++) {
            try {
                cp.connect();
                return cp;
            } catch (java.io.IOException e) {
                if (attempt == 50) {
                    throw e;
                }
                Thread.sleep(50); // the listener binds in the background
            }
        }
    }

    @Test
    void aSessionsReadingsAreSamplesOfTheConnectorMeterStoredOnceAndAnsweredAfterCommit() throws Exception {
        final String password = station("CS-1", 2);
        try (ChargePoint cp = connected("CS-1", password)) {
            assertThat(cp.boot("V", "M").getStatus()).isEqualTo(RegistrationStatus.Accepted);
            while (!cp.configuration().containsKey("ClockAlignedDataInterval")) {
                Thread.sleep(10);
            }
            assertThat(cp.configuration()).containsEntry("MeterValueSampleInterval", "10").containsEntry("MeterValuesAlignedData",
                    CentralSystem.MEASURANDS);
            cp.status(0, ChargePointStatus.Available);
            cp.status(2, ChargePointStatus.Charging);
            cp.authorize("TAG");
            final long t0 = Math.floorDiv(System.currentTimeMillis(), Q) * Q - Q;
            final int tx = cp.start(2, "TAG", 500, t0);
            for (int k = 1; k <= 3; k++) {
                cp.meterValues(2, tx, t0 + k * 60_000L, 7_000 + k, 500 + 10 * k, "Sample.Periodic");
            }
            // 7.4 kW as kW: the same sample as 7400 W
            cp.meterValues(2, tx, t0 + 3 * 60_000L, 7_003, 530, "Sample.Periodic");
            assertThat(members.samples("CS-1-C2", t0, t0 + Q)).extracting(s -> s[1]).containsExactly(7_001_000L, 7_002_000L, 7_003_000L);
            cp.stop(tx, 600, t0 + 5 * 60_000L);
            cp.stop(tx, 600, t0 + 5 * 60_000L); // the same stop again: a no-op
            assertThat(store.sessions("CS-1", 10)).singleElement().satisfies(s -> assertThat(s).containsEntry("energyWh", 100L)
                    .containsEntry("meterId", "CS-1-C2").containsEntry("stopReason", "Local"));
            assertThat(store.readingCount("CS-1", 2)).isEqualTo(6);
            assertThat(store.stations()).singleElement().satisfies(s -> assertThat(s.toString()).contains("status=Charging")
                    .contains("vendor=V"));
            assertThat(central.connected()).containsExactly("CS-1");
            assertThat(central.latencies()).containsEntry("messages", 4L);
            assertThat(store.openTransaction("CS-1", 2)).isEmpty();
            // A reading that arrives after its interval was closed is kept in the quarantine, not in the closed interval.
            cp.meterValues(2, null, t0 + Q + 60_000L, 7_100, 640, "Sample.Clock");
            cp.meterValues(2, null, t0 + 7 * 60_000L, 7_007, 560, "Sample.Periodic");
            assertThat(members.samples("CS-1-C2", t0, t0 + Q)).hasSize(3);
            assertThat(members.quarantined("CS-1-C2")).hasSize(1);
            // A different stop of the stopped session is refused.
            assertThatThrownBy(() -> cp.stop(tx, 700, t0 + 6 * 60_000L)).hasMessageContaining("PropertyConstraintViolation");
        }
    }

    @Test
    void wrongPasswordsUnknownAndForeignStationsAreRefused() throws Exception {
        final String password = station("CS-2", 1);
        final String foreign = station("FOREIGN-1", 1);
        assertThatThrownBy(() -> new ChargePoint(url, "CS-2", "x".repeat(20), 5_000).connect()).hasMessageContaining("could not connect");
        assertThatThrownBy(() -> new ChargePoint(url, "CS-404", password, 5_000).connect()).hasMessageContaining("could not connect");
        assertThatThrownBy(() -> new ChargePoint(url, "FOREIGN-1", foreign, 5_000).connect()).hasMessageContaining("could not connect");
        assertThat(log).anySatisfy(l -> assertThat(l.toString()).contains("another member"));
        try (ChargePoint cp = connected("CS-2", password)) {
            // Before its boot, a station may send nothing else.
            assertThatThrownBy(() -> cp.authorize("TAG")).hasMessageContaining("ProtocolError");
            cp.boot("V", "M");
            assertThatThrownBy(() -> cp.start(3, "TAG", 0, System.currentTimeMillis())).hasMessageContaining("PropertyConstraintViolation");
            assertThatThrownBy(() -> cp.start(1, "TAG", -1, System.currentTimeMillis())).hasMessageContaining("PropertyConstraintViolation");
            assertThatThrownBy(() -> cp.meterValues(1, 4242, System.currentTimeMillis(), 1, 1, "Sample.Periodic"))
                    .hasMessageContaining("PropertyConstraintViolation");
        }
        assertThat(members.samples("CS-2-C1", 0, Long.MAX_VALUE)).isEmpty();
        assertThat(log).anySatisfy(l -> assertThat(l).containsEntry("event", "ocpp call refused").containsEntry("stationId", "CS-2")
                .containsEntry("error", "ProtocolError"));
        assertThat(store.sessions(null, 10)).isEmpty();
    }

    @Test
    void aDrEventLimitsTheStationsItCallsChecksTheLimitClearsItAndReportsRefusals() throws Exception {
        final String pa = station("CS-A", 1);
        final String pb = station("CS-B", 1);
        station("CS-C", 1); // not called
        final String pd = station("CS-D", 1); // called, not connected
        try (ChargePoint a = connected("CS-A", pa); ChargePoint b = connected("CS-B", pb)) {
            a.boot("V", "M");
            b.boot("V", "M");
            b.answerProfilesWith("Rejected");
            final long[] now = {System.currentTimeMillis()};
            final SmartCharging smart = new SmartCharging(store, central::send, 3_680, log::add, () -> now[0]);
            final long from = now[0] + 60_000L;
            final Map<String, Object> summary = smart.onDrEvent("E1", from, from + Q, List.of("CS-A-C1", "CS-B", "CS-D-C1", "MTR-9"),
                    now[0] - 100).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(summary).as("%s; CS-A: %s", summary, store.profiles("CS-A")).containsEntry("stations", 3L).containsEntry("accepted", 1L);
            assertThat(summary.get("refused").toString()).contains("CS-B").contains("Rejected").contains("CS-D").contains("NOT_CONNECTED");
            assertThat(a.limitW(Instant.ofEpochMilli(from + 1), 7_400)).isEqualTo(3_680.0);
            assertThat(a.limitW(Instant.ofEpochMilli(from - 1), 7_400)).isEqualTo(7_400.0);
            assertThat(store.profiles("CS-A")).singleElement().satisfies(p -> assertThat(p).containsEntry("status", "Accepted")
                    .containsEntry("checked", "Accepted, limit 3680 W").containsEntry("source", "dr:E1").containsEntry("limitW", 3_680L));
            assertThat(store.profiles("CS-B")).singleElement().satisfies(p -> assertThat(p).containsEntry("status", "Rejected"));
            assertThat(store.profiles("CS-C")).isEmpty();
            final int id = ((Long) store.profiles("CS-A").get(0).get("chargingProfileId")).intValue();
            smart.clear("CS-A", id);
            while (store.profiles("CS-A").get(0).get("clearedAt") == null) {
                Thread.sleep(10); // until the station's answer to ClearChargingProfile
            }
            assertThat(a.profiles()).isEmpty();
            // CS-D connects during the window: it gets the profile it missed, under the same id.
            central.onConnected(smart::resend);
            try (ChargePoint d = connected("CS-D", pd)) {
                while (d.profiles().isEmpty() || !"Accepted".equals(store.profiles("CS-D").get(0).get("status"))) {
                    Thread.sleep(10); // until the gateway re-sent it and recorded the answer
                }
                assertThat(d.limitW(Instant.ofEpochMilli(from + 1), 7_400)).isEqualTo(3_680.0);
                assertThat(store.profiles("CS-D")).hasSize(1);
            }
            // An event whose window is over sends nothing.
            assertThat(smart.onDrEvent("E0", now[0] - 2 * Q, now[0] - Q, List.of("CS-A-C1"), now[0]).toCompletableFuture().get())
                    .containsEntry("stations", 0L);
            // The chaincode event as the feed gives it.
            smart.onChaincodeEvent(Map.of("event", "DrEventCreated", "payload", Map.of("id", "E2", "windowStart", from, "windowEnd",
                    from + Q, "assets", List.of("CS-A-C1"), "createdAt", now[0])));
            while (store.profiles("CS-A").size() < 2 || "SENT".equals(store.profiles("CS-A").get(1).get("status"))) {
                Thread.sleep(10);
            }
            smart.onChaincodeEvent(Map.of("event", "DrCommitted", "payload", Map.of()));
            assertThat(store.profiles(null)).as("E1: three stations, E2: one").hasSize(4);
        }
    }

    @Test
    void whenTheStoreCannotCommitTheMeterValuesAreNotAcknowledgedAndStayWithTheStation() throws Exception {
        final String password = station("CS-F", 1);
        try (ChargePoint cp = connected("CS-F", password)) {
            cp.boot("V", "M");
            final long t = System.currentTimeMillis();
            final int tx = cp.start(1, "TAG", 0, t - 60_000L);
            members.close(); // the member store fails from now on
            assertThatThrownBy(() -> cp.meterValues(1, tx, t, 7_000, 10, "Sample.Periodic")).hasMessageContaining("InternalError");
            assertThat(cp.pending()).as("not acknowledged: the station keeps it to send again").isEqualTo(1);
            assertThat(log).anySatisfy(l -> assertThat(l).containsEntry("event", "ocpp store failed"));
        }
        try (OcppStore again = OcppStore.open(dir.resolve("member.db"))) {
            assertThat(again.readingCount("CS-F", 1)).as("nothing of the message was kept").isZero();
        }
        members = MemberStore.open(dir.resolve("member.db"));
        assertThat(members.samples("CS-F-C1", 0, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void theRegistryLetsInOnlyActiveChargingStationsOfThisMember() {
        final Map<String, Object> ok = Map.of("type", "CHARGING_STATION", "ownerMsp", "OwnMSP", "status", "ACTIVE");
        org.assertj.core.api.Assertions.assertThatCode(() -> LedgerRegistry.refuseUnless("S", ok, "OwnMSP")).doesNotThrowAnyException();
        assertThatThrownBy(() -> LedgerRegistry.refuseUnless("S", Map.of("type", "METER", "ownerMsp", "OwnMSP", "status", "ACTIVE"), "OwnMSP"))
                .hasMessageContaining("not a CHARGING_STATION");
        assertThatThrownBy(() -> LedgerRegistry.refuseUnless("S", Map.of("type", "CHARGING_STATION", "ownerMsp", "OtherMSP", "status",
                "ACTIVE"), "OwnMSP")).hasMessageContaining("belongs to OtherMSP");
        assertThatThrownBy(() -> LedgerRegistry.refuseUnless("S", Map.of("type", "CHARGING_STATION", "ownerMsp", "OwnMSP", "status",
                "INACTIVE"), "OwnMSP")).hasMessageContaining("INACTIVE");
    }

    @Test
    void storeRulesAndTheSimulatorsCredentials() throws Exception {
        assertThatThrownBy(() -> store.addStation("bad id", 1)).hasMessageContaining("station id");
        assertThatThrownBy(() -> store.addStation("CS-9", 0)).hasMessageContaining("connectors");
        final String pw = store.addStation("CS-9", 1);
        assertThat(pw).hasSize(20);
        assertThatThrownBy(() -> store.addStation("CS-9", 1)).hasMessageContaining("already");
        assertThat(store.passwordMatches("CS-9", pw.getBytes(java.nio.charset.StandardCharsets.UTF_8))).isTrue();
        assertThat(store.passwordMatches("CS-9", new byte[20])).isFalse();
        assertThat(store.passwordMatches("CS-0", pw.getBytes(java.nio.charset.StandardCharsets.UTF_8))).isFalse();
        assertThat(StationSimulation.credentials("{\"stations\":[{\"stationId\":\"A\",\"password\":\"p\",\"connectors\":2},{\"x\":1}]}"))
                .containsExactly(new StationSimulation.Credential("A", "p", 2));
        assertThatThrownBy(() -> StationSimulation.credentials("{}")).hasMessageContaining("stations");
    }

    @Test
    void aShortSimulationChargesEveryStation() throws Exception {
        final String pw = station("SIM-1", 1);
        final Map<String, Object> summary = new StationSimulation(url, List.of(new StationSimulation.Credential("SIM-1", pw, 1)), 1, 2,
                7_400, 2, log::add).run();
        assertThat(summary).containsEntry("stations", 1L).containsEntry("errors", 0L);
        assertThat((Long) summary.get("meterValues")).isPositive();
        assertThat(store.sessions("SIM-1", 10)).singleElement().satisfies(s -> assertThat(s.get("stoppedAt")).isNotNull());
    }
}
