package energy.flexledger.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.client.ingest.SampleMessages;
import energy.flexledger.client.store.MemberStore;
import io.moquette.broker.Server;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device publishes its samples over a real MQTT broker (Moquette, in this JVM); {@code flexledger
 * gateway} takes them into the member store with QoS 1, closes the finished intervals by the clock
 * and sends them to the ledger; a message delivered twice is stored once; the audit of the stored
 * samples against the ledger passes.
 */
@Tag("integration")
class MqttGatewayIT {
    private static final long Q = 900_000L;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void samplesPublishedOverMqttReachTheLedgerOnceEach(@TempDir final Path dir) throws Exception {
        final int port = freePort();
        final Properties config = new Properties();
        config.setProperty("host", "127.0.0.1");
        config.setProperty("port", Integer.toString(port));
        config.setProperty("allow_anonymous", "true");
        config.setProperty("persistence_enabled", "false");
        config.setProperty("data_path", dir.resolve("broker").toString());
        config.setProperty("telemetry_enabled", "false");
        final Server broker = new Server();
        broker.startServer(config);
        final String url = "tcp://127.0.0.1:" + port;
        final String meter = "IT-MQTT-" + System.nanoTime();
        try {
            InProcessCli.ok("--org", "community", "meter", "register", "--meter", meter, "--zone", "zone-mqtt");
            final long t0 = Math.floorDiv(System.currentTimeMillis(), Q) * Q - 6 * Q;

            final String gatewayId = "it-gateway-" + System.nanoTime();
            final int[] exit = {-1};
            final Thread gateway = new Thread(() -> exit[0] = FlexLedgerCli.run("--org", "community", "gateway", "--mqtt", url, "--client-id",
                    gatewayId, "--for", "10", "--submit-every", "1", "--close-after", "0"), "it-gateway");
            gateway.start();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (broker.listConnectedClients().stream().noneMatch(c -> gatewayId.equals(c.getClientID())) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(broker.listConnectedClients()).anySatisfy(c -> assertThat(c.getClientID()).isEqualTo(gatewayId));

            final MqttClient device = new MqttClient(url, "it-device-" + System.nanoTime(), new MemoryPersistence());
            final MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            device.connect(options);
            final String[] payloads = new String[3];
            for (int i = 0; i < 3; i++) {
                final StringBuilder p = new StringBuilder("[");
                for (int k = 1; k <= 15; k++) {
                    p.append(k > 1 ? "," : "").append('[').append(t0 + i * Q + k * 60_000L).append(',').append(900_000 + 1_000 * k + i).append(']');
                }
                payloads[i] = p.append(']').toString();
                final MqttMessage m = new MqttMessage(payloads[i].getBytes(StandardCharsets.UTF_8));
                m.setQos(1);
                device.publish(SampleMessages.topicOf(meter), m);
            }
            // The first message again, as a device that missed its PUBACK would send it.
            final MqttMessage again = new MqttMessage(payloads[0].getBytes(StandardCharsets.UTF_8));
            again.setQos(1);
            device.publish(SampleMessages.topicOf(meter), again);
            device.disconnect();
            device.close();

            gateway.join(TimeUnit.SECONDS.toMillis(120));
            assertThat(gateway.isAlive()).isFalse();
            assertThat(exit[0]).isZero();
        } finally {
            broker.stopServer();
        }
        // 45 samples stored once; every interval up to now closed (three with data, the rest empty) and committed.
        try (MemberStore store = MemberStore.open(InProcessCli.communityStore())) {
            assertThat(store.samples(meter, Long.MIN_VALUE, Long.MAX_VALUE)).hasSize(45);
            assertThat(store.outbox(meter)).hasSizeGreaterThanOrEqualTo(6).allSatisfy(r -> assertThat(r.status()).isEqualTo("COMMITTED"));
            assertThat(store.outbox(meter).subList(0, 3)).allSatisfy(r -> assertThat(r.digest().count()).isEqualTo(15));
            assertThat(InProcessCli.ok("--org", "community", "audit", "--meter", meter)).containsEntry("ok", true);
        }
    }
}
