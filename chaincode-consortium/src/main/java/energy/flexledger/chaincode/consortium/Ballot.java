package energy.flexledger.chaincode.consortium;

import energy.flexledger.chaincode.Consortium;
import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * Where a change of the consortium stands after a vote: its id and content, the orgs that voted
 * for it, how many votes it needs, whether it was applied (by this very vote, or before), and the
 * consortium as it now is.
 */
@DataType
public record Ballot(
        @Property String changeId,
        @Property String change,
        @Property String[] votes,
        @Property long needed,
        @Property boolean applied,
        @Property Consortium consortium) {
    public Ballot {
        votes = Canonical.copyOf(votes, "votes");
    }

    @Override
    public String[] votes() {
        return votes.clone();
    }
}
