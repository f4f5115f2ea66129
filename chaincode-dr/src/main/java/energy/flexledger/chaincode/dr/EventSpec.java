package energy.flexledger.chaincode.dr;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * An event to call (the argument of {@code CreateEvent}): its program, the window [start, end) on
 * the program's slots, the enrolled assets asked to reduce, and the reward budget locked from
 * {@code payer} (an account of the program owner's that the caller controls).
 */
@DataType
public record EventSpec(@Property String id, @Property String programId, @Property long windowStart, @Property long windowEnd,
        @Property String[] assets, @Property long budget, @Property String payer) {

    public EventSpec {
        assets = Canonical.copyOf(assets, "assets");
    }

    @Override
    public String[] assets() {
        return assets.clone();
    }
}
