package energy.flexledger.client.cli;

import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.SaltStore;
import energy.flexledger.client.http.FabricLedgerReads;
import energy.flexledger.client.http.GatewayMetrics;
import energy.flexledger.client.http.GatewayStore;
import energy.flexledger.client.http.LedgerReads;
import energy.flexledger.client.http.RestApi;
import energy.flexledger.client.ingest.MqttGateway;
import energy.flexledger.client.ingest.SampleMessages;
import energy.flexledger.client.store.MemberStore;
import energy.flexledger.client.store.MeterTracking;
import energy.flexledger.client.store.OutboxSubmitter;
import energy.flexledger.spec.Json;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code flexledger gateway}: the member's long-running service. Device samples from MQTT and from
 * the HTTP API into the member store (acknowledged, or answered, after commit); every {@code
 * --submit-every} seconds the intervals that ended at least {@code --close-after} seconds ago are
 * closed (empty ones too) and the outbox is drained to the ledger. With {@code --http} it serves the
 * REST API (decision 0021), its OpenAPI document, /health, /ready and /metrics. One JSON line per
 * message and per submission on standard output.
 */
@Command(name = "gateway", description = {
    "Take device samples from MQTT (--mqtt-listen or --mqtt), HTTP (--http) and/or charging stations (--ocpp, OCPP 1.6J) into the member",
    "store and send closed intervals to the ledger.",
    "MQTT: topic flexledger/meters/<meterId>/samples, payload [[t, v], ...], QoS 1; each message is acknowledged after it is committed.",
    "--mqtt-listen runs the embedded broker (decision 0022): clients log in with a credential's name and token; a device publishes its",
    "own assets' meters, an ems or bms credential the member's; a consumer credential (another member) reads",
    "flexledger/data/<its MSP>/<topic>/samples while the ledger holds its ACCEPTED subscription to this member's topic (--data-topic",
    "says which meters a topic carries). --mqtt URL takes samples from an external broker (Mosquitto, EMQX, ...) instead.",
    "HTTP: the REST API on HOST:PORT: POST /v1/meters/<meterId>/samples and /v1/samples, reads of the member's ledger data under /v1,",
    "/health, /ready, /metrics (Prometheus), the OpenAPI document /openapi.json and its page /docs; bearer tokens from",
    "'flexledger credential create'. The dashboard at /dashboard (/ redirects there): paste an EMS or BMS token; it shows meters,",
    "intervals, gaps, audits, DR events, market clearings and balances, live as blocks commit (/v1/events, server-sent events).",
    "Finished intervals are closed and the outbox sent periodically. Runs until stopped (SIGTERM,",
    "Ctrl-C: stops accepting, finishes requests in flight, submits the outbox once more) or for --for seconds."},
    footer = {"", "Examples:",
        "  flexledger --org community gateway --mqtt-listen 127.0.0.1:1883",
        "  flexledger --org community gateway --mqtt-listen 127.0.0.1:1883 --data-topic community/load=MTR-1,MTR-2 --http 127.0.0.1:8080",
        "  FLEXLEDGER_MQTT_TLS_PASSWORD=... flexledger --org community gateway --mqtt-listen 0.0.0.0:8883 --mqtt-tls-keystore broker.p12",
        "  flexledger --org community gateway --mqtt tcp://127.0.0.1:1883",
        "  flexledger --org community gateway --http 127.0.0.1:8080      # then open http://127.0.0.1:8080/ (the dashboard)",
        "  flexledger --org community gateway --http 127.0.0.1:8080 --mqtt tcp://127.0.0.1:1883 --submit-every 30",
        "  flexledger --org cpo gateway --ocpp 127.0.0.1:8887      # charging stations (OCPP 1.6J; see 'flexledger ocpp --help')",
        "  FLEXLEDGER_HTTP_TLS_PASSWORD=... flexledger --org community gateway --http 0.0.0.0:8443 --http-tls-keystore gateway.p12",
        "",
        "Bearer tokens must not cross a network in clear: a --http address other than loopback needs --http-tls-keystore (HTTPS",
        "here) or, behind a TLS-terminating reverse proxy on the same host or a trusted link, an explicit --insecure-http; likewise",
        "--mqtt-listen needs --mqtt-tls-keystore (MQTT over TLS) or --insecure-mqtt."})
