package energy.flexledger.spec;

/** Lowercase hexadecimal, as every spec writes hashes. */
public final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {}

    public static String encode(final byte[] bytes) {
        final char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = DIGITS[bytes[i] & 0xf];
        }
        return new String(out);
    }

    /**
     * Decodes lowercase or uppercase hex.
     *
     * @throws SpecException {@code BAD_REQUEST} when the text is not hex of even length
     */
    public static byte[] decode(final String text) {
        if (text == null || text.length() % 2 != 0) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "hex text must have an even number of digits");
        }
        final byte[] out = new byte[text.length() / 2];
        for (int i = 0; i < out.length; i++) {
            final int hi = Character.digit(text.charAt(2 * i), 16);
            final int lo = Character.digit(text.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new SpecException(ErrorCode.BAD_REQUEST, "not a hex digit at position " + (2 * i));
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }

    /** True when {@code text} is exactly {@code byteLength} bytes of lowercase hex. */
    public static boolean isLowerHex(final String text, final int byteLength) {
        if (text == null || text.length() != byteLength * 2) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
