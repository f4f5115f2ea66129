package energy.flexledger.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.client.ingest.SampleMessages;
import energy.flexledger.client.mqtt.BrokerAccess;
import energy.flexledger.client.store.MemberStore;
import energy.flexledger.spec.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code flexledger gateway --mqtt-listen} on the real network, the gateway a process of its own:
 * devices log in with their credentials and publish their own meters' samples (acknowledged once
 * stored), wrong tokens, revoked credentials and other meters are refused; a consumer member reads
 * the provider's data topic once the provider accepted its subscription on the ledger, and is cut
 * off within seconds of the revocation; and a gateway killed between storing a message and
 * acknowledging it (or before storing it) loses nothing: the device sends it again, it is stored
 * once. Every wait is for a condition with a deadline.
 */
@Tag("integration")
class MqttListenIT {
    private static final long Q = 900_000L;
    private static final long WAIT_SECONDS = 120;

    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Process gateway(final Path log, final String listen, final String javaOptions, final String... more) throws IOException {
        final List<String> args = new java.util.ArrayList<>(List.of(InProcessCli.ROOT.resolve("scripts/flexledger").toString(), "--org",
                "community", "gateway", "--mqtt-listen", listen, "--submit-every", "3600", "--close-after", "0", "--access-refresh", "1"));
        args.addAll(List.of(more));
        final ProcessBuilder pb = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(log.toFile());
        if (javaOptions != null) {
            pb.environment().put("JDK_JAVA_OPTIONS", javaOptions);
        }
        return pb.start();
    }

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

