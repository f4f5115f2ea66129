package energy.flexledger.spec;

/** A rule of a spec was violated; carries the stable {@link ErrorCode}. */
public class SpecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public SpecException(final ErrorCode code, final String message) {
        super(code.name() + ": " + message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
