package energy.flexledger.client.ocpp;

import energy.flexledger.client.Percentiles;
import energy.flexledger.spec.Json;
import eu.chargetime.ocpp.model.core.ChargePointStatus;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * {@code flexledger ocpp simulate}: many {@link ChargePoint}s at once. Each connects, boots, starts a
 * session on every connector, then sends MeterValues every interval (its power capped by the
 * charging profiles it holds, its energy register rising accordingly), spread evenly over the
 * interval; at the end it stops its sessions. A station whose connection drops reconnects and sends
 * what it still holds. The summary counts messages and errors and gives the acknowledgement
 * latency the stations saw (send to answer).
 */
public final class StationSimulation {
    /** A station and its password, as {@code ocpp register} printed them. */
    public record Credential(String stationId, String password, int connectors) {
    }

    private final String url;
    private final List<Credential> stations;
    private final int intervalSeconds;
    private final int runSeconds;
    private final long powerW;
    private final int threads;
    private final Consumer<Map<String, Object>> log;
    private Runnable midway = () -> { };

    /** Runs {@code work} halfway through the charging (the benchmark's DR event, while every station is connected). */
    public StationSimulation midway(final Runnable work) {
        this.midway = work;
        return this;
    }

    public StationSimulation(final String url, final List<Credential> stations, final int intervalSeconds, final int runSeconds,
            final long powerW, final int threads, final Consumer<Map<String, Object>> log) {
        this.url = url;
        this.stations = stations;
        this.intervalSeconds = intervalSeconds;
        this.runSeconds = runSeconds;
        this.powerW = powerW;
        this.threads = threads;
        this.log = log;
    }

    /** Reads {@code {"stations": [{"stationId", "password", "connectors"}, ...]}}. */
    public static List<Credential> credentials(final String json) {
        final Map<String, Object> root = Json.parseObject(json);
        if (!(root.get("stations") instanceof List<?> list)) {
            throw new IllegalArgumentException("the credentials must be {\"stations\": [...]} as 'ocpp register' prints them");
        }
        final List<Credential> out = new ArrayList<>();
        for (final Object o : list) {
            if (o instanceof Map<?, ?> m && m.get("stationId") instanceof String id && m.get("password") instanceof String pw) {
                out.add(new Credential(id, pw, m.get("connectors") instanceof Number n ? n.intValue() : 1));
            }
        }
        return out;
    }

    private final class Station {
        final Credential credential;
        final ChargePoint cp;
        final int[] tx;
        final double[] energyWh;
        long lastAt;

        Station(final Credential c) {
            this.credential = c;
            this.cp = new ChargePoint(url, c.stationId(), c.password(), 30_000);
            this.tx = new int[c.connectors() + 1];
            this.energyWh = new double[c.connectors() + 1];
        }
    }

    public Map<String, Object> run() throws InterruptedException {
        final ScheduledExecutorService pool = Executors.newScheduledThreadPool(threads, r -> {
            final Thread t = new Thread(r, "flexledger-ocpp-sim");
            t.setDaemon(true);
            return t;
        });
        final AtomicLong messages = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong reconnects = new AtomicLong();
        final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        final List<Station> all = new ArrayList<>();
        stations.forEach(c -> all.add(new Station(c)));
        final long started = System.nanoTime();
        // Connect, boot and start sessions, several at a time.
        final List<java.util.concurrent.Future<?>> starting = new ArrayList<>();
        for (final Station s : all) {
            starting.add(pool.submit(() -> {
                try {
                    s.cp.connect();
                    s.cp.boot("FlexLedger", "simulator");
                    final long now = System.currentTimeMillis();
                    for (int c = 1; c <= s.credential.connectors(); c++) {
                        s.cp.status(c, ChargePointStatus.Charging);
                        s.tx[c] = s.cp.start(c, "SIM-" + c, 0, now);
                    }
                    s.lastAt = now;
                } catch (IOException e) {
                    errors.incrementAndGet();
                    log.accept(Map.of("event", "station failed to start", "stationId", s.credential.stationId(), "message",
                            String.valueOf(e.getMessage())));
                }
            }));
        }
        for (final java.util.concurrent.Future<?> f : starting) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                errors.incrementAndGet();
            }
        }
        final long setupMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        log.accept(Map.of("event", "stations started", "stations", (long) all.size(), "ms", setupMs));
        final List<ScheduledFuture<?>> ticks = new ArrayList<>();
        final long periodMs = intervalSeconds * 1000L;
        for (int i = 0; i < all.size(); i++) {
            final Station s = all.get(i);
            final long offset = periodMs * i / Math.max(1, all.size());
            ticks.add(pool.scheduleAtFixedRate(() -> {
                if (s.tx[1] == 0) {
                    return; // never started
                }
                final long now = System.currentTimeMillis();
                try {
                    if (!s.cp.connected()) {
                        reconnects.incrementAndGet();
                        s.cp.connect(); // sends what the station still holds
                    }
                    for (int c = 1; c <= s.credential.connectors(); c++) {
                        final double p = Math.max(0, s.cp.limitW(Instant.ofEpochMilli(now), powerW));
                        s.energyWh[c] += p * (now - s.lastAt) / 3_600_000.0;
                        final long t0 = System.nanoTime();
                        s.cp.meterValues(c, s.tx[c], now, Math.round(p), Math.round(s.energyWh[c]), "Sample.Periodic");
                        latencies.add(System.nanoTime() - t0);
                        messages.incrementAndGet();
                    }
                    s.lastAt = now;
                } catch (IOException | RuntimeException e) {
                    errors.incrementAndGet();
                }
            }, offset, periodMs, TimeUnit.MILLISECONDS));
        }
        // The simulation's duration is its purpose, not a wait for a condition.
        Thread.sleep(runSeconds * 500L);
        midway.run();
        Thread.sleep(runSeconds * 500L);
        ticks.forEach(t -> t.cancel(false));
        final List<java.util.concurrent.Future<?>> stopping = new ArrayList<>();
        for (final Station s : all) {
            stopping.add(pool.submit(() -> {
                try {
                    for (int c = 1; c <= s.credential.connectors(); c++) {
                        if (s.tx[c] != 0) {
                            s.cp.stop(s.tx[c], Math.round(s.energyWh[c]), Math.max(System.currentTimeMillis(), s.lastAt));
                            s.cp.status(c, ChargePointStatus.Available);
                        }
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                } finally {
                    s.cp.close();
                }
            }));
        }
        for (final java.util.concurrent.Future<?> f : stopping) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                errors.incrementAndGet();
            }
        }
        pool.shutdownNow();
        final long[] sorted = latencies.stream().mapToLong(n -> n / 1_000L).sorted().toArray();
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("stations", (long) all.size());
        out.put("intervalSeconds", (long) intervalSeconds);
        out.put("seconds", (long) runSeconds);
        out.put("setupMs", setupMs);
        out.put("meterValues", messages.get());
        out.put("errors", errors.get());
        out.put("reconnects", reconnects.get());
        out.put("ackP50Ms", ms(sorted.length == 0 ? 0 : Percentiles.nearestRank(sorted, 0.5)));
        out.put("ackP99Ms", ms(sorted.length == 0 ? 0 : Percentiles.nearestRank(sorted, 0.99)));
        out.put("ackMaxMs", ms(sorted.length == 0 ? 0 : sorted[sorted.length - 1]));
        return out;
    }

    private static String ms(final long micros) {
        return String.format(java.util.Locale.ROOT, "%.2f", micros / 1000.0);
    }
}
