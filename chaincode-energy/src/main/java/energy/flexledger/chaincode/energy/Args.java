package energy.flexledger.chaincode.energy;

import energy.flexledger.chaincode.Failures;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Canonical;
import energy.flexledger.spec.SpecException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Checks of transaction arguments: every failure is {@code BAD_REQUEST} or {@code BAD_JSON} with the argument's name. */
final class Args {
    static final int MAX_ID_BYTES = 128;
    static final int DEFAULT_PAGE_SIZE = 100;
    static final int MAX_PAGE_SIZE = 1000;

    private Args() {}

    /**
     * An id (asset, batch, subscription, topic): 1..128 UTF-8 bytes, no control characters and not
     * U+10FFFF, which composite and range keys reserve.
     */
    static String id(final String name, final String value) {
        if (value == null || value.isEmpty()) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, name + " is required");
        }
        final int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_ID_BYTES) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, name + " must be 1.." + MAX_ID_BYTES + " UTF-8 bytes, was " + bytes);
        }
        for (int i = 0; i < value.length(); ) {
            final int cp = value.codePointAt(i);
            if (Character.isISOControl(cp) || cp == Character.MAX_CODE_POINT) {
                throw Failures.fail(ErrorCode.BAD_REQUEST, name + " must not contain control characters or U+10FFFF");
            }
            if (Character.isSurrogate((char) cp) || cp == 0xFFFD) {
                // A lone surrogate, or U+FFFD, which is what a broken sequence decodes to: two
                // different inputs would otherwise name the same entity.
                throw Failures.fail(ErrorCode.BAD_REQUEST, name + " must be valid Unicode (no lone surrogates, no U+FFFD)");
            }
            i += Character.charCount(cp);
        }
        return value;
    }

    static long parseLong(final String name, final String value) {
        return Failures.parseLong(name, value);
    }

    /** A page size: empty or 0 means the default (100); at most 1000. */
    static int pageSize(final String value) {
        if (value == null || value.isEmpty()) {
            return DEFAULT_PAGE_SIZE;
        }
        final long size = Failures.parseLong("pageSize", value);
        if (size < 0 || size > MAX_PAGE_SIZE) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "pageSize must be 1.." + MAX_PAGE_SIZE + " (0 or empty: " + DEFAULT_PAGE_SIZE + ")");
        }
        return size == 0 ? DEFAULT_PAGE_SIZE : (int) size;
    }

    static String bookmark(final String value) {
        return value == null ? "" : value;
    }

    /**
     * The UTF-8 text of a transient data entry: how private inputs reach the chaincode without being
     * written into the block.
     */
    static String transientText(final org.hyperledger.fabric.contract.Context ctx, final String name) {
        final Map<String, byte[]> transientData = ctx.getStub().getTransient();
        final byte[] value = transientData == null ? null : transientData.get(name);
        if (value == null) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "'" + name + "' must come as transient data: it is private, and arguments are "
                    + "written into the block for every channel member");
        }
        return new String(value, StandardCharsets.UTF_8);
    }

    /** A required value: present and not null. */
    static <T> T required(final String name, final T value) {
        if (value == null) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, name + " is required");
        }
        return value;
    }

    /** A JSON value (an argument or transient entry named {@code name}) read as a {@code type}. */
    static <T> T read(final String name, final String json, final Class<T> type) {
        try {
            return Canonical.read(json, type, name);
        } catch (SpecException e) {
            throw Failures.from(e);
        }
    }

    /** Runs {@code body}, turning a spec rule's failure into the chaincode error with the same code. */
    static <T> T spec(final java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (SpecException e) {
            throw Failures.from(e);
        }
    }
}
