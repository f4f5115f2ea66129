package energy.flexledger.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.client.ingest.SampleMessages;
import energy.flexledger.client.store.MemberStore;
import energy.flexledger.spec.Json;
import io.moquette.broker.Server;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The redelivery path, on real brokers (Moquette embedded in this JVM, and Mosquitto from Debian's
 * packages as a process of its own): {@code flexledger gateway} runs as its own process; it is halted
 * right after committing a message to the member store and before its PUBACK (a deterministic kill
 * point, {@code flexledger.test.haltBeforeAck}); a second gateway with the same client id gets the
 * message again from the broker (persistent session, QoS 1) and stores it once; on SIGTERM it closes
 * the finished intervals and sends them to the ledger; the audit of the stored samples passes.
 * Every wait is for a condition (a line of the gateway's log, a process's exit), not for time.
 */
@Tag("integration")
class MqttGatewayIT {
    private static final long Q = 900_000L;
    private static final long WAIT_SECONDS = 120;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A broker the test started and stops. */
    private interface Broker extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    private static Broker moquette(final Path dir, final int port) throws IOException {
        final Properties config = new Properties();
        config.setProperty("host", "127.0.0.1");
        config.setProperty("port", Integer.toString(port));
        config.setProperty("allow_anonymous", "true");
        config.setProperty("persistence_enabled", "false");
        config.setProperty("data_path", dir.resolve("broker").toString());
        config.setProperty("telemetry_enabled", "false");
        final Server broker = new Server();
        broker.startServer(config);
        return broker::stopServer;
    }

    private static Broker mosquitto(final Path dir, final int port) throws Exception {
        final Path binary = Path.of("/usr/sbin/mosquitto");
        assertThat(binary).as("Mosquitto from Debian's packages (apt-get install mosquitto; scripts/test.sh installs it)").isExecutable();
        final Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n");
        final Process p = new ProcessBuilder(binary.toString(), "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        // Ready when it takes connections.
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            try {
                new java.net.Socket("127.0.0.1", port).close();
                break;
            } catch (IOException notYet) {
                assertThat(p.isAlive()).as("mosquitto is running; its log: %s", Files.readString(dir.resolve("mosquitto.log"))).isTrue();
                assertThat(System.nanoTime()).as("mosquitto listens on %d", port).isLessThan(deadline);
                Thread.sleep(20);
            }
        }
        return () -> {
            p.destroy(); // the process this test started, by its handle
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        };
    }

    /** {@code flexledger gateway} as a process of its own, its log in {@code log}. */
    private static Process gateway(final Path log, final String url, final String clientId, final String javaOptions) throws IOException {
        final ProcessBuilder pb = new ProcessBuilder(InProcessCli.ROOT.resolve("scripts/flexledger").toString(), "--org", "community", "gateway",
                "--mqtt", url, "--client-id", clientId, "--submit-every", "3600", "--close-after", "0")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        if (javaOptions != null) {
            pb.environment().put("JDK_JAVA_OPTIONS", javaOptions);
        }
        return pb.start();
    }

