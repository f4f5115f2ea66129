package energy.flexledger.chaincode;

import java.util.Optional;

/** The consortium's member organisations, one MSP each (network-config/README.md). */
public enum MemberOrg {
    DSO("DsoMSP"),
    AGGREGATOR("AggregatorMSP"),
    COMMUNITY("CommunityMSP"),
    CPO("CpoMSP");

    private final String mspId;

    MemberOrg(final String mspId) {
        this.mspId = mspId;
    }

    public String mspId() {
        return mspId;
    }

    public static Optional<MemberOrg> ofMsp(final String mspId) {
        for (final MemberOrg org : values()) {
            if (org.mspId.equals(mspId)) {
                return Optional.of(org);
            }
        }
        return Optional.empty();
    }
}
