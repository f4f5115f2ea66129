package energy.flexledger.chaincode.energy;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** The SHA-256 the channel keeps of a segment: any member checks a segment it was given against it. */
@DataType
public record SegmentHash(@Property String meterId, @Property long segmentStart, @Property String collection,
        @Property(schema = {"pattern", "^[0-9a-f]{64}$"}) String segmentHash) {}
