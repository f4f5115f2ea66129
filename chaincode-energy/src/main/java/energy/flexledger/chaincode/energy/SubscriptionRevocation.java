package energy.flexledger.chaincode.energy;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** The consumer's part of a subscription ({@code sub~revoked/<id>}): only the consumer's peer changes it. */
@DataType
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubscriptionRevocation(@Property String subscriptionId, @Property boolean revoked, @Property Long revokedAt,
        @Property String revokedTx) {}
