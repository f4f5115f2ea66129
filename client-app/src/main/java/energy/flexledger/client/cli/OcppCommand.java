package energy.flexledger.client.cli;

import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.ocpp.CentralSystem;
import energy.flexledger.client.ocpp.OcppStore;
import energy.flexledger.client.ocpp.StationSimulation;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code flexledger ocpp}: the charging stations of the gateway's OCPP central system (decision 0024). */
@Command(name = "ocpp", description = {"Charging stations on the gateway's OCPP 1.6J central system (flexledger gateway --ocpp HOST:PORT):",
    "register them (a CHARGING_STATION asset, a meter per connector, a basic-auth password), list stations, sessions and the",
    "charging profiles sent, and simulate charge points."},
    subcommands = {OcppCommand.Register.class, OcppCommand.Stations.class, OcppCommand.Sessions.class, OcppCommand.Profile.class,
        OcppCommand.Simulate.class, OcppBenchCommand.class},
    footer = {"", "Examples:",
        "  flexledger --org cpo ocpp register --station CS-1 --connectors 2 --zone zone-1 > cs-1.json   # the password is shown once",
        "  flexledger --org cpo gateway --ocpp 127.0.0.1:8887",
        "  flexledger --org cpo ocpp simulate --url ws://127.0.0.1:8887 --credentials cs-1.json --interval 10 --for 120",
        "  flexledger --org cpo ocpp stations",
        "  flexledger --org cpo ocpp sessions --station CS-1",
        "  flexledger --org cpo ocpp profile --station CS-1"})
final class OcppCommand {
    private OcppCommand() {
    }

    @Command(name = "register", description = {"Register charging stations of your org: each a CHARGING_STATION asset on the ledger, each",
        "connector a METER asset <station>-C<n> (its FP1 salt kept off-chain), and a basic-auth password for the station (OCPP security",
        "profile 1/2; printed once, only its SHA-256 is kept). With --count N: stations <station>-0001 ... <station>-N."})
    static final class Register extends Connected implements Callable<Integer> {
        @Option(names = "--station", required = true, description = "station id (1..48 of A-Z a-z 0-9 . _ -), or the prefix with --count")
        String station;

        @Option(names = "--connectors", defaultValue = "1", description = "connectors per station, 1..32 (default: ${DEFAULT-VALUE})")
        int connectors;

        @Option(names = "--zone", required = true, description = "grid zone of the stations")
        String zone;

        @Option(names = "--count", description = "register this many stations <station>-0001 ...")
        Integer count;

        @Override
        public Integer call() throws IOException, LedgerException {
            if (connectors < 1 || connectors > 32 || (count != null && (count < 1 || count > 100_000))) {
                throw new ParameterException(spec.commandLine(), "--connectors must be 1..32 and --count 1..100000");
            }
            final List<String> ids = new ArrayList<>();
            if (count == null) {
                ids.add(station);
            } else {
                for (int i = 1; i <= count; i++) {
                    ids.add(String.format(java.util.Locale.ROOT, "%s-%04d", station, i));
                }
            }
            final List<Object> out = new ArrayList<>();
            try (LedgerConnection ledger = connect(); OcppStore store = OcppStore.open(root().storeFile())) {
                for (final String id : ids) {
                    if (!OcppStore.STATION_ID.matcher(id).matches()) {
                        throw new ParameterException(spec.commandLine(), "--station: '" + id + "' is not a valid station id (1..48 of A-Z a-z 0-9 . _ -)");
                    }
                    if (store.station(id).isPresent()) {
                        throw new energy.flexledger.spec.SpecException(energy.flexledger.spec.ErrorCode.ALREADY_EXISTS,
                                "station '" + id + "' is already registered with this gateway");
                    }
                    final Map<String, Object> asset = new LinkedHashMap<>();
                    asset.put("assetId", id);
                    asset.put("type", "CHARGING_STATION");
                    asset.put("zone", zone);
                    ledger.energy(root().channel).registerAsset(asset);
                    final List<Object> meters = new ArrayList<>();
                    for (int c = 1; c <= connectors; c++) {
                        final String meter = CentralSystem.connectorMeter(id, c);
                        root().salts().registerWith(meter, salt -> ledger.energy(root().channel).registerMeter(meter, zone,
                                Hex.encode(Fp1.saltCommitment(salt))));
                        meters.add(meter);
                    }
                    final String password = store.addStation(id, connectors);
                    final Map<String, Object> m = new LinkedHashMap<>();
                    m.put("stationId", id);
                    m.put("password", password);
                    m.put("connectors", (long) connectors);
                    m.put("meters", meters);
                    out.add(m);
                }
            }
            System.out.println(Json.write(Map.of("stations", out)));
            return 0;
        }
    }

