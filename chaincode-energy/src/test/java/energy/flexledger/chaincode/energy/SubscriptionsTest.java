package energy.flexledger.chaincode.energy;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.spec.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubscriptionsTest extends Fixture {

    private Map<String, Object> request(final String id) {
        return Json.parseObject(call("requestAccess", ledger.as(AGGREGATOR, "client", "gw").context(), id, COMMUNITY, "community/load"));
    }

    @Test
    void requestedThenAcceptedThenRevokedWithTransactionTimes() {
        final Map<String, Object> sub = request("S-1");
        assertThat(sub).containsEntry("status", "REQUESTED").containsEntry("consumerMsp", AGGREGATOR).containsEntry("providerMsp", COMMUNITY)
                .containsEntry("requestedAt", NOW);
        ledger.at(NOW + 1000);
        assertThat(Json.parseObject(call("acceptAccess", asGateway().context(), "S-1"))).containsEntry("status", "ACCEPTED")
                .containsEntry("decidedAt", NOW + 1000);
        ledger.at(NOW + 2000);
        assertThat(Json.parseObject(call("revokeAccess", ledger.as(AGGREGATOR, "admin", "admin").context(), "S-1")))
                .containsEntry("status", "REVOKED").containsEntry("revokedBy", AGGREGATOR).containsEntry("revokedAt", NOW + 2000);
        assertThat(ledger.lastEventName()).isEqualTo("SubscriptionChanged");
    }

    @Test
    void retriesAreNoOpsAndOtherTransitionsAreInvalidState() {
        request("S-1");
        assertThat(ledger.lastEventName()).isEqualTo("SubscriptionChanged");
        final Map<String, String> before = ledger.snapshot();
        request("S-1");
        assertThat(ledger.eventOf(ledger.lastTxId())).as("a retry announces nothing").isNull();
        assertThat(ledger.snapshot()).isEqualTo(before);
        call("declineAccess", asAdmin().context(), "S-1");
        assertThat(ledger.lastEventName()).isEqualTo("SubscriptionChanged");
        final Map<String, String> declined = ledger.snapshot();
        call("declineAccess", asAdmin().context(), "S-1");
        assertThat(ledger.eventOf(ledger.lastTxId())).isNull();
        assertThat(ledger.snapshot()).isEqualTo(declined);
        rejects("INVALID_STATE", () -> call("acceptAccess", asAdmin().context(), "S-1"));
        rejects("INVALID_STATE", () -> call("revokeAccess", asAdmin().context(), "S-1"));
        rejects("ALREADY_EXISTS", () -> call("requestAccess", ledger.as(AGGREGATOR, "client", "gw").context(), "S-1", COMMUNITY, "other"));
    }

    @Test
    void onlyTheProviderDecidesOnlyThePartiesRevokeAndDevicesDoNeither() {
        meter("MTR-1");
        request("S-1");
        rejects("ACCESS_DENIED", () -> call("acceptAccess", ledger.as(AGGREGATOR, "admin", "admin").context(), "S-1"));
        rejects("ACCESS_DENIED", () -> call("acceptAccess", ledger.as("DsoMSP", "admin", "admin").context(), "S-1"));
        rejects("ACCESS_DENIED", () -> call("acceptAccess", asDevice().context(), "S-1"));
        rejects("ACCESS_DENIED", () -> call("revokeAccess", ledger.as("CpoMSP", "client", "gw").context(), "S-1"));
        rejects("ACCESS_DENIED", () -> call("requestAccess", asDevice().context(), "S-2", AGGREGATOR, "t"));
        rejects("BAD_REQUEST", () -> call("requestAccess", asGateway().context(), "S-2", COMMUNITY, "t"));
        rejects("BAD_REQUEST", () -> call("requestAccess", asGateway().context(), "S-2", "EvilMSP", "t"));
        rejects("NOT_FOUND", () -> call("acceptAccess", asGateway().context(), "S-404"));
    }

    @Test
    void queriesByTopicProviderAndConsumer() {
        request("S-1");
        request("S-2");
        call("requestAccess", asGateway().context(), "S-3", AGGREGATOR, "aggregator/flex");
        assertThat((List<?>) Json.parseObject(call("querySubscriptions", asAdmin().context(), "provider", COMMUNITY, "", ""))
                .get("subscriptions")).hasSize(2);
        assertThat((List<?>) Json.parseObject(call("querySubscriptions", asAdmin().context(), "consumer", COMMUNITY, "", ""))
                .get("subscriptions")).hasSize(1);
        assertThat((List<?>) Json.parseObject(call("querySubscriptions", asAdmin().context(), "topic", "community/load", "1", ""))
                .get("subscriptions")).hasSize(1);
        assertThat(Json.parseObject(call("getSubscription", ledger.as("CpoMSP", "peer", "p").context(), "S-3")))
                .containsEntry("topic", "aggregator/flex");
        rejects("BAD_REQUEST", () -> call("querySubscriptions", asAdmin().context(), "status", "x", "", ""));
        rejects("ACCESS_DENIED", () -> call("getSubscription", ledger.as("OrdererMSP", "admin", "o").context(), "S-3"));
    }
}
