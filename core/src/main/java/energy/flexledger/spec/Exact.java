package energy.flexledger.spec;

/**
 * Exact 64-bit arithmetic for the specs: an overflow is the {@code OVERFLOW} error, never a wrap
 * and never a bare {@link ArithmeticException}.
 */
public final class Exact {
    private Exact() {}

    public static long add(final long a, final long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw overflow(a + " + " + b);
        }
    }

    public static long subtract(final long a, final long b) {
        try {
            return Math.subtractExact(a, b);
        } catch (ArithmeticException e) {
            throw overflow(a + " - " + b);
        }
    }

    public static long multiply(final long a, final long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw overflow(a + " * " + b);
        }
    }

    /** Division rounding toward positive infinity ({@code Math.ceilDiv} arrived only in Java 18). */
    public static long ceilDiv(final long a, final long b) {
        final long q = Math.floorDiv(a, b);
        return q * b == a ? q : q + 1;
    }

    private static SpecException overflow(final String what) {
        return new SpecException(ErrorCode.OVERFLOW, what + " does not fit 64 bits");
    }
}
