package energy.flexledger.client.ingest;

import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Takes device samples from an MQTT broker into the member store: subscribes to
 * {@value SampleMessages#TOPIC_FILTER} with QoS 1 and a persistent session, and acknowledges each
 * message (PUBACK) only after {@link SampleMessages#handle} has committed it. When the store fails,
 * the message is not acknowledged: the client drops the connection, reconnects, and the broker
 * delivers the message again; samples already stored are then counted as duplicates, not twice.
 */
public final class MqttGateway implements AutoCloseable {
    private final MqttClient client;
    private final Latencies latencies;

    private MqttGateway(final MqttClient client, final Latencies latencies) {
        this.client = client;
        this.latencies = latencies;
    }

    /**
     * Acknowledgement latency as the gateway sees it: from a message's arrival to its PUBACK, that
     * is, the member store's commit (samples, fingerprint state, any closed interval) plus the ack.
     */
    public static final class Latencies {
        private final long[] micros = new long[1 << 16];
        private long count;

        public synchronized void add(final long nanos) {
            micros[(int) (count++ % micros.length)] = nanos / 1_000L;
        }

        /** {@code {"messages", "p50Ms", "p99Ms", "maxMs"}} over the last 65,536 messages. */
        public synchronized Map<String, Object> summary() {
            final int n = (int) Math.min(count, micros.length);
            final long[] sorted = java.util.Arrays.copyOf(micros, n);
            java.util.Arrays.sort(sorted);
            final Map<String, Object> out = new java.util.LinkedHashMap<>();
            out.put("messages", count);
            out.put("p50Ms", n == 0 ? "0" : String.format(java.util.Locale.ROOT, "%.2f", energy.flexledger.client.Percentiles.nearestRank(sorted, 0.5) / 1000.0));
            out.put("p99Ms", n == 0 ? "0" : String.format(java.util.Locale.ROOT, "%.2f", energy.flexledger.client.Percentiles.nearestRank(sorted, 0.99) / 1000.0));
            out.put("maxMs", n == 0 ? "0" : String.format(java.util.Locale.ROOT, "%.2f", sorted[n - 1] / 1000.0));
            return out;
        }
    }

    /** The acknowledgement latencies so far. */
    public Map<String, Object> latencies() {
        return latencies.summary();
    }

    /**
     * Connects to {@code brokerUrl} as {@code clientId} (the broker keeps that client's session and
     * its unacknowledged messages while the gateway is away) and starts taking messages.
     */
    public static MqttGateway start(final String brokerUrl, final String clientId, final SampleMessages messages,
            final Consumer<Map<String, Object>> report) throws MqttException {
        return start(brokerUrl, clientId, messages, report, false);
    }

    /** Like {@link #start(String, String, SampleMessages, Consumer)}; {@code quiet}: no log line per accepted message (load tests). */
    public static MqttGateway start(final String brokerUrl, final String clientId, final SampleMessages messages,
            final Consumer<Map<String, Object>> report, final boolean quiet) throws MqttException {
        final MqttClient client = new MqttClient(brokerUrl, clientId, new MemoryPersistence());
        final Latencies latencies = new Latencies();
        final MqttClient[] clientRef = {client};
        client.setManualAcks(true);
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(final boolean reconnect, final String serverUri) {
                if (reconnect) {
                    report.accept(Map.of("event", "reconnected", "mqtt", serverUri));
                    // The broker may have lost the session (restarted without persistence): subscribe
                    // again, which is harmless when it kept it. Not on this (the callback) thread,
                    // where a blocking subscribe could wait behind queued messages.
                    final Thread again = new Thread(() -> {
                        try {
                            clientRef[0].subscribe(SampleMessages.TOPIC_FILTER, 1);
                        } catch (MqttException e) {
                            report.accept(Map.of("event", "resubscribe failed", "message", String.valueOf(e.getMessage())));
                        }
                    }, "flexledger-mqtt-resubscribe");
                    again.setDaemon(true);
                    again.start();
                }
            }

            @Override
            public void connectionLost(final Throwable cause) {
                report.accept(Map.of("event", "connection lost", "message", String.valueOf(cause.getMessage())));
            }

            @Override
            public void messageArrived(final String topic, final MqttMessage message) throws Exception {
                final long arrived = System.nanoTime();
                final Map<String, Object> result;
                try {
                    result = messages.handle(topic, message.getPayload());
                } catch (java.io.IOException | RuntimeException e) {
                    // Nothing could be stored: no PUBACK, the client reconnects, the broker redelivers.
                    // Said here, or a locked store would show only as reconnect cycles.
                    report.accept(Map.of("event", "store failed", "topic", topic, "message", String.valueOf(e.getMessage()),
                            "action", "not acknowledged: the broker delivers the message again"));
                    throw e;
                }
                AckHook.beforeAck();
                client.messageArrivedComplete(message.getId(), message.getQos());
                latencies.add(System.nanoTime() - arrived);
                if (!quiet) {
                    report.accept(result);
                }
            }

            @Override
            public void deliveryComplete(final IMqttDeliveryToken token) {
                // the gateway publishes nothing
            }
        });
        final MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setAutomaticReconnect(true);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        if (client.getServerURI().startsWith("tcp://")) {
            options.setSocketFactory(new NoDelaySockets());   // PUBACKs leave at once, not behind a delayed ACK
        }
        client.connect(options);
        client.subscribe(SampleMessages.TOPIC_FILTER, 1);
        return new MqttGateway(client, latencies);
    }

    /**
     * A deterministic kill point for the tests of the redelivery path: with the system property
     * {@code flexledger.test.haltBeforeAck=N}, the process halts (no shutdown hooks, no PUBACK) right
     * after the N-th message was committed to the store and before it is acknowledged.
     */
    static final class AckHook {
        private static final long HALT_AT = Long.getLong("flexledger.test.haltBeforeAck", 0L);
        private static final java.util.concurrent.atomic.AtomicLong COMMITTED = new java.util.concurrent.atomic.AtomicLong();

        private AckHook() {
        }

        static void beforeAck() {
            if (HALT_AT > 0 && COMMITTED.incrementAndGet() == HALT_AT) {
                System.err.println("flexledger: halting before the PUBACK of message " + HALT_AT + " (flexledger.test.haltBeforeAck)");
                Runtime.getRuntime().halt(137);
            }
        }
    }

    public String clientId() {
        return client.getClientId();
    }

    @Override
    public void close() throws MqttException {
        try {
            if (client.isConnected()) {
                client.disconnect(5_000);
            }
        } finally {
            client.close();
        }
    }
}
