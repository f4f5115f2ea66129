package energy.flexledger.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.client.Backdated;
import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.MarketLedger;
import energy.flexledger.client.MemberProfile;
import energy.flexledger.client.ocpp.ChargePoint;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.client.ocpp.OcppStore;
import energy.flexledger.client.store.MemberStore;
import energy.flexledger.spec.Json;
import eu.chargetime.ocpp.model.core.BootNotificationConfirmation;
import eu.chargetime.ocpp.model.core.ChargePointStatus;
import eu.chargetime.ocpp.model.core.RegistrationStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/**
 * {@code flexledger gateway --ocpp} on the real network, in this JVM, with the CPO's stations
 * registered by {@code flexledger ocpp register} (a CHARGING_STATION asset and a meter per
 * connector on the ledger) and charge points on the OCPP library's client side
 * ({@link ChargePoint}). Waits are for conditions, never for time.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class OcppIT {
    private static final long Q = 900_000L;
    private final String run = Long.toString(System.nanoTime(), 36);
    private final CommandLine cli = new CommandLine(new FlexLedgerCli());
    private GatewayCommand gateway;
    private CompletableFuture<Integer> exit;
    private String url;

    @BeforeAll
    void startGateway() throws Exception {
        gateway = (GatewayCommand) cli.getSubcommands().get("gateway").getCommandSpec().userObject();
        exit = CompletableFuture.supplyAsync(() -> cli.execute("--org", "cpo", "gateway", "--ocpp", "127.0.0.1:0", "--submit-every", "3600",
                "--close-after", "0", "--ocpp-sample-interval", "10", "--ocpp-clock-aligned", "900"));
        while (gateway.ocppGateway() == null) {
            assertThat(exit).as("the gateway runs").isNotDone();
            Thread.sleep(20); // until the central system listens (a condition, polled)
        }
        url = gateway.ocppGateway().url();
    }

    @AfterAll
    void stopGateway() throws Exception {
        if (gateway != null) {
            gateway.stop();
            assertThat(exit.get(120, TimeUnit.SECONDS)).as("the gateway's exit code").isZero();
        }
    }

    /**
     * {@link InProcessCli#ok}, without the lines the gateway running in this JVM prints meanwhile
     * (its log lines carry a time and an "ocpp ..." event).
     */
    private static Map<String, Object> ok(final String... args) {
        final InProcessCli.Run r = InProcessCli.run(args);
        assertThat(r.code()).as("flexledger %s exit code; output %s", String.join(" ", args), r.out()).isZero();
        final StringBuilder own = new StringBuilder();
        for (final String line : r.out().split("\n")) {
            if (!(line.contains("\"time\":\"") && line.contains("\"event\":\"ocpp"))) {
                own.append(line).append('\n');
            }
        }
        return Json.parseObject(own.toString().trim());
    }

    private static Path cpoStore() {
        return InProcessCli.communityStore().getParent().getParent().resolve("cpo/member.db");
    }

    /** Registers a station of the CPO and returns its password. */
    private static String register(final String station, final int connectors) {
        final Map<String, Object> out = ok("--org", "cpo", "ocpp", "register", "--station", station, "--connectors",
                Integer.toString(connectors), "--zone", "zone-1");
        @SuppressWarnings("unchecked")
        final Map<String, Object> s = ((List<Map<String, Object>>) out.get("stations")).get(0);
        assertThat(s).containsEntry("stationId", station);
        return s.get("password").toString();
    }

    /** A charge point connected to the gateway (the listener may still be binding: tried until it answers, bounded). */
    private ChargePoint connected(final String station, final String password) throws Exception {
        final ChargePoint cp = new ChargePoint(url, station, password, 30_000);
        for (int attempt = 1;; attempt++) {
            try {
                cp.connect();
                return cp;
            } catch (java.io.IOException e) {
                if (attempt == 50) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static long samples(final String meter, final long from, final long to) throws Exception {
        try (MemberStore store = MemberStore.open(cpoStore())) {
            return store.samples(meter, from, to).size();
        }
    }

    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE) // last: it stops the gateway
    void aStationBootsChargesAndItsIntervalsAreCertifiedAuditCleanAfterAReconnect() throws Exception {
        final String station = "IT-CS-" + run;
        final String password = register(station, 2);
        final String meter = station + "-C1";
        final long t0 = Math.floorDiv(System.currentTimeMillis(), Q) * Q - 2 * Q;
        try (ChargePoint cp = connected(station, password)) {
            final BootNotificationConfirmation boot = cp.boot("FlexLedger", "IT");
            assertThat(boot.getStatus()).isEqualTo(RegistrationStatus.Accepted);
            while (!cp.configuration().containsKey("ClockAlignedDataInterval")) {
                Thread.sleep(20); // the gateway configures the station after accepting its boot
            }
            assertThat(cp.configuration()).containsEntry("MeterValueSampleInterval", "10").containsEntry("ClockAlignedDataInterval", "900")
                    .containsEntry("MeterValuesSampledData", "Energy.Active.Import.Register,Power.Active.Import");
            cp.status(1, ChargePointStatus.Preparing);
            cp.authorize("TAG-" + run);
            final int tx = cp.start(1, "TAG-" + run, 1_000, t0);
            assertThat(cp.start(1, "TAG-" + run, 1_000, t0)).as("the same StartTransaction again: the same session").isEqualTo(tx);
            long energy = 1_000;
            for (int k = 1; k <= 5; k++) {
                energy += 100;
                cp.meterValues(1, tx, t0 + k * 60_000L, 6_000 + k, energy, "Sample.Periodic");
            }
            assertThat(cp.pending()).isZero();
            assertThat(samples(meter, t0, t0 + Q)).as("answered means committed").isEqualTo(5);

            // The station loses its connection mid-session; it keeps measuring, then reconnects and sends what it holds.
            cp.disconnect();
            while (cp.connected()) {
                Thread.sleep(20);
            }
            for (int k = 6; k <= 10; k++) {
                energy += 100;
                cp.meterValues(1, tx, t0 + k * 60_000L, 6_000 + k, energy, "Sample.Periodic");
            }
            assertThat(cp.pending()).isEqualTo(5);
            // The last reading before the drop is sent again too (its answer "lost"): taken once.
            cp.meterValues(1, tx, t0 + 5 * 60_000L, 6_005, 1_500, "Sample.Periodic");
            cp.connect();
            assertThat(cp.pending()).isZero();
            assertThat(samples(meter, t0, t0 + Q)).as("no loss, no duplicate").isEqualTo(10);
            // A clock-aligned reading at the quarter-hour's end is the last of that interval (FP1's intervals end inclusive).
            cp.meterValues(1, tx, t0 + Q, 6_100, energy, "Sample.Clock");
            cp.stop(tx, energy, t0 + Q + 60_000L);
            assertThat(samples(meter, t0, t0 + 2 * Q)).isEqualTo(11);
        }
        final Map<String, Object> sessions = ok("--org", "cpo", "ocpp", "sessions", "--station", station);
        @SuppressWarnings("unchecked")
        final List<Map<String, Object>> list = (List<Map<String, Object>>) sessions.get("sessions");
        assertThat(list).hasSize(1);
        assertThat(list.get(0)).containsEntry("meterStartWh", 1_000L).containsEntry("meterStopWh", 2_000L).containsEntry("energyWh", 1_000L)
                .containsEntry("meterId", meter);
        try (OcppStore store = OcppStore.open(cpoStore())) {
            assertThat(store.readingCount(station, 1)).as("11 readings of energy and power, each kept once").isEqualTo(22);
        }

        // The gateway stops: its last submission closes the finished intervals and certifies them; the
        // audit recomputes them from the member store.
        stopGateway();
        gateway = null;
        final Map<String, Object> audit = ok("--org", "cpo", "audit", "--meter", meter);
        assertThat(audit).containsEntry("ok", true);
        final Map<String, Object> interval = ok("--org", "cpo", "interval", "show", "--meter", meter, "--start", Long.toString(t0));
        assertThat(interval).as(interval.toString()).containsEntry("count", 11L);
    }

    @Test
    void aDrEventLimitsTheStationsItCallsWithAChargingProfileOverItsWindow() throws Exception {
        final String obeys = "IT-CSD-" + run;
        final String rejects = "IT-CSR-" + run;
        final String program = "P-OCPP-" + run;
        final String event = "E-OCPP-" + run;
        try (ChargePoint a = connected(obeys, register(obeys, 1)); ChargePoint b = connected(rejects, register(rejects, 1))) {
            a.boot("FlexLedger", "IT");
            b.boot("FlexLedger", "IT");
            b.answerProfilesWith("Rejected");
            ok("--org", "dso", "--as", "admin", "dr", "program", "create", "--id", program, "--reward-rate", "100",
                    "--penalty-rate", "50", "--weekday", "5/10", "--weekend", "2/3", "--timezone", "Europe/Berlin");
            for (final String meter : List.of(obeys + "-C1", rejects + "-C1")) {
                ok("--org", "cpo", "--as", "admin", "dr", "enrol", "--program", program, "--asset", meter);
                ok("--org", "dso", "--as", "admin", "dr", "accept", "--program", program, "--asset", meter);
            }
            // The next quarter-hour (or the one after, when this one ends within a minute): the window starts after the event's transaction.
            final long now = System.currentTimeMillis();
            long windowStart = Math.floorDiv(now, Q) * Q + Q;
            if (windowStart - now < 60_000L) {
                windowStart += Q;
            }
            ok("--org", "dso", "--as", "admin", "dr", "event", "create", "--id", event, "--program", program, "--window-start",
                    Instant.ofEpochMilli(windowStart).toString(), "--window-minutes", "15", "--assets", obeys + "-C1," + rejects + "-C1",
                    "--budget", "0", "--payer", "org");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (a.profiles().isEmpty()) {
                assertThat(System.nanoTime()).as("the station got its charging profile").isLessThan(deadline);
                Thread.sleep(50); // until the gateway has seen the DR event's commit and sent the profile
            }
            final var profile = a.profiles().values().iterator().next();
            assertThat(profile.getChargingProfilePurpose().name()).isEqualTo("ChargePointMaxProfile");
            assertThat(profile.getStackLevel()).isEqualTo(1);
            assertThat(profile.getValidFrom().toInstant().toEpochMilli()).isEqualTo(windowStart);
            assertThat(profile.getValidTo().toInstant().toEpochMilli()).isEqualTo(windowStart + Q);
            assertThat(profile.getChargingSchedule().getChargingSchedulePeriod()[0].getLimit()).isEqualTo(3680.0);
            assertThat(a.limitW(Instant.ofEpochMilli(windowStart + 1), 7400)).isEqualTo(3680.0);
            assertThat(b.profiles()).isEmpty();
            // What was sent, and what each station answered, is kept: the rejection is reported, not ignored.
            Map<String, Object> sent = Map.of();
            while (!sent.toString().contains("limit 3680 W") || !sent.toString().contains("Rejected")) {
                assertThat(System.nanoTime()).as("the answers are recorded: %s", sent).isLessThan(deadline);
                Thread.sleep(50);
                final Map<String, Object> mine = ok("--org", "cpo", "ocpp", "profile", "--station", obeys);
                final Map<String, Object> theirs = ok("--org", "cpo", "ocpp", "profile", "--station", rejects);
                sent = Map.of("a", mine, "b", theirs);
            }
            assertThat(sent.get("a").toString()).contains("status=Accepted").contains("source=dr:" + event);
            assertThat(sent.get("b").toString()).contains("status=Rejected");
        }
    }

    /**
     * A DSO's flexibility request awards the CPO's sealed offer on a station's connector: the gateway
     * follows chaincode-market's FlexRequestCleared and sends that station a ChargePointMaxProfile
     * over the request's delivery window, checked by GetCompositeSchedule and recorded as
     * market:&lt;request&gt;/&lt;offer&gt;. The request was posted and the offer sealed and submitted
     * "minutes ago" ({@link Backdated}), so its deadline has passed without the test waiting for it;
     * the reveal and the clearing are now.
     */
    @Test
    @SuppressWarnings("unchecked")
    void aClearedFlexibilityRequestLimitsTheStationOfTheAwardedConnector() throws Exception {
        final String station = "IT-CSM-" + run;
        final String program = "P-OCPPM-" + run;
        final String requestId = "R-OCPP-" + run;
        final String offerId = "cpo-" + run;
        final String env = System.getenv("FLEXLEDGER_WORK");
        final Path work = env != null ? Path.of(env) : InProcessCli.ROOT.resolve("work/network");
        try (ChargePoint cp = connected(station, register(station, 1));
                LedgerConnection dso = LedgerConnection.open(MemberProfile.fromWork(work, "dso", "admin"));
                LedgerConnection cpo = LedgerConnection.open(MemberProfile.fromWork(work, "cpo", "admin"))) {
            cp.boot("FlexLedger", "IT");
            ok("--org", "dso", "--as", "admin", "dr", "program", "create", "--id", program, "--reward-rate", "100",
                    "--penalty-rate", "50", "--weekday", "5/10", "--weekend", "2/3", "--timezone", "Europe/Berlin");
            final String dsoMsp = dso.profile().mspId();
            final String cpoMsp = cpo.profile().mspId();
            try {
                dso.token("grid").info();
            } catch (LedgerException e) {
                assertThat(e.code()).contains(ErrorCode.NOT_FOUND);
                dso.token("grid").initialize("FlexLedger Reward", "FLEX", 3); // the DSO holds ISSUER on grid
            }
            dso.token("grid").mint("org:" + dsoMsp, 100);

            // Posted four minutes ago, offers until a minute ago, reveals for five more minutes; delivery in the first
            // quarter-hour after that (within one day in the program's time zone).
            final long now = System.currentTimeMillis();
            final long t0 = now - 4 * 60_000L;
            final long deadline = now - 60_000L;
            final long revealBy = now + 5 * 60_000L;
            long windowStart = Math.floorDiv(revealBy + Q - 1, Q) * Q;
            final java.time.ZoneId berlin = java.time.ZoneId.of("Europe/Berlin");
            final java.time.LocalDate day = Instant.ofEpochMilli(windowStart).atZone(berlin).toLocalDate();
            if (!day.equals(Instant.ofEpochMilli(windowStart + Q - 1).atZone(berlin).toLocalDate())) {
                windowStart = day.plusDays(1).atStartOfDay(berlin).toInstant().toEpochMilli();
            }
            final Map<String, Object> terms = new java.util.LinkedHashMap<>();
            terms.put("id", requestId);
            terms.put("zone", "zone-1");
            terms.put("quantityWh", 500L);
            terms.put("maxPrice", 100L);
            terms.put("deadline", deadline);
            terms.put("revealBy", revealBy);
            terms.put("windowStart", windowStart);
            terms.put("windowEnd", windowStart + Q);
            terms.put("mode", "MERIT");
            terms.put("payer", "org:" + dsoMsp);
            terms.put("baselineProgram", program);
            Backdated.submit(dso, Instant.ofEpochMilli(t0), "grid", "market", "flex:PostRequest", Json.write(terms));
            final byte[] bid = MarketLedger.bid(requestId, offerId, 500, 80, List.of(station + "-C1"));
            Backdated.submit(cpo, Instant.ofEpochMilli(t0 + 30_000), "grid", "market", "flex:SealOffer", Map.of("sealed", bid), List.of(cpoMsp),
                    requestId, offerId);
            Backdated.submit(cpo, Instant.ofEpochMilli(t0 + 60_000), "grid", "market", "flex:SubmitOffer", Map.of(), List.of(), requestId, offerId);
            cpo.market("grid").revealOffer(requestId, offerId);
            final Map<String, Object> clearing = dso.market("grid").clear(requestId);
            assertThat(((Map<String, Object>) clearing.get("output")).get("awards").toString()).contains(offerId);

            final long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (cp.profiles().isEmpty()) {
                assertThat(System.nanoTime()).as("the station got its charging profile").isLessThan(waitUntil);
                Thread.sleep(50); // until the gateway has seen the clearing's commit and sent the profile
            }
            final var profile = cp.profiles().values().iterator().next();
            assertThat(profile.getChargingProfilePurpose().name()).isEqualTo("ChargePointMaxProfile");
            assertThat(profile.getValidFrom().toInstant().toEpochMilli()).isEqualTo(windowStart);
            assertThat(profile.getValidTo().toInstant().toEpochMilli()).isEqualTo(windowStart + Q);
            assertThat(cp.limitW(Instant.ofEpochMilli(windowStart + 1), 7400)).isEqualTo(3680.0);
            Map<String, Object> sent = Map.of();
            while (!sent.toString().contains("limit 3680 W")) {
                assertThat(System.nanoTime()).as("the answer and the check are recorded: %s", sent).isLessThan(waitUntil);
                Thread.sleep(50);
                sent = ok("--org", "cpo", "ocpp", "profile", "--station", station);
            }
            assertThat(sent.toString()).contains("status=Accepted").contains("source=market:" + requestId + "/" + offerId);
        }
    }

    @Test
    void unknownStationsAndWrongPasswordsAreRefused() throws Exception {
        final String station = "IT-CSA-" + run;
        final String password = register(station, 1);
        assertThatThrownBy(() -> new ChargePoint(url, station, "wrong-password-0000", 10_000).connect()).hasMessageContaining("could not connect");
        assertThatThrownBy(() -> new ChargePoint(url, "IT-NOBODY-" + run, password, 10_000).connect()).hasMessageContaining("could not connect");
        try (ChargePoint cp = connected(station, password)) {
            assertThat(cp.connected()).isTrue();
        }
    }

    /** A raw OCPP-J client: frames as text, answers in order. */
    private static final class Raw implements WebSocket.Listener {
        final LinkedBlockingQueue<String> answers = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        static Raw open(final String url, final String station, final String password) throws Exception {
            final Raw raw = new Raw();
            raw.socket = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("ocpp1.6").connectTimeout(Duration.ofSeconds(10))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((station + ":" + password)
                            .getBytes(StandardCharsets.UTF_8)))
                    .buildAsync(URI.create(url + "/" + station), raw).get(30, TimeUnit.SECONDS);
            return raw;
        }

        @Override
        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last) {
            partial.append(data);
            if (last) {
                answers.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        /** Sends a CALL and returns the answer to it (CALLs from the central system in between are skipped). */
        List<?> call(final String id, final String action, final String payload) throws Exception {
            socket.sendText("[2,\"" + id + "\",\"" + action + "\"," + payload + "]", true).get(10, TimeUnit.SECONDS);
            while (true) {
                final String a = answers.poll(30, TimeUnit.SECONDS);
                assertThat(a).as("an answer to " + id).isNotNull();
                final List<?> frame = (List<?>) Json.parse(a);
                if (id.equals(frame.get(1))) {
                    return frame;
                }
            }
        }
    }

    @Test
    void malformedAndOutOfOrderMessagesGetOcppErrorsAndChangeNothing() throws Exception {
        final String station = "IT-CSE-" + run;
        final String password = register(station, 1);
        final String meter = station + "-C1";
        final Raw raw = Raw.open(url, station, password);
        final String now = Instant.now().toString();
        // Before its BootNotification a station may send nothing else.
        assertThat(raw.call("e1", "Heartbeat", "{}").get(2)).isEqualTo("ProtocolError");
        assertThat(raw.call("e2", "MeterValues", "{\"connectorId\":1,\"meterValue\":[{\"timestamp\":\"" + now
                + "\",\"sampledValue\":[{\"value\":\"5\",\"measurand\":\"Power.Active.Import\"}]}]}").get(2)).isEqualTo("ProtocolError");
        final List<?> boot = raw.call("b1", "BootNotification", "{\"chargePointVendor\":\"IT\",\"chargePointModel\":\"raw\"}");
        assertThat(boot.get(0)).isEqualTo(3L);
        // A payload that is not the action's shape.
        assertThat(raw.call("e3", "MeterValues", "{\"connectorId\":\"one\",\"meterValue\":{}}").get(2)).isEqualTo("FormationViolation");
        // Well-formed, but values the central system cannot take.
        assertThat(raw.call("e4", "MeterValues", "{\"connectorId\":7,\"meterValue\":[{\"timestamp\":\"" + now
                + "\",\"sampledValue\":[{\"value\":\"5\",\"measurand\":\"Power.Active.Import\"}]}]}").get(2)).isEqualTo("PropertyConstraintViolation");
        assertThat(raw.call("e5", "MeterValues", "{\"connectorId\":1,\"meterValue\":[{\"timestamp\":\"" + now
                + "\",\"sampledValue\":[{\"value\":\"5\",\"measurand\":\"Power.Active.Import\"},{\"value\":\"lots\"}]}]}").get(2))
                .isEqualTo("PropertyConstraintViolation");
        assertThat(raw.call("e6", "StopTransaction", "{\"transactionId\":987654,\"meterStop\":5,\"timestamp\":\"" + now + "\"}").get(2))
                .isEqualTo("PropertyConstraintViolation");
        assertThat(raw.call("e7", "MeterValues", "{\"connectorId\":1,\"transactionId\":987654,\"meterValue\":[{\"timestamp\":\"" + now
                + "\",\"sampledValue\":[{\"value\":\"5\",\"measurand\":\"Power.Active.Import\"}]}]}").get(2)).isEqualTo("PropertyConstraintViolation");
        assertThat(raw.call("e8", "NoSuchAction", "{}").get(2)).isEqualTo("NotImplemented");
        // Nothing of it was kept: no sample, no reading, no session.
        assertThat(samples(meter, 0, Long.MAX_VALUE)).isZero();
        try (OcppStore store = OcppStore.open(cpoStore())) {
            assertThat(store.readingCount(station, 1)).isZero();
            assertThat(store.sessions(station, 10)).isEmpty();
        }
        // And the connection still serves a good message.
        final List<?> ok = raw.call("g1", "MeterValues", "{\"connectorId\":1,\"meterValue\":[{\"timestamp\":\"" + now
                + "\",\"sampledValue\":[{\"value\":\"5\",\"measurand\":\"Power.Active.Import\"}]}]}");
        assertThat(ok.get(0)).as(ok.toString()).isEqualTo(3L);
        assertThat(samples(meter, 0, Long.MAX_VALUE)).isEqualTo(1);
        raw.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }
}
