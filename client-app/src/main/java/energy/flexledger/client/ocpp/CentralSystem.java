package energy.flexledger.client.ocpp;

import energy.flexledger.client.ingest.SampleMessages;
import eu.chargetime.ocpp.AuthenticationException;
import eu.chargetime.ocpp.FeatureRepository;
import eu.chargetime.ocpp.JSONConfiguration;
import eu.chargetime.ocpp.PromiseRepository;
import eu.chargetime.ocpp.Server;
import eu.chargetime.ocpp.ServerEvents;
import eu.chargetime.ocpp.WebSocketListener;
import eu.chargetime.ocpp.feature.profile.ServerCoreEventHandler;
import eu.chargetime.ocpp.feature.profile.ServerCoreProfile;
import eu.chargetime.ocpp.feature.profile.ServerSmartChargingProfile;
import eu.chargetime.ocpp.model.Confirmation;
import eu.chargetime.ocpp.model.Request;
import eu.chargetime.ocpp.model.SessionInformation;
import eu.chargetime.ocpp.model.core.AuthorizationStatus;
import eu.chargetime.ocpp.model.core.AuthorizeConfirmation;
import eu.chargetime.ocpp.model.core.AuthorizeRequest;
import eu.chargetime.ocpp.model.core.BootNotificationConfirmation;
import eu.chargetime.ocpp.model.core.BootNotificationRequest;
import eu.chargetime.ocpp.model.core.ChangeConfigurationConfirmation;
import eu.chargetime.ocpp.model.core.ChangeConfigurationRequest;
import eu.chargetime.ocpp.model.core.DataTransferConfirmation;
import eu.chargetime.ocpp.model.core.DataTransferRequest;
import eu.chargetime.ocpp.model.core.DataTransferStatus;
import eu.chargetime.ocpp.model.core.HeartbeatConfirmation;
import eu.chargetime.ocpp.model.core.HeartbeatRequest;
import eu.chargetime.ocpp.model.core.IdTagInfo;
import eu.chargetime.ocpp.model.core.MeterValue;
import eu.chargetime.ocpp.model.core.MeterValuesConfirmation;
import eu.chargetime.ocpp.model.core.MeterValuesRequest;
import eu.chargetime.ocpp.model.core.RegistrationStatus;
import eu.chargetime.ocpp.model.core.SampledValue;
import eu.chargetime.ocpp.model.core.StartTransactionConfirmation;
import eu.chargetime.ocpp.model.core.StartTransactionRequest;
import eu.chargetime.ocpp.model.core.StatusNotificationConfirmation;
import eu.chargetime.ocpp.model.core.StatusNotificationRequest;
import eu.chargetime.ocpp.model.core.StopTransactionConfirmation;
import eu.chargetime.ocpp.model.core.StopTransactionRequest;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.protocols.Protocol;

/**
 * The member's OCPP 1.6J central system (decision 0024). Stations connect to
 * {@code ws://HOST:PORT/<stationId>} with subprotocol {@code ocpp1.6} and HTTP basic auth (security
 * profile 1; the user name is the station id, the password the one {@code flexledger ocpp register}
 * printed); a station must be known to this gateway and be an active CHARGING_STATION asset of this
 * member on the ledger ({@link Registry}). Each connector is a meter ({@link #connectorMeter}); its
 * {@code Power.Active.Import} readings become the meter's samples through
 * {@link SampleMessages#handle} (duplicates once, late ones quarantined, answered after commit), and
 * every reading is kept as sent with the sessions ({@link OcppStore}). Requests that break the
 * protocol get OCPP's error codes and change nothing.
 */
public final class CentralSystem implements AutoCloseable {
    /** The measurands the gateway asks stations to sample (MeterValuesSampledData, MeterValuesAlignedData). */
    public static final String MEASURANDS = "Energy.Active.Import.Register,Power.Active.Import";
    public static final String ENERGY = "Energy.Active.Import.Register";
    public static final String POWER = "Power.Active.Import";

    /** Whether a station may connect, by the ledger's asset registry. */
    public interface Registry {
        /** Returns normally when {@code stationId} is an active CHARGING_STATION of this member; otherwise throws with the reason. */
        void check(String stationId) throws Refused;
    }

