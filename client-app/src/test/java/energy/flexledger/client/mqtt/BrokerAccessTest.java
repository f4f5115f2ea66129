package energy.flexledger.client.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.client.http.GatewayStore.Credential;
import energy.flexledger.client.http.GatewayStore.Kind;
import io.moquette.broker.subscriptions.Topic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The embedded broker's rights, cell by cell: every kind of credential (and a revoked and an
 * unknown one) against every kind of topic, to publish and to subscribe; and who may log in.
 */
class BrokerAccessTest {
    private static final Map<String, String> TOKENS = Map.of("tok-ems", "ems-1", "tok-bms", "bms-1", "tok-dev", "meter-a", "tok-con", "agg-feed",
            "tok-con2", "cpo-feed", "tok-old", "old-dev");

    private static final List<Credential> CREDENTIALS = List.of(
            new Credential("ems-1", Kind.EMS, List.of(), "client", 1, null),
            new Credential("bms-1", Kind.BMS, List.of(), "client", 1, null),
            new Credential("meter-a", Kind.DEVICE, List.of("MTR-A"), "meter-a", 1, null),
            new Credential("agg-feed", Kind.CONSUMER, List.of(), "", 1, null, "AggregatorMSP"),
            new Credential("cpo-feed", Kind.CONSUMER, List.of(), "", 1, null, "CpoMSP"),
            new Credential("old-dev", Kind.DEVICE, List.of("MTR-A"), "old-dev", 1, 2L));

    private static BrokerAccess access() {
        final BrokerAccess access = new BrokerAccess(token -> {
            final String name = TOKENS.get(token);
            return CREDENTIALS.stream().filter(c -> c.name().equals(name) && !c.revoked()).findFirst();
        }, meter -> meter.equals("MTR-A") || meter.equals("MTR-B"));
        access.refresh(CREDENTIALS);
        access.grant(Set.of(new BrokerAccess.Grant("AggregatorMSP", "community/load"), new BrokerAccess.Grant("AggregatorMSP", "bad/+")));
        return access;
    }

    /** Columns: user, topic, may publish, may subscribe. MTR-A is a device's asset, MTR-B another meter of the member, MTR-X none of its. */
    @ParameterizedTest(name = "{0} on {1}: publish {2}, subscribe {3}")
    @CsvSource({
        "ems-1,    flexledger/meters/MTR-A/samples, true,  false",
        "ems-1,    flexledger/meters/MTR-B/samples, true,  false",
        "ems-1,    flexledger/meters/MTR-X/samples, false, false",
        "ems-1,    flexledger/meters/+/samples,     false, false",
        "ems-1,    flexledger/data/AggregatorMSP/community/load/samples, false, false",
        "ems-1,    other/topic,                     false, false",
        "bms-1,    flexledger/meters/MTR-A/samples, true,  false",
        "bms-1,    flexledger/meters/MTR-B/samples, true,  false",
        "bms-1,    flexledger/meters/MTR-X/samples, false, false",
        "bms-1,    flexledger/data/AggregatorMSP/community/load/samples, false, false",
        "meter-a,  flexledger/meters/MTR-A/samples, true,  false",
        "meter-a,  flexledger/meters/MTR-B/samples, false, false",
        "meter-a,  flexledger/meters/MTR-X/samples, false, false",
        "meter-a,  flexledger/meters/#,             false, false",
        "meter-a,  flexledger/data/AggregatorMSP/community/load/samples, false, false",
        "agg-feed, flexledger/meters/MTR-A/samples, false, false",
        "agg-feed, flexledger/meters/+/samples,     false, false",
        "agg-feed, #,                               false, false",
        "agg-feed, flexledger/data/AggregatorMSP/community/load/samples, false, true",
        "agg-feed, flexledger/data/AggregatorMSP/community/+/samples,    false, false",
        "agg-feed, flexledger/data/AggregatorMSP/#,                      false, false",
        "agg-feed, flexledger/data/AggregatorMSP/community/other/samples, false, false",
        "agg-feed, flexledger/data/AggregatorMSP/bad/+/samples,          false, false",
        "agg-feed, flexledger/data/CpoMSP/community/load/samples,        false, false",
        "cpo-feed, flexledger/data/CpoMSP/community/load/samples,        false, false",
        "cpo-feed, flexledger/data/AggregatorMSP/community/load/samples, false, false",
        "old-dev,  flexledger/meters/MTR-A/samples, false, false",
        "nobody,   flexledger/meters/MTR-A/samples, false, false",
        "nobody,   flexledger/data/AggregatorMSP/community/load/samples, false, false",
    })
    void rightsCellByCell(final String user, final String topic, final boolean publish, final boolean subscribe) {
        final BrokerAccess access = access();
        assertThat(access.mayPublish(user, topic)).as("publish").isEqualTo(publish);
        assertThat(access.maySubscribe(user, topic)).as("subscribe").isEqualTo(subscribe);
        // Moquette's view: the same, for the credential's own client ids only.
        assertThat(access.canWrite(new Topic(topic), user, user)).isEqualTo(publish);
        assertThat(access.canRead(new Topic(topic), user, user + ":2")).isEqualTo(subscribe);
        assertThat(access.canWrite(new Topic(topic), user, "someone-else")).isFalse();
        assertThat(access.canRead(new Topic(topic), user, user + "x")).isFalse();
    }

