package energy.flexledger.chaincode.dr;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * Energy an asset delivered in a window: baseline minus actual, per slot, never negative (ST1's
 * {@code delivered}), from certified data only; with the baseline and the window's readings it came from.
 */
@DataType
public record Delivery(@Property String assetId, @Property long windowStart, @Property long windowEnd, @Property long deliveredMilliWh,
        @Property long deliveredWh, @Property long[] windowBaseline, @Property long[] actual, @Property Baseline baseline) {

    public Delivery {
        windowBaseline = windowBaseline == null ? new long[0] : windowBaseline.clone();
        actual = actual == null ? new long[0] : actual.clone();
    }

    @Override
    public long[] windowBaseline() {
        return windowBaseline.clone();
    }

    @Override
    public long[] actual() {
        return actual.clone();
    }
}
