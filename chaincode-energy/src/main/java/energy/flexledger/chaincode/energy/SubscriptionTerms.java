package energy.flexledger.chaincode.energy;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** What a consumer asked a provider for ({@code subscription/<id>}): written once, guarded by both parties. */
@DataType
public record SubscriptionTerms(
        @Property String subscriptionId,
        @Property String topic,
        @Property String providerMsp,
        @Property String consumerMsp,
        @Property long requestedAt,
        @Property String requestedBy,
        @Property String requestTx) {

    boolean sameRequest(final String topic, final String providerMsp, final String consumerMsp) {
        return this.topic.equals(topic) && this.providerMsp.equals(providerMsp) && this.consumerMsp.equals(consumerMsp);
    }
}
