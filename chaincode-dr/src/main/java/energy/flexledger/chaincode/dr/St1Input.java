package energy.flexledger.chaincode.dr;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** The exact ST1 input (docs/spec/ST1.md) of a settlement: the window's baseline and actual average power, mW per slot. */
@DataType
public record St1Input(@Property long slotMinutes, @Property long[] baseline, @Property long[] actual, @Property long committedPower,
        @Property long rewardRate, @Property long penaltyRate, @Property long capBps, @Property long thresholdBps) {

    public St1Input {
        baseline = baseline == null ? new long[0] : baseline.clone();
        actual = actual == null ? new long[0] : actual.clone();
    }

    @Override
    public long[] baseline() {
        return baseline.clone();
    }

    @Override
    public long[] actual() {
        return actual.clone();
    }
}