    /** A station the registry does not let in. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        public Refused(final String message) {
            super(message);
        }
    }

    /** What the gateway configures on every station that boots. */
    public record Settings(int heartbeatSeconds, int sampleIntervalSeconds, int clockAlignedSeconds) {
        public static Settings defaults() {
            return new Settings(300, 60, 900);
        }
    }

    /** The meter id of a station's connector: {@code <stationId>-C<n>}. */
    public static String connectorMeter(final String stationId, final int connectorId) {
        return stationId + "-C" + connectorId;
    }

    /**
     * The library logs every CALLERROR it sends at SEVERE: a station's bad message is not the
     * gateway's failure, and each refusal is already one of the gateway's own JSON lines. Held here:
     * java.util.logging keeps loggers only weakly.
     */
    private static final java.util.logging.Logger LIBRARY_LOG = java.util.logging.Logger.getLogger("eu.chargetime.ocpp");

    static {
        LIBRARY_LOG.setLevel(java.util.logging.Level.OFF);
    }

    private final OcppStore store;
    private final SampleMessages messages;
    private final Registry registry;
    private final Settings settings;
    private final Consumer<Map<String, Object>> log;
    private final boolean quiet;
    private final Map<UUID, String> stationOf = new ConcurrentHashMap<>();
    private final Map<String, UUID> sessionOf = new ConcurrentHashMap<>();
    private final Map<String, Boolean> booted = new ConcurrentHashMap<>();
    private final ExecutorService background = Executors.newFixedThreadPool(2, r -> {
        final Thread t = new Thread(r, "flexledger-ocpp");
        t.setDaemon(true);
        return t;
    });
    private final Latencies meterValueAcks = new Latencies();
    private final ServerCoreProfile core;
    private final GroupCommitter committer;
    private final ServerSmartChargingProfile smartCharging = new ServerSmartChargingProfile();
    private Server server;
    private WebSocketListener listener;
    private volatile Consumer<String> onConnected = station -> { };

    /** Told of every station that connects (after its handshake; on a pool thread, not the connection's). */
    public void onConnected(final Consumer<String> listener) {
        this.onConnected = listener;
    }

    public CentralSystem(final OcppStore store, final SampleMessages messages, final Registry registry, final Settings settings,
            final Consumer<Map<String, Object>> log, final boolean quiet) {
        this.store = store;
        this.messages = messages;
        this.registry = registry;
        this.settings = settings;
        this.log = log;
        this.quiet = quiet;
        this.core = new ServerCoreProfile(new Core());
        this.committer = new GroupCommitter(messages, store);
    }

    /** Listens on {@code host:port} (plain WebSocket: security profile 1; put TLS in front for profile 2). */
    public CentralSystem start(final String host, final int port) {
        final FeatureRepository features = new FeatureRepository();
        features.addFeatureProfile(core);
        features.addFeatureProfile(smartCharging);
        final Draft_6455 ocpp16 = new Draft_6455(Collections.emptyList(), Collections.singletonList(new Protocol("ocpp1.6")));
        final JSONConfiguration config = JSONConfiguration.get().setParameter(JSONConfiguration.REUSE_ADDR_PARAMETER, true)
                .setParameter(JSONConfiguration.TCP_NO_DELAY_PARAMETER, true)
                // Handlers wait for the group commit: enough workers that many stations' messages share one.
                .setParameter(JSONConfiguration.WEBSOCKET_WORKER_COUNT, 32);
        listener = new WebSocketListener(communicator -> new OcppSession(communicator, features, background,
                (session, action, code, description) -> log.accept(Map.of("event", "ocpp call refused", "stationId",
                        String.valueOf(stationOf.get(session)), "action", String.valueOf(action), "error", code, "message",
                        String.valueOf(description)))), config, ocpp16);
        server = new Server(listener, features, new PromiseRepository());
        server.open(host, port, new Events());
        return this;
    }

    /** Sends {@code request} to a connected station; the answer completes the stage (a CALLERROR completes it exceptionally). */
    public CompletionStage<Confirmation> send(final String stationId, final Request request) throws IOException {
        final UUID session = sessionOf.get(stationId);
        if (session == null) {
            throw new IOException("station '" + stationId + "' is not connected");
        }
        try {
            return server.send(session, request);
        } catch (Exception e) {
            throw new IOException("cannot send " + request.getClass().getSimpleName() + " to '" + stationId + "': " + e.getMessage(), e);
        }
    }

