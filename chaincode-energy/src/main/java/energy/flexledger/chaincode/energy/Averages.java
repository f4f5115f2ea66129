package energy.flexledger.chaincode.energy;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * A meter's certified interval averages in a time range ({@code [start, avg]} pairs, oldest first) and
 * the registry facts a baseline or a settlement needs about it: owner, zone, the DSO that keeps its
 * data, interval length, status.
 */
@DataType
public record Averages(@Property String meterId, @Property String ownerMsp, @Property String zone, @Property String dataDso,
        @Property long intervalMs, @Property String status, @Property long[][] readings) {

    public Averages {
        readings = readings == null ? new long[0][] : readings.clone();
    }

    @Override
    public long[][] readings() {
        return readings.clone();
    }
}
