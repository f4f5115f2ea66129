package energy.flexledger.spec;

/**
 * Stable, machine-readable error codes shared by the chaincodes, the client app and the CLI.
 *
 * <p>Codes are part of the public contract: never rename or reuse one. A chaincode raises a code as
 * the {@code ChaincodeException} payload and as the prefix of its message ({@code "CODE: detail"}).
 */
public enum ErrorCode {
    // --- request shape ---
    /** An argument is missing, malformed or out of range. */
    BAD_REQUEST,
    /** Input JSON could not be parsed or is not of the expected shape. */
    BAD_JSON,

    // --- identity and access ---
    /** The caller's MSP, organisational unit or attributes do not grant this operation. */
    ACCESS_DENIED,

    // --- state ---
    NOT_FOUND,
    ALREADY_EXISTS,
    /** A different record already exists where an identical re-submission would have been a no-op. */
    CONFLICT,

    // --- FP1 ---
    BAD_SALT,
    BAD_INTERVAL,
    NOT_CONTIGUOUS,
    SAMPLE_OUTSIDE_INTERVAL,
    SAMPLES_NOT_INCREASING,
    SUM_OVERFLOW,

    // --- arithmetic ---
    /** An exact integer operation overflowed. */
    OVERFLOW
}