    public ServerSmartChargingProfile smartCharging() {
        return smartCharging;
    }

    public ServerCoreProfile core() {
        return core;
    }

    public OcppStore store() {
        return store;
    }

    /** The stations connected now. */
    public List<String> connected() {
        return new ArrayList<>(sessionOf.keySet());
    }

    /** MeterValues acknowledgement latency: arrival at the handler to the answer, the member store's commit included. */
    public Map<String, Object> latencies() {
        return meterValueAcks.summary();
    }

    private final class Events implements ServerEvents {
        @Override
        public void authenticateSession(final SessionInformation information, final String username, final byte[] password)
                throws AuthenticationException {
            final String station = stationIdOf(information);
            try {
                if (station == null || !station.equals(username) || !store.passwordMatches(station, password)) {
                    refused(station, "unknown station or wrong password");
                    throw new AuthenticationException(401, "unknown station or wrong password");
                }
                registry.check(station);
            } catch (IOException e) {
                refused(station, "store: " + e.getMessage());
                throw new AuthenticationException(503, "the central system cannot check stations now");
            } catch (Refused e) {
                refused(station, e.getMessage());
                throw new AuthenticationException(403, e.getMessage());
            }
        }

        private void refused(final String station, final String why) {
            log.accept(Map.of("event", "ocpp refused", "stationId", String.valueOf(station), "message", why));
        }

        @Override
        public void newSession(final UUID sessionId, final SessionInformation information) {
            final String station = stationIdOf(information);
            stationOf.put(sessionId, station);
            final UUID before = sessionOf.put(station, sessionId);
            if (before != null && !before.equals(sessionId)) {
                stationOf.remove(before);
                server.closeSession(before); // the station reconnected: its old connection is stale
            }
            log.accept(Map.of("event", "ocpp connected", "stationId", station));
            background.execute(() -> onConnected.accept(station));
        }

        @Override
        public void lostSession(final UUID sessionId) {
            final String station = stationOf.remove(sessionId);
            if (station != null) {
                sessionOf.remove(station, sessionId);
                log.accept(Map.of("event", "ocpp disconnected", "stationId", station));
            }
        }
    }

    /** The station id of a connection: its URL's last path segment. */
    static String stationIdOf(final SessionInformation information) {
        String path = information.getIdentifier();
        if (path == null) {
            return null;
        }
        final int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        final String id = java.net.URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
        return OcppStore.STATION_ID.matcher(id).matches() ? id : null;
    }

    private String station(final UUID session) {
        final String station = stationOf.get(session);
        if (station == null) {
            throw new OcppError(OcppError.PROTOCOL_ERROR, "no station on this connection");
        }
        return station;
    }

    /** The station, which must have sent a BootNotification (ever: a station that reconnects need not boot again). */
    private OcppStore.Station bootedStation(final UUID session) {
        final String id = station(session);
        final OcppStore.Station s = read(() -> store.station(id)).orElseThrow(
                () -> new OcppError(OcppError.PROTOCOL_ERROR, "station '" + id + "' is not known"));
        if (s.bootedAt() == null && !booted.containsKey(id)) {
            throw new OcppError(OcppError.PROTOCOL_ERROR, "send BootNotification first: station '" + id + "' has not registered");
        }
        return s;
    }

    private static void connector(final OcppStore.Station s, final Integer connectorId, final boolean zeroAllowed) {
        if (connectorId == null || connectorId < (zeroAllowed ? 0 : 1) || connectorId > s.connectors()) {
            throw new OcppError(OcppError.PROPERTY_CONSTRAINT_VIOLATION, "connectorId must be " + (zeroAllowed ? 0 : 1) + ".."
                    + s.connectors() + " for station '" + s.stationId() + "', was " + connectorId);
        }
    }

    private interface Io<T> {
        T run() throws IOException;
    }

    /** A store call inside a handler: a failure answers InternalError (nothing acknowledged, the station sends again). */
    private <T> T read(final Io<T> work) {
        try {
            return work.run();
        } catch (IOException e) {
            log.accept(Map.of("event", "ocpp store failed", "message", String.valueOf(e.getMessage())));
            throw new OcppError(OcppError.INTERNAL_ERROR, "the central system could not store the message; send it again");
        }
    }

