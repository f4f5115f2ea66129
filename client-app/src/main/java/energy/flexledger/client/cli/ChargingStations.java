package energy.flexledger.client.cli;

import energy.flexledger.client.ChaincodeEventFeed;
import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.SaltStore;
import energy.flexledger.client.ingest.SampleMessages;
import energy.flexledger.client.ocpp.CentralSystem;
import energy.flexledger.client.ocpp.ChargePoint;
import energy.flexledger.client.ocpp.LedgerRegistry;
import energy.flexledger.client.ocpp.OcppStore;
import energy.flexledger.client.ocpp.SmartCharging;
import energy.flexledger.client.store.MemberStore;
import energy.flexledger.client.store.MeterTracking;
import energy.flexledger.client.store.OutboxSubmitter;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Fp1Verifier;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's charging stations (issue 13): two stations of the CPO, each a CHARGING_STATION asset
 * with one connector metered as a METER asset, connected over OCPP 1.6J (real WebSockets, the OCPP
 * library on both sides) to the CPO's central system — the same {@link CentralSystem}, member store,
 * {@link SampleMessages} path and {@link SmartCharging} that {@code flexledger gateway --ocpp} runs,
 * here inside the scenario's process because the scenario replays 2026-04-09: the stations' clocks
 * and the smart-charging clock are the replayed time, advanced by the scenario, while everything that
 * reaches the ledger goes through the members' real identities. Each station charges one car a day
 * (a synthetic, deterministic pattern: evenings on working days, late mornings on weekends and
 * holidays, 6.3 to 7.4 kW); a car takes the energy it needs, so under a charging profile it charges
 * longer. Each quarter-hour's clock-aligned MeterValues carries the energy register and the average
 * power of the quarter-hour that ends then (the member store fingerprints the power, FP1).
 */
final class ChargingStations implements AutoCloseable {
    static final long QUARTER = 15 * 60_000L;
    static final long MAX_W = 7_400;

    private final Path data;
    private final String channel;
    private final ZoneId zone;
    private final List<LocalDate> holidays;
    private final long[] slots;
    private final AtomicLong replayNow = new AtomicLong();
    private final List<Station> stations = new ArrayList<>();
    private final ConcurrentLinkedQueue<Map<String, Object>> log = new ConcurrentLinkedQueue<>();
    private MemberStore store;
    private OcppStore ocpp;
    private CentralSystem central;
    private SmartCharging smart;
    private ChaincodeEventFeed feed;
    private LedgerConnection gateway;
    private Path checkpoints;
    private SaltStore salts;
    private int next;

    /** One station, its connector meter, its simulated charge point and the car it charges today. */
    private final class Station {
        final String id;
        final String meter;
        final int number;
        final String password;
        final ChargePoint point;
        long registerWh;
        Integer transaction;
        long needWh;
        long sessions;

        Station(final String id, final int number, final String password, final String url) {
            this.id = id;
            this.meter = CentralSystem.connectorMeter(id, 1);
            this.number = number;
            this.password = password;
            this.point = new ChargePoint(url, id, password, 30_000, replayNow::get);   // the station's clock: the replay's
        }
    }

    /**
     * @param data     the CPO's data folder (its member store, salts, ocpp.db)
     * @param slots    the quarter-hours to replay, ascending (the scenario's load series' slot starts)
     */
    ChargingStations(final Path data, final String channel, final ZoneId zone, final List<LocalDate> holidays,
            final long[] slots) {
        this.data = data;
        this.channel = channel;
        this.zone = zone;
        this.holidays = holidays;
        this.slots = slots.clone();
        this.replayNow.set(slots[0]);
    }

    /** The connector meters, in station order. */
    List<String> meters() {
        return stations.stream().map(s -> s.meter).toList();
    }

    List<String> stationIds() {
        return stations.stream().map(s -> s.id).toList();
    }

