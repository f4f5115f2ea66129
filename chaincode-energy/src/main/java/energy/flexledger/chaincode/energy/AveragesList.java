package energy.flexledger.chaincode.energy;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** Certified averages of several meters, in the order asked for. */
@DataType
public record AveragesList(@Property Averages[] meters) {
    public AveragesList {
        meters = Canonical.copyOf(meters, "meters");
    }

    @Override
    public Averages[] meters() {
        return meters.clone();
    }
}