    private void configure(final String station) {
        final Map<String, String> keys = new LinkedHashMap<>();
        keys.put("MeterValuesSampledData", MEASURANDS);
        keys.put("MeterValuesAlignedData", MEASURANDS);
        keys.put("MeterValueSampleInterval", Integer.toString(settings.sampleIntervalSeconds()));
        keys.put("ClockAlignedDataInterval", Integer.toString(settings.clockAlignedSeconds()));
        keys.forEach((key, value) -> {
            try {
                send(station, new ChangeConfigurationRequest(key, value)).whenComplete((answer, error) -> {
                    final String status = error != null ? "error: " + error.getMessage()
                            : String.valueOf(((ChangeConfigurationConfirmation) answer).getStatus());
                    if (error != null || !"Accepted".equals(status)) {
                        log.accept(Map.of("event", "ocpp configuration refused", "stationId", station, "key", key, "value", value,
                                "status", status));
                    }
                });
            } catch (IOException e) {
                log.accept(Map.of("event", "ocpp configuration not sent", "stationId", station, "key", key, "message",
                        String.valueOf(e.getMessage())));
            }
        });
    }

    private final class Core implements ServerCoreEventHandler {
        @Override
        public BootNotificationConfirmation handleBootNotificationRequest(final UUID session, final BootNotificationRequest request) {
            final String id = station(session);
            read(() -> {
                store.booted(id, request.getChargePointVendor(), request.getChargePointModel(), request.getChargePointSerialNumber(),
                        request.getFirmwareVersion());
                return null;
            });
            booted.put(id, Boolean.TRUE);
            OcppSession.afterAnswer(() -> configure(id));
            log.accept(Map.of("event", "ocpp boot", "stationId", id, "vendor", request.getChargePointVendor(), "model",
                    request.getChargePointModel()));
            return new BootNotificationConfirmation(now(), settings.heartbeatSeconds(), RegistrationStatus.Accepted);
        }

        @Override
        public HeartbeatConfirmation handleHeartbeatRequest(final UUID session, final HeartbeatRequest request) {
            final OcppStore.Station s = bootedStation(session);
            read(() -> {
                store.seen(s.stationId());
                return null;
            });
            return new HeartbeatConfirmation(now());
        }

        @Override
        public StatusNotificationConfirmation handleStatusNotificationRequest(final UUID session, final StatusNotificationRequest request) {
            final OcppStore.Station s = bootedStation(session);
            connector(s, request.getConnectorId(), true);
            final long at = request.getTimestamp() == null ? System.currentTimeMillis() : request.getTimestamp().toInstant().toEpochMilli();
            read(() -> {
                store.connectorStatus(s.stationId(), request.getConnectorId(), String.valueOf(request.getStatus()),
                        String.valueOf(request.getErrorCode()), at);
                return null;
            });
            return new StatusNotificationConfirmation();
        }

        @Override
        public AuthorizeConfirmation handleAuthorizeRequest(final UUID session, final AuthorizeRequest request) {
            bootedStation(session);
            return new AuthorizeConfirmation(new IdTagInfo(AuthorizationStatus.Accepted));
        }

        @Override
        public StartTransactionConfirmation handleStartTransactionRequest(final UUID session, final StartTransactionRequest request) {
            final OcppStore.Station s = bootedStation(session);
            connector(s, request.getConnectorId(), false);
            if (request.getMeterStart() < 0) {
                throw new OcppError(OcppError.PROPERTY_CONSTRAINT_VIOLATION, "meterStart must be at least 0 Wh, was " + request.getMeterStart());
            }
            final long at = request.getTimestamp().toInstant().toEpochMilli();
            final int tx = read(() -> store.startTransaction(s.stationId(), request.getConnectorId(), request.getIdTag(), request.getMeterStart(),
                    at));
            log.accept(Map.of("event", "ocpp session started", "stationId", s.stationId(), "connectorId", (long) request.getConnectorId(),
                    "transactionId", (long) tx));
            return new StartTransactionConfirmation(new IdTagInfo(AuthorizationStatus.Accepted), tx);
        }