    private static void stop(final Process p) throws InterruptedException {
        p.destroy();   // SIGTERM to the process this test started
        if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    private static MqttClient client(final String url, final String clientId, final String user, final String token, final MqttCallback callback)
            throws MqttException {
        final MqttClient c = new MqttClient(url, clientId, new MemoryPersistence());
        if (callback != null) {
            c.setCallback(callback);
        }
        final MqttConnectOptions o = new MqttConnectOptions();
        o.setUserName(user);
        o.setPassword(token.toCharArray());
        o.setCleanSession(true);
        c.setTimeToWait(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        c.connect(o);
        return c;
    }

    private static MqttMessage qos1(final String payload) {
        final MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        return m;
    }

    private static String minuteSamples(final long from, final int n) {
        final StringBuilder p = new StringBuilder("[");
        for (int k = 1; k <= n; k++) {
            p.append(k > 1 ? "," : "").append('[').append(from + k * 60_000L).append(',').append(900_000 + 1_000 * k).append(']');
        }
        return p.append(']').toString();
    }

    private static int stored(final String meter) throws IOException {
        try (MemberStore store = MemberStore.open(InProcessCli.communityStore())) {
            return store.samples(meter, Long.MIN_VALUE, Long.MAX_VALUE).size();
        }
    }

    /** What a consumer receives, and whether its connection was lost. */
    private static final class Inbox implements MqttCallback {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CountDownLatch lost = new CountDownLatch(1);

        @Override
        public void connectionLost(final Throwable cause) {
            lost.countDown();
        }

        @Override
        public void messageArrived(final String topic, final MqttMessage message) {
            messages.add(new String(message.getPayload(), StandardCharsets.UTF_8));
        }

        @Override
        public void deliveryComplete(final IMqttDeliveryToken token) {
        }
    }

    @Test
    void credentialsPublishTheirOwnMetersAndAConsumerReadsOnlyWhileItsSubscriptionIsAccepted() throws Exception {
        final String run = Long.toString(System.nanoTime(), 36);
        final String mine = "IT-MQL-A-" + run;
        final String other = "IT-MQL-B-" + run;
        final String topic = "it-mqtt/" + run;
        InProcessCli.ok("--org", "community", "meter", "register", "--meter", mine, "--zone", "zone-1");
        InProcessCli.ok("--org", "community", "meter", "register", "--meter", other, "--zone", "zone-1");
        InProcessCli.ok("--org", "community", "device", "enroll", "--device", "it-mql-" + run, "--asset", mine);
        final String device = InProcessCli.ok("--org", "community", "credential", "create", "--name", "it-mql-" + run, "--kind", "device",
                "--asset", mine).get("token").toString();
        final Map<String, Object> consumerCredential = InProcessCli.ok("--org", "community", "credential", "create", "--name",
                "it-agg-" + run, "--kind", "consumer", "--msp", "AggregatorMSP");
        assertThat(consumerCredential).containsEntry("kind", "consumer").containsEntry("msp", "AggregatorMSP");
        final String consumer = consumerCredential.get("token").toString();

        final Path log = dir.resolve("gateway.log");
        final Process g = gateway(log, "127.0.0.1:0", null, "--data-topic", topic + "=" + mine);
        try {
            final String url = awaitLine(log, g, m -> "started".equals(m.get("event"))).get("mqttListen").toString();
            final long t0 = Math.floorDiv(System.currentTimeMillis(), Q) * Q - 2 * Q;

            // The device publishes its own meter's samples: acknowledged once stored.
            final MqttClient dev = client(url, "it-mql-" + run, "it-mql-" + run, device, null);
            dev.publish(SampleMessages.topicOf(mine), qos1(minuteSamples(t0, 5)));
            assertThat(stored(mine)).isEqualTo(5);

            // Another asset's topic: the device is disconnected, nothing is stored.
            final Inbox devInbox = new Inbox();
            dev.setCallback(devInbox);
            assertThatThrownBy(() -> dev.publish(SampleMessages.topicOf(other), qos1(minuteSamples(t0, 1)))).isInstanceOf(MqttException.class);
            assertThat(devInbox.lost.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(stored(other)).isZero();
            dev.close(true);

            // A wrong token, a token under another name: refused.
            assertThatThrownBy(() -> client(url, "it-mql-" + run, "it-mql-" + run, "flx_wrong", null)).isInstanceOf(MqttException.class)
                    .satisfies(e -> assertThat(((MqttException) e).getReasonCode()).isIn(4, 5));
            assertThatThrownBy(() -> client(url, "it-agg-" + run, "it-agg-" + run, device, null)).isInstanceOf(MqttException.class);

            // No accepted subscription yet: the consumer may not read the topic.
            final String data = BrokerAccess.dataTopic("AggregatorMSP", topic);
            final MqttClient early = client(url, "it-agg-" + run + ":early", "it-agg-" + run, consumer, null);
            assertThat(early.subscribeWithResponse(data, 1).getGrantedQos()).containsExactly(128);
            early.disconnect();
            early.close();

            // The aggregator asks, the community accepts: within a refresh the consumer reads the topic.
            InProcessCli.ok("--org", "aggregator", "subscription", "request", "--id", "IT-MQL-" + run, "--provider", "CommunityMSP", "--topic", topic);
            InProcessCli.ok("--org", "community", "subscription", "accept", "--id", "IT-MQL-" + run);
            awaitLine(log, g, m -> "mqtt access".equals(m.get("event")) && m.get("grants") instanceof List<?> l && l.contains("AggregatorMSP " + topic));
            final Inbox inbox = new Inbox();
            final MqttClient reader = client(url, "it-agg-" + run, "it-agg-" + run, consumer, inbox);
            assertThat(reader.subscribeWithResponse(data, 1).getGrantedQos()).containsExactly(1);
            final MqttClient dev2 = client(url, "it-mql-" + run, "it-mql-" + run, device, null);
            dev2.publish(SampleMessages.topicOf(mine), qos1(minuteSamples(t0 + 5 * 60_000L, 2)));
            final String got = inbox.messages.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(got).isNotNull();
            final Map<String, Object> received = Json.parseObject(got);
            assertThat(received).containsEntry("meterId", mine);
            assertThat((List<?>) received.get("samples")).hasSize(2);

            // The community revokes: the consumer is cut off within seconds and may not subscribe again.
            InProcessCli.ok("--org", "community", "subscription", "revoke", "--id", "IT-MQL-" + run);
            final long revoked = System.nanoTime();
            assertThat(inbox.lost.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("disconnected after the revocation").isTrue();
            final double seconds = (System.nanoTime() - revoked) / 1e9;
            System.out.printf("MqttListenIT: consumer disconnected %.1f s after RevokeAccess committed%n", seconds);
            final MqttClient again = client(url, "it-agg-" + run, "it-agg-" + run, consumer, null);
            assertThat(again.subscribeWithResponse(data, 1).getGrantedQos()).containsExactly(128);
            again.disconnect();
            again.close();

            // The device's credential is revoked: it can no longer log in.
            dev2.disconnect();
            dev2.close();
            InProcessCli.ok("--org", "community", "credential", "revoke", "--name", "it-mql-" + run);
            try {
                client(url, "it-mql-" + run, "it-mql-" + run, device, null).disconnect();
                throw new AssertionError("a revoked credential logged in; credentials " + InProcessCli.run("--org", "community", "credential",
                        "list").out() + "; log:\n" + Files.readString(log));
            } catch (MqttException expected) {
                assertThat(expected.getReasonCode()).isIn(4, 5);
            }
            assertThat(stored(mine)).isEqualTo(7);
        } finally {
            stop(g);
        }
    }

    /**
     * The gateway halts (Runtime.halt: no shutdown hooks) right before it commits a device's message,
     * or right after committing it and before the broker acknowledges it. Either way the device got
     * no PUBACK; when the gateway is back on the same port the device sends the message again and it
     * is stored exactly once.
     */
    @ParameterizedTest
    @ValueSource(strings = {"mqttHaltBeforeCommit", "mqttHaltAfterCommit"})
    void aGatewayKilledBeforeItAcknowledgesLosesNothing(final String killPoint) throws Exception {
        final String run = Long.toString(System.nanoTime(), 36);
        final String meter = "IT-MQK-" + run;
        InProcessCli.ok("--org", "community", "meter", "register", "--meter", meter, "--zone", "zone-1");
        final String ems = InProcessCli.ok("--org", "community", "credential", "create", "--name", "it-mqk-" + run, "--kind", "ems")
                .get("token").toString();
        final String listen = "127.0.0.1:" + freePort();
        final String url = "tcp://" + listen;
        final long t0 = Math.floorDiv(System.currentTimeMillis(), Q) * Q - 2 * Q;

        final Path log1 = dir.resolve("gateway-1.log");
        final Process g1 = gateway(log1, listen, "-Dflexledger.test." + killPoint + "=1");
        awaitLine(log1, g1, m -> "started".equals(m.get("event")));
        // A device whose session and unacknowledged message outlive a connection (clean session off).
        final MqttAsyncClient dev = new MqttAsyncClient(url, "it-mqk-" + run, new MemoryPersistence());
        final MqttConnectOptions o = new MqttConnectOptions();
        o.setUserName("it-mqk-" + run);
        o.setPassword(ems.toCharArray());
        o.setCleanSession(false);
        dev.connect(o).waitForCompletion(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        final IMqttDeliveryToken token = dev.publish(SampleMessages.topicOf(meter), qos1(minuteSamples(t0, 15)));
        assertThat(g1.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("the gateway halted").isTrue();
        assertThat(g1.exitValue()).as("halted at the kill point; log:%n%s", Files.readString(log1)).isEqualTo(137);
        assertThat(token.isComplete()).as("no PUBACK came").isFalse();
        assertThat(stored(meter)).isEqualTo(killPoint.equals("mqttHaltAfterCommit") ? 15 : 0);

        final Path log2 = dir.resolve("gateway-2.log");
        final Process g2 = gateway(log2, listen, null);
        try {
            awaitLine(log2, g2, m -> "started".equals(m.get("event")));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (!dev.isConnected()) {
                try {
                    dev.connect(o).waitForCompletion(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                } catch (MqttException e) {
                    assertThat(System.nanoTime()).as("the device reconnects: %s", e).isLessThan(deadline);
                    Thread.sleep(100);
                }
            }
            token.waitForCompletion(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));   // the resent message, acknowledged now
            assertThat(token.isComplete()).isTrue();
            final Map<String, Object> line = awaitLine(log2, g2, m -> meter.equals(m.get("meterId")));
            assertThat(line).containsEntry("accepted", killPoint.equals("mqttHaltAfterCommit") ? 0L : 15L)
                    .containsEntry("duplicates", killPoint.equals("mqttHaltAfterCommit") ? 15L : 0L);
            assertThat(stored(meter)).isEqualTo(15);
            dev.disconnect().waitForCompletion(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            dev.close();
        } finally {
            stop(g2);
        }
    }
}
