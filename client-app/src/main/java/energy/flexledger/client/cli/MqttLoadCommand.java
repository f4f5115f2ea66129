package energy.flexledger.client.cli;

import energy.flexledger.client.EnergyLedger;
import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.Percentiles;
import energy.flexledger.client.SaltStore;
import energy.flexledger.client.ingest.SampleMessages;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code flexledger mqtt-load}: a load generator for the gateway's MQTT ingestion (an external
 * broker with {@code gateway --mqtt}, or the embedded one with {@code gateway --mqtt-listen}).
 * Registers {@code --meters} meters of this member (salts kept as for any meter), then publishes,
 * with QoS 1 over {@code --connections} connections, {@code --rate} messages per second (0: as fast
 * as the acknowledgements allow, at most {@code --window} unacknowledged per connection),
 * round-robin over the meters for {@code --seconds}, each message {@code --samples} samples of a
 * 10 Hz meter starting half an hour ago. It measures what the publisher sees: acknowledged
 * messages and samples per second, and the latency from each PUBLISH to its PUBACK.
 */
@Command(name = "mqtt-load", description = {
    "Publish device samples over MQTT, for benchmarks of 'flexledger gateway' (--mqtt-listen, or --mqtt with an external broker).",
    "Registers --meters meters of this member first; each message is --samples samples of a 10 Hz meter (QoS 1). Prints the messages",
    "and samples acknowledged per second and the PUBLISH-to-PUBACK latency (p50, p99, max) as the publisher saw it. With --user, logs",
    "in as that credential (its token from the environment variable FLEXLEDGER_MQTT_TOKEN, kept out of ps): an ems or bms credential",
    "of this member, as the embedded broker requires."},
    footer = {"", "Examples:",
        "  flexledger --org community credential create --name load-ems --kind ems      # prints the token",
        "  flexledger --org community gateway --mqtt-listen 127.0.0.1:1883 --quiet &",
        "  FLEXLEDGER_MQTT_TOKEN=flx_... flexledger --org community mqtt-load --mqtt tcp://127.0.0.1:1883 --user load-ems --samples 1 --connections 20",
        "  FLEXLEDGER_MQTT_TOKEN=flx_... flexledger --org community mqtt-load --mqtt tcp://127.0.0.1:1883 --user load-ems --samples 1000 --rate 0"})
final class MqttLoadCommand extends Connected implements Callable<Integer> {
    /** The environment variable that holds the --user credential's token (never an argument: ps shows arguments). */
    static final String TOKEN_ENV = "FLEXLEDGER_MQTT_TOKEN";

    @Option(names = "--mqtt", required = true, description = "broker URL, for example tcp://127.0.0.1:1883")
    String brokerUrl;

    @Option(names = "--user", description = "log in as this credential (flexledger credential create); its token from " + TOKEN_ENV)
    String user;

    @Option(names = "--meters", defaultValue = "50", description = "meters (default: ${DEFAULT-VALUE})")
    int meters;

    @Option(names = "--connections", defaultValue = "1", description = "MQTT connections, like as many devices; message n goes over"
            + " connection n mod connections (default: ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--rate", defaultValue = "500", description = "messages per second, all connections together; 0: as fast as"
            + " acknowledged (default: ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--window", defaultValue = "100", description = "unacknowledged messages per connection at most (default: ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--seconds", defaultValue = "30", description = "how long to publish (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--samples", defaultValue = "10", description = "samples per message (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--step-ms", defaultValue = "100", description = "milliseconds between a meter's samples; samples start half an hour"
            + " ago, and the run ends early if a meter would reach the present (default: ${DEFAULT-VALUE}, a 10 Hz meter)")
    long stepMs;