        @Override
        public StopTransactionConfirmation handleStopTransactionRequest(final UUID session, final StopTransactionRequest request) {
            final OcppStore.Station s = bootedStation(session);
            final OcppStore.Transaction t = read(() -> store.transaction(request.getTransactionId())).filter(
                    x -> x.stationId().equals(s.stationId())).orElseThrow(() -> new OcppError(OcppError.PROPERTY_CONSTRAINT_VIOLATION,
                            "transactionId " + request.getTransactionId() + " is not a session of station '" + s.stationId() + "'"));
            if (request.getMeterStop() < t.meterStartWh()) {
                throw new OcppError(OcppError.PROPERTY_CONSTRAINT_VIOLATION, "meterStop " + request.getMeterStop()
                        + " Wh is below the session's meterStart " + t.meterStartWh() + " Wh");
            }
            final long at = request.getTimestamp().toInstant().toEpochMilli();
            if (at < t.startedAt()) {
                throw new OcppError(OcppError.PROPERTY_CONSTRAINT_VIOLATION, "the stop's timestamp lies before the session's start");
            }
            final Parsed data = parse(s, t.connectorId(), t.transactionId(), request.getTransactionData());
            ingest(s.stationId(), t.connectorId(), data);
            final boolean done = read(() -> store.stopTransaction(t.transactionId(), request.getMeterStop(), at,
                    request.getReason() == null ? "Local" : request.getReason().name(), data.readings()));
            if (!done) {
                throw new OcppError(OcppError.PROPERTY_CONSTRAINT_VIOLATION, "transaction " + t.transactionId()
                        + " was already stopped with another meterStop or timestamp");
            }
            log.accept(Map.of("event", "ocpp session stopped", "stationId", s.stationId(), "transactionId", (long) t.transactionId(),
                    "energyWh", request.getMeterStop() - t.meterStartWh()));
            return new StopTransactionConfirmation();
        }

        @Override
        public MeterValuesConfirmation handleMeterValuesRequest(final UUID session, final MeterValuesRequest request) {
            final long arrived = System.nanoTime();
            final OcppStore.Station s = bootedStation(session);
            connector(s, request.getConnectorId(), false);
            final Integer tx = request.getTransactionId();
            if (tx != null) {
                final Optional<OcppStore.Transaction> t = read(() -> store.transaction(tx));
                if (t.isEmpty() || !t.get().stationId().equals(s.stationId()) || t.get().connectorId() != request.getConnectorId()) {
                    throw new OcppError(OcppError.PROPERTY_CONSTRAINT_VIOLATION, "transactionId " + tx + " is not a session on connector "
                            + request.getConnectorId() + " of station '" + s.stationId() + "'");
                }
            }
            final Parsed parsed = parse(s, request.getConnectorId(), tx, request.getMeterValue());
            final String meter = connectorMeter(s.stationId(), request.getConnectorId());
            // Samples and readings committed together with other stations' (one commit each for many messages).
            final Map<String, Object> result = read(() -> committer.commit(SampleMessages.topicOf(meter), payload(parsed), parsed.readings()));
            meterValueAcks.add(System.nanoTime() - arrived);
            if (!quiet || result.containsKey("error")) {
                final Map<String, Object> line = new LinkedHashMap<>();
                line.put("event", "ocpp meter values");
                line.put("stationId", s.stationId());
                line.putAll(result);
                log.accept(line);
            }
            return new MeterValuesConfirmation();
        }

        @Override
        public DataTransferConfirmation handleDataTransferRequest(final UUID session, final DataTransferRequest request) {
            bootedStation(session);
            return new DataTransferConfirmation(DataTransferStatus.UnknownVendorId);
        }
    }

    /** A message's readings: all as sent, and the power samples (mW) for the connector's meter. */
    record Parsed(List<OcppStore.Reading> readings, List<long[]> samples) {
    }

