package energy.flexledger.spec;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What FP1 keeps on-chain for one interval {@code (start, end]}: count, sum, average and the
 * fingerprint of the samples. Immutable.
 */
public final class IntervalDigest {
    private final long start;
    private final long end;
    private final long count;
    private final long sum;
    private final byte[] fingerprint;

    /**
     * Validates the digest's internal consistency (not the fingerprint, which needs the samples).
     *
     * @throws SpecException {@code BAD_INTERVAL} when {@code end <= start}, {@code BAD_REQUEST} when
     *     the count is negative, an empty interval has a non-zero sum, or the fingerprint is not 32 bytes
     */
    public IntervalDigest(final long start, final long end, final long count, final long sum, final byte[] fingerprint) {
        if (end <= start) {
            throw new SpecException(ErrorCode.BAD_INTERVAL, "interval end " + end + " must be after start " + start);
        }
        if (count < 0) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "count must not be negative, was " + count);
        }
        if (count == 0 && sum != 0) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "an interval without samples must have sum 0, was " + sum);
        }
        if (fingerprint == null || fingerprint.length != Fp1.HASH_BYTES) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "fingerprint must be 32 bytes");
        }
        this.start = start;
        this.end = end;
        this.count = count;
        this.sum = sum;
        this.fingerprint = fingerprint.clone();
    }

    public long start() {
        return start;
    }

    public long end() {
        return end;
    }

    public long count() {
        return count;
    }

    public long sum() {
        return sum;
    }

    /** {@code floorDiv(sum, count)}, or 0 for an interval without samples. */
    public long avg() {
        return count == 0 ? 0 : Math.floorDiv(sum, count);
    }

    public byte[] fingerprint() {
        return fingerprint.clone();
    }

    public String fingerprintHex() {
        return Hex.encode(fingerprint);
    }

    /** {@code start, end, count, sum, avg, fingerprint} as a mutable map, for JSON records that add more. */
    public Map<String, Object> toMap() {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("start", start);
        map.put("end", end);
        map.put("count", count);
        map.put("sum", sum);
        map.put("avg", avg());
        map.put("fingerprint", fingerprintHex());
        return map;
    }

    /**
     * The interval record a meter's device or gateway submits to chaincode-energy:
     * {@code meterId, start, end, count, sum, fingerprint} (the chaincode adds avg and the links).
     */
    public Map<String, Object> toRecord(final String meterId) {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("meterId", meterId);
        map.put("start", start);
        map.put("end", end);
        map.put("count", count);
        map.put("sum", sum);
        map.put("fingerprint", fingerprintHex());
        return map;
    }

    @Override
    public boolean equals(final Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof IntervalDigest)) {
            return false;
        }
        final IntervalDigest other = (IntervalDigest) o;
        return start == other.start && end == other.end && count == other.count && sum == other.sum
                && Arrays.equals(fingerprint, other.fingerprint);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(start) * 31 + Arrays.hashCode(fingerprint);
    }

    @Override
    public String toString() {
        return "IntervalDigest{(" + start + "," + end + "] count=" + count + " sum=" + sum + " fp=" + fingerprintHex() + "}";
    }
}
