package energy.flexledger.client;

import com.google.protobuf.Timestamp;
import energy.flexledger.spec.Json;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;
import org.hyperledger.fabric.client.Commit;
import org.hyperledger.fabric.client.Gateway;
import org.hyperledger.fabric.client.Hash;
import org.hyperledger.fabric.client.Proposal;
import org.hyperledger.fabric.client.Status;
import org.hyperledger.fabric.client.SubmittedTransaction;
import org.hyperledger.fabric.client.Transaction;
import org.hyperledger.fabric.client.identity.Identities;
import org.hyperledger.fabric.client.identity.Signer;
import org.hyperledger.fabric.client.identity.Signers;
import org.hyperledger.fabric.client.identity.X509Identity;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.gateway.ProposedTransaction;
import org.hyperledger.fabric.protos.peer.SignedProposal;

/**
 * Submits a transaction whose proposal carries an earlier time than now, through the real Fabric
 * Gateway and the member's own identity (the gateway's offline-signing flow: the proposal is built,
 * its channel header's timestamp set, then signed). A transaction's time is what its client says —
 * peers do not check it — so the demo replays a past day (calling an event, offering, clearing
 * "before" quarter-hours that have already passed and whose data it certifies at once) and the
 * integration tests do not wait for a quarter-hour; decision 0019 records what this means for
 * participants' commitments. Not a command of its own: nothing a member runs in production uses it.
 */
public final class Backdated {
    private Backdated() {}

    public static Map<String, Object> submit(final LedgerConnection connection, final Instant at, final String channel, final String chaincode,
            final String transaction, final String... args) throws Exception {
        return submit(connection, at, channel, chaincode, transaction, Map.of(), java.util.List.of(), args);
    }

    /** {@link #submit} with transient data and, when {@code endorsers} is not empty, only those orgs asked to endorse. */
    public static Map<String, Object> submit(final LedgerConnection connection, final Instant at, final String channel,
            final String chaincode, final String transaction, final Map<String, byte[]> transientData, final java.util.List<String> endorsers,
            final String... args) throws Exception {
        final MemberProfile profile = connection.profile();
        final Signer signer;
        final X509Identity identity;
        try (Reader certIn = Files.newBufferedReader(profile.certFile(), StandardCharsets.UTF_8);
                Reader keyIn = Files.newBufferedReader(profile.keyFile(), StandardCharsets.UTF_8)) {
            identity = new X509Identity(profile.mspId(), Identities.readX509Certificate(certIn));
            signer = Signers.newPrivateKeySigner(Identities.readPrivateKey(keyIn));
        }
        // No signer: every message is handed back to be signed here (offline signing).
        try (Gateway gateway = Gateway.newInstance().identity(identity).hash(Hash.SHA256).connection(connection.grpcChannel()).connect()) {
            final Proposal.Builder builder = gateway.getNetwork(channel).getContract(chaincode).newProposal(transaction).addArguments(args)
                    .putAllTransient(transientData);
            if (!endorsers.isEmpty()) {
                builder.setEndorsingOrganizations(endorsers.toArray(new String[0]));
            }
            final Proposal unsigned = builder.build();
            final ProposedTransaction proposed = ProposedTransaction.parseFrom(unsigned.getBytes());
            final SignedProposal signedProposal = proposed.getProposal();
            final org.hyperledger.fabric.protos.peer.Proposal proposal =
                    org.hyperledger.fabric.protos.peer.Proposal.parseFrom(signedProposal.getProposalBytes());
            final Header header = Header.parseFrom(proposal.getHeader());
            final ChannelHeader channelHeader = ChannelHeader.parseFrom(header.getChannelHeader()).toBuilder()
                    .setTimestamp(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano())).build();
            final org.hyperledger.fabric.protos.peer.Proposal backdated = proposal.toBuilder()
                    .setHeader(header.toBuilder().setChannelHeader(channelHeader.toByteString()).build().toByteString()).build();
            final byte[] bytes = proposed.toBuilder().setProposal(signedProposal.toBuilder().setProposalBytes(backdated.toByteString())).build()
                    .toByteArray();
            final Proposal signed = gateway.newSignedProposal(bytes, signer.sign(Hash.SHA256.apply(backdated.toByteArray())));
            final Transaction endorsed = signed.endorse();
            final Transaction transactionSigned = gateway.newSignedTransaction(endorsed.getBytes(), signer.sign(endorsed.getDigest()));
            final SubmittedTransaction submitted = transactionSigned.submitAsync();
            final Commit commit = gateway.newSignedCommit(submitted.getBytes(), signer.sign(submitted.getDigest()));
            final Status status = commit.getStatus();
            if (!status.isSuccessful()) {
                throw new IllegalStateException(transaction + " was not committed: " + status.getCode());
            }
            return Json.parseObject(new String(submitted.getResult(), StandardCharsets.UTF_8));
        }
    }
}
