package energy.flexledger.spec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 with the spec's encodings: integers big-endian two's complement, strings as BE32 length
 * followed by UTF-8 bytes, literals as raw ASCII.
 */
public final class Sha256 {
    private final MessageDigest digest;
    private final byte[] scratch = new byte[8];

    private Sha256() {
        digest = newDigest();
    }

    /** A fresh SHA-256 {@link MessageDigest}; every Java runtime has one. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    public static Sha256 start() {
        return new Sha256();
    }

    /** Digest of {@code data} alone. */
    public static byte[] of(final byte[] data) {
        return start().bytes(data).finish();
    }

    public Sha256 literal(final String ascii) {
        digest.update(ascii.getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    public Sha256 bytes(final byte[] data) {
        digest.update(data);
        return this;
    }

    public Sha256 be64(final long value) {
        for (int i = 7; i >= 0; i--) {
            scratch[7 - i] = (byte) (value >>> (8 * i));
        }
        digest.update(scratch, 0, 8);
        return this;
    }

    public Sha256 be32(final int value) {
        for (int i = 3; i >= 0; i--) {
            scratch[3 - i] = (byte) (value >>> (8 * i));
        }
        digest.update(scratch, 0, 4);
        return this;
    }

    /** A UTF-8 string preceded by its byte length as BE32. */
    public Sha256 string(final String text) {
        final byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        be32(utf8.length);
        digest.update(utf8);
        return this;
    }

    public byte[] finish() {
        return digest.digest();
    }
}
