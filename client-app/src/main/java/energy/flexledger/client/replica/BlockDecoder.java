package energy.flexledger.client.replica;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockHeader;
import org.hyperledger.fabric.protos.common.BlockMetadataIndex;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;
import org.hyperledger.fabric.protos.peer.ChaincodeAction;
import org.hyperledger.fabric.protos.peer.ChaincodeActionPayload;
import org.hyperledger.fabric.protos.peer.ChaincodeEvent;
import org.hyperledger.fabric.protos.peer.ProposalResponsePayload;
import org.hyperledger.fabric.protos.peer.Transaction;
import org.hyperledger.fabric.protos.peer.TransactionAction;
import org.hyperledger.fabric.protos.peer.TxValidationCode;

/**
 * Reads a {@code common.Block} as the block-events stream delivers it: each envelope's channel
 * header (type, transaction id, timestamp), its creator's MSP id, the committing peer's validation
 * code from the block's TRANSACTIONS_FILTER metadata, and for an endorser transaction the chaincode
 * it invoked and the chaincode event of each action. Nothing here trusts a field to be present: a
 * VALID transaction the decoder cannot read, or one without a validation code outside block 0 and
 * configuration blocks, is an error naming the block and the transaction. An invalid transaction
 * that does not decode is kept with its validation code, no chaincode and no events: any channel
 * member's client can get junk into a block, and the peer's rejection must not stop the replica.
 */
public final class BlockDecoder {
    private BlockDecoder() {
    }

