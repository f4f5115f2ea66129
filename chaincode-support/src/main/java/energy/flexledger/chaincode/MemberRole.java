package energy.flexledger.chaincode;

/**
 * What a member org does in the consortium, as granted on the ledger by governance (the
 * {@code consortium} chaincode). An org may hold several roles. These are business roles; an
 * identity's NodeOU ({@link Role}: admin, client, peer) is a different thing.
 */
public enum MemberRole {
    /** A distribution system operator: operates grid zones, settles against metered data. */
    DSO,
    /** Represents communities or assets in markets and programmes; is paid for their flexibility. */
    AGGREGATOR,
    /** An energy community: owns meters and assets. */
    COMMUNITY,
    /** A charging point operator: owns charging stations. */
    CPO,
    /** Issues the channel's token: mints and burns it (granted by governance like any role). */
    ISSUER
}