    /**
     * Registers {@code count} stations on the ledger (by the CPO's admin: the station and its connector,
     * bound to the CPO's gateway identity, certifiable from the first replayed quarter-hour) and with the
     * central system (a basic-auth password, hashed in ocpp.db), starts the central system on a free
     * loopback port and connects and boots the simulated stations.
     */
    void start(final String prefix, final int count, final LedgerConnection admin, final LedgerConnection gatewayIdentity,
            final LedgerConnection device) throws Exception {
        this.gateway = gatewayIdentity;
        this.salts = new SaltStore(data.resolve("salts"));
        store = MemberStore.open(data.resolve("member.db"));
        ocpp = OcppStore.open(data.resolve("member.db"));
        final SampleMessages messages = new SampleMessages(store, salts,
                (s, salt, meterId, first) -> MeterTracking.fromLedger(s, salt, gatewayIdentity.energy(channel), meterId, first));
        final int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        final String url = "ws://127.0.0.1:" + port;
        final String gatewayId = String.valueOf(gatewayIdentity.energy(channel).whoAmI().get("id"));
        final String deviceId = String.valueOf(device.energy(channel).whoAmI().get("id"));
        for (int i = 1; i <= count; i++) {
            final String id = String.format(java.util.Locale.ROOT, "%s-%d", prefix, i);
            final Map<String, Object> station = new LinkedHashMap<>();
            station.put("assetId", id);
            station.put("type", "CHARGING_STATION");
            station.put("zone", "zone-1");
            admin.energy(channel).registerAsset(station);
            final String meter = CentralSystem.connectorMeter(id, 1);
            final byte[] salt = salts.create(meter);
            final Map<String, Object> connector = new LinkedHashMap<>();
            connector.put("assetId", meter);
            connector.put("type", "METER");
            connector.put("zone", "zone-1");
            connector.put("deviceId", deviceId);
            connector.put("gatewayId", gatewayId);
            connector.put("saltCommitment", Hex.encode(Fp1.saltCommitment(salt)));
            connector.put("earliestStart", slots[0]);
            admin.energy(channel).registerAsset(connector);
            stations.add(new Station(id, i, ocpp.addStation(id, 1), url));
        }
        central = new CentralSystem(ocpp, messages, new LedgerRegistry(gatewayIdentity.energy(channel), gatewayIdentity.profile().mspId(), 300_000L),
                new CentralSystem.Settings(300, 900, 900), log::add, true).start("127.0.0.1", port);
        smart = new SmartCharging(ocpp, central::send, 3_680, log::add, replayNow::get);
        central.onConnected(smart::resend);
        // Only the events from now on (a fresh checkpoint, deleted on close): the scenario's own.
        checkpoints = Files.createTempDirectory("flexledger-demo-ocpp");
        feed = ChaincodeEventFeed.start(gatewayIdentity, channel, "dr", checkpoints.resolve("dr.checkpoint"), -1, smart::onChaincodeEvent);
        for (final Station s : stations) {
            s.point.connect();
            s.point.boot("FlexLedger", "demo station");
        }
    }

    /** The replayed time the stations and smart charging see; advanced by {@link #chargeUntil}. */
    void clockAt(final long millis) {
        replayNow.set(millis);
    }

    private boolean workingDay(final LocalDate d) {
        return d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY && !holidays.contains(d);
    }

    /** When a station's car arrives on {@code d} (minutes after local midnight) and how much it needs (Wh). */
    private long[] plan(final Station s, final LocalDate d) {
        final long day = d.toEpochDay();
        final long watts = MAX_W * (85 + Math.floorMod(day * 13 + s.number * 7, 16)) / 100;   // 6,290 .. 7,400 W
        final long quarters = workingDay(d) ? 16 + Math.floorMod(day + s.number, 3) : 12;     // 4 to 4.5 h, or 3 h
        final long arrival = workingDay(d) ? 17 * 60 + 15 * s.number : 10 * 60 + 30 * s.number;
        return new long[] {arrival, watts, watts * quarters / 4};
    }

    /**
     * Replays every quarter-hour that ends at or before {@code until}: each station's car arrives,
     * charges at its power or the station's limit in force (its charging profiles), and leaves when
     * it has what it needs; every quarter-hour a MeterValues goes to the central system, answered
     * after the member store's commit. Then every interval up to {@code until} is closed and certified
     * through the member store's outbox by the CPO's gateway identity. Returns the intervals certified.
     */
    long chargeUntil(final long until) throws Exception {
        while (next < slots.length && slots[next] + QUARTER <= until) {
            final long start = slots[next++];
            final long end = start + QUARTER;
            final ZonedDateTime local = Instant.ofEpochMilli(start).atZone(zone);
            final long minute = local.getHour() * 60L + local.getMinute();
            for (final Station s : stations) {
                replayNow.set(start);
                final long[] plan = plan(s, local.toLocalDate());
                if (s.transaction == null && minute == plan[0]) {
                    s.needWh = plan[2];
                    s.transaction = s.point.start(1, "CAR-" + s.number, s.registerWh, start);
                    s.sessions++;
                }
                long watts = 0;
                if (s.transaction != null) {
                    watts = Math.min(Math.min(plan[1], (long) s.point.limitW(Instant.ofEpochMilli(start), MAX_W)), s.needWh * 4);
                    final long wh = watts / 4;
                    s.registerWh += wh;
                    s.needWh -= wh;
                }
                replayNow.set(end);
                s.point.meterValues(1, s.transaction, end, watts, s.registerWh, "Sample.Clock");
                if (s.transaction != null && s.needWh <= 0) {
                    s.point.stop(s.transaction, s.registerWh, end);
                    s.transaction = null;
                }
            }
        }
        replayNow.set(Math.min(until, slots[slots.length - 1] + QUARTER));
        // This scenario's stations only: ocpp.db is the CPO's, and its gateway's other stations are not connected here.
        final Set<String> ours = Set.copyOf(stationIds());
        smart.clearEnded(ours::contains).toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
        long certified = 0;
        for (final Station s : stations) {
            store.closeUntil(s.meter, salts.read(s.meter), Math.min(until, slots[slots.length - 1] + QUARTER));
            final OutboxSubmitter.Report sent = new OutboxSubmitter(store, gateway.energy(channel)::recordIntervals, 500, s.meter).drain();
            if (sent.stoppedBy() != null) {
                throw sent.stoppedBy();
            }
            certified += sent.committed();
        }
        failures();
        return certified;
    }

