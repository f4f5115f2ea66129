package energy.flexledger.client.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import energy.flexledger.client.http.ApiHarness.Res;
import energy.flexledger.client.ocpp.OcppStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCPP central system's records on the REST API ({@code /v1/ocpp/...}, decisions 0023 and
 * 0024): empty lists before {@code ocpp.db} exists, then stations, sessions and charging profiles
 * paged by key, the filters, every documented error, EMS and BMS credentials only, and never a
 * station's password hash. Every answer is checked against the OpenAPI document by the harness.
 */
class OcppApiTest {
    static final String STATIONS = "/v1/ocpp/stations";
    static final String SESSIONS = "/v1/ocpp/sessions";
    static final String PROFILES = "/v1/ocpp/profiles";
    static final long Q = ApiHarness.Q;

    @TempDir
    Path dir;

    ApiHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ApiHarness(dir);
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    /**
     * Three stations (CS-1 booted, its connector 1 charging; CS-2 and CS-3 not booted), a stopped
     * session on CS-1 and a running one on CS-2, and three profiles: CS-1's in force now, CS-1's
     * ended and cleared, CS-2's in the future, written as the central system writes them.
     */
    static void records(final ApiHarness h) throws Exception {
        final long now = h.now.get();
        try (OcppStore s = OcppStore.open(h.storeFile, h.now::get)) {
            records(s, now);
        }
    }

    private static void records(final OcppStore s, final long now) throws Exception {
        s.addStation("CS-1", 2);
        s.addStation("CS-2", 1);
        s.addStation("CS-3", 1);
        s.booted("CS-1", "ACME", "Wallbox 22", "SN-1", "1.0");
        s.connectorStatus("CS-1", 1, "Charging", "NoError", now - 1000);
        s.connectorStatus("CS-1", 2, "Available", "NoError", now - 2000);
        final int stopped = s.startTransaction("CS-1", 1, "TAG-1", 1000, now - 4 * Q);
        s.stopTransaction(stopped, 8400, now - 2 * Q, "EVDisconnected", List.of());
        s.startTransaction("CS-2", 1, "TAG-2", 500, now - Q);
        final int inForce = s.profileSent("CS-1", "dr:E-1", "ChargePointMaxProfile", 1, now - Q, now + Q, 3680);
        s.profileAnswered(inForce, "Accepted", "{\"limit\":3680}");
        final int ended = s.profileSent("CS-1", "dr:E-0", "ChargePointMaxProfile", 1, now - 8 * Q, now - 4 * Q, 3680);
        s.profileAnswered(ended, "Accepted", null);
        s.profileCleared(ended);
        s.profileSent("CS-2", "market:R-1/o-1", "ChargePointMaxProfile", 1, now + 4 * Q, now + 8 * Q, 2000);
    }

    /** Every status the document declares for the OCPP reads (RestApiTest calls this too, for its coverage check). */
    static void everyStatus(final ApiHarness h) throws Exception {
        // No ocpp.db yet (no station registered, no --ocpp ever): empty lists; a station filter names no station.
        for (final String[] route : new String[][] {{STATIONS, "stations"}, {SESSIONS, "sessions"}, {PROFILES, "profiles"}}) {
            final Res empty = h.get("ems", route[0], "");
            assertThat(empty.status()).isEqualTo(200);
            assertThat(empty.json().path(route[1]).size()).isZero();
            assertThat(empty.json().path("bookmark").asText()).isEmpty();
            assertThat(h.get(null, route[0], "").status()).isEqualTo(401);
            assertThat(h.get("revoked", route[0], "").code()).isEqualTo("UNAUTHENTICATED");
            assertThat(h.get("devA", route[0], "").code()).isEqualTo("ACCESS_DENIED");
            assertThat(h.get("ems", route[0], "pageSize=0").code()).isEqualTo("BAD_REQUEST");
        }
        assertThat(h.get("ems", SESSIONS, "stationId=CS-1").code()).isEqualTo("NOT_FOUND");
        assertThat(h.get("bms", PROFILES, "stationId=CS-1").code()).isEqualTo("NOT_FOUND");

        // A file that is not the central system's database: 500 with a generic detail, the specifics in the gateway's log only.
        final Path file = h.storeFile.resolveSibling("ocpp.db");
        Files.writeString(file, "not a database, not at all: ".repeat(200));
        for (final String route : List.of(STATIONS, SESSIONS, PROFILES)) {
            final Res broken = h.get("ems", route, "");
            assertThat(broken.code()).isEqualTo("INTERNAL");
            assertThat(broken.json().path("detail").asText()).contains("request id").doesNotContain("ocpp.db");
        }
        assertThat(h.errors).anySatisfy(line -> assertThat(String.valueOf(line.get("detail"))).contains("ocpp.db"));
        Files.delete(file);
        assertThat(h.get("ems", STATIONS, "").json().path("stations").size()).isZero();

        records(h);
        final Res stations = h.get("ems", STATIONS, "");
        assertThat(stations.json().path("stations").size()).isEqualTo(3);
        assertThat(h.get("ems", SESSIONS, "stationId=CS-1").status()).isEqualTo(200);
        assertThat(h.get("ems", PROFILES, "stationId=CS-9").code()).isEqualTo("NOT_FOUND");
        assertThat(h.get("ems", SESSIONS, "bookmark=next").code()).isEqualTo("BAD_REQUEST");
        assertThat(h.get("ems", PROFILES, "active=yes").code()).isEqualTo("BAD_REQUEST");
    }

