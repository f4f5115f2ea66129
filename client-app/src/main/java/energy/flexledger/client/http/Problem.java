package energy.flexledger.client.http;

import energy.flexledger.spec.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem: {@code type}, {@code title}, {@code status}, {@code detail} and the
 * extension member {@code code}, the FlexLedger error code (the CLI's, {@link ErrorCode}), or one
 * of the gateway's own for what no ledger code covers ({@link #GATEWAY_CODES}). The HTTP status
 * follows from the code alone ({@link #statusOf}): a client may switch on either.
 */
public final class Problem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** No credential, or one not (or no longer) valid. */
    public static final String UNAUTHENTICATED = "UNAUTHENTICATED";
    /** The request body is larger than the gateway takes. */
    public static final String PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE";
    /** The ledger did not answer (the peer is down or unreachable); trying again later may succeed. */
    public static final String UNAVAILABLE = "UNAVAILABLE";
    /** The gateway failed (its store, a bug): nothing was acknowledged. */
    public static final String INTERNAL = "INTERNAL";
    /** The content type of a write is not application/json. */
    public static final String UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE";

    /** The path exists, but not for this method (the answer's Allow header lists those it takes). */
    public static final String METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED";

    public static final java.util.List<String> GATEWAY_CODES = java.util.List.of(UNAUTHENTICATED, PAYLOAD_TOO_LARGE, UNAVAILABLE, INTERNAL,
            UNSUPPORTED_MEDIA_TYPE, METHOD_NOT_ALLOWED);

    public static final String CONTENT_TYPE = "application/problem+json";
    /** The {@code type} URIs: one per code. */
    public static final String TYPE_PREFIX = "urn:flexledger:problem:";

    private final String code;
    private final int status;

    public Problem(final String code, final String detail) {
        super(detail);
        this.code = code;
        this.status = statusOf(code);
    }

    public Problem(final ErrorCode code, final String detail) {
        this(code.name(), detail);
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    /** The stable mapping of a code to its HTTP status (docs/decisions/0021-gateway-rest-api.md has the table). */
    public static int statusOf(final String code) {
        return switch (code) {
            case "BAD_REQUEST", "BAD_JSON" -> 400;
            case UNAUTHENTICATED -> 401;
            case "ACCESS_DENIED" -> 403;
            case "NOT_FOUND" -> 404;
            case "ALREADY_EXISTS", "CONFLICT", "INACTIVE", "INVALID_STATE", "DEADLINE_PASSED", "TOO_EARLY" -> 409;
            case METHOD_NOT_ALLOWED -> 405;
            case PAYLOAD_TOO_LARGE -> 413;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
            case INTERNAL -> 500;
            case UNAVAILABLE -> 503;
            // the domain's rules: FP1, BL1, ST1, MK1, token
            default -> 422;
        };
    }

    /** A short title per code: the same for every occurrence of the code (RFC 9457 3.1.3). */
    public static String titleOf(final String code) {
        return switch (code) {
            case "BAD_REQUEST" -> "Bad request";
            case "BAD_JSON" -> "Malformed JSON";
            case UNAUTHENTICATED -> "Not authenticated";
            case "ACCESS_DENIED" -> "Access denied";
            case "NOT_FOUND" -> "Not found";
            case "ALREADY_EXISTS" -> "Already exists";
            case "CONFLICT" -> "Conflict";
            case METHOD_NOT_ALLOWED -> "Method not allowed";
            case PAYLOAD_TOO_LARGE -> "Payload too large";
            case UNSUPPORTED_MEDIA_TYPE -> "Unsupported media type";
            case INTERNAL -> "Internal error";
            case UNAVAILABLE -> "Ledger unavailable";
            default -> code.charAt(0) + code.substring(1).toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        };
    }

    /** The problem document. */
    public Map<String, Object> toMap(final String instance) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", TYPE_PREFIX + code);
        m.put("title", titleOf(code));
        m.put("status", (long) status);
        m.put("detail", String.valueOf(getMessage()));
        m.put("code", code);
        if (instance != null) {
            m.put("instance", instance);
        }
        return m;
    }

    /** Every code a problem may carry: the ledger's and the gateway's. */
    public static java.util.List<String> allCodes() {
        final java.util.List<String> out = new java.util.ArrayList<>();
        for (final ErrorCode c : ErrorCode.values()) {
            out.add(c.name());
        }
        out.addAll(GATEWAY_CODES);
        return out;
    }
}
