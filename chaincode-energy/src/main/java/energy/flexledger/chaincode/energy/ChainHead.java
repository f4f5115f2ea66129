package energy.flexledger.chaincode.energy;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * The FP1 chain head of a metering asset ({@code meterhead/<meterId>}, in the owner's private data
 * collection): how many intervals are certified, where the chain continues ({@code lastEnd}, null
 * before the first record) and the link of the last record (the genesis link before it).
 */
@DataType
public record ChainHead(
        @Property String meterId,
        @Property long intervals,
        @Property @JsonInclude(JsonInclude.Include.ALWAYS) Long lastEnd,
        @Property(schema = {"pattern", "^[0-9a-f]{64}$"}) String headLink) {

    /** The head after one more record ending at {@code end} with link {@code link}. */
    ChainHead advance(final long end, final String link) {
        return new ChainHead(meterId, Math.addExact(intervals, 1L), end, link);
    }

    /** The start of the first certified interval, or Long.MAX_VALUE before the first record. */
    long chainStart(final long intervalMs) {
        if (lastEnd == null) {
            return Long.MAX_VALUE;
        }
        return Math.subtractExact(lastEnd, Math.multiplyExact(intervals, intervalMs));
    }
}
