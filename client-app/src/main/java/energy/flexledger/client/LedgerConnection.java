package energy.flexledger.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.InvalidKeyException;
import java.security.cert.CertificateException;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.client.Gateway;
import org.hyperledger.fabric.client.GatewayException;
import org.hyperledger.fabric.client.Hash;
import org.hyperledger.fabric.client.identity.Identities;
import org.hyperledger.fabric.client.identity.Signers;
import org.hyperledger.fabric.client.identity.X509Identity;
import org.hyperledger.fabric.protos.common.BlockchainInfo;

/**
 * One member's connection to the ledger: a TLS gRPC channel to its own peer and a Fabric Gateway
 * that signs with the member's identity. Thread-safe; close it once.
 */
public final class LedgerConnection implements AutoCloseable {
    private final MemberProfile profile;
    private final ManagedChannel channel;
    private final Gateway gateway;

    private LedgerConnection(final MemberProfile profile, final ManagedChannel channel, final Gateway gateway) {
        this.profile = profile;
        this.channel = channel;
        this.gateway = gateway;
    }

    public static LedgerConnection open(final MemberProfile profile) throws IOException {
        final ManagedChannel channel;
        try {
            final var credentials = TlsChannelCredentials.newBuilder().trustManager(profile.tlsCaCert().toFile()).build();
            // An endorsement's answer holds the whole transaction: a clearing of thousands of orders
            // (its write set) is larger than gRPC's default 4 MiB.
            final var builder = Grpc.newChannelBuilder(profile.peerEndpoint(), credentials).maxInboundMessageSize(64 * 1024 * 1024);
            if (!profile.peerHostAlias().isEmpty()) {
                builder.overrideAuthority(profile.peerHostAlias());
            }
            channel = builder.build();
        } catch (IOException e) {
            throw new IOException("cannot read the peer's TLS CA certificate " + profile.tlsCaCert() + ": " + e.getMessage(), e);
        }
        try (Reader certIn = Files.newBufferedReader(profile.certFile(), StandardCharsets.UTF_8);
                Reader keyIn = Files.newBufferedReader(profile.keyFile(), StandardCharsets.UTF_8)) {
            final var identity = new X509Identity(profile.mspId(), Identities.readX509Certificate(certIn));
            final var signer = Signers.newPrivateKeySigner(Identities.readPrivateKey(keyIn));
            final Gateway gateway = Gateway.newInstance()
                    .identity(identity)
                    .signer(signer)
                    .hash(Hash.SHA256)
                    .connection(channel)
                    .evaluateOptions(options -> options.withDeadlineAfter(10, TimeUnit.SECONDS))
                    .endorseOptions(options -> options.withDeadlineAfter(20, TimeUnit.SECONDS))
                    .submitOptions(options -> options.withDeadlineAfter(10, TimeUnit.SECONDS))
                    .commitStatusOptions(options -> options.withDeadlineAfter(1, TimeUnit.MINUTES))
                    .connect();
            return new LedgerConnection(profile, channel, gateway);
        } catch (IOException | CertificateException | InvalidKeyException | RuntimeException e) {
            channel.shutdownNow();
            throw new IOException("cannot load the identity of " + profile.mspId() + " from " + profile.certFile() + " and "
                    + profile.keyFile() + ": " + e.getMessage(), e);
        }
    }

    public MemberProfile profile() {
        return profile;
    }

    /** The gRPC connection to this member's gateway peer (for a second, differently configured gateway on it). */
    ManagedChannel grpcChannel() {
        return channel;
    }

    /** chaincode-energy on {@code channelName}. */
    public EnergyLedger energy(final String channelName) {
        return new EnergyLedger(gateway.getNetwork(channelName).getContract("energy"));
    }