    /** The replay is over: the member store stops tracking the connectors (see FlexScenario's Meter.retire). */
    void retire() throws IOException {
        for (final Station s : stations) {
            store.reset(s.meter);
        }
    }

    /** Waits until smart charging has an answer from every station for {@code eventId}'s profiles; returns them. */
    List<Map<String, Object>> awaitProfiles(final String eventId, final long timeoutMs) throws Exception {
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (true) {
            final List<Map<String, Object>> answered = new ArrayList<>();
            int expected = 0;
            for (final Station s : stations) {
                for (final Map<String, Object> p : ocpp.profiles(s.id)) {
                    if (("dr:" + eventId).equals(p.get("source"))) {
                        expected++;
                        if (p.get("checked") != null || !"SENT".equals(String.valueOf(p.get("status")))) {
                            answered.add(p);
                        }
                    }
                }
            }
            if (expected == stations.size() && answered.size() == expected && answered.stream().allMatch(p -> p.get("checked") != null
                    || !"Accepted".equals(p.get("status")))) {
                return answered;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the CPO's central system has no answer from every station to event " + eventId + "'s charging profiles within "
                        + timeoutMs / 1000 + " s: " + answered + "; its log: " + log);
            }
            Thread.sleep(50);
        }
    }

    /** The sessions of every station, newest first. */
    List<Map<String, Object>> sessions() throws IOException {
        final List<Map<String, Object>> all = new ArrayList<>();
        for (final Station s : stations) {
            all.addAll(ocpp.sessions(s.id, 1_000));
        }
        return all;
    }

    List<Map<String, Object>> profiles() throws IOException {
        final List<Map<String, Object>> all = new ArrayList<>();
        for (final Station s : stations) {
            all.addAll(ocpp.profiles(s.id));
        }
        return all;
    }

    /** When {@code stationId}'s car would have left on {@code day} without any limit (local time, HH:mm). */
    String usualEnd(final String stationId, final LocalDate day) {
        for (final Station s : stations) {
            if (s.id.equals(stationId)) {
                final long[] plan = plan(s, day);
                final long quarters = (plan[2] + plan[1] / 4 - 1) / (plan[1] / 4);   // at full power, the last quarter may be partial
                return java.time.LocalTime.MIDNIGHT.plusMinutes(plan[0] + quarters * 15).toString();
            }
        }
        throw new IllegalArgumentException("no station " + stationId);
    }

    long sessionCount() {
        return stations.stream().mapToLong(s -> s.sessions).sum();
    }

    /** The FP1 audit of {@code meter}'s certified intervals in [from, to) against the samples in the member store. */
    Fp1Verifier.Report audit(final String meter, final long from, final long to) throws Exception {
        final List<Map<String, Object>> stored = gateway.energy(channel).allIntervals(meter, from, to);
        final List<Fp1Verifier.CertifiedInterval> records = new ArrayList<>();
        for (final Map<String, Object> r : stored) {
            records.add(Fp1Verifier.CertifiedInterval.fromRecord(r));
        }
        final Fp1Verifier verifier = new Fp1Verifier(salts.read(meter), meter,
                Hex.decode((String) stored.get(0).get("previousLink")), records);
        for (final long[] s : store.samples(meter, from, to)) {
            verifier.add(s[0], s[1]);
        }
        return verifier.finish();
    }

    /** Anything the central system or smart charging refused or failed is the demo's failure, not a footnote. */
    private void failures() throws IOException {
        final Set<String> bad = Set.of("ocpp profile not in force", "ocpp profile not cleared", "ocpp dr event not applied",
                "ocpp profile clear not recorded", "ocpp profile answer not recorded");
        final List<Map<String, Object>> found = new ArrayList<>();
        for (final Map<String, Object> line : log) {
            final String event = String.valueOf(line.get("event"));
            if (bad.contains(event) || event.contains("refused") || event.contains("failed") || line.containsKey("error")) {
                found.add(line);
            }
        }
        if (!found.isEmpty()) {
            throw new IOException("the CPO's central system reported: " + Json.write(found));
        }
    }

    @Override
    public void close() throws IOException {
        for (final Station s : stations) {
            s.point.close();
        }
        if (feed != null) {
            feed.close();
        }
        if (central != null) {
            central.close();
        }
        if (ocpp != null) {
            ocpp.close();
        }
        if (store != null) {
            store.close();
        }
        if (checkpoints != null) {
            try (var files = Files.list(checkpoints)) {
                for (final Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(checkpoints);
        }
    }
}
