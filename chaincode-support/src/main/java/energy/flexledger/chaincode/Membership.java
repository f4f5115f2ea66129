package energy.flexledger.chaincode;

import energy.flexledger.spec.Canonical;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.SpecException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hyperledger.fabric.shim.Chaincode;
import org.hyperledger.fabric.shim.ChaincodeStub;

/**
 * Reads the consortium from the {@code consortium} chaincode on the same channel (a chaincode-to-
 * chaincode query: its key enters this transaction's read set, so a transaction endorsed under
 * one membership does not commit after governance changed it).
 */
public final class Membership {
    /** The chaincode that keeps the consortium. */
    public static final String CHAINCODE = "consortium";
    /** Its query that answers the whole {@link Consortium}. */
    public static final String QUERY = "GetConsortium";

    private Membership() {}

    public static Consortium load(final ChaincodeStub stub) {
        final Chaincode.Response response;
        try {
            response = stub.invokeChaincodeWithStringArgs(CHAINCODE, List.of(QUERY), stub.getChannelId());
        } catch (RuntimeException e) {
            // The shim throws (rather than answers) when the peer refuses the call: no such chaincode
            // on this channel, or an ACL that refuses chaincode-to-chaincode calls.
            throw Failures.fail(ErrorCode.INVALID_STATE, "the consortium chaincode '" + CHAINCODE + "' on channel " + stub.getChannelId()
                    + " could not be asked for " + QUERY + " (" + e.getMessage() + "); it must be deployed on every channel whose chaincodes check roles");
        }
        if (response == null || response.getStatus() != Chaincode.Response.Status.SUCCESS) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "the consortium chaincode '" + CHAINCODE + "' on channel " + stub.getChannelId()
                    + " did not answer " + QUERY + (response == null ? "" : ": " + response.getMessage())
                    + "; it must be deployed on every channel whose chaincodes check roles");
        }
        try {
            return Canonical.read(response.getPayload() == null ? new byte[0] : response.getPayload(), Consortium.class, "consortium");
        } catch (SpecException e) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "the consortium chaincode answered what is not a consortium: " + e.detail()
                    + " (payload " + new String(response.getPayload(), StandardCharsets.UTF_8).length() + " characters)");
        }
    }
}
