package energy.flexledger.chaincode.dr;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** ST1's output, as the spec prints it. */
@DataType
public record St1Output(@Property long deliveredMilliWh, @Property long committedMilliWh, @Property long performanceBps,
        @Property long reward, @Property long penalty, @Property long net, @Property long[] slotReductions) {

    public St1Output {
        slotReductions = slotReductions == null ? new long[0] : slotReductions.clone();
    }

    @Override
    public long[] slotReductions() {
        return slotReductions.clone();
    }
}
