package energy.flexledger.chaincode.dr;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** The commitments to one event, in asset id order. */
@DataType
public record CommitmentList(@Property String eventId, @Property Commitment[] commitments) {
    public CommitmentList {
        commitments = Canonical.copyOf(commitments, "commitments");
    }

    @Override
    public Commitment[] commitments() {
        return commitments.clone();
    }
}
