package energy.flexledger.chaincode.dr;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** The settlements of one event that one transaction made or found, in the order asked for. */
@DataType
public record SettlementList(@Property String eventId, @Property Settlement[] settlements) {
    public SettlementList {
        settlements = Canonical.copyOf(settlements, "settlements");
    }

    @Override
    public Settlement[] settlements() {
        return settlements.clone();
    }
}
