package energy.flexledger.client.cli;

import energy.flexledger.client.LedgerException;
import energy.flexledger.client.MemberProfile;
import energy.flexledger.spec.ErrorCode;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hyperledger.fabric.client.CloseableIterator;
import org.hyperledger.fabric.client.Contract;
import org.hyperledger.fabric.client.Gateway;
import org.hyperledger.fabric.client.GatewayException;
import org.hyperledger.fabric.client.Hash;
import org.hyperledger.fabric.client.Network;
import org.hyperledger.fabric.client.Proposal;
import org.hyperledger.fabric.client.identity.Identities;
import org.hyperledger.fabric.client.identity.Signers;
import org.hyperledger.fabric.client.identity.X509Identity;
import org.hyperledger.fabric.protos.common.BlockchainInfo;
import org.hyperledger.fabric.protos.peer.FilteredBlock;
import org.hyperledger.fabric.protos.peer.FilteredTransaction;
import org.hyperledger.fabric.protos.peer.TxValidationCode;

/**
 * The bench's {@code --confirm events}: each transaction is endorsed and sent to the orderer with
 * the Gateway's {@code submitAsync}, and its commit is confirmed from one filtered-block event
 * stream of the member's own peer for the whole run, instead of one signed {@code CommitStatus}
 * call per transaction. Same confirmation (the validation code the gateway peer committed), one
 * client signature and one gateway call fewer per transaction. Used only by {@link BenchCommand}.
 */
final class BenchEvents implements AutoCloseable {
    private static final Pattern CODE = Pattern.compile("\\b([A-Z][A-Z_]+):");

    private final ManagedChannel channel;
    private final Gateway gateway;
    private final Contract contract;
    private final CloseableIterator<FilteredBlock> events;
    private final Map<String, CompletableFuture<TxValidationCode>> pending = new ConcurrentHashMap<>();
    private final Thread reader;

    BenchEvents(final MemberProfile profile, final String channelName, final String chaincode) throws Exception {
        final var builder = Grpc.newChannelBuilder(profile.peerEndpoint(),
                TlsChannelCredentials.newBuilder().trustManager(profile.tlsCaCert().toFile()).build());
        if (!profile.peerHostAlias().isEmpty()) {
            builder.overrideAuthority(profile.peerHostAlias());
        }
        channel = builder.build();
        try (Reader certIn = Files.newBufferedReader(profile.certFile(), StandardCharsets.UTF_8);
                Reader keyIn = Files.newBufferedReader(profile.keyFile(), StandardCharsets.UTF_8)) {
            gateway = Gateway.newInstance()
                    .identity(new X509Identity(profile.mspId(), Identities.readX509Certificate(certIn)))
                    .signer(Signers.newPrivateKeySigner(Identities.readPrivateKey(keyIn)))
                    .hash(Hash.SHA256)
                    .connection(channel)
                    .evaluateOptions(options -> options.withDeadlineAfter(10, TimeUnit.SECONDS))
                    .endorseOptions(options -> options.withDeadlineAfter(20, TimeUnit.SECONDS))
                    .submitOptions(options -> options.withDeadlineAfter(10, TimeUnit.SECONDS))
                    .connect();
        } catch (Exception e) {
            channel.shutdownNow();
            throw e;
        }
        final Network network = gateway.getNetwork(channelName);
        contract = network.getContract(chaincode);
        // From the current height on: every block of the run, none before it.
        final long height = BlockchainInfo.parseFrom(network.getContract("qscc").evaluateTransaction("GetChainInfo", channelName))
                .getHeight();
        events = network.newFilteredBlockEventsRequest().startBlock(height).build().getEvents();
        reader = new Thread(this::read, "bench-commit-events");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try {
            while (events.hasNext()) {
                for (final FilteredTransaction t : events.next().getFilteredTransactionsList()) {
                    final CompletableFuture<TxValidationCode> f = pending.remove(t.getTxid());
                    if (f != null) {
                        f.complete(t.getTxValidationCode());
                    }
                }
            }
        } catch (RuntimeException e) {
            pending.values().forEach(f -> f.completeExceptionally(e));
        }
    }

    /** Endorses, orders and waits for the commit of one transaction; a LedgerException as EnergyLedger would throw. */
    void submit(final String name, final Map<String, byte[]> transientData) throws LedgerException, InterruptedException {
        final Proposal proposal = contract.newProposal(name).putAllTransient(transientData).build();
        final String txId = proposal.getTransactionId();
        final CompletableFuture<TxValidationCode> committed = new CompletableFuture<>();
        pending.put(txId, committed);
        try {
            proposal.endorse().submitAsync();
        } catch (GatewayException e) {
            pending.remove(txId);
            throw refusal(name, txId, e);
        }
        final TxValidationCode code;
        try {
            code = committed.get(1, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            pending.remove(txId);
            throw new LedgerException(null, name + ": no commit event for " + txId + ": " + e, txId, true, e);
        }
        if (code != TxValidationCode.VALID) {
            throw new LedgerException(null, name + " was ordered but not committed: " + code.name(), txId,
                    code == TxValidationCode.MVCC_READ_CONFLICT || code == TxValidationCode.PHANTOM_READ_CONFLICT, null);
        }
    }

    private static LedgerException refusal(final String name, final String txId, final GatewayException e) {
        final StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        e.getDetails().forEach(d -> text.append(" | ").append(d.getMspId()).append('@').append(d.getAddress()).append(": ").append(d.getMessage()));
        final Matcher m = CODE.matcher(text);
        while (m.find()) {
            for (final ErrorCode c : ErrorCode.values()) {
                if (c.name().equals(m.group(1))) {
                    return new LedgerException(c, name + " failed: " + text, txId, false, e);
                }
            }
        }
        return new LedgerException(null, name + " failed: " + text, txId, true, e);
    }

    @Override
    public void close() {
        events.close();
        gateway.close();
        channel.shutdownNow();
    }
}
