package energy.flexledger.chaincode.dr;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** One page of events; {@code bookmark} asks for the next (empty: this was the last). */
@DataType
public record EventPage(@Property DrEvent[] events, @Property String bookmark) {
    public EventPage {
        events = Canonical.copyOf(events, "events");
    }

    @Override
    public DrEvent[] events() {
        return events.clone();
    }
}
