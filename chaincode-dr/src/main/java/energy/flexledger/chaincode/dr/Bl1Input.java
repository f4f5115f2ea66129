package energy.flexledger.chaincode.dr;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * The exact BL1 input (docs/spec/BL1.md) the chaincode used: {@code flexledger spec bl1} on it gives
 * the stored output. {@code readings} are {@code [slotStart, avg]} of the asset's certified intervals.
 */
@DataType
public record Bl1Input(@Property String timezone, @Property long slotMinutes, @Property long[][] readings, @Property String targetDate,
        @Property XofY weekday, @Property XofY weekend, @Property long lookbackDays, @Property String[] holidays,
        @Property String[] excludedDates) {

    public Bl1Input {
        readings = readings == null ? new long[0][] : readings.clone();
        holidays = Canonical.copyOf(holidays, "holidays");
        excludedDates = Canonical.copyOf(excludedDates, "excludedDates");
    }

    @Override
    public long[][] readings() {
        return readings.clone();
    }

    @Override
    public String[] holidays() {
        return holidays.clone();
    }

    @Override
    public String[] excludedDates() {
        return excludedDates.clone();
    }
}