    @Override
    public Integer call() throws IOException, LedgerException, MqttException, InterruptedException {
        if (meters < 1 || rate < 0 || seconds < 1 || samples < 1 || samples > 10_000 || connections < 1 || connections > 1_000
                || window < 1 || window > 65_000 || stepMs < 1 || stepMs > 60_000) {
            throw new ParameterException(spec.commandLine(), "--meters, --seconds >= 1; --rate >= 0; --samples 1..10000; --connections 1..1000;"
                    + " --window 1..65000; --step-ms 1..60000");
        }
        final String token = user == null ? null : System.getenv(TOKEN_ENV);
        if (user != null && token == null) {
            throw new ParameterException(spec.commandLine(), "--user needs the credential's token in the environment variable " + TOKEN_ENV);
        }
        final String run = "MQLOAD-" + System.currentTimeMillis();
        registerLoadMeters(this, run, meters);
        final long first = System.currentTimeMillis() - 30 * 60_000L;
        final long[] next = new long[meters];
        java.util.Arrays.fill(next, first);
        final List<MqttAsyncClient> clients = new ArrayList<>();
        final List<Semaphore> windows = new ArrayList<>();
        final MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMaxInflight(window);
        if (brokerUrl.startsWith("tcp://")) {
            // Nagle off, as a device that sends one message and waits for its PUBACK should: with it on, the last segment
            // of a PUBLISH larger than one segment waits for the broker's delayed ACK (40 ms on Linux) — the client's
            // delay, not the gateway's, and it would be all this tool measures with a window of 1.
            options.setSocketFactory(new energy.flexledger.client.ingest.NoDelaySockets());
        }
        if (user != null) {
            options.setUserName(user);
            options.setPassword(token.toCharArray());
        }
        for (int c = 0; c < connections; c++) {
            final MqttAsyncClient client = new MqttAsyncClient(brokerUrl, (user != null ? user + ":" : "") + run + "-" + c, new MemoryPersistence());
            client.connect(options).waitForCompletion(60_000);
            clients.add(client);
            windows.add(new Semaphore(window));
        }
        final long[] latencies = new long[1 << 22];
        final AtomicLong acked = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong lastAck = new AtomicLong();
        long published = 0;
        long skipped = 0;
        boolean caughtUp = false;
        final long began = System.nanoTime();
        final long end = began + TimeUnit.SECONDS.toNanos(seconds);
        try {
            while (System.nanoTime() < end) {
                if (rate > 0) {
                    // Paced: message n leaves no earlier than n / rate seconds after the start.
                    final long wait = began + published * 1_000_000_000L / rate - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                final int c = (int) (published % connections);
                final Semaphore free = windows.get(c);
                if (!free.tryAcquire(1, TimeUnit.SECONDS)) {
                    skipped++;   // the connection's window stayed full: the broker is behind
                    continue;
                }
                final int m = (int) (published % meters);
                if (next[m] + samples * stepMs > System.currentTimeMillis()) {
                    caughtUp = true;   // samples from the future would be refused: the run ends here
                    free.release();
                    break;
                }
                final StringBuilder p = new StringBuilder(samples * 24).append('[');
                for (int k = 0; k < samples; k++) {
                    next[m] += stepMs;
                    p.append(k > 0 ? "," : "").append('[').append(next[m]).append(',').append(1_000_000 + (next[m] / stepMs) % 1000).append(']');
                }
                final MqttMessage message = new MqttMessage(p.append(']').toString().getBytes(StandardCharsets.UTF_8));
                message.setQos(1);
                final long sent = System.nanoTime();
                final long index = published;
                clients.get(c).publish(SampleMessages.topicOf(run + "-" + m), message, null, new IMqttActionListener() {
                    @Override
                    public void onSuccess(final IMqttToken t) {
                        final long now = System.nanoTime();
                        latencies[(int) (index % latencies.length)] = now - sent;
                        acked.incrementAndGet();
                        lastAck.accumulateAndGet(now, Math::max);
                        free.release();
                    }

                    @Override
                    public void onFailure(final IMqttToken t, final Throwable e) {
                        failed.incrementAndGet();
                        free.release();
                    }
                });
                published++;
            }
            // Every message answered (acknowledged or failed), or a minute passed.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (acked.get() + failed.get() < published && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
        } finally {
            for (final MqttAsyncClient client : clients) {
                try {
                    client.disconnect().waitForCompletion(10_000);
                } catch (MqttException e) {
                    // the broker went away: the figures below say what was acknowledged
                }
                client.close();
            }
        }
        final long ackedCount = acked.get();
        final double took = (Math.max(lastAck.get(), began + 1) - began) / 1e9;
        final int n = (int) Math.min(ackedCount, latencies.length);
        final long[] sorted = java.util.Arrays.copyOf(latencies, n);
        java.util.Arrays.sort(sorted);
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("run", run);
        out.put("meters", (long) meters);
        out.put("connections", (long) connections);
        out.put("samplesPerMessage", (long) samples);
        out.put("published", published);
        out.put("acknowledged", ackedCount);
        out.put("failed", failed.get());
        out.put("windowFullSkips", skipped);
        if (caughtUp) {
            out.put("endedEarly", "a meter's samples reached the present: use more --meters or a smaller --step-ms");
        }
        out.put("seconds", String.format(java.util.Locale.ROOT, "%.1f", took));
        out.put("messagesPerSecond", String.format(java.util.Locale.ROOT, "%.0f", ackedCount / took));
        out.put("samplesPerSecond", String.format(java.util.Locale.ROOT, "%.0f", ackedCount * samples / took));
        out.put("p50Ms", n == 0 ? "0" : String.format(java.util.Locale.ROOT, "%.2f", Percentiles.nearestRank(sorted, 0.5) / 1e6));
        out.put("p99Ms", n == 0 ? "0" : String.format(java.util.Locale.ROOT, "%.2f", Percentiles.nearestRank(sorted, 0.99) / 1e6));
        out.put("maxMs", n == 0 ? "0" : String.format(java.util.Locale.ROOT, "%.2f", sorted[n - 1] / 1e6));
        System.out.println(Json.write(out));
        return failed.get() == 0 ? 0 : 4;
    }

    /**
     * Registers {@code meters} meters {@code <run>-0 .. <run>-(meters-1)} of this member in zone-1 (the
     * DSO's in network-config/consortium.json: see BenchCommand, decision 0014), each with a new FP1
     * salt kept in the member's salt store: what a load run sends samples for.
     */
    static void registerLoadMeters(final Connected command, final String run, final int meters) throws java.io.IOException, energy.flexledger.client.LedgerException {
        final SaltStore salts = command.root().salts();
        try (LedgerConnection ledger = command.connect()) {
            final EnergyLedger energy = ledger.energy(command.root().channel);
            for (int m = 0; m < meters; m++) {
                final String id = run + "-" + m;
                salts.registerWith(id, salt -> energy.registerMeter(id, "zone-1", Hex.encode(Fp1.saltCommitment(salt))));
            }
        }
    }
}
