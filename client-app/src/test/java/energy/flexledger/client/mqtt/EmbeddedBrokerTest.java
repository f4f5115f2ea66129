package energy.flexledger.client.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.client.SaltStore;
import energy.flexledger.client.http.GatewayStore;
import energy.flexledger.client.ingest.SampleMessages;
import energy.flexledger.client.store.MemberStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker in this JVM (real Moquette, real member store in SQLite; the ledger's grants
 * set by hand): a publish is acknowledged only once stored, logins and rights as the credentials
 * say, a granted consumer gets the topic's data, and loses the connection when the grant ends.
 */
class EmbeddedBrokerTest {
    private static final long Q = 900_000L;
    private static final long T0 = 1_767_225_600_000L;
    private static final long WAIT_SECONDS = 30;

    @TempDir
    Path dir;

    private MemberStore store;
    private GatewayStore credentials;
    private EmbeddedBroker broker;
    private final List<MqttClient> clients = new ArrayList<>();
    private final List<Map<String, Object>> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    private String emsToken;
    private String deviceToken;
    private String consumerToken;

    @BeforeEach
    void start() throws Exception {
        final SaltStore salts = new SaltStore(dir.resolve("salts"));
        salts.create("M-1");
        salts.create("M-2");
        store = MemberStore.open(dir.resolve("member.db"));
        credentials = GatewayStore.open(dir.resolve("member.db"));
        emsToken = credentials.create("ems-1", GatewayStore.Kind.EMS, List.of(), "client");
        deviceToken = credentials.create("meter-1", GatewayStore.Kind.DEVICE, List.of("M-1"), "meter-1");
        consumerToken = credentials.createConsumer("agg-feed", "AggregatorMSP");
        final SampleMessages messages = new SampleMessages(store, salts,
                (s, salt, meterId, first) -> s.track(meterId, salt, Q, Math.floorDiv(first - 1, Q) * Q));
        final BrokerAccess access = new BrokerAccess(credentials::authenticate, salts::exists);
        access.refresh(credentials.list());
        access.grant(Set.of(new BrokerAccess.Grant("AggregatorMSP", "community/load")));
        broker = EmbeddedBroker.start(new EmbeddedBroker.Settings("127.0.0.1", 0, dir.resolve("broker"), false,
                Map.of("community/load", List.of("M-1")), null), access, messages, log::add);
    }

    @AfterEach
    void stop() throws Exception {
        for (final MqttClient c : clients) {
            try {
                if (c.isConnected()) {
                    c.disconnectForcibly(1000);
                }
                c.close(true);
            } catch (MqttException ignored) {
                // the broker closed it
            }
        }
        broker.close();
        credentials.close();
        store.close();
    }

    private MqttClient client(final String clientId, final String user, final String token, final MqttCallback callback) throws MqttException {
        final MqttClient c = new MqttClient("tcp://127.0.0.1:" + broker.port(), clientId, new MemoryPersistence());
        clients.add(c);
        if (callback != null) {
            c.setCallback(callback);
        }
        final MqttConnectOptions o = new MqttConnectOptions();
        o.setUserName(user);
        if (token != null) {
            o.setPassword(token.toCharArray());
        }
        o.setCleanSession(true);
        o.setConnectionTimeout(10);
        c.setTimeToWait(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        c.connect(o);
        return c;
    }

    private static MqttMessage qos1(final String payload) {
        final MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        return m;
    }

    /** Records what arrives and when the connection is lost. */
    private static final class Inbox implements MqttCallback {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CountDownLatch lost = new CountDownLatch(1);

        @Override
        public void connectionLost(final Throwable cause) {
            lost.countDown();
        }

        @Override
        public void messageArrived(final String topic, final MqttMessage message) {
            messages.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8));
        }

