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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Smart charging for flexibility (decision 0024). When a DR event (chaincode-dr's
 * {@code DrEventCreated}) or a cleared flexibility request (chaincode-market's
 * {@code FlexRequestCleared}, for the awards of this member's offers) calls assets of this member's
 * stations (a station's id or one of its connector meters), every such station gets a
 * {@code ChargePointMaxProfile} (connector 0, an absolute schedule over the window, one period at
 * the per-station limit in W, on the lowest stack level none of the station's uncleared profiles
 * holds), checked with {@code GetCompositeSchedule}. {@link #clearEnded} clears every recorded
 * profile whose window has ended, from the records in {@code ocpp.db}, so clears survive a restart;
 * the gateway calls it periodically. What was sent and what each station answered is kept
 * ({@code ocpp profile}); a station that is not connected, rejects the profile or does not show it in
 * its composite schedule is reported.
 */
public final class SmartCharging {
    /** Sends a request to a connected station (the central system). */
    public interface Sender {
        CompletionStage<Confirmation> send(String stationId, Request request) throws IOException;
    }

    /** What smart charging reads of chaincode-market: a request's terms and its offers ({@code GetRequest}, {@code ListOffers}). */
    public interface Market {
        Map<String, Object> request(String requestId) throws IOException;

        List<Map<String, Object>> offers(String requestId) throws IOException;
    }

    public static final String PURPOSE = "ChargePointMaxProfile";
    public static final int STACK_LEVEL = 1;
    /** An outcome whose answer could not be written to ocpp.db (logged as "ocpp profile answer not recorded"). */
    public static final String NOT_RECORDED = "NOT_RECORDED";

    private final OcppStore store;
    private final Sender sender;
    private final long limitW;
    private final Market market;
    private final String mspId;
    private final Consumer<Map<String, Object>> log;
    private final LongSupplier clock;
    /** Profiles whose ClearChargingProfile is out (not sent again until it is answered or failed). */
    private final Set<Integer> clearing = ConcurrentHashMap.newKeySet();
    /** Profiles whose clear failed and was reported: reported once, retried quietly by every {@link #clearEnded}. */
    private final Set<Integer> clearReported = ConcurrentHashMap.newKeySet();
    /** Profiles whose SetChargingProfile (and check) is out: a reconnect does not send them again meanwhile. */
    private final Set<Integer> inFlight = ConcurrentHashMap.newKeySet();

    /**
     * Smart charging from DR events only (no market events). Profiles are cleared by
     * {@link #clearEnded}, which the caller runs (the gateway every few seconds, a replay at its own times).
     */
    public SmartCharging(final OcppStore store, final Sender sender, final long limitW, final Consumer<Map<String, Object>> log,
            final LongSupplier clock) {
        this(store, sender, limitW, null, null, log, clock);
    }

    /**
     * Smart charging from DR events and, with a {@code market}, from the clearings of flexibility
     * requests that award offers of {@code mspId} (this gateway's member).
     */
    public SmartCharging(final OcppStore store, final Sender sender, final long limitW, final Market market, final String mspId,
            final Consumer<Map<String, Object>> log, final LongSupplier clock) {
        this.store = store;
        this.sender = sender;
        this.limitW = limitW;
        this.market = market;
        this.mspId = mspId;
        this.log = log;
        this.clock = clock;
    }

    /**
     * A chaincode event as {@code ChaincodeEventFeed} gives it: acts on chaincode-dr's
     * {@code DrEventCreated} and chaincode-market's {@code FlexRequestCleared}; every other event is
     * ignored. A failure is logged, never thrown (the feed goes on with the next event).
     */
    @SuppressWarnings("unchecked")
    public void onChaincodeEvent(final Map<String, Object> event) {
        if (!(event.get("payload") instanceof Map<?, ?> payload)) {
            return;
        }
        final Map<String, Object> p = (Map<String, Object>) payload;
        if ("DrEventCreated".equals(event.get("event"))) {
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
        } else if ("FlexRequestCleared".equals(event.get("event"))) {
            final List<String> awarded = new ArrayList<>();
            if (p.get("output") instanceof Map<?, ?> output && output.get("awards") instanceof List<?> awards) {
                for (final Object a : awards) {
                    if (a instanceof Map<?, ?> award && award.get("offerId") != null) {
                        awarded.add(String.valueOf(award.get("offerId")));
                    }
                }
            }
            try {
                onRequestCleared(String.valueOf(p.get("requestId")), awarded,
                        p.get("clearedAt") instanceof Number n ? n.longValue() : clock.getAsLong());
            } catch (IOException | RuntimeException e) {
                log.accept(Map.of("event", "ocpp market clearing not applied", "requestId", String.valueOf(p.get("requestId")), "message",
                        String.valueOf(e.getMessage())));
            }
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
        final List<String> sources = new ArrayList<>();
        for (int i = 0; i < stations.size(); i++) {
            sources.add("dr:" + eventId);
        }
        final List<CompletableFuture<String>> answers = limitAll(stations, sources, windowStart, windowEnd);
        final Map<String, Object> head = new LinkedHashMap<>();
        head.put("event", "ocpp dr profiles");
        head.put("drEvent", eventId);
        return summary(head, stations, sources, answers, committedAt);
    }

    /**
     * A flexibility request was cleared: for every award of an offer this member made (its
     * {@code provider} is this gateway's MSP) whose assets name stations of this gateway, each such
     * station is limited over the request's delivery window, recorded as
     * {@code market:<requestId>/<offerId>}. Offers of other members are left alone even when they
     * name this member's assets (an offer's assets are the provider's word; its provider is the
     * ledger's). The request and its offers are read from chaincode-market. The stage completes as
     * {@link #onDrEvent}'s does, with the summary ({@code offers}: this member's awarded offers).
     */
    @SuppressWarnings("unchecked")
    public CompletionStage<Map<String, Object>> onRequestCleared(final String requestId, final List<String> awardedOfferIds,
            final long committedAt) throws IOException {
        final Map<String, Object> head = new LinkedHashMap<>();
        head.put("event", "ocpp market profiles");
        head.put("requestId", requestId);
        if (market == null || awardedOfferIds.isEmpty()) {
            return CompletableFuture.completedFuture(withStations(head, 0L));
        }
        final Map<String, Object> request = market.request(requestId);
        final long windowStart = ((Number) request.get("windowStart")).longValue();
        final long windowEnd = ((Number) request.get("windowEnd")).longValue();
        final List<String> stations = new ArrayList<>();
        final List<String> sources = new ArrayList<>();
        long ours = 0;
        for (final Map<String, Object> offer : market.offers(requestId)) {
            final String offerId = String.valueOf(offer.get("offerId"));
            if (!awardedOfferIds.contains(offerId) || mspId == null || !mspId.equals(offer.get("provider"))) {
                continue;
            }
            final List<String> assets = new ArrayList<>();
            if (offer.get("assets") instanceof List<?> list) {
                list.forEach(x -> assets.add(String.valueOf(x)));
            }
            ours++;
            for (final String station : stationsOf(assets)) {
                stations.add(station);
                sources.add("market:" + requestId + "/" + offerId);
            }
        }
        head.put("offers", ours);
        if (stations.isEmpty()) {
            return CompletableFuture.completedFuture(withStations(head, 0L));
        }
        if (windowEnd <= clock.getAsLong()) {
            log.accept(Map.of("event", "ocpp market request over", "requestId", requestId, "message",
                    "its delivery window has ended: no profile sent"));
            return CompletableFuture.completedFuture(withStations(head, 0L));
        }
        return summary(head, stations, sources, limitAll(stations, sources, windowStart, windowEnd), committedAt);
    }

    private static Map<String, Object> withStations(final Map<String, Object> head, final long stations) {
        head.put("stations", stations);
        return head;
    }

    private CompletionStage<Map<String, Object>> summary(final Map<String, Object> head, final List<String> stations, final List<String> sources,
            final List<CompletableFuture<String>> answers, final long committedAt) {
        return CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
            final Map<String, Object> out = new LinkedHashMap<>(head);
            out.put("stations", (long) stations.size());
            long accepted = 0;
            final List<Object> refused = new ArrayList<>();
            for (int i = 0; i < stations.size(); i++) {
                final String status = answers.get(i).join();
                if ("Accepted".equals(status)) {
                    accepted++;
                } else {
                    final Map<String, Object> r = new LinkedHashMap<>();
                    r.put("stationId", stations.get(i));
                    r.put("source", sources.get(i));
                    r.put("status", status);
                    refused.add(r);
                }
            }
            out.put("accepted", accepted);
            out.put("refused", refused);
            out.put("msFromCommit", clock.getAsLong() - committedAt);
            log.accept(out);
            return out;
        });
    }

    /**
     * Sends one station its limit for [from, to) on the lowest stack level none of its uncleared
     * profiles holds (a profile on the same purpose and level would replace one still in force);
     * completes with the outcome (Accepted, Rejected, NotSupported, NOT_CONNECTED, ...). A source the
     * station already has a profile for (an event delivered again after a restart) sends nothing
     * and completes with that profile's recorded status.
     */
    CompletionStage<String> limit(final String station, final String source, final long from, final long to) throws IOException {
        return limitAll(List.of(station), List.of(source), from, to).get(0);
    }

    /**
     * {@link #limit} for many stations at once: every profile is recorded in one store transaction
     * (a DR event calling thousands of stations is one commit, not thousands), then all are sent.
     */
    List<CompletableFuture<String>> limitAll(final List<String> stations, final List<String> sources, final long from, final long to)
            throws IOException {
        final List<OcppStore.PlannedProfile> planned = new ArrayList<>();
        for (int i = 0; i < stations.size(); i++) {
            planned.add(new OcppStore.PlannedProfile(stations.get(i), sources.get(i), PURPOSE, from, to, limitW));
        }
        final List<OcppStore.SentProfile> sent;
        synchronized (this) {
            sent = store.profilesSent(planned, STACK_LEVEL);
        }
        final List<CompletableFuture<String>> out = new ArrayList<>();
        for (int i = 0; i < stations.size(); i++) {
            final OcppStore.SentProfile p = sent.get(i);
            out.add(p.existingStatus() != null ? CompletableFuture.completedFuture(p.existingStatus())
                    : deliver(stations.get(i), p.id(), p.stackLevel(), from, to, limitW).toCompletableFuture());
        }
        return out;
    }

    /**
     * A station (re)connected: the profiles it could not get (it was offline, did not answer, or the
     * gateway stopped before its answer was recorded) whose window has not ended are sent again,
     * under the same id and stack level (the same id replaces, never adds).
     */
    public void resend(final String station) {
        try {
            for (final Map<String, Object> p : store.profiles(station)) {
                final String status = String.valueOf(p.get("status"));
                final long to = (Long) p.get("validTo");
                if (p.get("clearedAt") == null && to > clock.getAsLong() && !inFlight.contains(((Long) p.get("chargingProfileId")).intValue())
                        && ("NOT_CONNECTED".equals(status) || "NO_ANSWER".equals(status) || "SENT".equals(status))) {
                    deliver(station, ((Long) p.get("chargingProfileId")).intValue(), ((Long) p.get("stackLevel")).intValue(),
                            (Long) p.get("validFrom"), to, (Long) p.get("limitW"))
                            .thenAccept(outcome -> log.accept(Map.of("event", "ocpp profile sent again", "stationId", station,
                                    "chargingProfileId", p.get("chargingProfileId"), "status", outcome)));
                }
            }
        } catch (IOException | RuntimeException e) {
            log.accept(Map.of("event", "ocpp profiles not sent again", "stationId", station, "message", String.valueOf(e.getMessage())));
        }
    }

    private CompletionStage<String> deliver(final String station, final int id, final int stackLevel, final long from, final long to,
            final long watts) {
        final int duration = (int) Math.max(1, (to - from) / 1000);
        final ChargingSchedule schedule = new ChargingSchedule(ChargingRateUnitType.W,
                new ChargingSchedulePeriod[] {new ChargingSchedulePeriod(0, (double) watts)});
        schedule.setDuration(duration);
        schedule.setStartSchedule(time(from));
        final ChargingProfile profile = new ChargingProfile(id, stackLevel, ChargingProfilePurposeType.ChargePointMaxProfile,
                ChargingProfileKindType.Absolute, schedule);
        profile.setValidFrom(time(from));
        profile.setValidTo(time(to));
        final CompletableFuture<String> outcome = new CompletableFuture<>();
        if (!inFlight.add(id)) {
            // Already on its way (a station that reconnects while the event's profiles go out): one send, one outcome.
            outcome.complete("IN_FLIGHT");
            return outcome;
        }
        outcome.whenComplete((status, error) -> inFlight.remove(id));
        try {
            ask(station, new SetChargingProfileRequest(0, profile)).whenComplete((answer, error) -> {
                final String status = error != null ? "NO_ANSWER" : String.valueOf(((SetChargingProfileConfirmation) answer).getStatus());
                if (!"Accepted".equals(status)) {
                    report(station, id, status, error);
                    record(id, status, null).whenComplete((v, e) -> outcome.complete(e == null ? status : NOT_RECORDED));
                    return;
                }
                record(id, status, null);
                // The composite schedule from now to the window's end: it must show the limit.
                check(station, id, from, to, watts, outcome);
            });
        } catch (IOException e) {
            report(station, id, "NOT_CONNECTED", e);
            record(id, "NOT_CONNECTED", null).whenComplete((v, x) -> outcome.complete(x == null ? "NOT_CONNECTED" : NOT_RECORDED));
        }
        return outcome;
    }

    /** Asks the station's composite schedule: the limit must be in it, or the profile counts as dropped. */
    /**
     * Asks the station's composite schedule from now to the window's end: our limit must be in force
     * in it, in W, throughout the part of the window it covers (or the profile counts as dropped).
     */
    private void check(final String station, final int id, final long from, final long to, final long watts,
            final CompletableFuture<String> outcome) {
        final long askedAt = clock.getAsLong();
        final GetCompositeScheduleRequest ask = new GetCompositeScheduleRequest(0, (int) Math.max(1, (to - askedAt) / 1000));
        ask.setChargingRateUnit(eu.chargetime.ocpp.model.smartcharging.ChargingRateUnitType.W);
        try {
            ask(station, ask).whenComplete((answer, error) -> {
                final GetCompositeScheduleConfirmation composite = (GetCompositeScheduleConfirmation) answer;
                final double limit = error != null ? Double.NaN : limitDuring(composite, askedAt, from, to);
                final boolean inForce = !Double.isNaN(limit) && limit <= watts;
                final String seen = error != null ? "no answer: " + error.getMessage() : describe(composite, limit);
                if (!inForce) {
                    report(station, id, "DROPPED", error);
                }
                record(id, inForce ? "Accepted" : "DROPPED", seen)
                        .whenComplete((v, e) -> outcome.complete(e != null ? NOT_RECORDED : inForce ? "Accepted" : "DROPPED"));
            });
        } catch (IOException e) {
            record(id, "Accepted", "not checked: " + e.getMessage()).whenComplete((v, x) -> outcome.complete(x == null ? "Accepted" : NOT_RECORDED));
        }
    }

    /**
     * The highest limit (W) the composite schedule sets at any time in [from, to) that it covers —
     * our profile is in force only if even that is at most ours; +infinity when some part of it has
     * no limit; NaN when the answer cannot show it (not Accepted, no schedule, not in W, or covering
     * none of the window). {@code askedAt} stands in for a missing scheduleStart.
     */
    static double limitDuring(final GetCompositeScheduleConfirmation answer, final long askedAt, final long from, final long to) {
        if (answer == null || !"Accepted".equals(String.valueOf(answer.getStatus())) || answer.getChargingSchedule() == null
                || answer.getChargingSchedule().getChargingSchedulePeriod() == null
                || answer.getChargingSchedule().getChargingSchedulePeriod().length == 0
                || answer.getChargingSchedule().getChargingRateUnit() != ChargingRateUnitType.W) {
            return Double.NaN;
        }
        final ChargingSchedule schedule = answer.getChargingSchedule();
        final long start = answer.getScheduleStart() != null ? answer.getScheduleStart().toInstant().toEpochMilli()
                : schedule.getStartSchedule() != null ? schedule.getStartSchedule().toInstant().toEpochMilli() : askedAt;
        final long end = schedule.getDuration() != null ? start + schedule.getDuration() * 1000L : Long.MAX_VALUE;
        final ChargingSchedulePeriod[] periods = schedule.getChargingSchedulePeriod().clone();
        java.util.Arrays.sort(periods, java.util.Comparator.comparingInt(ChargingSchedulePeriod::getStartPeriod));
        double highest = Double.NaN;
        for (int i = 0; i < periods.length; i++) {
            final long pFrom = start + periods[i].getStartPeriod() * 1000L;
            final long pTo = i + 1 < periods.length ? start + periods[i + 1].getStartPeriod() * 1000L : end;
            // OCPP's date-times travel to the second: a sliver under a second at either end of the window is rounding.
            if (pFrom < to - 1_000L && pTo > from + 1_000L && pFrom < pTo) {
                final double limit = periods[i].getLimit() == null ? Double.POSITIVE_INFINITY : periods[i].getLimit();
                highest = Double.isNaN(highest) ? limit : Math.max(highest, limit);
            }
        }
        if (!Double.isNaN(highest) && start > Math.max(from, askedAt) + CLOCK_SKEW_MS) {
            return Double.POSITIVE_INFINITY;   // the schedule starts after our window does: unlimited before it
        }
        return highest;
    }

    static String describe(final GetCompositeScheduleConfirmation answer, final double limit) {
        if (Double.isNaN(limit)) {
            final ChargingSchedule schedule = answer == null ? null : answer.getChargingSchedule();
            return (answer == null ? "no answer" : String.valueOf(answer.getStatus()))
                    + (schedule != null && schedule.getChargingRateUnit() != null && schedule.getChargingRateUnit() != ChargingRateUnitType.W
                            ? ", in " + schedule.getChargingRateUnit() + ", not W: cannot be checked" : ", no schedule over the window");
        }
        return answer.getStatus() + (Double.isInfinite(limit) ? ", no limit" : ", limit " + Math.round(limit) + " W");
    }

    /**
     * Clears every recorded profile not cleared yet whose window has ended ({@code validTo} at or
     * before the clock), from {@code ocpp.db}: a gateway that restarted clears what the one before
     * sent. A station that is not connected, or does not answer, keeps its profile uncleared here and
     * is tried again by the next call (it stops applying the profile at its {@code validTo} anyway);
     * that failure is reported once per profile. A clear still waiting for its answer is not sent
     * again. The stage completes when every clear sent now was answered or failed, with
     * {@code {ended, cleared, notCleared: [ids]}}. Never throws: a store failure is logged.
     */
    public CompletionStage<Map<String, Object>> clearEnded() {
        return clearEnded(station -> true);
    }

    /** {@link #clearEnded()} for the profiles of the stations {@code ofStations} accepts only. */
    public CompletionStage<Map<String, Object>> clearEnded(final java.util.function.Predicate<String> ofStations) {
        final List<Map<String, Object>> ended;
        try {
            ended = store.endedProfiles(clock.getAsLong()).stream().filter(p -> ofStations.test((String) p.get("stationId"))).toList();
        } catch (IOException | RuntimeException e) {
            log.accept(Map.of("event", "ocpp profiles not cleared", "message", String.valueOf(e.getMessage())));
            return CompletableFuture.completedFuture(Map.of("ended", 0L, "cleared", 0L, "notCleared", List.of()));
        }
        final List<Long> ids = new ArrayList<>();
        final List<CompletableFuture<Boolean>> outcomes = new ArrayList<>();
        for (final Map<String, Object> p : ended) {
            final int id = ((Long) p.get("chargingProfileId")).intValue();
            if (clearing.add(id)) {
                ids.add((long) id);
                outcomes.add(clear((String) p.get("stationId"), id).toCompletableFuture().whenComplete((ok, error) -> clearing.remove(id)));
            }
        }
        return CompletableFuture.allOf(outcomes.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
            long cleared = 0;
            final List<Long> notCleared = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                if (outcomes.get(i).join()) {
                    cleared++;
                } else {
                    notCleared.add(ids.get(i));
                }
            }
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("ended", (long) ids.size());
            out.put("cleared", cleared);
            out.put("notCleared", notCleared);
            return out;
        });
    }

    /** Sends one ClearChargingProfile; completes with true once the station answered and the clear is recorded. */
    CompletionStage<Boolean> clear(final String station, final int id) {
        final ClearChargingProfileRequest clear = new ClearChargingProfileRequest();
        clear.setId(id);
        final CompletableFuture<Boolean> done = new CompletableFuture<>();
        try {
            ask(station, clear).whenComplete((answer, error) -> {
                if (error != null) {
                    reportClear(station, id, "CLEAR_FAILED", error);
                    done.complete(false);
                    return;
                }
                try {
                    store.profileCleared(id);
                } catch (IOException e) {
                    log.accept(Map.of("event", "ocpp profile clear not recorded", "chargingProfileId", (long) id));
                    done.complete(false);
                    return;
                }
                clearReported.remove(id);
                // Unknown: the station no longer holds it (it dropped it at validTo, or never took it).
                log.accept(Map.of("event", "ocpp profile cleared", "stationId", station, "chargingProfileId", (long) id, "status",
                        String.valueOf(((ClearChargingProfileConfirmation) answer).getStatus())));
                done.complete(true);
            });
        } catch (IOException | RuntimeException e) {
            // Not connected: tried again by the next clearEnded; the station stops applying it at its validTo.
            reportClear(station, id, "CLEAR_NOT_SENT", e);
            done.complete(false);
        }
        return done;
    }

    private void reportClear(final String station, final int id, final String status, final Throwable error) {
        if (clearReported.add(id)) {
            final Map<String, Object> m = problem("ocpp profile not cleared", station, id, status, error);
            m.put("next", "tried again by the next clear; the station stops applying it at its validTo");
            log.accept(m);
        }
    }

    /** How far a station's clock may differ from ours before a schedule that starts late counts as a gap. */
    static final long CLOCK_SKEW_MS = 60_000L;

    /** How long a station has to answer a request before it counts as not answered (the library waits for ever). */
    static final long ANSWER_TIMEOUT_MS = 30_000L;

    private long answerTimeoutMs = ANSWER_TIMEOUT_MS;

    /** For tests: a shorter wait for a station's answer. */
    SmartCharging answerTimeout(final long millis) {
        this.answerTimeoutMs = millis;
        return this;
    }

    /**
     * Sends a request and completes with the station's answer, or exceptionally when it has not
     * answered within the answer timeout: the OCPP library completes a request only on an answer,
     * never when the connection drops, so without it a silent station would hold a profile's outcome
     * (and a clear) open for ever.
     */
    private CompletableFuture<Confirmation> ask(final String station, final Request request) throws IOException {
        final String action = request.getClass().getSimpleName().replace("Request", "");
        return sender.send(station, request).toCompletableFuture().copy().orTimeout(answerTimeoutMs, TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(e instanceof java.util.concurrent.TimeoutException
                        || e.getCause() instanceof java.util.concurrent.TimeoutException
                        ? new IOException("station '" + station + "' did not answer " + action + " within " + answerTimeoutMs + " ms") : e));
    }

    /** An answer waiting to be recorded, and who waits for it. */
    private record Pending(OcppStore.ProfileAnswer answer, CompletableFuture<Void> done) {
    }

    private final java.util.concurrent.ConcurrentLinkedQueue<Pending> answers = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean recording = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Records a station's answer; the stage completes once it is committed (or its commit failed,
     * which is logged). Answers that arrive together are committed together: the thread that finds
     * no one recording writes everything queued in one transaction, in arrival order, and looks
     * again before it leaves; the others only queue (thousands of stations answering a DR event
     * make a few commits, not thousands).
     */
    private CompletableFuture<Void> record(final int id, final String status, final String checked) {
        final Pending mine = new Pending(new OcppStore.ProfileAnswer(id, status, checked), new CompletableFuture<>());
        answers.add(mine);
        while (!answers.isEmpty() && recording.compareAndSet(false, true)) {
            final List<Pending> batch = new ArrayList<>();
            try {
                for (Pending p = answers.poll(); p != null; p = answers.poll()) {
                    batch.add(p);
                }
                store.profilesAnswered(batch.stream().map(Pending::answer).toList());
                recording.set(false);
                batch.forEach(p -> p.done().complete(null));
            } catch (IOException | RuntimeException e) {
                recording.set(false);
                for (final Pending p : batch) {
                    log.accept(Map.of("event", "ocpp profile answer not recorded", "chargingProfileId", (long) p.answer().id(), "status",
                            p.answer().status(), "message", String.valueOf(e.getMessage())));
                    p.done().completeExceptionally(e);
                }
            }
        }
        return mine.done();
    }

    private void report(final String station, final int id, final String status, final Throwable error) {
        log.accept(problem("ocpp profile not in force", station, id, status, error));
    }

    private static Map<String, Object> problem(final String event, final String station, final int id, final String status,
            final Throwable error) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", event);
        m.put("stationId", station);
        m.put("chargingProfileId", (long) id);
        m.put("status", status);
        if (error != null) {
            m.put("message", String.valueOf(error.getMessage()));
        }
        return m;
    }

    private static ZonedDateTime time(final long ms) {
        return ZonedDateTime.ofInstant(Instant.ofEpochMilli(ms), ZoneOffset.UTC);
    }
}
