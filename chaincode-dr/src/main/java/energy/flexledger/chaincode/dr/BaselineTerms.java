package energy.flexledger.chaincode.dr;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * How a program computes baselines: the method's name (only {@code BL1} today, named so that other
 * methods can be added), slot length, the customers' IANA time zone, X of Y for weekdays and for
 * weekends and holidays, the look-back in days and the holidays (ISO dates) of the program's zone.
 */
@DataType
public record BaselineTerms(
        @Property(schema = {"enum", "BL1"}) String method,
        @Property long slotMinutes,
        @Property String timezone,
        @Property XofY weekday,
        @Property XofY weekend,
        @Property long lookbackDays,
        @Property String[] holidays) {

    public BaselineTerms {
        holidays = Canonical.copyOf(holidays, "holidays");
    }

    @Override
    public String[] holidays() {
        return holidays.clone();
    }
}
