package energy.flexledger.chaincode;

import energy.flexledger.spec.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hyperledger.fabric.shim.Chaincode;
import org.hyperledger.fabric.shim.ChaincodeStub;

/**
 * A call to another chaincode on the same channel, in this transaction and as its creator (the
 * callee's own rules apply), with the callee's refusal passed on under its stable code.
 *
 * <p>Call each chaincode at most once per transaction: the Java shim keys a chaincode's running tasks
 * by transaction id and removes a finished one after it answered, so a second call right after the
 * first can arrive in between and lose its task ("Task map missing entry"; decision 0019). For the
 * same reason the call hands this transaction's consortium to the callee ({@link Membership#handOff}),
 * so that the consortium chaincode is asked once in the whole transaction, whoever needs it.
 */
public final class ChaincodeCall {
    private ChaincodeCall() {}

    /** The callee's answer as text; its refusal as a ChaincodeException with the callee's code (INVALID_STATE when it gave none). */
    public static String call(final ChaincodeStub stub, final String chaincode, final String... args) {
        final List<String> withConsortium = new java.util.ArrayList<>(List.of(args));
        withConsortium.add(Membership.handOff(stub));
        final Chaincode.Response response;
        try {
            response = stub.invokeChaincodeWithStringArgs(chaincode, withConsortium, stub.getChannelId());
        } catch (RuntimeException e) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "chaincode '" + chaincode + "' could not be called for " + args[0] + ": " + e.getMessage());
        }
        if (response.getStatus() != Chaincode.Response.Status.SUCCESS) {
            final String message = String.valueOf(response.getMessage());
            for (final ErrorCode code : ErrorCode.values()) {
                if (message.startsWith(code.name() + ":")) {
                    throw Failures.fail(code, chaincode + " " + args[0] + ": " + message.substring(code.name().length() + 1).trim());
                }
            }
            throw Failures.fail(ErrorCode.INVALID_STATE, chaincode + " " + args[0] + " failed: " + message);
        }
        return response.getPayload() == null ? "" : new String(response.getPayload(), StandardCharsets.UTF_8);
    }
}
