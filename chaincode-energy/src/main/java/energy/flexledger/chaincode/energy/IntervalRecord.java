package energy.flexledger.chaincode.energy;

import energy.flexledger.spec.IntervalDigest;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * A certified FP1 interval record, as kept in a segment of the owner's collection and returned to
 * its readers: the interval (start, end], its count, sum, average and fingerprint, and its place in
 * the meter's hash chain ({@code previousLink}, {@code link}), when and by which transaction.
 */
@DataType
public record IntervalRecord(
        @Property String meterId,
        @Property long start,
        @Property long end,
        @Property long count,
        @Property long sum,
        @Property long avg,
        @Property(schema = {"pattern", "^[0-9a-f]{64}$"}) String fingerprint,
        @Property(schema = {"pattern", "^[0-9a-f]{64}$"}) String previousLink,
        @Property(schema = {"pattern", "^[0-9a-f]{64}$"}) String link,
        @Property long recordedAt,
        @Property String txId) {

    static IntervalRecord of(final String meterId, final IntervalDigest d, final String previousLink, final String link, final long at,
            final String txId) {
        return new IntervalRecord(meterId, d.start(), d.end(), d.count(), d.sum(), d.avg(), d.fingerprintHex(), previousLink, link, at, txId);
    }

    /** Whether this record certifies exactly {@code digest} (a re-submission of it changes nothing). */
    boolean certifies(final IntervalDigest digest) {
        return end == digest.end() && count == digest.count() && sum == digest.sum() && fingerprint.equals(digest.fingerprintHex());
    }
}
