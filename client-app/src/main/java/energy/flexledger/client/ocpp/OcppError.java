package energy.flexledger.client.ocpp;

/**
 * A request the central system refuses with an OCPP-J CALLERROR: {@code code} is one of OCPP 1.6's
 * error codes ({@code ProtocolError}, {@code PropertyConstraintViolation}, {@code InternalError},
 * ...), {@code getMessage()} the errorDescription. Nothing was changed.
 */
public final class OcppError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final String PROTOCOL_ERROR = "ProtocolError";
    public static final String PROPERTY_CONSTRAINT_VIOLATION = "PropertyConstraintViolation";
    public static final String FORMATION_VIOLATION = "FormationViolation";
    public static final String OCCURENCE_CONSTRAINT_VIOLATION = "OccurenceConstraintViolation";
    public static final String INTERNAL_ERROR = "InternalError";
    public static final String NOT_IMPLEMENTED = "NotImplemented";

    private final String code;

    public OcppError(final String code, final String description) {
        super(description);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
