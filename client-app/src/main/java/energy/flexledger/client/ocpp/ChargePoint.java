package energy.flexledger.client.ocpp;

import eu.chargetime.ocpp.ClientEvents;
import eu.chargetime.ocpp.JSONClient;
import eu.chargetime.ocpp.JSONConfiguration;
import eu.chargetime.ocpp.feature.profile.ClientCoreEventHandler;
import eu.chargetime.ocpp.feature.profile.ClientCoreProfile;
import eu.chargetime.ocpp.feature.profile.ClientSmartChargingEventHandler;
import eu.chargetime.ocpp.feature.profile.ClientSmartChargingProfile;
import eu.chargetime.ocpp.model.Confirmation;
import eu.chargetime.ocpp.model.Request;
import eu.chargetime.ocpp.model.core.AuthorizeRequest;
import eu.chargetime.ocpp.model.core.AvailabilityStatus;
import eu.chargetime.ocpp.model.core.BootNotificationConfirmation;
import eu.chargetime.ocpp.model.core.BootNotificationRequest;
import eu.chargetime.ocpp.model.core.ChangeAvailabilityConfirmation;
import eu.chargetime.ocpp.model.core.ChangeAvailabilityRequest;
import eu.chargetime.ocpp.model.core.ChangeConfigurationConfirmation;
import eu.chargetime.ocpp.model.core.ChangeConfigurationRequest;
import eu.chargetime.ocpp.model.core.ChargePointErrorCode;
import eu.chargetime.ocpp.model.core.ChargePointStatus;
import eu.chargetime.ocpp.model.core.ChargingProfile;
import eu.chargetime.ocpp.model.core.ClearCacheConfirmation;
import eu.chargetime.ocpp.model.core.ClearCacheRequest;
import eu.chargetime.ocpp.model.core.ClearCacheStatus;
import eu.chargetime.ocpp.model.core.ConfigurationStatus;
import eu.chargetime.ocpp.model.core.DataTransferConfirmation;
import eu.chargetime.ocpp.model.core.DataTransferRequest;
import eu.chargetime.ocpp.model.core.DataTransferStatus;
import eu.chargetime.ocpp.model.core.GetConfigurationConfirmation;
import eu.chargetime.ocpp.model.core.GetConfigurationRequest;
import eu.chargetime.ocpp.model.core.MeterValue;
import eu.chargetime.ocpp.model.core.MeterValuesRequest;
import eu.chargetime.ocpp.model.core.RemoteStartStopStatus;
import eu.chargetime.ocpp.model.core.RemoteStartTransactionConfirmation;
import eu.chargetime.ocpp.model.core.RemoteStartTransactionRequest;
import eu.chargetime.ocpp.model.core.RemoteStopTransactionConfirmation;
import eu.chargetime.ocpp.model.core.RemoteStopTransactionRequest;
import eu.chargetime.ocpp.model.core.ResetConfirmation;
import eu.chargetime.ocpp.model.core.ResetRequest;
import eu.chargetime.ocpp.model.core.ResetStatus;
import eu.chargetime.ocpp.model.core.SampledValue;
import eu.chargetime.ocpp.model.core.StartTransactionConfirmation;
import eu.chargetime.ocpp.model.core.StartTransactionRequest;
import eu.chargetime.ocpp.model.core.StatusNotificationRequest;
import eu.chargetime.ocpp.model.core.StopTransactionRequest;
import eu.chargetime.ocpp.model.core.UnlockConnectorConfirmation;
import eu.chargetime.ocpp.model.core.UnlockConnectorRequest;
import eu.chargetime.ocpp.model.core.UnlockStatus;
import eu.chargetime.ocpp.model.smartcharging.ChargingProfileStatus;
import eu.chargetime.ocpp.model.smartcharging.ClearChargingProfileConfirmation;
import eu.chargetime.ocpp.model.smartcharging.ClearChargingProfileRequest;
import eu.chargetime.ocpp.model.smartcharging.ClearChargingProfileStatus;
import eu.chargetime.ocpp.model.smartcharging.GetCompositeScheduleConfirmation;
import eu.chargetime.ocpp.model.smartcharging.GetCompositeScheduleRequest;
import eu.chargetime.ocpp.model.smartcharging.GetCompositeScheduleStatus;
import eu.chargetime.ocpp.model.core.ChargingRateUnitType;
import eu.chargetime.ocpp.model.core.ChargingSchedule;
import eu.chargetime.ocpp.model.core.ChargingSchedulePeriod;
import java.util.List;
import eu.chargetime.ocpp.model.smartcharging.SetChargingProfileConfirmation;
import eu.chargetime.ocpp.model.smartcharging.SetChargingProfileRequest;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A simulated OCPP 1.6J charge point on the library's client side ({@link JSONClient}), for the
 * tests, the demo and the benchmarks: it boots, reports status, charges, sends meter values and
 * takes the central system's configuration and charging profiles. Transaction-related messages
 * (start, stop, meter values) go through an outbox: one is removed only when the central system
 * answered it, so a message whose answer was lost in a disconnection is sent again after
 * {@link #connect} (the central system takes it once).
 */
public final class ChargePoint implements AutoCloseable {
    private final String url;
    private final String stationId;
    private final String password;
    private final long timeoutMs;
    private final Map<String, String> configuration = new ConcurrentHashMap<>();
    private final Map<Integer, ChargingProfile> profiles = new ConcurrentHashMap<>();
    private final ArrayDeque<Request> outbox = new ArrayDeque<>();
    private volatile JSONClient client;
    private volatile CountDownLatch opened;
    private volatile boolean connected;
    private volatile String profileAnswer = "Accepted";

    public ChargePoint(final String url, final String stationId, final String password, final long timeoutMs) {
        this(url, stationId, password, timeoutMs, System::currentTimeMillis);
    }

    /** A station whose own clock is {@code clock} (a replay's, in the demo): its composite schedule starts at its "now". */
    public ChargePoint(final String url, final String stationId, final String password, final long timeoutMs,
            final java.util.function.LongSupplier clock) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.stationId = stationId;
        this.password = password;
        this.timeoutMs = timeoutMs;
        this.clock = clock;
    }

    private final java.util.function.LongSupplier clock;

    /** What a station without any profile can draw, W (a 32 A three-phase connector). */
    public static final double MAX_W = 22_000;

    public String stationId() {
        return stationId;
    }

    /** What the central system configured (ChangeConfiguration), key to value. */
    public Map<String, String> configuration() {
        return configuration;
    }

    /** The charging profiles in force, by chargingProfileId. */
    public Map<Integer, ChargingProfile> profiles() {
        return profiles;
    }

    /** How this station answers SetChargingProfile from now on: Accepted, Rejected or NotSupported. */
    public void answerProfilesWith(final String status) {
        this.profileAnswer = status;
    }

    /**
     * The limit (W) in force at {@code at}, or {@code max} when none limits it: as OCPP 1.6 says for
     * ChargePointMaxProfiles, the profile valid at that time with the highest stack level prevails,
     * and within it the schedule period that has started (periods from startSchedule, else validFrom).
     */
    public double limitW(final Instant at, final double max) {
        ChargingProfile prevailing = null;
        for (final ChargingProfile p : profiles.values()) {
            if (p.getChargingSchedule() == null || p.getChargingSchedule().getChargingSchedulePeriod() == null) {
                continue;
            }
            final boolean inForce = (p.getValidFrom() == null || !at.isBefore(p.getValidFrom().toInstant()))
                    && (p.getValidTo() == null || at.isBefore(p.getValidTo().toInstant()));
            if (inForce && (prevailing == null || p.getStackLevel() > prevailing.getStackLevel())) {
                prevailing = p;
            }
        }
        if (prevailing == null) {
            return max;
        }
        final var schedule = prevailing.getChargingSchedule();
        final Instant begin = schedule.getStartSchedule() != null ? schedule.getStartSchedule().toInstant()
                : prevailing.getValidFrom() != null ? prevailing.getValidFrom().toInstant() : at;
        final long second = java.time.Duration.between(begin, at).toSeconds();
        if (second < 0 || schedule.getDuration() != null && second >= schedule.getDuration()) {
            return max;
        }
        Double limit = null;
        int startedAt = Integer.MIN_VALUE;
        for (final var period : schedule.getChargingSchedulePeriod()) {
            if (period.getStartPeriod() <= second && period.getStartPeriod() > startedAt) {
                startedAt = period.getStartPeriod();
                limit = period.getLimit();
            }
        }
        return limit == null ? max : Math.min(max, limit);
    }

    /**
     * The composite schedule from the station's now for {@code seconds}, in W: one period per stretch
     * of time in which the limit in force ({@link #limitW}) does not change, {@link #MAX_W} where none limits.
     */
    public GetCompositeScheduleConfirmation compositeSchedule(final int seconds) {
        final long start = clock.getAsLong();
        final long end = start + seconds * 1000L;
        final java.util.TreeSet<Long> cuts = new java.util.TreeSet<>(List.of(start));
        for (final ChargingProfile p : profiles.values()) {
            if (p.getValidFrom() != null) {
                cuts.add(p.getValidFrom().toInstant().toEpochMilli());
            }
            if (p.getValidTo() != null) {
                cuts.add(p.getValidTo().toInstant().toEpochMilli());
            }
            final var schedule = p.getChargingSchedule();
            if (schedule != null && schedule.getChargingSchedulePeriod() != null) {
                final long begin = schedule.getStartSchedule() != null ? schedule.getStartSchedule().toInstant().toEpochMilli()
                        : p.getValidFrom() != null ? p.getValidFrom().toInstant().toEpochMilli() : start;
                for (final var period : schedule.getChargingSchedulePeriod()) {
                    cuts.add(begin + period.getStartPeriod() * 1000L);
                }
                if (schedule.getDuration() != null) {
                    cuts.add(begin + schedule.getDuration() * 1000L);
                }
            }
        }
        final List<ChargingSchedulePeriod> periods = new java.util.ArrayList<>();
        double last = Double.NaN;
        for (final long cut : cuts.subSet(start, true, end, false)) {
            final double limit = limitW(Instant.ofEpochMilli(cut), MAX_W);
            if (limit != last) {
                periods.add(new ChargingSchedulePeriod((int) ((cut - start) / 1000), limit));
                last = limit;
            }
        }
        final ChargingSchedule schedule = new ChargingSchedule(ChargingRateUnitType.W, periods.toArray(new ChargingSchedulePeriod[0]));
        schedule.setDuration(seconds);
        schedule.setStartSchedule(time(start));
        final GetCompositeScheduleConfirmation answer = new GetCompositeScheduleConfirmation(GetCompositeScheduleStatus.Accepted);
        answer.setConnectorId(0);
        answer.setScheduleStart(time(start));
        answer.setChargingSchedule(schedule);
        return answer;
    }

    /** Opens the WebSocket (basic auth) and waits until it is open; then sends what the outbox still holds. */
    public void connect() throws IOException {
        final JSONConfiguration config = JSONConfiguration.get().setParameter(JSONConfiguration.USERNAME_PARAMETER, stationId)
                .setParameter(JSONConfiguration.PASSWORD_PARAMETER, password.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .setParameter(JSONConfiguration.CONNECT_TIMEOUT_IN_MS_PARAMETER, (int) timeoutMs);
        final ClientCoreProfile core = new ClientCoreProfile(new Core());
        final JSONClient c = new JSONClient(core, stationId, config);
        c.addFeatureProfile(new ClientSmartChargingProfile(new SmartCharging()));
        final CountDownLatch latch = new CountDownLatch(1);
        opened = latch;
        client = c;
        c.connect(url, new ClientEvents() {
            @Override
            public void connectionOpened() {
                connected = true;
                latch.countDown();
            }

            @Override
            public void connectionClosed() {
                connected = false;
                latch.countDown();
            }
        });
        try {
            if (!latch.await(timeoutMs, TimeUnit.MILLISECONDS) || !connected) {
                c.disconnect();
                throw new IOException("station '" + stationId + "' could not connect to " + url + " (refused, or no answer)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        flush();
    }

    public boolean connected() {
        return connected && client != null && !client.isClosed();
    }

    /** Drops the connection (as a station losing its network would). */
    public void disconnect() {
        final JSONClient c = client;
        connected = false;
        if (c != null) {
            c.disconnect();
        }
    }

    /** Sends one request and waits for its answer. */
    public Confirmation call(final Request request) throws IOException {
        final JSONClient c = client;
        if (c == null || !connected) {
            throw new IOException("station '" + stationId + "' is not connected");
        }
        try {
            return c.send(request).toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(String.valueOf(e.getCause().getMessage()), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("no answer to " + request.getClass().getSimpleName() + " within " + timeoutMs + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (Exception e) {
            throw new IOException(request.getClass().getSimpleName() + " not sent: " + e.getMessage(), e);
        }
    }

    public BootNotificationConfirmation boot(final String vendor, final String model) throws IOException {
        return (BootNotificationConfirmation) call(new BootNotificationRequest(vendor, model));
    }

    public void status(final int connectorId, final ChargePointStatus status) throws IOException {
        final StatusNotificationRequest r = new StatusNotificationRequest(connectorId, ChargePointErrorCode.NoError, status);
        r.setTimestamp(ZonedDateTime.now(ZoneOffset.UTC));
        call(r);
    }

    public void authorize(final String idTag) throws IOException {
        call(new AuthorizeRequest(idTag));
    }

    /** Starts a session (not through the outbox: the transaction id is needed at once). */
    public int start(final int connectorId, final String idTag, final long meterStartWh, final long at) throws IOException {
        final StartTransactionRequest r = new StartTransactionRequest(connectorId, idTag, (int) meterStartWh, time(at));
        return ((StartTransactionConfirmation) call(r)).getTransactionId();
    }

    /** A MeterValues message with the energy register (Wh) and the power (W) at {@code at}, queued and sent. */
    public void meterValues(final int connectorId, final Integer transactionId, final long at, final long powerW, final long energyWh,
            final String context) throws IOException {
        final SampledValue energy = new SampledValue(Long.toString(energyWh));
        energy.setMeasurand(CentralSystem.ENERGY);
        energy.setUnit("Wh");
        energy.setContext(context);
        final SampledValue power = new SampledValue(Long.toString(powerW));
        power.setMeasurand(CentralSystem.POWER);
        power.setUnit("W");
        power.setContext(context);
        final MeterValuesRequest r = new MeterValuesRequest(connectorId);
        r.setTransactionId(transactionId);
        r.setMeterValue(new MeterValue[] {new MeterValue(time(at), new SampledValue[] {energy, power})});
        queue(r);
    }

    public void stop(final int transactionId, final long meterStopWh, final long at) throws IOException {
        // the library's constructor takes (meterStop, timestamp, transactionId)
        queue(new StopTransactionRequest((int) meterStopWh, time(at), transactionId));
    }

    /** Queues a transaction-related message and sends the outbox in order while connected. */
    public void queue(final Request request) throws IOException {
        synchronized (outbox) {
            outbox.addLast(request);
        }
        if (connected()) {
            flush();
        }
    }

    /** Messages still waiting for an answer. */
    public int pending() {
        synchronized (outbox) {
            return outbox.size();
        }
    }

    /** Sends the outbox, oldest first; a message leaves only once answered. */
    public void flush() throws IOException {
        synchronized (outbox) {
            while (!outbox.isEmpty()) {
                call(outbox.peekFirst());
                outbox.removeFirst();
            }
        }
    }

    private static ZonedDateTime time(final long at) {
        return ZonedDateTime.ofInstant(Instant.ofEpochMilli(at), ZoneOffset.UTC);
    }

    @Override
    public void close() {
        disconnect();
    }

    private final class Core implements ClientCoreEventHandler {
        @Override
        public ChangeAvailabilityConfirmation handleChangeAvailabilityRequest(final ChangeAvailabilityRequest request) {
            return new ChangeAvailabilityConfirmation(AvailabilityStatus.Accepted);
        }

        @Override
        public GetConfigurationConfirmation handleGetConfigurationRequest(final GetConfigurationRequest request) {
            return new GetConfigurationConfirmation();
        }

        @Override
        public ChangeConfigurationConfirmation handleChangeConfigurationRequest(final ChangeConfigurationRequest request) {
            configuration.put(request.getKey(), request.getValue());
            return new ChangeConfigurationConfirmation(ConfigurationStatus.Accepted);
        }

        @Override
        public ClearCacheConfirmation handleClearCacheRequest(final ClearCacheRequest request) {
            return new ClearCacheConfirmation(ClearCacheStatus.Accepted);
        }

        @Override
        public DataTransferConfirmation handleDataTransferRequest(final DataTransferRequest request) {
            return new DataTransferConfirmation(DataTransferStatus.UnknownVendorId);
        }

        @Override
        public RemoteStartTransactionConfirmation handleRemoteStartTransactionRequest(final RemoteStartTransactionRequest request) {
            return new RemoteStartTransactionConfirmation(RemoteStartStopStatus.Rejected);
        }

        @Override
        public RemoteStopTransactionConfirmation handleRemoteStopTransactionRequest(final RemoteStopTransactionRequest request) {
            return new RemoteStopTransactionConfirmation(RemoteStartStopStatus.Rejected);
        }

        @Override
        public ResetConfirmation handleResetRequest(final ResetRequest request) {
            return new ResetConfirmation(ResetStatus.Rejected);
        }

        @Override
        public UnlockConnectorConfirmation handleUnlockConnectorRequest(final UnlockConnectorRequest request) {
            return new UnlockConnectorConfirmation(UnlockStatus.NotSupported);
        }
    }

    private final class SmartCharging implements ClientSmartChargingEventHandler {
        @Override
        public SetChargingProfileConfirmation handleSetChargingProfileRequest(final SetChargingProfileRequest request) {
            final ChargingProfileStatus status = ChargingProfileStatus.valueOf(profileAnswer);
            if (status == ChargingProfileStatus.Accepted) {
                profiles.put(request.getCsChargingProfiles().getChargingProfileId(), request.getCsChargingProfiles());
            }
            return new SetChargingProfileConfirmation(status);
        }

        @Override
        public ClearChargingProfileConfirmation handleClearChargingProfileRequest(final ClearChargingProfileRequest request) {
            final boolean removed = request.getId() != null ? profiles.remove(request.getId()) != null : !profiles.isEmpty();
            if (request.getId() == null) {
                profiles.clear();
            }
            return new ClearChargingProfileConfirmation(removed ? ClearChargingProfileStatus.Accepted : ClearChargingProfileStatus.Unknown);
        }

        @Override
        public GetCompositeScheduleConfirmation handleGetCompositeScheduleRequest(final GetCompositeScheduleRequest request) {
            final GetCompositeScheduleConfirmation answer = compositeSchedule(request.getDuration());
            answer.setConnectorId(request.getConnectorId());
            return answer;
        }
    }
}
