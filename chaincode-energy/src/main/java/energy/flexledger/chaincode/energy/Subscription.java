package energy.flexledger.chaincode.energy;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * A subscription as its parties (and the gateways that will enforce it) see it: the terms, the
 * provider's status or REVOKED when the consumer revoked, who revoked first and when, and the
 * last change.
 */
@DataType
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Subscription(
        @Property String subscriptionId,
        @Property String topic,
        @Property String providerMsp,
        @Property String consumerMsp,
        @Property long requestedAt,
        @Property String requestedBy,
        @Property String requestTx,
        @Property Long decidedAt,
        @Property Long revokedAt,
        @Property String revokedBy,
        @Property(schema = {"enum", "REQUESTED,ACCEPTED,DECLINED,REVOKED"}) String status,
        @Property long updatedAt,
        @Property String updatedTx) {

    /** The view with its last change set to this transaction, whatever the parties' clocks said. */
    Subscription changedBy(final long at, final String txId) {
        return new Subscription(subscriptionId, topic, providerMsp, consumerMsp, requestedAt, requestedBy, requestTx, decidedAt, revokedAt,
                revokedBy, status, at, txId);
    }
}
