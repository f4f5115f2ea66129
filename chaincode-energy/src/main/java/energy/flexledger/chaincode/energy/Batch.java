package energy.flexledger.chaincode.energy;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** A certified data batch ({@code batch/<batchId>}): written once, guarded by the provider and a party with a separate interest. */
@DataType
public record Batch(
        @Property String batchId,
        @Property String topic,
        @Property long periodStart,
        @Property long periodEnd,
        @Property long count,
        @Property(schema = {"pattern", "^[0-9a-f]{64}$"}) String merkleRoot,
        @Property String providerMsp,
        @Property String certifiedBy,
        @Property long certifiedAt,
        @Property String txId) {

    /** Whether {@code spec} asks for this batch again (a retry after a lost answer). */
    boolean sameAs(final BatchSpec spec, final String provider) {
        return batchId.equals(spec.batchId()) && topic.equals(spec.topic()) && periodStart == spec.periodStart()
                && periodEnd == spec.periodEnd() && count == spec.count() && merkleRoot.equals(spec.merkleRoot())
                && providerMsp.equals(provider);
    }
}