    /** Commands that read only the gateway's OCPP tables (no ledger). */
    abstract static class Local extends Connected {
        OcppStore open() throws IOException {
            return OcppStore.open(root().storeFile());
        }
    }

    @Command(name = "stations", description = "The stations registered with this gateway: last boot, last seen, connector status.")
    static final class Stations extends Local implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            try (OcppStore store = open()) {
                System.out.println(Json.write(Map.of("stations", new ArrayList<Object>(store.stations()))));
            }
            return 0;
        }
    }

    @Command(name = "sessions", description = "Charging sessions, newest first: start, stop, meter readings (Wh) and energy.")
    static final class Sessions extends Local implements Callable<Integer> {
        @Option(names = "--station", description = "only this station's")
        String station;

        @Option(names = "--limit", defaultValue = "100", description = "at most this many (default: ${DEFAULT-VALUE})")
        int limit;

        @Override
        public Integer call() throws IOException {
            try (OcppStore store = open()) {
                System.out.println(Json.write(Map.of("sessions", new ArrayList<Object>(store.sessions(station, Math.max(1, limit))))));
            }
            return 0;
        }
    }

    @Command(name = "profile", description = "The charging profiles the gateway sent (smart charging): limit, window, the station's answer,"
            + " what GetCompositeSchedule showed, when cleared.")
    static final class Profile extends Local implements Callable<Integer> {
        @Option(names = "--station", description = "only this station's")
        String station;

        @Override
        public Integer call() throws IOException {
            try (OcppStore store = open()) {
                System.out.println(Json.write(Map.of("profiles", new ArrayList<Object>(store.profiles(station)))));
            }
            return 0;
        }
    }

    @Command(name = "simulate", description = {"Simulated OCPP 1.6J charge points (the library's client side): each connects with its",
        "password, boots, starts a session on every connector, sends MeterValues (Energy.Active.Import.Register, Power.Active.Import)",
        "every --interval seconds, obeys the charging profiles it gets, and stops its sessions at the end. Prints a summary with",
        "the acknowledgement latencies it saw."})
    static final class Simulate implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--url", required = true, description = "the central system, for example ws://127.0.0.1:8887")
        String url;

        @Option(names = "--credentials", required = true, description = "the JSON that 'ocpp register' printed (stations and passwords)")
        Path credentials;

        @Option(names = "--stations", description = "simulate only the first N stations of the file")
        Integer stations;

        @Option(names = "--interval", defaultValue = "10", description = "seconds between MeterValues (default: ${DEFAULT-VALUE})")
        int interval;

        @Option(names = "--for", defaultValue = "60", description = "seconds to charge (default: ${DEFAULT-VALUE})")
        int runFor;

        @Option(names = "--power-w", defaultValue = "7400", description = "charging power per connector in W (default: ${DEFAULT-VALUE})")
        long powerW;

        @Option(names = "--threads", defaultValue = "8", description = "sender threads (default: ${DEFAULT-VALUE})")
        int threads;

        @Override
        public Integer call() throws Exception {
            if (interval < 1 || runFor < 1 || powerW < 0 || threads < 1) {
                throw new ParameterException(spec.commandLine(), "--interval >= 1, --for >= 1, --power-w >= 0, --threads >= 1");
            }
            if (!Files.isRegularFile(credentials)) {
                throw new ParameterException(spec.commandLine(), "--credentials: no such file " + credentials);
            }
            final List<StationSimulation.Credential> all = StationSimulation.credentials(Files.readString(credentials, StandardCharsets.UTF_8));
            final List<StationSimulation.Credential> chosen = stations == null ? all : all.subList(0, Math.min(stations, all.size()));
            final Map<String, Object> summary = new StationSimulation(url, chosen, interval, runFor, powerW, threads,
                    line -> System.err.println(Json.write(line))).run();
            System.out.println(Json.write(summary));
            return summary.get("errors") instanceof Long n && n > 0 ? 4 : 0;
        }
    }
}