    /** Reads every sampled value before anything is stored: one bad value refuses the whole message. */
    static Parsed parse(final OcppStore.Station s, final int connectorId, final Integer tx, final MeterValue[] values) {
        final List<OcppStore.Reading> readings = new ArrayList<>();
        final java.util.TreeMap<Long, Long> power = new java.util.TreeMap<>();
        if (values == null) {
            return new Parsed(readings, List.of());
        }
        for (final MeterValue mv : values) {
            if (mv.getTimestamp() == null || mv.getSampledValue() == null) {
                throw new OcppError(OcppError.OCCURENCE_CONSTRAINT_VIOLATION, "a meterValue needs timestamp and sampledValue");
            }
            final long at = mv.getTimestamp().toInstant().toEpochMilli();
            for (final SampledValue v : mv.getSampledValue()) {
                final String measurand = v.getMeasurand() == null ? ENERGY : v.getMeasurand();
                final String context = v.getContext() == null ? "Sample.Periodic" : v.getContext();
                final BigDecimal number;
                try {
                    number = new BigDecimal(v.getValue());
                } catch (NumberFormatException | NullPointerException e) {
                    throw new OcppError(OcppError.PROPERTY_CONSTRAINT_VIOLATION, "sampledValue '" + v.getValue() + "' of " + measurand
                            + " is not a number");
                }
                final String unit = v.getUnit();
                readings.add(new OcppStore.Reading(s.stationId(), connectorId, at, measurand, context, tx, v.getValue(), unit));
                if (POWER.equals(measurand) && v.getPhase() == null) {
                    final BigDecimal watts;
                    if (unit == null || "W".equals(unit)) {
                        watts = number;
                    } else if ("kW".equals(unit)) {
                        watts = number.movePointRight(3);
                    } else {
                        throw new OcppError(OcppError.PROPERTY_CONSTRAINT_VIOLATION, "unit of " + POWER + " must be W or kW, was " + unit);
                    }
                    final long milliwatts;
                    try {
                        milliwatts = watts.movePointRight(3).setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact();
                    } catch (ArithmeticException e) {
                        throw new OcppError(OcppError.PROPERTY_CONSTRAINT_VIOLATION, "power " + v.getValue() + " is out of range");
                    }
                    // Periodic and clock-aligned readings of the same instant are the same sample.
                    power.putIfAbsent(at, milliwatts);
                }
            }
        }
        final List<long[]> samples = new ArrayList<>();
        power.forEach((t, mw) -> samples.add(new long[] {t, mw}));
        return new Parsed(readings, samples);
    }

    /** The connector's power samples as SampleMessages' payload {@code [[t, v], ...]}, or null for none. */
    private static byte[] payload(final Parsed parsed) {
        if (parsed.samples().isEmpty()) {
            return null;
        }
        final StringBuilder payload = new StringBuilder("[");
        for (final long[] sample : parsed.samples()) {
            payload.append(payload.length() > 1 ? "," : "").append('[').append(sample[0]).append(',').append(sample[1]).append(']');
        }
        return payload.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The connector's power samples into the member store (same path as MQTT and HTTP); returns once committed. */
    private Map<String, Object> ingest(final String stationId, final int connectorId, final Parsed parsed) {
        final byte[] payload = payload(parsed);
        if (payload == null) {
            return Map.of("accepted", 0L);
        }
        final String meter = connectorMeter(stationId, connectorId);
        return read(() -> messages.handle(SampleMessages.topicOf(meter), payload, "ocpp"));
    }

    private static ZonedDateTime now() {
        return ZonedDateTime.now(ZoneOffset.UTC);
    }

    /** Acknowledgement latencies of the last 65,536 MeterValues. */
    static final class Latencies {
        private final long[] micros = new long[1 << 16];
        private long count;

        synchronized void add(final long nanos) {
            micros[(int) (count++ % micros.length)] = nanos / 1_000L;
        }

        synchronized Map<String, Object> summary() {
            final int n = (int) Math.min(count, micros.length);
            final long[] sorted = java.util.Arrays.copyOf(micros, n);
            java.util.Arrays.sort(sorted);
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("messages", count);
            out.put("p50Ms", ms(n == 0 ? 0 : energy.flexledger.client.Percentiles.nearestRank(sorted, 0.5)));
            out.put("p99Ms", ms(n == 0 ? 0 : energy.flexledger.client.Percentiles.nearestRank(sorted, 0.99)));
            out.put("maxMs", ms(n == 0 ? 0 : sorted[n - 1]));
            return out;
        }

        private static String ms(final long micros) {
            return String.format(java.util.Locale.ROOT, "%.2f", micros / 1000.0);
        }
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            committer.close();
            background.shutdown();
            try {
                background.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
