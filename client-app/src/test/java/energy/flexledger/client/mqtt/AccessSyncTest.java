package energy.flexledger.client.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.client.SaltStore;
import energy.flexledger.client.http.GatewayStore;
import energy.flexledger.client.ingest.SampleMessages;
import energy.flexledger.client.store.MemberStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One round of the access sync at a time, against a real broker and member store, with the
 * ledger's subscription list as a stand-in: an acceptance grants, a revocation disconnects, a
 * ledger that does not answer leaves the grants as they were and is reported once, for a minute at most.
 */
class AccessSyncTest {
    private static final long WAIT_SECONDS = 30;

    @TempDir
    Path dir;

    @Test
    void grantsFollowTheLedgerAndALedgerThatDoesNotAnswerChangesNothing() throws Exception {
        final SaltStore salts = new SaltStore(dir.resolve("salts"));
        final List<Map<String, Object>> log = new CopyOnWriteArrayList<>();
        final List<Map<String, Object>> ledger = new ArrayList<>();
        final boolean[] ledgerDown = {false};
        final long[] now = {0};
        try (MemberStore store = MemberStore.open(dir.resolve("member.db"));
                GatewayStore credentials = GatewayStore.open(dir.resolve("member.db"))) {
            final String token = credentials.createConsumer("agg-feed", "AggregatorMSP");
            final BrokerAccess access = new BrokerAccess(credentials::authenticate, salts::exists);
            final EmbeddedBroker broker = EmbeddedBroker.start(new EmbeddedBroker.Settings("127.0.0.1", 0, dir.resolve("broker"), true,
                    Map.of(), null), access, new SampleMessages(store, salts, (s, salt, m, first) -> { }), log::add);
            final AccessSync sync = new AccessSync(broker, credentials::list, () -> {
                if (ledgerDown[0]) {
                    throw new IOException("peer unavailable");
                }
                return List.copyOf(ledger);
            }, "CommunityMSP", log::add).staleAfter(60_000, () -> now[0]);
            try {
                sync.once();
                assertThat(access.grants()).isEmpty();

                ledger.add(Map.of("status", "ACCEPTED", "providerMsp", "CommunityMSP", "consumerMsp", "AggregatorMSP", "topic", "community/load"));
                ledger.add(Map.of("status", "ACCEPTED", "providerMsp", "CommunityMSP", "consumerMsp", "AggregatorMSP", "topic", "bad/+"));
                sync.once();
                assertThat(access.grants()).contains(new BrokerAccess.Grant("AggregatorMSP", "community/load"));
                assertThat(log).anySatisfy(l -> assertThat(l).containsEntry("event", "mqtt access").containsKey("unusableTopic"));

                final CountDownLatch lost = new CountDownLatch(1);
                final MqttClient reader = new MqttClient("tcp://127.0.0.1:" + broker.port(), "agg-feed", new MemoryPersistence());
                reader.setCallback(new MqttCallback() {
                    @Override
                    public void connectionLost(final Throwable cause) {
                        lost.countDown();
                    }

                    @Override
                    public void messageArrived(final String topic, final MqttMessage message) {
                    }

                    @Override
                    public void deliveryComplete(final IMqttDeliveryToken t) {
                    }
                });
                final MqttConnectOptions o = new MqttConnectOptions();
                o.setUserName("agg-feed");
                o.setPassword(token.toCharArray());
                reader.setTimeToWait(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                reader.connect(o);
                assertThat(reader.subscribeWithResponse(BrokerAccess.dataTopic("AggregatorMSP", "community/load"), 1).getGrantedQos())
                        .containsExactly(1);

                // The ledger does not answer: the grant stays, the error is said once.
                ledgerDown[0] = true;
                sync.once();
                sync.once();
                assertThat(access.grants()).contains(new BrokerAccess.Grant("AggregatorMSP", "community/load"));
                assertThat(log).filteredOn(l -> l.containsKey("ledgerError")).hasSize(1);
                assertThat(reader.isConnected()).isTrue();

                // Silent for longer than the limit: it cannot know what was revoked meanwhile, so every grant goes.
                now[0] += TimeUnit.SECONDS.toNanos(61);
                sync.once();
                assertThat(access.grants()).isEmpty();
                assertThat(lost.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
                assertThat(log).anySatisfy(l -> assertThat(l).containsEntry("revoked", List.of("AggregatorMSP bad/+", "AggregatorMSP community/load"))
                        .containsKey("ledgerError"));
                reader.close(true);
                // It answers again: the grant is back.
                ledgerDown[0] = false;
                sync.once();
                assertThat(access.grants()).contains(new BrokerAccess.Grant("AggregatorMSP", "community/load"));
                final CountDownLatch lostAgain = new CountDownLatch(1);
                final MqttClient again = new MqttClient("tcp://127.0.0.1:" + broker.port(), "agg-feed", new MemoryPersistence());
                again.setCallback(new MqttCallback() {
                    @Override
                    public void connectionLost(final Throwable cause) {
                        lostAgain.countDown();
                    }

                    @Override
                    public void messageArrived(final String topic, final MqttMessage message) {
                    }

                    @Override
                    public void deliveryComplete(final IMqttDeliveryToken t) {
                    }
                });
                again.setTimeToWait(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                again.connect(o);
                assertThat(again.subscribeWithResponse(BrokerAccess.dataTopic("AggregatorMSP", "community/load"), 1).getGrantedQos())
                        .containsExactly(1);

                // Revoked on the ledger: the next round disconnects the consumer.
                ledgerDown[0] = false;
                ledger.clear();
                ledger.add(Map.of("status", "REVOKED", "providerMsp", "CommunityMSP", "consumerMsp", "AggregatorMSP", "topic", "community/load"));
                sync.once();
                assertThat(access.grants()).isEmpty();
                assertThat(lostAgain.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
                assertThat(log).filteredOn(l -> l.containsKey("disconnected")).hasSize(2);
                again.close(true);
            } finally {
                sync.close();
                broker.close();
            }
        }
    }
}
