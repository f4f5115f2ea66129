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
    /** The asset is deactivated: it takes no data until its owner reactivates it. */
    INACTIVE,
    /** The entity's status does not allow this change (a subscription declined, then accepted). */
    INVALID_STATE,

    // --- FP1 ---
    BAD_SALT,
    BAD_INTERVAL,
    NOT_CONTIGUOUS,
    SAMPLE_OUTSIDE_INTERVAL,
    SAMPLES_NOT_INCREASING,
    SUM_OVERFLOW,

    // --- BL1 ---
    /** {@code slotMinutes} is not one the spec allows (BL1: 15 or 60; ST1: a divisor of a day). */
    BAD_SLOT_MINUTES,
    /** A reading's slot start is not on a whole minute and a local slot boundary. */
    MISALIGNED,
    /** The same instant (BL1 reading) or the same id (MK1 offer, DA1 order) appears twice. */
    DUPLICATE,
    /** The X of Y pair that the target's day type picks is not {@code 1 <= x <= y}. */
    BAD_X_Y,
    /** Fewer than {@code x} eligible days in the lookback window. */
    INSUFFICIENT_HISTORY,

    // --- ST1 ---
    /** Baseline and actual are empty or of different lengths. */
    BAD_WINDOW,
    /** A settlement or a measurement needs certified intervals that are not on the ledger yet (the message names them). */
    INCOMPLETE_DATA,

    // --- MK1 ---
    /** A clearing mode other than SINGLE or MERIT. */
    BAD_MODE,

    // --- arithmetic ---
    /** An exact integer operation overflowed. */
    OVERFLOW,

    // --- token ---
    /** An account's balance (or an allowance) is smaller than the amount to move. */
    INSUFFICIENT_FUNDS,

    // --- market timing and sealed bids ---
    /** Too late: an offer or order after its deadline, a reveal after the reveal deadline. */
    DEADLINE_PASSED,
    /** Too early: a reveal or a clearing before the deadline, a payment before the delivery window ended. */
    TOO_EARLY,
    /** A revealed offer or order is not the one whose hash was sealed on the channel. */
    SEAL_MISMATCH
}