    /**
     * The height (number of blocks) of {@code channelName}'s ledger on this member's own peer, from
     * Fabric's query system chaincode (qscc {@code GetChainInfo}; channel readers may call it).
     * A transaction committed in block {@code n} is visible on this peer once the height exceeds n.
     */
    public long blockHeight(final String channelName) throws LedgerException {
        try {
            final byte[] info = gateway.getNetwork(channelName).getContract("qscc").evaluateTransaction("GetChainInfo", channelName);
            return BlockchainInfo.parseFrom(info).getHeight();
        } catch (GatewayException e) {
            throw EnergyLedger.translate("GetChainInfo", e);
        } catch (InvalidProtocolBufferException e) {
            throw new LedgerException(null, "GetChainInfo answered something that is not a BlockchainInfo: " + e.getMessage(), null,
                    false, e);
        }
    }

    /**
     * Block {@code number} of {@code channelName} as this member's peer holds it (qscc
     * {@code GetBlockByNumber}): the serialised {@code common.Block}, everything any channel
     * member receives, private data only as hashes.
     */
    public byte[] block(final String channelName, final long number) throws LedgerException {
        try {
            return gateway.getNetwork(channelName).getContract("qscc").evaluateTransaction("GetBlockByNumber", channelName,
                    Long.toString(number));
        } catch (GatewayException e) {
            throw EnergyLedger.translate("GetBlockByNumber", e);
        }
    }

    /** {@code channelName} as the Fabric Gateway gives it: for block and chaincode event streams. */
    public org.hyperledger.fabric.client.Network network(final String channelName) {
        return gateway.getNetwork(channelName);
    }

    /** chaincode-consortium on {@code channelName}: the members and their roles, and governance. */
    public ConsortiumLedger consortium(final String channelName) {
        return new ConsortiumLedger(gateway.getNetwork(channelName).getContract("consortium"));
    }

    /** The channel's token: chaincode-market's {@code token} contract. */
    public TokenLedger token(final String channelName) {
        return new TokenLedger(gateway.getNetwork(channelName).getContract("market", "token"));
    }

    /** A contract of a chaincode, as the Fabric Gateway gives it (for calls this package composes itself). */
    org.hyperledger.fabric.client.Contract gatewayContract(final String channelName, final String chaincode, final String contractName) {
        return gateway.getNetwork(channelName).getContract(chaincode, contractName);
    }

    /** Demand response: chaincode-dr. */
    public DrLedger dr(final String channelName) {
        return new DrLedger(gateway.getNetwork(channelName).getContract("dr"));
    }

    /** The flexibility marketplace: chaincode-market's {@code flex} contract (MK1). */
    public MarketLedger market(final String channelName) {
        return new MarketLedger(gateway.getNetwork(channelName).getContract("market", "flex"), profile.mspId(), energy(channelName));
    }

    /** The P2P double auction on {@code channelName}: chaincode-market's {@code auction} contract (DA1). */
    public AuctionLedger auction(final String channelName) {
        return new AuctionLedger(gateway.getNetwork(channelName).getContract("market", "auction"), profile.mspId());
    }

    /** An evaluate (query) of any chaincode's transaction through this member's gateway peer; the result's bytes. */
    public byte[] evaluate(final String channelName, final String chaincode, final String transaction, final String... args)
            throws LedgerException {
        try {
            return gateway.getNetwork(channelName).getContract(chaincode).evaluateTransaction(transaction, args);
        } catch (GatewayException e) {
            throw EnergyLedger.translate(transaction, e);
        }
    }

    /**
     * What {@code chaincode} on {@code channelName} says of itself (Fabric's
     * {@code org.hyperledger.fabric:GetMetadata}): its contracts, each transaction's parameter and
     * result types, and each type's members, as JSON.
     */
    public String metadata(final String channelName, final String chaincode) throws LedgerException {
        try {
            return new String(gateway.getNetwork(channelName).getContract(chaincode).evaluateTransaction("org.hyperledger.fabric:GetMetadata"),
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (GatewayException e) {
            throw EnergyLedger.translate("GetMetadata", e);
        }
    }

    @Override
    public void close() {
        gateway.close();
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