    @Test
    void aGrantEndsWithTheLedgersAcceptanceAndARevokedCredentialLosesEverything() {
        final BrokerAccess access = access();
        final String data = BrokerAccess.dataTopic("AggregatorMSP", "community/load");
        assertThat(access.maySubscribe("agg-feed", data)).isTrue();
        access.grant(Set.of());
        assertThat(access.maySubscribe("agg-feed", data)).isFalse();

        assertThat(access.mayPublish("meter-a", "flexledger/meters/MTR-A/samples")).isTrue();
        final List<Credential> revoked = new ArrayList<>(CREDENTIALS);
        revoked.set(2, new Credential("meter-a", Kind.DEVICE, List.of("MTR-A"), "meter-a", 1, 5L));
        access.refresh(revoked);
        assertThat(access.mayPublish("meter-a", "flexledger/meters/MTR-A/samples")).isFalse();
        assertThat(access.credential("meter-a")).isEmpty();
    }

    /** Columns: client id, user name, password, the name it logs in as (empty: refused). */
    @ParameterizedTest(name = "{0} / {1} / {2}: {3}")
    @CsvSource({
        "ems-1,      ems-1,    tok-ems,  ems-1",
        "ems-1:load, ems-1,    tok-ems,  ems-1",
        "ems-1,      ems-1,    tok-bms,  ''",
        "ems-1,      ems-1,    wrong,    ''",
        "ems-1,      ems-1,    '',       ''",
        "ems-1x,     ems-1,    tok-ems,  ''",
        "meter-a,    ems-1,    tok-ems,  ''",
        "meter-a,    meter-a,  tok-dev,  meter-a",
        "agg-feed,   agg-feed, tok-con,  agg-feed",
        "old-dev,    old-dev,  tok-old,  ''",
        "nobody,     nobody,   tok-ems,  ''",
    })
    void loginIsACredentialsNameAndToken(final String clientId, final String user, final String password, final String expected) {
        final BrokerAccess access = access();
        final String got = access.authenticate(clientId, user, password.getBytes(StandardCharsets.UTF_8));
        assertThat(got == null ? "" : got).isEqualTo(expected);
        assertThat(access.checkValid(clientId, user, password.getBytes(StandardCharsets.UTF_8))).isEqualTo(!expected.isEmpty());
    }

    @Test
    void anonymousClientsAndAFailingStoreAreRefused() {
        assertThat(access().authenticate("ems-1", null, null)).isNull();
        assertThat(access().authenticate(null, "ems-1", "tok-ems".getBytes(StandardCharsets.UTF_8))).isNull();
        final BrokerAccess failing = new BrokerAccess(token -> {
            throw new IOException("database is locked");
        }, meter -> true);
        assertThat(failing.authenticate("ems-1", "ems-1", "tok-ems".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void aCredentialCreatedSinceTheLastRefreshIsLiveFromItsFirstLogin() {
        final Credential fresh = new Credential("ems-2", Kind.EMS, List.of(), "client", 1, null);
        final BrokerAccess access = new BrokerAccess(token -> token.equals("tok-2") ? Optional.of(fresh) : Optional.empty(), m -> true);
        assertThat(access.mayPublish("ems-2", "flexledger/meters/M/samples")).isFalse();
        assertThat(access.authenticate("ems-2", "ems-2", "tok-2".getBytes(StandardCharsets.UTF_8))).isEqualTo("ems-2");
        assertThat(access.mayPublish("ems-2", "flexledger/meters/M/samples")).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"community/load, true", "load, true", "a/+/b, false", "a/#, false", "/a, false", "a/, false", "a//b, false", "'', false"})
    void onlyTopicsWithoutWildcardsOrEmptyLevelsBecomeDataTopics(final String topic, final boolean safe) {
        assertThat(BrokerAccess.mqttSafe(topic)).isEqualTo(safe);
    }

    @Test
    void acceptedSubscriptionsToThisMembersTopicsAreTheGrants() {
        final List<Map<String, Object>> subs = List.of(
                Map.of("status", "ACCEPTED", "providerMsp", "CommunityMSP", "consumerMsp", "AggregatorMSP", "topic", "community/load"),
                Map.of("status", "REQUESTED", "providerMsp", "CommunityMSP", "consumerMsp", "CpoMSP", "topic", "community/load"),
                Map.of("status", "REVOKED", "providerMsp", "CommunityMSP", "consumerMsp", "DsoMSP", "topic", "community/load"),
                Map.of("status", "DECLINED", "providerMsp", "CommunityMSP", "consumerMsp", "DsoMSP", "topic", "x"),
                Map.of("status", "ACCEPTED", "providerMsp", "CpoMSP", "consumerMsp", "AggregatorMSP", "topic", "cpo/load"));
        assertThat(AccessSync.accepted(subs, "CommunityMSP")).containsExactly(new BrokerAccess.Grant("AggregatorMSP", "community/load"));
    }

    @Test
    void aDataMessageCarriesTheSamplesTheStoreAccepted() {
        final byte[] payload = "[[1,10],[2,20],[3,30]]".getBytes(StandardCharsets.UTF_8);
        final Map<String, Object> result = Map.of("meterId", "M", "accepted", 2L, "rejected", List.of(Map.of("index", 1L, "error", "X")));
        assertThat(new String(EmbeddedBroker.dataMessage("M", payload, result), StandardCharsets.UTF_8))
                .isEqualTo("{\"meterId\":\"M\",\"samples\":[[1,10],[3,30]]}");
    }
}
