package energy.flexledger.client.cli;

import energy.flexledger.client.SaltStore;
import energy.flexledger.client.ingest.SampleMessages;
import energy.flexledger.client.ocpp.CentralSystem;
import energy.flexledger.client.ocpp.OcppStore;
import energy.flexledger.client.ocpp.SmartCharging;
import energy.flexledger.client.ocpp.StationSimulation;
import energy.flexledger.client.store.MemberStore;
import energy.flexledger.spec.Json;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code flexledger ocpp bench}: how many stations one central system sustains. A central system
 * on loopback with its own member store (a fresh SQLite file, synchronous=FULL: every MeterValues
 * answered after its commit) takes N simulated stations (real WebSocket connections, the OCPP
 * library on both sides) sending MeterValues every --interval seconds; halfway, a DR event calls
 * every station and the time until the last station accepted its profile is measured. Without
 * the ledger: the stations are this run's own (the asset registry is asked once per connection in
 * a real gateway, and certification is measured by scripts/bench.sh); see docs/benchmarks.md.
 */
@Command(name = "bench", description = {"Measure one central system: N simulated stations sending MeterValues every --interval s, the",
    "acknowledgement latency (after the member store's commit), and the time from a DR event to the last accepted charging profile.",
    "Runs on its own store in a temporary folder, without the ledger."},
    footer = {"", "Example:", "  flexledger ocpp bench --stations 1000 --interval 10 --for 120"})
final class OcppBenchCommand implements Callable<Integer> {
    private static final long Q = 900_000L;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--stations", defaultValue = "1000", description = "simulated stations, one connector each (default: ${DEFAULT-VALUE})")
    int stations;

    @Option(names = "--interval", defaultValue = "10", description = "seconds between a station's MeterValues (default: ${DEFAULT-VALUE})")
    int interval;

    @Option(names = "--for", defaultValue = "120", description = "seconds of charging (default: ${DEFAULT-VALUE})")
    int runFor;

    @Option(names = "--threads", defaultValue = "16", description = "simulator sender threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Override
    public Integer call() throws Exception {
        if (stations < 1 || interval < 1 || runFor < 2 || threads < 1) {
            throw new ParameterException(spec.commandLine(), "--stations >= 1, --interval >= 1, --for >= 2, --threads >= 1");
        }
        final Path dir = Files.createTempDirectory("flexledger-ocpp-bench");
        final SaltStore salts = new SaltStore(dir.resolve("salts"));
        final List<StationSimulation.Credential> credentials = new ArrayList<>();
        final Map<String, Object> out = new LinkedHashMap<>();
        try (MemberStore members = MemberStore.open(dir.resolve("member.db")); OcppStore store = OcppStore.open(dir.resolve("member.db"))) {
            for (int i = 1; i <= stations; i++) {
                final String id = String.format(java.util.Locale.ROOT, "BENCH-%05d", i);
                salts.create(CentralSystem.connectorMeter(id, 1));
                credentials.add(new StationSimulation.Credential(id, store.addStation(id, 1), 1));
            }
            final SampleMessages messages = new SampleMessages(members, salts,
                    (s, salt, meterId, first) -> s.track(meterId, salt, Q, Math.floorDiv(first - 1, Q) * Q));
            final int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            try (CentralSystem central = new CentralSystem(store, messages, station -> { }, new CentralSystem.Settings(300, interval, 900),
                    line -> {
                        if (String.valueOf(line.get("event")).matches(".*(refused|failed).*") || line.containsKey("error")) {
                            System.err.println(Json.write(line));
                        }
                    }, true).start("127.0.0.1", port)) {
                final SmartCharging smart = new SmartCharging(store, central::send, 3_680, line -> { }, System::currentTimeMillis);
                final List<String> assets = new ArrayList<>();
                credentials.forEach(c -> assets.add(c.stationId()));
                final Map<String, Object> dr = new LinkedHashMap<>();
                final Map<String, Object> sim = new StationSimulation("ws://127.0.0.1:" + port, credentials, interval, runFor, 7_400, threads,
                        line -> System.err.println(Json.write(line))).midway(() -> {
                            final long now = System.currentTimeMillis();
                            try {
                                dr.putAll(smart.onDrEvent("BENCH", now + 60_000L, now + 60_000L + Q, assets, now).toCompletableFuture()
                                        .get(10, TimeUnit.MINUTES));
                            } catch (Exception e) {
                                dr.put("error", String.valueOf(e.getMessage()));
                            }
                        }).run();
                out.put("stations", (long) stations);
                out.put("intervalSeconds", (long) interval);
                out.put("seconds", (long) runFor);
                out.put("simulator", sim);
                out.put("gateway", central.latencies());
                dr.remove("event");
                out.put("drEvent", dr);
            }
        }
        System.out.println(Json.write(out));
        return 0;
    }
}
