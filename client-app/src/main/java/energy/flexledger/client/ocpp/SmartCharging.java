package energy.flexledger.client.ocpp;

import eu.chargetime.ocpp.model.Confirmation;
import eu.chargetime.ocpp.model.Request;
import eu.chargetime.ocpp.model.core.ChargingProfile;
import eu.chargetime.ocpp.model.core.ChargingProfileKindType;
import eu.chargetime.ocpp.model.core.ChargingProfilePurposeType;
import eu.chargetime.ocpp.model.core.ChargingRateUnitType;
import eu.chargetime.ocpp.model.core.ChargingSchedule;
import eu.chargetime.ocpp.model.core.ChargingSchedulePeriod;
import eu.chargetime.ocpp.model.smartcharging.ClearChargingProfileConfirmation;
import eu.chargetime.ocpp.model.smartcharging.ClearChargingProfileRequest;
import eu.chargetime.ocpp.model.smartcharging.GetCompositeScheduleConfirmation;
import eu.chargetime.ocpp.model.smartcharging.GetCompositeScheduleRequest;
import eu.chargetime.ocpp.model.smartcharging.SetChargingProfileConfirmation;
import eu.chargetime.ocpp.model.smartcharging.SetChargingProfileRequest;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Smart charging for flexibility (decision 0024): when a DR event calls assets of this member's
 * stations (a station's id or one of its connector meters), every such station gets a
 * {@code ChargePointMaxProfile} (connector 0, stack level 1, an absolute schedule over the event's
 * window, one period at the per-station limit in W), checked with {@code GetCompositeSchedule},
 * and cleared with {@code ClearChargingProfile} when the window ends. What was sent and what each
 * station answered is kept ({@code ocpp profile}); a station that is not connected, rejects the
 * profile or does not show it in its composite schedule is reported.
 */
public final class SmartCharging {
    /** Sends a request to a connected station (the central system). */
    public interface Sender {
        CompletionStage<Confirmation> send(String stationId, Request request) throws IOException;
    }

    public static final String PURPOSE = "ChargePointMaxProfile";
    public static final int STACK_LEVEL = 1;

    private final OcppStore store;
    private final Sender sender;
    private final long limitW;
    private final ScheduledExecutorService timer;
    private final Consumer<Map<String, Object>> log;
    private final LongSupplier clock;

    public SmartCharging(final OcppStore store, final Sender sender, final long limitW, final ScheduledExecutorService timer,
            final Consumer<Map<String, Object>> log, final LongSupplier clock) {
        this.store = store;
        this.sender = sender;
        this.limitW = limitW;
        this.timer = timer;
        this.log = log;
        this.clock = clock;
    }

    /** A chaincode event as {@code ChaincodeEventFeed} gives it: acts on chaincode-dr's {@code DrEventCreated}. */
    @SuppressWarnings("unchecked")
    public void onChaincodeEvent(final Map<String, Object> event) {
        if (!"DrEventCreated".equals(event.get("event")) || !(event.get("payload") instanceof Map<?, ?> payload)) {
            return;
        }
        final Map<String, Object> p = (Map<String, Object>) payload;
        final List<String> assets = new ArrayList<>();
        if (p.get("assets") instanceof List<?> list) {
            list.forEach(a -> assets.add(String.valueOf(a)));
        }
        try {
            onDrEvent(String.valueOf(p.get("id")), ((Number) p.get("windowStart")).longValue(), ((Number) p.get("windowEnd")).longValue(),
                    assets, p.get("createdAt") instanceof Number n ? n.longValue() : clock.getAsLong());
        } catch (IOException | RuntimeException e) {
            log.accept(Map.of("event", "ocpp dr event not applied", "drEvent", String.valueOf(p.get("id")), "message",
                    String.valueOf(e.getMessage())));
        }
    }

    /** The stations of this gateway that {@code assets} name (the station itself or one of its connector meters). */
    List<String> stationsOf(final List<String> assets) throws IOException {
        final Set<String> out = new LinkedHashSet<>();
        for (final Map<String, Object> s : store.stations()) {
            final String id = (String) s.get("stationId");
            final long connectors = (Long) s.get("connectors");
            for (final String a : assets) {
                boolean hit = a.equals(id);
                for (int c = 1; c <= connectors && !hit; c++) {
                    hit = a.equals(CentralSystem.connectorMeter(id, c));
                }
                if (hit) {
                    out.add(id);
                }
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * Limits every station the event calls for its window. The returned stage completes when every
     * station answered (or could not be reached), with a summary: stations, accepted, refused, the
     * milliseconds from the event's commit ({@code committedAt}) to the last accepted profile.
     */
    public CompletionStage<Map<String, Object>> onDrEvent(final String eventId, final long windowStart, final long windowEnd,
            final List<String> assets, final long committedAt) throws IOException {
        if (windowEnd <= clock.getAsLong()) {
            log.accept(Map.of("event", "ocpp dr event over", "drEvent", eventId, "message", "its window has ended: no profile sent"));
            return CompletableFuture.completedFuture(Map.of("drEvent", eventId, "stations", 0L));
        }
        final List<String> stations = stationsOf(assets);
        final List<CompletableFuture<String>> answers = new ArrayList<>();
        for (final String station : stations) {
            answers.add(limit(station, "dr:" + eventId, windowStart, windowEnd).toCompletableFuture());
        }
        return CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("event", "ocpp dr profiles");
            out.put("drEvent", eventId);
            out.put("stations", (long) stations.size());
            long accepted = 0;
            final List<Object> refused = new ArrayList<>();
            for (int i = 0; i < stations.size(); i++) {
                final String status = answers.get(i).join();
                if ("Accepted".equals(status)) {
                    accepted++;
                } else {
                    refused.add(Map.of("stationId", stations.get(i), "status", status));
                }
            }
            out.put("accepted", accepted);
            out.put("refused", refused);
            out.put("msFromCommit", clock.getAsLong() - committedAt);
            log.accept(out);
            return out;
        });
    }

    /** Sends one station its limit for [from, to); completes with the outcome (Accepted, Rejected, NotSupported, NOT_CONNECTED, ...). */
    CompletionStage<String> limit(final String station, final String source, final long from, final long to) throws IOException {
        final int id = store.profileSent(station, source, PURPOSE, STACK_LEVEL, from, to, limitW);
        final CompletionStage<String> outcome = deliver(station, id, from, to, limitW);
        final long untilEnd = to - clock.getAsLong();
        timer.schedule(() -> clear(station, id), Math.max(0, untilEnd), TimeUnit.MILLISECONDS);
        return outcome;
    }

    /**
     * A station (re)connected: the profiles it could not get (it was offline, or did not answer)
     * whose window has not ended are sent again, under the same id.
     */
    public void resend(final String station) {
        try {
            for (final Map<String, Object> p : store.profiles(station)) {
                final String status = String.valueOf(p.get("status"));
                final long to = (Long) p.get("validTo");
                if (p.get("clearedAt") == null && to > clock.getAsLong() && ("NOT_CONNECTED".equals(status) || "NO_ANSWER".equals(status))) {
                    deliver(station, ((Long) p.get("chargingProfileId")).intValue(), (Long) p.get("validFrom"), to, (Long) p.get("limitW"))
                            .thenAccept(outcome -> log.accept(Map.of("event", "ocpp profile sent again", "stationId", station,
                                    "chargingProfileId", p.get("chargingProfileId"), "status", outcome)));
                }
            }
        } catch (IOException | RuntimeException e) {
            log.accept(Map.of("event", "ocpp profiles not sent again", "stationId", station, "message", String.valueOf(e.getMessage())));
        }
    }

    private CompletionStage<String> deliver(final String station, final int id, final long from, final long to, final long watts) {
        final int duration = (int) Math.max(1, (to - from) / 1000);
        final ChargingSchedule schedule = new ChargingSchedule(ChargingRateUnitType.W,
                new ChargingSchedulePeriod[] {new ChargingSchedulePeriod(0, (double) watts)});
        schedule.setDuration(duration);
        schedule.setStartSchedule(time(from));
        final ChargingProfile profile = new ChargingProfile(id, STACK_LEVEL, ChargingProfilePurposeType.ChargePointMaxProfile,
                ChargingProfileKindType.Absolute, schedule);
        profile.setValidFrom(time(from));
        profile.setValidTo(time(to));
        final CompletableFuture<String> outcome = new CompletableFuture<>();
        try {
            sender.send(station, new SetChargingProfileRequest(0, profile)).whenComplete((answer, error) -> {
                final String status = error != null ? "NO_ANSWER" : String.valueOf(((SetChargingProfileConfirmation) answer).getStatus());
                record(id, status, null);
                if (!"Accepted".equals(status)) {
                    report(station, id, status, error);
                    outcome.complete(status);
                    return;
                }
                check(station, id, duration, watts, outcome);
            });
        } catch (IOException e) {
            record(id, "NOT_CONNECTED", null);
            report(station, id, "NOT_CONNECTED", e);
            outcome.complete("NOT_CONNECTED");
        }
        return outcome;
    }

    /** Asks the station's composite schedule: the limit must be in it, or the profile counts as dropped. */
    private void check(final String station, final int id, final int duration, final long watts, final CompletableFuture<String> outcome) {
        final GetCompositeScheduleRequest ask = new GetCompositeScheduleRequest(0, duration);
        ask.setChargingRateUnit(eu.chargetime.ocpp.model.smartcharging.ChargingRateUnitType.W);
        try {
            sender.send(station, ask).whenComplete((answer, error) -> {
                final String seen = error != null ? "no answer: " + error.getMessage() : describe((GetCompositeScheduleConfirmation) answer);
                final boolean inForce = error == null && limitOf((GetCompositeScheduleConfirmation) answer) <= watts;
                record(id, inForce ? "Accepted" : "DROPPED", seen);
                if (!inForce) {
                    report(station, id, "DROPPED", error);
                }
                outcome.complete(inForce ? "Accepted" : "DROPPED");
            });
        } catch (IOException e) {
            record(id, "Accepted", "not checked: " + e.getMessage());
            outcome.complete("Accepted");
        }
    }

    static double limitOf(final GetCompositeScheduleConfirmation answer) {
        if (answer == null || answer.getChargingSchedule() == null || answer.getChargingSchedule().getChargingSchedulePeriod() == null) {
            return Double.POSITIVE_INFINITY;
        }
        double min = Double.POSITIVE_INFINITY;
        for (final ChargingSchedulePeriod p : answer.getChargingSchedule().getChargingSchedulePeriod()) {
            min = Math.min(min, p.getLimit());
        }
        return min;
    }

    static String describe(final GetCompositeScheduleConfirmation answer) {
        final double limit = limitOf(answer);
        return answer.getStatus() + (Double.isInfinite(limit) ? ", no limit" : ", limit " + Math.round(limit) + " W");
    }

    /** Clears the profile when its window has ended. */
    void clear(final String station, final int id) {
        final ClearChargingProfileRequest clear = new ClearChargingProfileRequest();
        clear.setId(id);
        try {
            sender.send(station, clear).whenComplete((answer, error) -> {
                if (error == null) {
                    try {
                        store.profileCleared(id);
                    } catch (IOException e) {
                        log.accept(Map.of("event", "ocpp profile clear not recorded", "chargingProfileId", (long) id));
                    }
                    log.accept(Map.of("event", "ocpp profile cleared", "stationId", station, "chargingProfileId", (long) id, "status",
                            String.valueOf(((ClearChargingProfileConfirmation) answer).getStatus())));
                } else {
                    report(station, id, "CLEAR_FAILED", error);
                }
            });
        } catch (IOException e) {
            // Not connected: the station drops the profile itself at its validTo.
            report(station, id, "CLEAR_NOT_SENT", e);
        }
    }

    private void record(final int id, final String status, final String checked) {
        try {
            store.profileAnswered(id, status, checked);
        } catch (IOException e) {
            log.accept(Map.of("event", "ocpp profile answer not recorded", "chargingProfileId", (long) id, "status", status));
        }
    }

    private void report(final String station, final int id, final String status, final Throwable error) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "ocpp profile not in force");
        m.put("stationId", station);
        m.put("chargingProfileId", (long) id);
        m.put("status", status);
        if (error != null) {
            m.put("message", String.valueOf(error.getMessage()));
        }
        log.accept(m);
    }

    private static ZonedDateTime time(final long ms) {
        return ZonedDateTime.ofInstant(Instant.ofEpochMilli(ms), ZoneOffset.UTC);
    }
}