    @Test
    void everyDocumentedStatus() throws Exception {
        everyStatus(h);
    }

    @Test
    void stationsArePagedByIdWithTheirBootAndConnectorStatusAndNeverAPasswordHash() throws Exception {
        records(h);
        final Res first = h.get("ems", STATIONS, "pageSize=2");
        final JsonNode page = first.json();
        assertThat(ids(page.path("stations"), "stationId")).containsExactly("CS-1", "CS-2");
        assertThat(page.path("bookmark").asText()).isEqualTo("CS-2");
        final JsonNode cs1 = page.path("stations").get(0);
        assertThat(cs1.path("vendor").asText()).isEqualTo("ACME");
        assertThat(cs1.path("model").asText()).isEqualTo("Wallbox 22");
        assertThat(cs1.path("bootedAt").asLong()).isEqualTo(h.now.get());
        assertThat(cs1.path("connectors").asLong()).isEqualTo(2);
        assertThat(cs1.path("connectorStatus").get(0).path("status").asText()).isEqualTo("Charging");
        assertThat(cs1.path("connectorStatus").get(0).path("meterId").asText()).isEqualTo("CS-1-C1");
        assertThat(cs1.path("connectorStatus").get(1).path("status").asText()).isEqualTo("Available");
        final JsonNode cs2 = page.path("stations").get(1);
        assertThat(cs2.path("bootedAt").isNull()).isTrue();
        assertThat(cs2.path("connectorStatus").size()).isZero();
        final Res next = h.get("bms", STATIONS, "pageSize=2&bookmark=CS-2");
        assertThat(ids(next.json().path("stations"), "stationId")).containsExactly("CS-3");
        assertThat(next.json().path("bookmark").asText()).isEmpty();
        // the password's hash is in ocpp.db, and in no answer, whatever its encoding
        final byte[] hash = passwordHash(h.storeFile.resolveSibling("ocpp.db"), "CS-1");
        for (final Res r : List.of(first, next)) {
            assertThat(r.text()).doesNotContainIgnoringCase("password").doesNotContainIgnoringCase(energy.flexledger.spec.Hex.encode(hash))
                    .doesNotContain(Base64.getEncoder().encodeToString(hash)).doesNotContain(Base64.getUrlEncoder().withoutPadding()
                            .encodeToString(hash));
        }
    }

    @Test
    void sessionsNewestFirstFilteredByStationWithTheirEnergy() throws Exception {
        records(h);
        try (OcppStore s = OcppStore.open(h.storeFile, h.now::get)) {
            final JsonNode all = h.get("ems", SESSIONS, "").json();
            assertThat(ids(all.path("sessions"), "stationId")).containsExactly("CS-2", "CS-1");
            final JsonNode running = all.path("sessions").get(0);
            assertThat(running.path("stoppedAt").isNull()).isTrue();
            assertThat(running.path("energyWh").isNull()).isTrue();
            assertThat(running.path("meterId").asText()).isEqualTo("CS-2-C1");
            final JsonNode done = h.get("ems", SESSIONS, "stationId=CS-1").json().path("sessions");
            assertThat(done.size()).isEqualTo(1);
            assertThat(done.get(0).path("energyWh").asLong()).isEqualTo(7400);
            assertThat(done.get(0).path("stopReason").asText()).isEqualTo("EVDisconnected");
            assertThat(done.get(0).path("startedAt").asLong()).isEqualTo(h.now.get() - 4 * Q);
            // paged: one at a time, the bookmark leads to the older one, then none
            final JsonNode p1 = h.get("ems", SESSIONS, "pageSize=1").json();
            assertThat(ids(p1.path("sessions"), "stationId")).containsExactly("CS-2");
            final JsonNode p2 = h.get("ems", SESSIONS, "pageSize=1&bookmark=" + p1.path("bookmark").asText()).json();
            assertThat(ids(p2.path("sessions"), "stationId")).containsExactly("CS-1");
            assertThat(p2.path("bookmark").asText()).isEmpty();
            assertThat(h.get("ems", SESSIONS, "bookmark=-3").code()).isEqualTo("BAD_REQUEST");
            // a new session is seen at once (no read snapshot kept between requests)
            s.startTransaction("CS-3", 1, "TAG-3", 0, h.now.get());
            assertThat(ids(h.get("ems", SESSIONS, "pageSize=1").json().path("sessions"), "stationId")).containsExactly("CS-3");
        }
    }

