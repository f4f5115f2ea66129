package energy.flexledger.chaincode.energy;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** One page of a meter's certified records, oldest first, with the meter's head; {@code bookmark} continues it (empty: done). */
@DataType
public record IntervalPage(@Property String meterId, @Property IntervalRecord[] records, @Property String bookmark, @Property ChainHead head) {
    public IntervalPage {
        records = Canonical.copyOf(records, "records");
    }

    @Override
    public IntervalRecord[] records() {
        return records.clone();
    }
}
