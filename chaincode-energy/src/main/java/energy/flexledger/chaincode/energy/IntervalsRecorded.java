package energy.flexledger.chaincode.energy;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * The result and event of {@code RecordIntervals}: how many records were written and how many
 * were already certified, and the meters the batch touched. Nothing private: results and events
 * are written into the block for every channel member.
 */
@DataType
public record IntervalsRecorded(@Property String txId, @Property long recorded, @Property long unchanged, @Property String[] meters) {
    public IntervalsRecorded {
        meters = Canonical.copyOf(meters, "meters");
    }

    @Override
    public String[] meters() {
        return meters.clone();
    }
}
