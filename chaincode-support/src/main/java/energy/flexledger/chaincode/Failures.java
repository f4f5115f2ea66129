package energy.flexledger.chaincode;

import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.SpecException;
import java.nio.charset.StandardCharsets;
import org.hyperledger.fabric.shim.ChaincodeException;

/**
 * Chaincode errors with stable codes: the code is the exception's payload and the prefix of its
 * message, so clients can react to {@code ACCESS_DENIED} or {@code CONFLICT} without parsing prose.
 */
public final class Failures {
    private Failures() {}

    public static ChaincodeException fail(final ErrorCode code, final String message) {
        return new ChaincodeException(code.name() + ": " + message, code.name().getBytes(StandardCharsets.UTF_8));
    }

    public static ChaincodeException from(final SpecException e) {
        return new ChaincodeException(e.getMessage(), e.code().name().getBytes(StandardCharsets.UTF_8));
    }

    /** Parses a transaction argument that must be a 64-bit integer. */
    public static long parseLong(final String name, final String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw fail(ErrorCode.BAD_REQUEST, name + " must be a 64-bit integer, was '" + value + "'");
        }
    }
}
