package energy.flexledger.spec;

/** A rule of a spec was violated; carries the stable {@link ErrorCode}. */
public class SpecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String detail;

    public SpecException(final ErrorCode code, final String message) {
        super(code.name() + ": " + message);
        this.code = code;
        this.detail = message;
    }

    /** The message without the code in front. */
    public String detail() {
        return detail;
    }

    public ErrorCode code() {
        return code;
    }
}