        @Override
        public void deliveryComplete(final IMqttDeliveryToken token) {
        }
    }

    @Test
    void aPublishIsAcknowledgedOnlyOnceStoredAndAGrantedConsumerGetsItsData() throws Exception {
        final Inbox consumer = new Inbox();
        final MqttClient reader = client("agg-feed", "agg-feed", consumerToken, consumer);
        assertThat(reader.subscribeWithResponse(BrokerAccess.dataTopic("AggregatorMSP", "community/load"), 1).getGrantedQos()).containsExactly(1);

        final MqttClient device = client("meter-1", "meter-1", deviceToken, null);
        device.publish(SampleMessages.topicOf("M-1"), qos1("[[" + (T0 + 1000) + ",5],[" + (T0 + 2000) + ",6]]"));
        // publish() returned: the PUBACK came, so the samples are in the store.
        assertThat(store.samples("M-1", T0, T0 + Q)).hasSize(2);
        assertThat(consumer.messages.poll(WAIT_SECONDS, TimeUnit.SECONDS))
                .isEqualTo("flexledger/data/AggregatorMSP/community/load/samples {\"meterId\":\"M-1\",\"samples\":[[" + (T0 + 1000) + ",5],["
                        + (T0 + 2000) + ",6]]}");

        // An EMS writes any of the member's meters; M-2 is behind no data topic.
        client("ems-1:a", "ems-1", emsToken, null).publish(SampleMessages.topicOf("M-2"), qos1("[[" + (T0 + 1000) + ",7]]"));
        assertThat(store.samples("M-2", T0, T0 + Q)).hasSize(1);
        assertThat(log).anySatisfy(l -> assertThat(l).containsEntry("credential", "ems-1").containsEntry("accepted", 1L));
        assertThat(broker.latencies()).containsEntry("messages", 2L);

        // The grant ends on the ledger: the consumer is disconnected and cannot subscribe again.
        final Set<BrokerAccess.Grant> lost = broker.access().grants();
        broker.access().grant(Set.of());
        assertThat(broker.enforce(lost)).containsExactly("agg-feed");
        assertThat(consumer.lost.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        final MqttClient again = client("agg-feed", "agg-feed", consumerToken, null);
        assertThat(again.subscribeWithResponse(BrokerAccess.dataTopic("AggregatorMSP", "community/load"), 1).getGrantedQos())
                .containsExactly(128);
    }

    @Test
    void aDeviceThatPublishesForAnotherMeterIsDisconnectedAndNothingIsStored() throws Exception {
        final Inbox device = new Inbox();
        final MqttClient c = client("meter-1", "meter-1", deviceToken, device);
        assertThatThrownBy(() -> c.publish(SampleMessages.topicOf("M-2"), qos1("[[" + (T0 + 1000) + ",5]]"))).isInstanceOf(MqttException.class);
        assertThat(device.lost.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(store.tracked("M-2")).isEmpty();
        assertThat(log).anySatisfy(l -> assertThat(l).containsEntry("event", "mqtt refused").containsEntry("credential", "meter-1")
                .containsEntry("topic", SampleMessages.topicOf("M-2")));
    }

    @Test
    void wrongTokensRevokedCredentialsAnonymousClientsAndForeignClientIdsAreRefused() throws Exception {
        assertThatThrownBy(() -> client("meter-1", "meter-1", "flx_wrong", null)).isInstanceOf(MqttException.class);
        assertThatThrownBy(() -> client("meter-1", null, null, null)).isInstanceOf(MqttException.class);
        assertThatThrownBy(() -> client("ems-1", "meter-1", deviceToken, null)).isInstanceOf(MqttException.class);
        assertThatThrownBy(() -> client("meter-1", "ems-1", deviceToken, null)).isInstanceOf(MqttException.class);
        credentials.revoke("meter-1");
        assertThatThrownBy(() -> client("meter-1", "meter-1", deviceToken, null)).isInstanceOf(MqttException.class);
        // Nobody subscribes to the samples.
        final MqttClient ems = client("ems-1", "ems-1", emsToken, null);
        assertThat(ems.subscribeWithResponse(SampleMessages.TOPIC_FILTER, 1).getGrantedQos()).containsExactly(128);
    }

    @Test
    void withAKeystoreTheListenerSpeaksMqttOverTlsOnly() throws Exception {
        final Path keystore = dir.resolve("broker.p12");
        final Path cert = dir.resolve("broker.pem");
        final String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        for (final List<String> command : List.of(
                List.of(keytool, "-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                        "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass",
                        "test-secret", "-keypass", "test-secret"),
                List.of(keytool, "-exportcert", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", "test-secret", "-rfc",
                        "-file", cert.toString()))) {
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        }
        final java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(cert)) {
            trust.setCertificateEntry("broker", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        final javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        final javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);

        final SaltStore salts = new SaltStore(dir.resolve("salts"));
        final EmbeddedBroker secure = EmbeddedBroker.start(new EmbeddedBroker.Settings("127.0.0.1", 0, dir.resolve("broker-tls"), true, Map.of(),
                new EmbeddedBroker.Tls(keystore, "test-secret")), broker.access(), new SampleMessages(store, salts,
                (s, salt, meterId, first) -> s.track(meterId, salt, Q, Math.floorDiv(first - 1, Q) * Q)), log::add);
        try {
            final MqttClient c = new MqttClient("ssl://127.0.0.1:" + secure.port(), "meter-1", new MemoryPersistence());
            clients.add(c);
            final MqttConnectOptions o = new MqttConnectOptions();
            o.setUserName("meter-1");
            o.setPassword(deviceToken.toCharArray());
            o.setSocketFactory(tls.getSocketFactory());
            c.setTimeToWait(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            c.connect(o);
            c.publish(SampleMessages.topicOf("M-1"), qos1("[[" + (T0 + 1000) + ",5]]"));
            assertThat(store.samples("M-1", T0, T0 + Q)).hasSize(1);
            c.disconnect();
            // Plain MQTT on the TLS port: no CONNACK.
            final MqttClient plain = new MqttClient("tcp://127.0.0.1:" + secure.port(), "meter-1:plain", new MemoryPersistence());
            clients.add(plain);
            final MqttConnectOptions po = new MqttConnectOptions();
            po.setUserName("meter-1");
            po.setPassword(deviceToken.toCharArray());
            po.setConnectionTimeout(5);
            assertThatThrownBy(() -> plain.connect(po)).isInstanceOf(MqttException.class);
        } finally {
            secure.close();
        }
    }

    @Test
    void aCredentialRevokedWhileConnectedIsDisconnected() throws Exception {
        final Inbox device = new Inbox();
        client("meter-1", "meter-1", deviceToken, device);
        credentials.revoke("meter-1");
        broker.access().refresh(credentials.list());
        assertThat(broker.enforce(Set.of())).containsExactly("meter-1");
        assertThat(device.lost.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aConnectWithAWillIsRefusedSoThatNoMessagePassesTheGateWhenTheClientDrops() throws Exception {
        final MqttClient c = new MqttClient("tcp://127.0.0.1:" + broker.port(), "meter-1", new MemoryPersistence());
        clients.add(c);
        final MqttConnectOptions o = new MqttConnectOptions();
        o.setUserName("meter-1");
        o.setPassword(deviceToken.toCharArray());
        o.setConnectionTimeout(10);
        // A forged data message for the consumers, as the broker would publish it when the device drops.
        o.setWill(BrokerAccess.dataTopic("AggregatorMSP", "community/load"), json("{\"meterId\":\"M-1\",\"samples\":[[1,999]]}"), 1, false);
        assertThatThrownBy(() -> c.connect(o)).isInstanceOfSatisfying(MqttException.class,
                e -> assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED));
        assertThat(log).anySatisfy(l -> assertThat(l).containsEntry("event", "mqtt refused").containsEntry("credential", "meter-1")
                .containsEntry("willTopic", BrokerAccess.dataTopic("AggregatorMSP", "community/load")));
        // Without a Will the same device connects.
        client("meter-1", "meter-1", deviceToken, null).publish(SampleMessages.topicOf("M-1"), qos1("[[" + (T0 + 1000) + ",5]]"));
        assertThat(store.samples("M-1", T0, T0 + Q)).hasSize(1);
    }

    @Test
    void aPublishOnAConnectionTheGateDidNotAuthenticateIsNeitherStoredNorAcknowledged() throws Exception {
        // The gate's look-up of the token fails (a store error); Moquette's own look-up, just after, succeeds.
        final java.util.concurrent.atomic.AtomicInteger lookUps = new java.util.concurrent.atomic.AtomicInteger();
        final BrokerAccess flaky = new BrokerAccess(token -> {
            if (lookUps.getAndIncrement() == 0) {
                throw new java.io.IOException("member store: database is locked");
            }
            return credentials.authenticate(token);
        }, name -> true);
        flaky.refresh(credentials.list());
        final SaltStore salts = new SaltStore(dir.resolve("salts"));
        final EmbeddedBroker other = EmbeddedBroker.start(new EmbeddedBroker.Settings("127.0.0.1", 0, dir.resolve("broker-flaky"), false, Map.of(), null),
                flaky, new SampleMessages(store, salts, (s, salt, meterId, first) -> s.track(meterId, salt, Q, Math.floorDiv(first - 1, Q) * Q)),
                log::add);
        try {
            final MqttClient c = new MqttClient("tcp://127.0.0.1:" + other.port(), "meter-1", new MemoryPersistence());
            clients.add(c);
            final Inbox inbox = new Inbox();
            c.setCallback(inbox);
            final MqttConnectOptions o = new MqttConnectOptions();
            o.setUserName("meter-1");
            o.setPassword(deviceToken.toCharArray());
            c.setTimeToWait(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            c.connect(o);
            assertThat(lookUps.get()).isEqualTo(2);
            assertThatThrownBy(() -> c.publish(SampleMessages.topicOf("M-1"), qos1("[[" + (T0 + 1000) + ",5]]")))
                    .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_CONNECTION_LOST));
            assertThat(inbox.lost.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(store.tracked("M-1")).isEmpty();
        } finally {
            other.close();
        }
    }

    @Test
    void whenTheCommitThreadDiesEveryMessageIsAnsweredNotKeptAndNoneWaitsForEver() throws Exception {
        final SaltStore salts = new SaltStore(dir.resolve("salts"));
        final SampleMessages messages = new SampleMessages(store, salts, (s, salt, meterId, first) -> s.track(meterId, salt, Q, Math.floorDiv(first - 1, Q) * Q));
        messages.observe((transport, result) -> {
            throw new AssertionError("a defect after the commit");
        });
        final EmbeddedBroker other = EmbeddedBroker.start(new EmbeddedBroker.Settings("127.0.0.1", 0, dir.resolve("broker-dies"), true, Map.of(), null),
                broker.access(), messages, log::add);
        try {
            for (int i = 0; i < 2; i++) {
                final MqttClient c = new MqttClient("tcp://127.0.0.1:" + other.port(), "meter-1:" + i, new MemoryPersistence());
                clients.add(c);
                final MqttConnectOptions o = new MqttConnectOptions();
                o.setUserName("meter-1");
                o.setPassword(deviceToken.toCharArray());
                c.setTimeToWait(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                c.connect(o);
                // Not a time-out: the connection is closed without PUBACK, so the device sends it again elsewhere or later.
                assertThatThrownBy(() -> c.publish(SampleMessages.topicOf("M-1"), qos1("[[" + (T0 + 1000) + ",5]]")))
                        .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_CONNECTION_LOST));
            }
            assertThat(log).anySatisfy(l -> assertThat(l).containsEntry("event", "mqtt commit loop")
                    .hasEntrySatisfying("message", m -> assertThat((String) m).contains("a defect after the commit")));
        } finally {
            other.close();
        }
    }

    private static byte[] json(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
