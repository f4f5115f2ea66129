package energy.flexledger.chaincode.energy;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * A meter's certified interval averages in a time range ({@code [start, avg]} pairs, oldest first) and
 * the registry facts a baseline or a settlement needs about it: owner, zone, the DSO that keeps its
 * data, interval length, status. When this meter could not be answered (unknown, not readable by the
 * caller, not metering) {@code error} holds the stable code and {@code message} why, and nothing else.
 */
@DataType
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record Averages(@Property String meterId, @Property String ownerMsp, @Property String zone, @Property String dataDso,
        @Property long intervalMs, @Property String status, @Property long[][] readings, @Property String error, @Property String message) {

    public Averages {
        readings = readings == null ? new long[0][] : readings.clone();
    }

    static Averages failed(final String meterId, final String code, final String message) {
        return new Averages(meterId, null, null, null, 0, null, new long[0][], code, message);
    }

    @Override
    public long[][] readings() {
        return readings.clone();
    }
}
