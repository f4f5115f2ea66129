package energy.flexledger.client.replica;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockData;
import org.hyperledger.fabric.protos.common.BlockHeader;
import org.hyperledger.fabric.protos.common.BlockMetadata;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;
import org.hyperledger.fabric.protos.peer.ChaincodeAction;
import org.hyperledger.fabric.protos.peer.ChaincodeActionPayload;
import org.hyperledger.fabric.protos.peer.ChaincodeEndorsedAction;
import org.hyperledger.fabric.protos.peer.ChaincodeEvent;
import org.hyperledger.fabric.protos.peer.ChaincodeID;
import org.hyperledger.fabric.protos.peer.ProposalResponsePayload;
import org.hyperledger.fabric.protos.peer.Transaction;
import org.hyperledger.fabric.protos.peer.TransactionAction;
import org.hyperledger.fabric.protos.peer.TxValidationCode;

/** Fabric blocks built the way a peer delivers them, for the decoder's and the store's unit tests. */
final class Blocks {
    /** One transaction of a test block: its event (name null: none) and the peer's verdict. */
    record Tx(String txId, String chaincode, String event, String payload, TxValidationCode code) {
        static Tx valid(final String txId, final String chaincode, final String event, final String payload) {
            return new Tx(txId, chaincode, event, payload, TxValidationCode.VALID);
        }
    }

    private Blocks() {
    }

    static Block block(final long number, final Tx... txs) {
        final List<ByteString> envelopes = new ArrayList<>();
        final byte[] filter = new byte[txs.length];
        for (int i = 0; i < txs.length; i++) {
            envelopes.add(envelope(txs[i]).toByteString());
            filter[i] = (byte) txs[i].code().getNumber();
        }
        final BlockMetadata.Builder metadata = BlockMetadata.newBuilder();
        metadata.addMetadata(ByteString.EMPTY).addMetadata(ByteString.EMPTY).addMetadata(ByteString.copyFrom(filter));
        return Block.newBuilder()
                .setHeader(BlockHeader.newBuilder().setNumber(number).setDataHash(ByteString.copyFrom(new byte[] {1, 2}))
                        .setPreviousHash(ByteString.copyFrom(new byte[] {(byte) number})))
                .setData(BlockData.newBuilder().addAllData(envelopes))
                .setMetadata(metadata)
                .build();
    }

    /** The blocks as a chain: each one's previous_hash the header hash of the one before. */
    static List<Block> linked(final Block... blocks) {
        final List<Block> out = new ArrayList<>();
        for (final Block b : blocks) {
            if (out.isEmpty()) {
                out.add(b);
                continue;
            }
            final byte[] previous = BlockDecoder.headerHash(out.get(out.size() - 1).getHeader());
            out.add(b.toBuilder().setHeader(b.getHeader().toBuilder().setPreviousHash(ByteString.copyFrom(previous))).build());
        }
        return out;
    }

    /** A block with one configuration transaction and no filter, like a genesis block. */
    static Block config(final long number) {
        final ChannelHeader ch = ChannelHeader.newBuilder().setType(HeaderType.CONFIG_VALUE).setChannelId("grid").build();
        final Payload payload = Payload.newBuilder().setHeader(Header.newBuilder().setChannelHeader(ch.toByteString())).build();
        return Block.newBuilder().setHeader(BlockHeader.newBuilder().setNumber(number))
                .setData(BlockData.newBuilder().addData(Envelope.newBuilder().setPayload(payload.toByteString()).build().toByteString()))
                .build();
    }

    static Envelope envelope(final Tx tx) {
        final ChaincodeAction.Builder action = ChaincodeAction.newBuilder().setChaincodeId(ChaincodeID.newBuilder().setName(tx.chaincode()));
        if (tx.event() != null) {
            action.setEvents(ChaincodeEvent.newBuilder().setChaincodeId(tx.chaincode()).setTxId(tx.txId()).setEventName(tx.event())
                    .setPayload(ByteString.copyFrom(tx.payload(), StandardCharsets.UTF_8)).build().toByteString());
        }
        final ProposalResponsePayload prp = ProposalResponsePayload.newBuilder().setExtension(action.build().toByteString()).build();
        final ChaincodeActionPayload cap = ChaincodeActionPayload.newBuilder()
                .setAction(ChaincodeEndorsedAction.newBuilder().setProposalResponsePayload(prp.toByteString())).build();
        final Transaction transaction = Transaction.newBuilder().addActions(TransactionAction.newBuilder().setPayload(cap.toByteString())).build();
        final ChannelHeader ch = ChannelHeader.newBuilder().setType(HeaderType.ENDORSER_TRANSACTION_VALUE).setChannelId("grid").setTxId(tx.txId())
                .setTimestamp(Timestamp.newBuilder().setSeconds(1_775_000_000L).setNanos(123_000_000)).build();
        final SignatureHeader sh = SignatureHeader.newBuilder()
                .setCreator(SerializedIdentity.newBuilder().setMspid("DsoMSP").build().toByteString()).build();
        final Payload payload = Payload.newBuilder()
                .setHeader(Header.newBuilder().setChannelHeader(ch.toByteString()).setSignatureHeader(sh.toByteString()))
                .setData(transaction.toByteString()).build();
        return Envelope.newBuilder().setPayload(payload.toByteString()).build();
    }
}