final class GatewayCommand extends Connected implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--mqtt", description = "an external broker's URL, for example tcp://127.0.0.1:1883 (at least one of --mqtt-listen,"
            + " --mqtt and --http)")
    String brokerUrl;

    @Option(names = "--http", paramLabel = "HOST:PORT", description = "serve the REST API on HOST:PORT, for example 127.0.0.1:8080 (port 0: any free"
            + " port, printed in the 'started' line)")
    String http;

    @Option(names = "--http-tls-keystore", paramLabel = "FILE", description = "serve HTTPS with this PKCS12 keystore's certificate and key;"
            + " its password from the environment variable " + TLS_PASSWORD_ENV)
    java.nio.file.Path tlsKeystore;

    @Option(names = "--insecure-http", description = "allow plain HTTP on an address other than loopback (bearer tokens in clear): only"
            + " behind a TLS-terminating reverse proxy or on a trusted link")
    boolean insecureHttp;

    /** The environment variable that holds the --http-tls-keystore password (never an argument: ps shows arguments). */
    static final String TLS_PASSWORD_ENV = "FLEXLEDGER_HTTP_TLS_PASSWORD";

    @Option(names = "--http-max-body", defaultValue = "1048576", description = "largest HTTP request body in bytes (default: ${DEFAULT-VALUE})")
    long maxBody;

    @Option(names = "--replica", arity = "0..1", paramLabel = "JDBC", fallbackValue = "",
            description = "also run the analytics replica (as 'flexledger replica' does) in this process, its lag in /metrics: into JDBC"
                    + " (jdbc:sqlite:FILE or jdbc:postgresql://..., password from $" + ReplicaCommand.PASSWORD_ENV + "; default"
                    + " jdbc:sqlite:<data>/replica.db)")
    String replica;

    @Option(names = "--ocpp", paramLabel = "HOST:PORT", description = "serve an OCPP 1.6J central system: stations connect to"
            + " ws://HOST:PORT/<stationId> (subprotocol ocpp1.6, basic auth; see 'flexledger ocpp'); port 0: any free port")
    String ocpp;

    @Option(names = "--ocpp-sample-interval", defaultValue = "60", description = "MeterValueSampleInterval set on every station, s (default: ${DEFAULT-VALUE})")
    int ocppSampleInterval;

    @Option(names = "--ocpp-clock-aligned", defaultValue = "900", description = "ClockAlignedDataInterval set on every station, s (default: ${DEFAULT-VALUE})")
    int ocppClockAligned;

    @Option(names = "--ocpp-dr-limit-w", defaultValue = "3680", description = "per-station limit, W, during a DR event that calls a"
            + " station or its connectors, and during the window of a cleared flexibility request that awards this member's offer on"
            + " them (ChargePointMaxProfile; cleared when the window ends; default: ${DEFAULT-VALUE})")
    long ocppDrLimitW;

    @Option(names = "--client-id", description = "MQTT client id; the broker keeps its session (default: flexledger-<org>)")
    String clientId;

    @Option(names = "--submit-every", defaultValue = "60", description = "seconds between outbox submissions (default: ${DEFAULT-VALUE})")
    long submitEvery;

    @Option(names = "--close-after", defaultValue = "60",
            description = "seconds after an interval's end before it is closed by the clock: late samples still fit (default: ${DEFAULT-VALUE})")
    long closeAfter;

    @Option(names = "--for", defaultValue = "0", description = "stop after this many seconds (default: run until stopped)")
    long runFor;

    @Option(names = "--batch", defaultValue = "500", description = "records per ledger transaction (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--quiet", description = "no log line per MQTT message or HTTP request (MQTT refusals and problems are still logged); for load tests")
    boolean quiet;

    /** The embedded MQTT broker's options (decision 0022). */
    @picocli.CommandLine.Mixin
    MqttListenOptions mqttListen = new MqttListenOptions();

    private volatile MqttListenOptions.Running broker;

    /** The embedded broker's port once it listens, else -1. */
    int mqttListenPort() {
        final MqttListenOptions.Running b = broker;
        return b == null ? -1 : b.broker().port();
    }

    private volatile MqttGateway gateway;
    private Map<String, Object> lastLatencies = Map.of();

    /** The REST API while it runs (tests read its port). */
    private volatile RestApi api;
    /** The live channel's block follower while the REST API runs (decision 0023). */
    private volatile energy.flexledger.client.http.BlockNotices blockNotices;
    private final CountDownLatch stop = new CountDownLatch(1);

    /** Stops the gateway as SIGTERM does (for in-process tests). */
    void stop() {
        stop.countDown();
    }

    private volatile OcppGateway ocppGateway;

    /** The OCPP central system while it runs (tests), else null. */
    OcppGateway ocppGateway() {
        return ocppGateway;
    }

    /** The HTTP port once serving, else -1. */
    int httpPort() {
        final RestApi a = api;
        return a == null ? -1 : a.port();
    }

    @Override
    public Integer call() throws IOException, MqttException, InterruptedException {
        if (submitEvery < 1 || closeAfter < 0 || runFor < 0 || batch < 1 || batch > 2_000) {
            throw new ParameterException(spec.commandLine(), "--submit-every >= 1, --close-after >= 0, --for >= 0, --batch 1..2000");
        }
        if (brokerUrl == null && http == null && mqttListen.listen == null && ocpp == null) {
            throw new ParameterException(spec.commandLine(), "give --mqtt URL, --mqtt-listen HOST:PORT, --http HOST:PORT, --ocpp HOST:PORT or"
                    + " several: where do samples come from?");
        }
        if (maxBody < 1024) {
            throw new ParameterException(spec.commandLine(), "--http-max-body must be at least 1024 bytes");
        }
        final String[] hostPort = http == null ? null : hostPort(http);
        final RestApi.Tls tls = hostPort == null ? null : tls(hostPort[0]);
        final energy.flexledger.client.mqtt.EmbeddedBroker.Settings listen = mqttListen.settings(spec,
                root().dataDir().toAbsolutePath().resolve("mqtt-broker"), quiet);
        // On SIGTERM or Ctrl-C: let the loop finish its last submission and disconnect cleanly.
        final StopOnSignal signal = new StopOnSignal("flexledger-gateway-stop", stop::countDown, 30);
        try (MemberStore store = MemberStore.open(root().store());
                GatewayStore credentials = GatewayStore.open(root().store());
                LedgerConnection ledger = connect();
                LedgerReads.Source reads = FabricLedgerReads.source(root().work, root().org, root().channel)) {
            final SaltStore salts = root().salts();
            final GatewayMetrics metrics = new GatewayMetrics(store, System::currentTimeMillis);
            final SampleMessages messages = new SampleMessages(store, salts,
                    (s, salt, meterId, first) -> MeterTracking.fromLedger(s, salt, ledger.energy(root().channel), meterId, first));
            messages.observe(metrics::sampled);
            // Meters tracked by an older store know no plausible range yet: ask the ledger once.
            for (final String meter : store.metersWithoutBound()) {
                try {
                    MeterTracking.refreshBound(store, ledger.energy(root().channel), meter);
                } catch (IOException | LedgerException | RuntimeException e) {
                    print(Map.of("event", "bound unknown", "meterId", meter, "message", String.valueOf(e.getMessage())));
                }
            }
            final ReplicaThread replicaThread = replica == null ? null : ReplicaThread.start(replica.isEmpty()
                    ? energy.flexledger.client.replica.ReplicaStore.sqliteUrl(root().dataDir().resolve("replica.db")) : replica,
                    ledger.network(root().channel), liveFrom(ledger), line -> {
                        metrics.replicated(line);
                        if (!quiet || !"block".equals(line.get("event"))) {
                            print(withSource(line));
                        }
                    });
            try (ReplicaThread replicaRunning = replicaThread;
                    MqttGateway gateway = brokerUrl == null ? null : MqttGateway.start(brokerUrl,
                    clientId != null ? clientId : "flexledger-" + root().org, messages, GatewayCommand::print, quiet);
                    RestApi rest = hostPort == null ? null : new RestApi(credentials, store, salts, messages, reads, metrics, maxBody)
                            .ocpp(energy.flexledger.client.http.OcppRecords.beside(root().storeFile()))
                            .logTo(quiet ? line -> { } : GatewayCommand::print).logErrorsTo(GatewayCommand::print).start(hostPort[0], Integer.parseInt(hostPort[1]), tls);
                    MqttListenOptions.Running embedded = listen == null ? null
                            : mqttListen.start(listen, root(), credentials, salts, messages, ledger, GatewayCommand::print);
                    OcppGateway central = ocpp == null ? null : OcppGateway.start(spec.commandLine(), ocpp, root().storeFile(), messages, ledger,
                            root().channel, ocppSampleInterval, ocppClockAligned, ocppDrLimitW, quiet, GatewayCommand::print)) {
                this.broker = embedded;
                this.ocppGateway = central;
                this.gateway = gateway;
                this.api = rest;
                this.blockNotices = energy.flexledger.client.http.BlockNotices.forGateway(ledger, root().channel, rest, GatewayCommand::print);
                final Map<String, Object> started = new LinkedHashMap<>();
                started.put("event", "started");
                if (gateway != null) {
                    started.put("mqtt", brokerUrl);
                    started.put("topics", SampleMessages.TOPIC_FILTER);
                    started.put("clientId", gateway.clientId());
                }
                if (replicaRunning != null) {
                    started.put("replica", energy.flexledger.client.replica.ReplicaStore.redact(replicaRunning.url()));
                }
                if (embedded != null) {
                    started.put("mqttListen", embedded.url());
                    started.put("mqttBrokerData", listen.dataDir().toString());
                }
                if (rest != null) {
                    final String url = (tls != null ? "https://" : "http://") + hostPort[0] + ":" + rest.port();
                    started.put("http", url);
                    started.put("openapi", url + "/openapi.json");
                    started.put("docs", url + "/docs");
                    started.put("dashboard", url + "/dashboard");
                }
                if (central != null) {
                    started.put("ocpp", central.url());
                }
                print(started);
                final long until = runFor == 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(runFor);
                while (!stop.await(Math.min(TimeUnit.SECONDS.toNanos(submitEvery), Math.max(0, until - System.nanoTime())), TimeUnit.NANOSECONDS)) {
                    submit(store, salts, messages, ledger, metrics);
                    if (System.nanoTime() >= until) {
                        break;
                    }
                }
                // Closing (in reverse order): the REST API stops accepting and finishes its requests in flight, then MQTT disconnects.
            } finally {
                this.api = null;
                final MqttListenOptions.Running embedded = this.broker;
                if (embedded != null) {
                    lastLatencies = embedded.broker().latencies();   // for the 'stopped' line
                }
                this.broker = null;
                this.ocppGateway = null;
                if (blockNotices != null) {
                    blockNotices.close();
                }
            }
            submit(store, salts, messages, ledger, metrics);
            print(Map.of("event", "stopped", "ackLatency", lastLatencies));
            return 0;
        } finally {
            signal.close();
        }
    }

    /**
     * The TLS settings for the REST API, or null for plain HTTP; refuses plain HTTP on an address
     * other than loopback unless --insecure-http says so (the bearer tokens would cross the network
     * in clear).
     */
    private RestApi.Tls tls(final String host) {
        if (tlsKeystore != null) {
            if (insecureHttp) {
                throw new ParameterException(spec.commandLine(), "--http-tls-keystore and --insecure-http exclude each other");
            }
            if (!java.nio.file.Files.isRegularFile(tlsKeystore)) {
                throw new ParameterException(spec.commandLine(), "--http-tls-keystore: no such file " + tlsKeystore);
            }
            final String password = System.getenv(TLS_PASSWORD_ENV);
            if (password == null) {
                throw new ParameterException(spec.commandLine(), "--http-tls-keystore needs the keystore's password in the environment variable "
                        + TLS_PASSWORD_ENV);
            }
            return new RestApi.Tls(tlsKeystore, password);
        }
        if (!insecureHttp && !loopback(host)) {
            throw new ParameterException(spec.commandLine(), "--http " + http + " is not a loopback address: bearer tokens would cross the network"
                    + " in clear. Give --http-tls-keystore FILE (PKCS12, password in " + TLS_PASSWORD_ENV + "), or put a TLS-terminating"
                    + " reverse proxy in front and pass --insecure-http, or bind 127.0.0.1");
        }
        return null;
    }

    /** Whether {@code host} (a name or an address, IPv6 possibly in brackets) names only loopback addresses. */
    static boolean loopback(final String host) {
        final String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            final java.net.InetAddress[] all = java.net.InetAddress.getAllByName(h);
            for (final java.net.InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private String[] hostPort(final String value) {
        final int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new ParameterException(spec.commandLine(), "--http must be HOST:PORT, for example 127.0.0.1:8080, was '" + value + "'");
        }
        final String port = value.substring(colon + 1);
        try {
            final int p = Integer.parseInt(port);
            if (p < 0 || p > 65_535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--http's port must be 0..65535, was '" + port + "'");
        }
        return new String[] {value.substring(0, colon), port};
    }

    /**
     * Closes what the clock finished, meter by meter (one meter's trouble does not stop the others),
     * and drains the outbox; the store's own lock keeps this apart from incoming messages, and the
     * ledger calls hold no lock, so messages keep flowing while a submission waits for the ledger.
     */
    private void submit(final MemberStore store, final SaltStore salts, final SampleMessages messages, final LedgerConnection ledger,
            final GatewayMetrics metrics) {
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("event", "submit");
        final java.util.List<Object> problems = new java.util.ArrayList<>();
        long closed = 0;
        try {
            final java.util.List<Map<String, Object>> retried = messages.retryParked();
            if (!retried.isEmpty()) {
                out.put("parkedRetried", (long) retried.size());
                out.put("stillParked", retried.stream().filter(r -> Boolean.TRUE.equals(r.get("parked"))).count());
            }
        } catch (IOException | RuntimeException e) {
            out.put("parkedError", String.valueOf(e.getMessage())); // closing and submitting go on
        }
        try {
            final int forgotten = store.forgetOldAnswers();
            if (forgotten > 0) {
                out.put("idempotencyAnswersForgotten", (long) forgotten);
            }
        } catch (IOException | RuntimeException e) {
            out.put("idempotencyError", String.valueOf(e.getMessage())); // closing and submitting go on
        }
        try {
            final long now = System.currentTimeMillis() - TimeUnit.SECONDS.toMillis(closeAfter);
            for (final String meter : store.trackedMeters()) {
                try {
                    final int n = store.closeUntil(meter, salts.read(meter), now);
                    if (n > 96) {
                        // More than a day of empty intervals at once: a device that stopped, or a clock.
                        problems.add(Map.of("meterId", meter, "message", "closed " + n + " intervals at once (more than a day without"
                                + " samples): they are certified as empty; is the device sending?"));
                    }
                    closed += n;
                } catch (IOException | RuntimeException e) {
                    problems.add(Map.of("meterId", meter, "message", String.valueOf(e.getMessage())));
                }
            }
            out.put("closed", closed);
            final energy.flexledger.client.EnergyLedger energy = ledger.energy(root().channel);
            out.putAll(new OutboxSubmitter(store, records -> {
                final long start = System.nanoTime();
                try {
                    return energy.recordIntervals(records);
                } finally {
                    metrics.submitted(System.nanoTime() - start);
                }
            }, batch).drain().toMap());
        } catch (IOException | RuntimeException e) {
            out.put("error", String.valueOf(e.getMessage()));
        }
        if (!problems.isEmpty()) {
            out.put("closeProblems", problems);
        }
        if (gateway != null) {
            lastLatencies = gateway.latencies();
            out.put("ackLatency", lastLatencies);
        }
        final MqttListenOptions.Running embedded = broker;
        if (embedded != null) {
            lastLatencies = embedded.broker().latencies();
            out.put("mqttListenAckLatency", lastLatencies);
        }
        print(out);
    }

    /** The ledger's height now: the replica's blocks from there on are live. Unknown (the peer is down): all of them are. */
    private long liveFrom(final LedgerConnection ledger) {
        try {
            return ledger.blockHeight(root().channel);
        } catch (LedgerException | RuntimeException e) {
            print(Map.of("event", "height unknown", "message", String.valueOf(e.getMessage()),
                    "consequence", "the replica's lag metrics count every block, also those of its catch-up"));
            return 0;
        }
    }

    private static Map<String, Object> withSource(final Map<String, Object> line) {
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", "replica");
        out.putAll(line);
        return out;
    }

    /** The longest text a log line carries per value: a rejected 1 MB message must not make a 6 MB line. */
    static final int MAX_LOGGED_CHARS = 500;

    /** One JSON line per event, with its time first; long texts are cut. */
    static void print(final Map<String, Object> line) {
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("time", java.time.Instant.now().toString());
        line.forEach((k, v) -> out.put(k, cut(v)));
        synchronized (System.out) {
            System.out.println(Json.write(out));
            System.out.flush();
        }
    }

    private static Object cut(final Object value) {
        if (value instanceof String s && s.length() > MAX_LOGGED_CHARS) {
            return s.substring(0, MAX_LOGGED_CHARS) + "... (" + s.length() + " chars)";
        }
        if (value instanceof java.util.List<?> list) {
            final java.util.List<Object> out = new java.util.ArrayList<>();
            list.forEach(v -> out.add(cut(v)));
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            final Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), cut(v)));
            return out;
        }
        return value;
    }
}