    /** Thrown when a block is not what Fabric writes. */
    public static final class MalformedBlockException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedBlockException(final String message, final Throwable cause) {
            super(message, cause);
        }
    }

    public static ReplicaBlock decode(final String channel, final Block block) {
        final long number = block.getHeader().getNumber();
        final List<ByteString> envelopes = block.getData().getDataList();
        final ByteString filter = block.getMetadata().getMetadataCount() > BlockMetadataIndex.TRANSACTIONS_FILTER_VALUE
                ? block.getMetadata().getMetadata(BlockMetadataIndex.TRANSACTIONS_FILTER_VALUE)
                : ByteString.EMPTY;
        final List<ReplicaBlock.Tx> txs = new ArrayList<>(envelopes.size());
        for (int i = 0; i < envelopes.size(); i++) {
            final String where = "block " + number + " of channel " + channel + ", transaction " + i;
            final String code = i < filter.size() ? validationCode(filter, i) : null;
            ReplicaBlock.Tx tx;
            try {
                tx = transaction(number, i, envelopes.get(i), code != null ? code : TxValidationCode.VALID.name());
            } catch (InvalidProtocolBufferException e) {
                if (code == null || TxValidationCode.VALID.name().equals(code)) {
                    throw new MalformedBlockException(where + ": not a Fabric transaction envelope: " + e.getMessage(), e);
                }
                // The peer rejected it, so nothing it says happened: any channel member's client can
                // get such junk into a block, and it must not stop the replica. Keep its verdict.
                tx = undecodable(i, envelopes.get(i), code);
            }
            if (code == null && number != 0 && !HeaderType.CONFIG.name().equals(tx.type())) {
                throw new MalformedBlockException(where + ": no validation code (the block's TRANSACTIONS_FILTER metadata has "
                        + filter.size() + " entries); only block 0 and configuration blocks may go without", null);
            }
            txs.add(tx);
        }
        final HexFormat hex = HexFormat.of();
        return new ReplicaBlock(channel, number, hex.formatHex(headerHash(block.getHeader())),
                hex.formatHex(block.getHeader().getDataHash().toByteArray()), hex.formatHex(block.getHeader().getPreviousHash().toByteArray()), txs);
    }

    /**
     * The hash by which the next block names this one ({@code previous_hash}): Fabric hashes the
     * header as the DER encoding of {@code SEQUENCE {INTEGER number, OCTET STRING previous_hash,
     * OCTET STRING data_hash}} with SHA-256.
     */
    static byte[] headerHash(final BlockHeader header) {
        final byte[] body = concat(der(0x02, java.math.BigInteger.valueOf(header.getNumber()).toByteArray()),
                der(0x04, header.getPreviousHash().toByteArray()), der(0x04, header.getDataHash().toByteArray()));
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(der(0x30, body));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static byte[] der(final int tag, final byte[] content) {
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(tag);
        if (content.length < 0x80) {
            out.write(content.length);
        } else {
            final byte[] len = java.math.BigInteger.valueOf(content.length).toByteArray();
            final int skip = len[0] == 0 ? 1 : 0;
            out.write(0x80 | (len.length - skip));
            out.write(len, skip, len.length - skip);
        }
        out.write(content, 0, content.length);
        return out.toByteArray();
    }

    private static byte[] concat(final byte[]... parts) {
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (final byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }

    /**
     * The committing peer's verdict on transaction {@code i}, which the filter must hold (the
     * caller accepts a missing entry only for block 0 and configuration blocks).
     */
    static String validationCode(final ByteString filter, final int i) {
        final int code = filter.byteAt(i) & 0xff;
        final TxValidationCode named = TxValidationCode.forNumber(code);
        return named != null ? named.name() : "CODE_" + code;
    }

    /** Type name of a transaction whose channel header cannot be read. */
    static final String UNDECODABLE = "UNDECODABLE";

    /**
     * An invalid transaction whose envelope does not decode: kept with its verdict, no chaincode and
     * no events, and with whatever of its headers can be read (tx id "" and type UNDECODABLE when
     * even the channel header cannot).
     */
    private static ReplicaBlock.Tx undecodable(final int index, final ByteString envelopeBytes, final String code) {
        String txId = "";
        String typeName = UNDECODABLE;
        Long timeMs = null;
        String creatorMsp = null;
        try {
            final Payload payload = Payload.parseFrom(Envelope.parseFrom(envelopeBytes).getPayload());
            final ChannelHeader header = ChannelHeader.parseFrom(payload.getHeader().getChannelHeader());
            txId = text(header.getTxId());
            final HeaderType type = HeaderType.forNumber(header.getType());
            typeName = type != null ? type.name() : "TYPE_" + header.getType();
            timeMs = header.hasTimestamp() ? header.getTimestamp().getSeconds() * 1000L + header.getTimestamp().getNanos() / 1_000_000 : null;
            final SignatureHeader signature = SignatureHeader.parseFrom(payload.getHeader().getSignatureHeader());
            if (!signature.getCreator().isEmpty()) {
                creatorMsp = text(SerializedIdentity.parseFrom(signature.getCreator()).getMspid());
            }
        } catch (InvalidProtocolBufferException partial) {
            // keep what was read before the part that does not decode
        }
        return new ReplicaBlock.Tx(index, txId, typeName, code, null, creatorMsp, timeMs, List.of());
    }

    private static ReplicaBlock.Tx transaction(final long number, final int index, final ByteString envelopeBytes, final String code)
            throws InvalidProtocolBufferException {
        final Envelope envelope = Envelope.parseFrom(envelopeBytes);
        final Payload payload = Payload.parseFrom(envelope.getPayload());
        final ChannelHeader header = ChannelHeader.parseFrom(payload.getHeader().getChannelHeader());
        final SignatureHeader signature = SignatureHeader.parseFrom(payload.getHeader().getSignatureHeader());
        String creatorMsp = null;
        if (!signature.getCreator().isEmpty()) {
            creatorMsp = text(SerializedIdentity.parseFrom(signature.getCreator()).getMspid());
        }
        final Long timeMs = header.hasTimestamp()
                ? header.getTimestamp().getSeconds() * 1000L + header.getTimestamp().getNanos() / 1_000_000
                : null;
        final HeaderType type = HeaderType.forNumber(header.getType());
        final String typeName = type != null ? type.name() : "TYPE_" + header.getType();
        String chaincode = null;
        final List<ReplicaBlock.Event> events = new ArrayList<>();
        if (type == HeaderType.ENDORSER_TRANSACTION) {
            final Transaction tx = Transaction.parseFrom(payload.getData());
            for (int a = 0; a < tx.getActionsCount(); a++) {
                final TransactionAction action = tx.getActions(a);
                final ChaincodeActionPayload actionPayload = ChaincodeActionPayload.parseFrom(action.getPayload());
                final ProposalResponsePayload response = ProposalResponsePayload.parseFrom(
                        actionPayload.getAction().getProposalResponsePayload());
                final ChaincodeAction chaincodeAction = ChaincodeAction.parseFrom(response.getExtension());
                if (chaincode == null && !chaincodeAction.getChaincodeId().getName().isEmpty()) {
                    chaincode = text(chaincodeAction.getChaincodeId().getName());
                }
                if (chaincodeAction.getEvents().isEmpty()) {
                    continue;
                }
                final ChaincodeEvent event = ChaincodeEvent.parseFrom(chaincodeAction.getEvents());
                if (event.getEventName().isEmpty()) {
                    continue; // the peer's placeholder for "no event"
                }
                final byte[] bytes = event.getPayload().toByteArray();
                events.add(new ReplicaBlock.Event(number, index, a, text(header.getTxId()),
                        text(event.getChaincodeId().isEmpty() ? chaincodeAction.getChaincodeId().getName() : event.getChaincodeId()),
                        text(event.getEventName()), bytes, timeMs, jsonText(bytes)));
            }
        }
        return new ReplicaBlock.Tx(index, text(header.getTxId()), typeName, code, chaincode, creatorMsp, timeMs, events);
    }

    /**
     * A name from the block as a column can hold it: PostgreSQL's text cannot hold U+0000, which a
     * protobuf string may, so it becomes U+FFFD (a block must never stop the replica for good).
     */
    static String text(final String s) {
        return s.indexOf('\u0000') < 0 ? s : s.replace('\u0000', '\uFFFD');
    }

    /** {@code bytes} as text when they are UTF-8 and one JSON document, otherwise null. */
    static String jsonText(final byte[] bytes) {
        if (bytes.length == 0) {
            return null;
        }
        final String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        try {
            Json.parse(text);
            return text;
        } catch (SpecException | ArithmeticException | NumberFormatException e) {
            return null;
        }
    }
}