    /** Waits until a JSON line of the gateway's log satisfies {@code test}; fails if the process ends first. */
    private static Map<String, Object> awaitLine(final Path log, final Process p, final Predicate<Map<String, Object>> test) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            for (final String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.startsWith("{")) {
                    final Map<String, Object> m = Json.parseObject(line);
                    if (test.test(m)) {
                        return m;
                    }
                }
            }
            assertThat(p.isAlive()).as("the gateway is still running; its log:%n%s", Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("a matching line in %s:%n%s", log, Files.readString(log)).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void publish(final String url, final String meter, final String payload) throws Exception {
        final MqttClient device = new MqttClient(url, "it-device-" + System.nanoTime(), new MemoryPersistence());
        final MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        device.connect(options);
        final MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        device.publish(SampleMessages.topicOf(meter), m); // returns once the broker has it (PUBACK)
        device.disconnect();
        device.close();
    }

    private static String minuteSamples(final long from, final int n, final int salt) {
        final StringBuilder p = new StringBuilder("[");
        for (int k = 1; k <= n; k++) {
            p.append(k > 1 ? "," : "").append('[').append(from + k * 60_000L).append(',').append(900_000 + 1_000 * k + salt).append(']');
        }
        return p.append(']').toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"moquette", "mosquitto"})
    void aMessageStoredButNotAcknowledgedComesBackAndIsStoredOnce(final String brokerName, @org.junit.jupiter.api.io.TempDir final Path dir)
            throws Exception {
        final int port = freePort();
        final String url = "tcp://127.0.0.1:" + port;
        final String meter = "IT-MQTT-" + brokerName + "-" + System.nanoTime();
        final String clientId = "it-gateway-" + brokerName + "-" + System.nanoTime();
        InProcessCli.ok("--org", "community", "meter", "register", "--meter", meter, "--zone", "zone-1");
        final long t0 = Math.floorDiv(System.currentTimeMillis(), Q) * Q - 4 * Q;
        final String first = minuteSamples(t0, 15, 0);
        final String second = minuteSamples(t0 + Q, 15, 1);
        final Broker broker = "mosquitto".equals(brokerName) ? mosquitto(dir, port) : moquette(dir, port);
        try {
            // 1. A gateway that halts after it committed the first message, before its PUBACK.
            final Path log1 = dir.resolve("gateway-1.log");
            final Process g1 = gateway(log1, url, clientId, "-Dflexledger.test.haltBeforeAck=1");
            awaitLine(log1, g1, m -> "started".equals(m.get("event")));
            publish(url, meter, first);
            assertThat(g1.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("the gateway halted").isTrue();
            assertThat(g1.exitValue()).as("halted at the kill point; log:%n%s", Files.readString(log1)).isEqualTo(137);
            assertThat(Files.readString(log1)).contains("halting before the PUBACK of message 1");
            try (MemberStore store = MemberStore.open(InProcessCli.communityStore())) {
                assertThat(store.samples(meter, Long.MIN_VALUE, Long.MAX_VALUE)).as("committed before the halt").hasSize(15);
            }

            // 2. The same client id again: the broker delivers the unacknowledged message once more.
            final Path log2 = dir.resolve("gateway-2.log");
            final Process g2 = gateway(log2, url, clientId, null);
            try {
                final Map<String, Object> redelivered = awaitLine(log2, g2, m -> meter.equals(m.get("meterId")));
                assertThat(redelivered).as("the redelivered message").containsEntry("accepted", 0L).containsEntry("duplicates", 15L);
                publish(url, meter, second);
                awaitLine(log2, g2, m -> meter.equals(m.get("meterId")) && Long.valueOf(15).equals(m.get("accepted")));
            } finally {
                g2.destroy(); // SIGTERM: the gateway closes what the clock finished and sends it
            }
            assertThat(g2.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            // A JVM stopped by SIGTERM exits with 143 once its shutdown hooks are done.
            assertThat(g2.exitValue()).as("a clean stop; log:%n%s", Files.readString(log2)).isIn(0, 143);
            final List<String> lines = Files.readAllLines(log2, StandardCharsets.UTF_8);
            assertThat(lines).filteredOn(l -> l.startsWith("{")).allSatisfy(l -> assertThat(Json.parseObject(l)).containsKey("time"));
            assertThat(lines).filteredOn(l -> l.startsWith("{")).map(Json::parseObject).anySatisfy(m -> assertThat(m).containsEntry("event", "stopped"));
        } finally {
            broker.close();
        }
        // 30 samples stored once each; every interval up to now closed and committed; the audit passes.
        try (MemberStore store = MemberStore.open(InProcessCli.communityStore())) {
            assertThat(store.samples(meter, Long.MIN_VALUE, Long.MAX_VALUE)).hasSize(30);
            assertThat(store.outbox(meter)).hasSizeGreaterThanOrEqualTo(3).allSatisfy(r -> assertThat(r.status()).isEqualTo("COMMITTED"));
            assertThat(store.outbox(meter).subList(0, 2)).allSatisfy(r -> assertThat(r.digest().count()).isEqualTo(15));
        }
        assertThat(InProcessCli.ok("--org", "community", "audit", "--meter", meter)).containsEntry("ok", true);
    }
}
