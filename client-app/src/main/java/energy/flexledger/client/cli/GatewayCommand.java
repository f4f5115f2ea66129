package energy.flexledger.client.cli;

import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.SaltStore;
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
 * {@code flexledger gateway}: the member's long-running ingestion. Device samples from MQTT into
 * the member store (acknowledged after commit); every {@code --submit-every} seconds the intervals
 * that ended at least {@code --close-after} seconds ago are closed (empty ones too) and the outbox
 * is drained to the ledger. One JSON line per message and per submission on standard output.
 */
@Command(name = "gateway", description = {
    "Take device samples from MQTT into the member store and send closed intervals to the ledger.",
    "Topic flexledger/meters/<meterId>/samples, payload [[t, v], ...], QoS 1; each message is acknowledged after it is",
    "committed. Finished intervals are closed and the outbox sent periodically. Runs until stopped (SIGTERM, Ctrl-C)",
    "or for --for seconds."})
final class GatewayCommand extends Connected implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--mqtt", required = true, description = "broker URL, for example tcp://127.0.0.1:1883")
    String brokerUrl;

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

    @Option(names = "--quiet", description = "no log line per message (refusals and problems are still logged); for load tests")
    boolean quiet;

    private MqttGateway gateway;
    private Map<String, Object> lastLatencies = Map.of();

    @Override
    public Integer call() throws IOException, MqttException, InterruptedException {
        if (submitEvery < 1 || closeAfter < 0 || runFor < 0 || batch < 1 || batch > 2_000) {
            throw new ParameterException(spec.commandLine(), "--submit-every >= 1, --close-after >= 0, --for >= 0, --batch 1..2000");
        }
        final CountDownLatch stop = new CountDownLatch(1);
        final CountDownLatch done = new CountDownLatch(1);
        // On SIGTERM or Ctrl-C: let the loop finish its last submission and disconnect cleanly.
        final Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                done.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "flexledger-gateway-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (MemberStore store = MemberStore.open(root().storeFile());
                LedgerConnection ledger = connect()) {
            final SaltStore salts = root().salts();
            final SampleMessages messages = new SampleMessages(store, salts,
                    (s, salt, meterId, first) -> MeterTracking.fromLedger(s, salt, ledger.energy(root().channel), meterId, first));
            // Meters tracked by an older store know no plausible range yet: ask the ledger once.
            for (final String meter : store.metersWithoutBound()) {
                try {
                    MeterTracking.refreshBound(store, ledger.energy(root().channel), meter);
                } catch (IOException | LedgerException | RuntimeException e) {
                    print(Map.of("event", "bound unknown", "meterId", meter, "message", String.valueOf(e.getMessage())));
                }
            }
            try (MqttGateway gateway = MqttGateway.start(brokerUrl, clientId != null ? clientId : "flexledger-" + root().org, messages,
                    GatewayCommand::print, quiet)) {
                this.gateway = gateway;
                print(Map.of("event", "started", "mqtt", brokerUrl, "topics", SampleMessages.TOPIC_FILTER, "clientId", gateway.clientId()));
                final long until = runFor == 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(runFor);
                while (!stop.await(Math.min(TimeUnit.SECONDS.toNanos(submitEvery), Math.max(0, until - System.nanoTime())), TimeUnit.NANOSECONDS)) {
                    submit(store, salts, messages, ledger);
                    if (System.nanoTime() >= until) {
                        break;
                    }
                }
            }
            submit(store, salts, messages, ledger);
            print(Map.of("event", "stopped", "ackLatency", lastLatencies));
            return 0;
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already stopping: the hook is running
            }
        }
    }

    /**
     * Closes what the clock finished, meter by meter (one meter's trouble does not stop the others),
     * and drains the outbox; the store's own lock keeps this apart from incoming messages, and the
     * ledger calls hold no lock, so messages keep flowing while a submission waits for the ledger.
     */
    private void submit(final MemberStore store, final SaltStore salts, final SampleMessages messages, final LedgerConnection ledger) {
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
            out.putAll(new OutboxSubmitter(store, ledger.energy(root().channel)::recordIntervals, batch).drain().toMap());
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
        print(out);
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
