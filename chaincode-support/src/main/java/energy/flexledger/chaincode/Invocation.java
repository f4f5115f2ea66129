package energy.flexledger.chaincode;

import com.google.protobuf.InvalidProtocolBufferException;
import energy.flexledger.spec.ErrorCode;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.peer.ChaincodeHeaderExtension;
import org.hyperledger.fabric.protos.peer.Proposal;
import org.hyperledger.fabric.protos.peer.SignedProposal;
import org.hyperledger.fabric.shim.ChaincodeStub;

/**
 * Which chaincode the client's signed proposal invoked. A chaincode called by another chaincode on
 * the same channel receives the original proposal, so this tells a callee whether it runs inside a
 * transaction of {@code dr} (the proposal names it, and the client signed that) or was invoked
 * directly. A callee that lets only one chaincode's rules move some state checks this.
 */
public final class Invocation {
    private Invocation() {}

    /** The name of the chaincode the transaction's proposal invoked. */
    public static String proposedChaincode(final ChaincodeStub stub) {
        final SignedProposal signed = stub.getSignedProposal();
        if (signed == null) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "the peer gave no signed proposal");
        }
        try {
            final Proposal proposal = Proposal.parseFrom(signed.getProposalBytes());
            final Header header = Header.parseFrom(proposal.getHeader());
            final ChannelHeader channel = ChannelHeader.parseFrom(header.getChannelHeader());
            return ChaincodeHeaderExtension.parseFrom(channel.getExtension()).getChaincodeId().getName();
        } catch (InvalidProtocolBufferException e) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "the transaction's proposal does not parse: " + e.getMessage());
        }
    }

    /** The channel the client's signed proposal was made on. */
    public static String proposedChannel(final ChaincodeStub stub) {
        final SignedProposal signed = stub.getSignedProposal();
        if (signed == null) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "the peer gave no signed proposal");
        }
        try {
            final Proposal proposal = Proposal.parseFrom(signed.getProposalBytes());
            return ChannelHeader.parseFrom(Header.parseFrom(proposal.getHeader()).getChannelHeader()).getChannelId();
        } catch (InvalidProtocolBufferException e) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "the transaction's proposal does not parse: " + e.getMessage());
        }
    }

    /** The arguments (function first) of the client's signed proposal: what the top-level invocation received. */
    public static java.util.List<byte[]> proposedArgs(final ChaincodeStub stub) {
        final SignedProposal signed = stub.getSignedProposal();
        if (signed == null) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "the peer gave no signed proposal");
        }
        try {
            final Proposal proposal = Proposal.parseFrom(signed.getProposalBytes());
            final org.hyperledger.fabric.protos.peer.ChaincodeProposalPayload payload =
                    org.hyperledger.fabric.protos.peer.ChaincodeProposalPayload.parseFrom(proposal.getPayload());
            final org.hyperledger.fabric.protos.peer.ChaincodeInvocationSpec spec =
                    org.hyperledger.fabric.protos.peer.ChaincodeInvocationSpec.parseFrom(payload.getInput());
            final java.util.List<byte[]> out = new java.util.ArrayList<>();
            for (final com.google.protobuf.ByteString arg : spec.getChaincodeSpec().getInput().getArgsList()) {
                out.add(arg.toByteArray());
            }
            return out;
        } catch (InvalidProtocolBufferException e) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "the transaction's proposal does not parse: " + e.getMessage());
        }
    }

    /** Requires that the transaction is one of {@code chaincode}'s (ACCESS_DENIED otherwise, naming {@code action}). */
    public static void requireProposedBy(final ChaincodeStub stub, final String chaincode, final String action) {
        final String proposed = proposedChaincode(stub);
        if (!chaincode.equals(proposed)) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, action + " is done only by chaincode '" + chaincode + "' within its own transactions; "
                    + "this transaction invoked '" + proposed + "'");
        }
    }
}