    @Test
    void activeProfilesAreThoseWhoseWindowHoldsNowThatTheStationAcceptedAndThatWereNotCleared() throws Exception {
        records(h);
        try (OcppStore s = OcppStore.open(h.storeFile, h.now::get)) {
            final JsonNode all = h.get("ems", PROFILES, "").json().path("profiles");
            assertThat(ids(all, "source")).containsExactly("market:R-1/o-1", "dr:E-0", "dr:E-1");
            final JsonNode active = h.get("ems", PROFILES, "active=true").json().path("profiles");
            assertThat(active.size()).isEqualTo(1);
            final JsonNode p = active.get(0);
            assertThat(p.path("source").asText()).isEqualTo("dr:E-1");
            assertThat(p.path("stationId").asText()).isEqualTo("CS-1");
            assertThat(p.path("limitW").asLong()).isEqualTo(3680);
            assertThat(p.path("status").asText()).isEqualTo("Accepted");
            assertThat(p.path("checked").asText()).isEqualTo("{\"limit\":3680}");
            assertThat(p.path("active").asBoolean()).isTrue();
            assertThat(p.path("validFrom").asLong()).isEqualTo(h.now.get() - Q);
            assertThat(ids(h.get("ems", PROFILES, "active=false").json().path("profiles"), "source")).containsExactly("market:R-1/o-1", "dr:E-0");
            assertThat(ids(h.get("ems", PROFILES, "stationId=CS-2").json().path("profiles"), "source")).containsExactly("market:R-1/o-1");
            assertThat(h.get("ems", PROFILES, "stationId=CS-2&active=true").json().path("profiles").size()).isZero();
            // paged
            final JsonNode p1 = h.get("ems", PROFILES, "pageSize=2").json();
            assertThat(p1.path("profiles").size()).isEqualTo(2);
            final JsonNode p2 = h.get("ems", PROFILES, "pageSize=2&bookmark=" + p1.path("bookmark").asText()).json();
            assertThat(ids(p2.path("profiles"), "source")).containsExactly("dr:E-1");
            assertThat(p2.path("bookmark").asText()).isEmpty();
            // time passes: the window's end (exclusive) ends it; the future one starts at its validFrom
            h.now.addAndGet(Q);
            assertThat(h.get("ems", PROFILES, "active=true").json().path("profiles").size()).isZero();
            h.now.addAndGet(3 * Q);
            // in its window, but the station has not accepted it (yet): not a limit in force
            assertThat(h.get("ems", PROFILES, "active=true").json().path("profiles").size()).isZero();
            s.profileAnswered(all.get(0).path("chargingProfileId").intValue(), "Rejected", null);
            assertThat(h.get("ems", PROFILES, "active=true").json().path("profiles").size()).isZero();
            s.profileAnswered(all.get(0).path("chargingProfileId").intValue(), "Accepted", "Accepted, limit 2000 W");
            assertThat(ids(h.get("ems", PROFILES, "active=true").json().path("profiles"), "source")).containsExactly("market:R-1/o-1");
            // cleared: no longer active, whatever its window
            s.profileCleared(all.get(0).path("chargingProfileId").intValue());
            assertThat(h.get("ems", PROFILES, "active=true").json().path("profiles").size()).isZero();
        }
    }

    @Test
    void noDeviceCredentialReadsThemNotEvenAStationsOwn() throws Exception {
        h.tokens.put("station", h.credentials.create("cs-1", GatewayStore.Kind.DEVICE, List.of("CS-1"), "dev-CS-1"));
        h.tokens.put("consumer", h.credentials.createConsumer("agg-feed", "AggregatorMSP"));
        records(h);
        for (final String route : List.of(STATIONS, SESSIONS, PROFILES)) {
            for (final String who : List.of("station", "devA", "consumer")) {
                final Res r = h.get(who, route, route.equals(STATIONS) ? "" : "stationId=CS-1");
                assertThat(r.code()).as(who + " " + route).isEqualTo("ACCESS_DENIED");
                assertThat(r.text()).doesNotContain("TAG-1", "Wallbox");
            }
        }
    }

    private static List<String> ids(final JsonNode items, final String field) {
        final List<String> out = new ArrayList<>();
        items.forEach(i -> out.add(i.path(field).asText()));
        return out;
    }

    private static byte[] passwordHash(final Path ocppDb, final String station) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ocppDb); Statement st = c.createStatement();
                ResultSet r = st.executeQuery("SELECT password_sha256 FROM ocpp_station WHERE station_id = '" + station + "'")) {
            assertThat(r.next()).isTrue();
            final byte[] hash = r.getBytes(1);
            assertThat(hash).hasSize(32);
            assertThat(new String(hash, StandardCharsets.ISO_8859_1)).isNotEmpty();
            return hash;
        }
    }
}
