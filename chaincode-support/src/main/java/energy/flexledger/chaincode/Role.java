package energy.flexledger.chaincode;

/**
 * The role an identity holds in its organisation, from the NodeOU in its certificate
 * ({@code OU=admin|client|peer|orderer}).
 */
public enum Role {
    ADMIN,
    CLIENT,
    PEER,
    ORDERER,
    /** A certificate without a recognised NodeOU. */
    NONE;

    static Role ofOrganizationalUnit(final String ou) {
        switch (ou) {
            case "admin":
                return ADMIN;
            case "client":
                return CLIENT;
            case "peer":
                return PEER;
            case "orderer":
                return ORDERER;
            default:
                return NONE;
        }
    }
}
