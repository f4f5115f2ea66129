package energy.flexledger.chaincode.dr;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** BL1's output, as the spec prints it. */
@DataType
public record Bl1Output(@Property String targetDate, @Property(schema = {"enum", "WEEKDAY,WEEKEND"}) String dayType,
        @Property(schema = {"enum", "HIGH,LOW"}) String method, @Property long x, @Property long y, @Property String[] candidates,
        @Property String[] selected, @Property long[] slots) {

    public Bl1Output {
        candidates = Canonical.copyOf(candidates, "candidates");
        selected = Canonical.copyOf(selected, "selected");
        slots = slots == null ? new long[0] : slots.clone();
    }

    @Override
    public String[] candidates() {
        return candidates.clone();
    }

    @Override
    public String[] selected() {
        return selected.clone();
    }

    @Override
    public long[] slots() {
        return slots.clone();
    }
}
