package energy.flexledger.chaincode.energy;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * The records one transaction added to one day page of a meter (private, written once, never
 * changed): {@code interval NUL <meterId> NUL <sortable segmentStart>}. Its canonical JSON is what
 * the channel hashes ({@code GetIntervalHash}). Its records are copied in and out, so a segment
 * never changes; like every record type with an array member here, it compares by identity.
 */
@DataType
public record Segment(@Property String meterId, @Property long segmentStart, @Property IntervalRecord[] records) {
    public Segment {
        records = Canonical.copyOf(records, "records");
    }

    @Override
    public IntervalRecord[] records() {
        return records.clone();
    }

    /** The start of the first record, or Long.MAX_VALUE for an empty segment. */
    long firstStart() {
        return records.length == 0 ? Long.MAX_VALUE : records[0].start();
    }
}
