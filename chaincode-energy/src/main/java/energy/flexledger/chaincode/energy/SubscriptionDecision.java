package energy.flexledger.chaincode.energy;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** The provider's part of a subscription ({@code sub~decision/<id>}): only the provider's peer changes it. */
@DataType
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubscriptionDecision(
        @Property String subscriptionId,
        @Property(schema = {"enum", "REQUESTED,ACCEPTED,DECLINED,REVOKED"}) String status,
        @Property Long decidedAt,
        @Property Long revokedAt,
        @Property long updatedAt,
        @Property String updatedTx) {

    SubscriptionDecision decided(final String decision, final long at, final String txId) {
        return new SubscriptionDecision(subscriptionId, decision, at, revokedAt, at, txId);
    }

    SubscriptionDecision revoked(final long at, final String txId) {
        return new SubscriptionDecision(subscriptionId, Subscriptions.REVOKED, decidedAt, at, at, txId);
    }
}
