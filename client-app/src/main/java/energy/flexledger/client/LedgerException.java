package energy.flexledger.client;

import energy.flexledger.spec.ErrorCode;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A transaction that did not succeed, with the chaincode's stable error code when it gave one.
 *
 * <p>{@link #retryable()} tells callers which of the three reactions fits: retry the whole flow
 * (validation conflicts such as {@code MVCC_READ_CONFLICT}, unavailable peers), or give up and
 * report (chaincode errors, which are deterministic).
 */
public final class LedgerException extends Exception {
    private static final long serialVersionUID = 1L;
    /** The chaincode's own answer inside the gateway's text; gRPC status names never match it. */
    private static final Pattern CODE = Pattern.compile("chaincode response \\d+, ([A-Z][A-Z0-9_]{2,}): ");

    private final ErrorCode code;
    private final String transactionId;
    private final boolean retryable;

    public LedgerException(final ErrorCode code, final String message, final String transactionId, final boolean retryable,
            final Throwable cause) {
        super(message, cause);
        this.code = code;
        this.transactionId = transactionId;
        this.retryable = retryable;
    }

    /** The chaincode's error code, if the failure came from chaincode logic. */
    public Optional<ErrorCode> code() {
        return Optional.ofNullable(code);
    }

    public Optional<String> transactionId() {
        return Optional.ofNullable(transactionId);
    }

    public boolean retryable() {
        return retryable;
    }

    /** Finds the first known FlexLedger error code in a chaincode message ("... CODE: detail"). */
    static Optional<ErrorCode> findCode(final String text) {
        if (text == null) {
            return Optional.empty();
        }
        final Matcher m = CODE.matcher(text);
        while (m.find()) {
            for (final ErrorCode c : ErrorCode.values()) {
                if (c.name().equals(m.group(1))) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.empty();
    }

    /** The part of a chaincode message from its error code on, without the gateway's wrapping. */
    static String chaincodeMessage(final String text, final ErrorCode code) {
        final int at = text.indexOf(code.name() + ": ");
        if (at < 0) {
            return text;
        }
        // The gateway repeats the answer in each peer's error detail (" | MSP@peer: ..."): keep one.
        final int end = text.indexOf(" | ", at);
        return end < 0 ? text.substring(at) : text.substring(at, end);
    }
}
