package energy.flexledger.client.cli;

import energy.flexledger.client.EnergyLedger;
import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.SaltStore;
import energy.flexledger.client.ingest.SampleMessages;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code flexledger mqtt-load}: a load generator for the gateway's MQTT ingestion. Registers
 * {@code --meters} meters of this member (salts kept as for any meter), then publishes, with QoS 1,
 * {@code --rate} messages per second round-robin over them for {@code --seconds}, each message
 * {@code --samples} samples of a 10 Hz meter, starting half an hour ago. The gateway
 * ({@code flexledger gateway --quiet}) reports the acknowledgement latency it saw in its log.
 */
@Command(name = "mqtt-load", description = {
    "Publish device samples over MQTT at a fixed rate, for benchmarks of 'flexledger gateway'.",
    "Registers --meters meters of this member first; each message is --samples samples of a 10 Hz meter (QoS 1).",
    "The gateway's log ('ackLatency') says how long it took from a message's arrival to its acknowledgement."})
final class MqttLoadCommand extends Connected implements Callable<Integer> {
    @Option(names = "--mqtt", required = true, description = "broker URL, for example tcp://127.0.0.1:1883")
    String brokerUrl;

    @Option(names = "--meters", defaultValue = "50", description = "meters (default: ${DEFAULT-VALUE})")
    int meters;

    @Option(names = "--rate", defaultValue = "500", description = "messages per second, all meters together (default: ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--seconds", defaultValue = "30", description = "how long to publish (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--samples", defaultValue = "10", description = "samples per message (default: ${DEFAULT-VALUE})")
    int samples;

    @Override
    public Integer call() throws IOException, LedgerException, MqttException, InterruptedException {
        if (meters < 1 || rate < 1 || seconds < 1 || samples < 1 || samples > 10_000) {
            throw new ParameterException(spec.commandLine(), "--meters, --rate, --seconds >= 1; --samples 1..10000");
        }
        final long stepMs = 100L; // a 10 Hz meter
        final long headroom = (long) seconds * rate / meters * samples * stepMs;
        if (headroom > 30 * 60_000L) {
            throw new ParameterException(spec.commandLine(), "--seconds x --rate / --meters x --samples samples at 10 Hz exceed the half hour"
                    + " before now that the run starts from; publish fewer or use more meters");
        }
        final String run = "MQLOAD-" + System.currentTimeMillis();
        registerLoadMeters(this, run, meters);
        final long first = System.currentTimeMillis() - 30 * 60_000L;
        final long[] next = new long[meters];
        java.util.Arrays.fill(next, first);
        final MqttClient device = new MqttClient(brokerUrl, run, new MemoryPersistence());
        final MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMaxInflight(1000);
        device.connect(options);
        long published = 0;
        final long began = System.nanoTime();
        final long end = began + TimeUnit.SECONDS.toNanos(seconds);
        try {
            while (System.nanoTime() < end) {
                // Paced: message n leaves no earlier than n / rate seconds after the start.
                final long due = began + published * 1_000_000_000L / rate;
                final long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                final int m = (int) (published % meters);
                final StringBuilder p = new StringBuilder("[");
                for (int k = 0; k < samples; k++) {
                    next[m] += stepMs;
                    p.append(k > 0 ? "," : "").append('[').append(next[m]).append(',').append(1_000_000 + (next[m] / stepMs) % 1000).append(']');
                }
                final MqttMessage message = new MqttMessage(p.append(']').toString().getBytes(StandardCharsets.UTF_8));
                message.setQos(1);
                device.publish(SampleMessages.topicOf(run + "-" + m), message);
                published++;
            }
        } finally {
            device.disconnect();
            device.close();
        }
        final double took = (System.nanoTime() - began) / 1e9;
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("run", run);
        out.put("meters", (long) meters);
        out.put("samplesPerMessage", (long) samples);
        out.put("published", published);
        out.put("seconds", String.format(java.util.Locale.ROOT, "%.1f", took));
        out.put("messagesPerSecond", String.format(java.util.Locale.ROOT, "%.0f", published / took));
        out.put("samplesPerSecond", String.format(java.util.Locale.ROOT, "%.0f", published * samples / took));
        System.out.println(Json.write(out));
        return 0;
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
