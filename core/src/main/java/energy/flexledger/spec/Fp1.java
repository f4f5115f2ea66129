package energy.flexledger.spec;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * FP1: interval fingerprints of raw meter samples and the on-chain link chain (docs/spec/FP1.md).
 *
 * <p>The same code runs in the chaincode (link chain), in the client app (online fingerprinting)
 * and behind {@code flexledger spec fp1}.
 */
public final class Fp1 {
    public static final int HASH_BYTES = 32;
    public static final int SALT_BYTES = 32;
    public static final int MAX_METER_ID_BYTES = 128;

    private Fp1() {}

    /**
     * @throws SpecException {@code BAD_REQUEST} unless the id is 1..128 UTF-8 bytes
     */
    public static void checkMeterId(final String meterId) {
        if (meterId == null) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "meterId is required");
        }
        final int length = meterId.getBytes(StandardCharsets.UTF_8).length;
        if (length < 1 || length > MAX_METER_ID_BYTES) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "meterId must be 1.." + MAX_METER_ID_BYTES + " UTF-8 bytes, was " + length);
        }
    }

    /** {@code H0 = SHA-256("FP1/seed" || salt || BE32(len(meterId)) || meterId || BE64(start))}. */
    public static byte[] seed(final byte[] salt, final String meterId, final long start) {
        checkSalt(salt);
        checkMeterId(meterId);
        return Sha256.start().literal("FP1/seed").bytes(salt).string(meterId).be64(start).finish();
    }

    /** {@code genesis = SHA-256("FP1/genesis" || BE32(len(meterId)) || meterId)}. */
    public static byte[] genesis(final String meterId) {
        checkMeterId(meterId);
        return Sha256.start().literal("FP1/genesis").string(meterId).finish();
    }

    /** {@code link_i = SHA-256("FP1/link" || link_i-1 || BE64(start) || BE64(end) || BE64(count) || BE64(sum) || fingerprint)}. */
    public static byte[] link(final byte[] previousLink, final IntervalDigest interval) {
        if (previousLink == null || previousLink.length != HASH_BYTES) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "previous link must be 32 bytes");
        }
        return Sha256.start()
                .literal("FP1/link")
                .bytes(previousLink)
                .be64(interval.start())
                .be64(interval.end())
                .be64(interval.count())
                .be64(interval.sum())
                .bytes(interval.fingerprint())
                .finish();
    }

    /** SHA-256 of the salt: the commitment the ledger keeps at meter registration. */
    public static byte[] saltCommitment(final byte[] salt) {
        checkSalt(salt);
        return Sha256.of(salt);
    }

    /** @throws SpecException {@code BAD_SALT} unless the salt is exactly 32 bytes */
    public static void checkSalt(final byte[] salt) {
        if (salt == null || salt.length != SALT_BYTES) {
            throw new SpecException(ErrorCode.BAD_SALT, "salt must be " + SALT_BYTES + " bytes, was " + (salt == null ? 0 : salt.length));
        }
    }

    /** Starts the online fingerprint of the interval {@code (start, end]}. */
    public static Accumulator interval(final byte[] salt, final String meterId, final long start, final long end) {
        if (end <= start) {
            throw new SpecException(ErrorCode.BAD_INTERVAL, "interval end " + end + " must be after start " + start);
        }
        return new Accumulator(seed(salt, meterId, start), start, end);
    }

    /**
     * Continues an interval's fingerprint from a saved state: {@code soFar} (the digest of the
     * samples added so far: its fingerprint is {@code H(k)}) and the time of its last sample (the
     * interval's start when it has none). This is how a client that stores the running state with
     * each sample survives a restart without re-reading the interval's samples.
     *
     * @throws SpecException {@code BAD_INTERVAL} when {@code lastTime} does not fit the state
     */
    public static Accumulator resume(final IntervalDigest soFar, final long lastTime) {
        final boolean empty = soFar.count() == 0;
        if (empty ? lastTime != soFar.start() : lastTime <= soFar.start() || lastTime > soFar.end()) {
            throw new SpecException(ErrorCode.BAD_INTERVAL, "last sample time " + lastTime + " does not fit a state of " + soFar.count()
                    + " samples in (" + soFar.start() + ", " + soFar.end() + "]");
        }
        final Accumulator acc = new Accumulator(soFar.fingerprint(), soFar.start(), soFar.end());
        acc.count = soFar.count();
        acc.sum = soFar.sum();
        acc.lastTime = lastTime;
        return acc;
    }

    /**
     * Fingerprints one interval's samples one at a time, in constant memory: only {@code H(k-1)}, the
     * running sum, the count and the last timestamp are kept.
     */
    public static final class Accumulator {
        private final Sha256Chain chain;
        private final long start;
        private final long end;
        private long count;
        private long sum;
        private long lastTime;

        private Accumulator(final byte[] seed, final long start, final long end) {
            this.chain = new Sha256Chain(seed);
            this.start = start;
            this.end = end;
            this.lastTime = start;
        }

        /**
         * Adds the sample {@code (t, v)}.
         *
         * @throws SpecException {@code SAMPLE_OUTSIDE_INTERVAL}, {@code SAMPLES_NOT_INCREASING} or
         *     {@code SUM_OVERFLOW}; the accumulator is unchanged when it throws
         */
        public Accumulator add(final long time, final long value) {
            if (time <= start || time > end) {
                throw new SpecException(ErrorCode.SAMPLE_OUTSIDE_INTERVAL,
                        "sample time " + time + " is outside (" + start + ", " + end + "]");
            }
            if (count > 0 && time <= lastTime) {
                throw new SpecException(ErrorCode.SAMPLES_NOT_INCREASING,
                        "sample time " + time + " does not follow " + lastTime);
            }
            final long newSum;
            try {
                newSum = Math.addExact(sum, value);
            } catch (ArithmeticException e) {
                throw new SpecException(ErrorCode.SUM_OVERFLOW, "sum of interval (" + start + ", " + end + "] overflows 64 bits");
            }
            chain.extend(time, value);
            sum = newSum;
            count++;
            lastTime = time;
            return this;
        }

        public long count() {
            return count;
        }

        /** The time of the last sample added, or the interval's start when there is none. */
        public long lastTime() {
            return lastTime;
        }

        public long start() {
            return start;
        }

        public long end() {
            return end;
        }

        /** The digest of the samples added so far; the accumulator stays usable. */
        public IntervalDigest digest() {
            return new IntervalDigest(start, end, count, sum, chain.current());
        }
    }

    /**
     * {@code Hk = SHA-256(Hk-1 || BE64(tk) || BE64(vk))}. One {@link MessageDigest} and one 48-byte
     * block are reused for every sample: allocating a digest per sample costs more than the hash.
     */
    private static final class Sha256Chain {
        private final MessageDigest digest = Sha256.newDigest();
        private final byte[] block = new byte[HASH_BYTES + 16];

        Sha256Chain(final byte[] seed) {
            System.arraycopy(seed, 0, block, 0, HASH_BYTES);
        }

        void extend(final long time, final long value) {
            putBe64(block, HASH_BYTES, time);
            putBe64(block, HASH_BYTES + 8, value);
            digest.update(block, 0, block.length);
            try {
                digest.digest(block, 0, HASH_BYTES);
            } catch (DigestException e) {
                throw new IllegalStateException("a 32-byte buffer always holds a SHA-256 digest", e);
            }
        }

        byte[] current() {
            return Arrays.copyOf(block, HASH_BYTES);
        }

        private static void putBe64(final byte[] target, final int offset, final long value) {
            for (int i = 0; i < 8; i++) {
                target[offset + i] = (byte) (value >>> (56 - 8 * i));
            }
        }
    }
}
