package energy.flexledger.client.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockData;
import org.hyperledger.fabric.protos.common.BlockHeader;
import org.hyperledger.fabric.protos.common.BlockMetadata;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.junit.jupiter.api.Test;

class BlockDecoderTest {
    @Test
    void aValidTransactionsEventIsReplicatedAndAnInvalidOnesIsNot() {
        final ReplicaBlock b = BlockDecoder.decode("grid", Blocks.block(7,
                Blocks.Tx.valid("tx-a", "market", "Transfer", "{\"amount\":5,\"from\":\"\",\"to\":\"org:DsoMSP\"}"),
                new Blocks.Tx("tx-b", "market", "Transfer", "{\"amount\":9}", TxValidationCode.MVCC_READ_CONFLICT),
                Blocks.Tx.valid("tx-c", "energy", null, null)));
        assertThat(b.number()).isEqualTo(7);
        assertThat(b.dataHash()).isEqualTo("0102");
        assertThat(b.previousHash()).isEqualTo("07");
        assertThat(b.transactions()).extracting(ReplicaBlock.Tx::validationCode).containsExactly("VALID", "MVCC_READ_CONFLICT", "VALID");
        assertThat(b.transactions()).extracting(ReplicaBlock.Tx::chaincode).containsExactly("market", "market", "energy");
        final ReplicaBlock.Tx first = b.transactions().get(0);
        assertThat(first.type()).isEqualTo("ENDORSER_TRANSACTION");
        assertThat(first.creatorMsp()).isEqualTo("DsoMSP");
        assertThat(first.timeMs()).isEqualTo(1_775_000_000_123L);
        assertThat(b.transactions().get(1).events()).hasSize(1); // decoded, but an invalid transaction's event never happened
        assertThat(b.events()).singleElement().satisfies(e -> {
            assertThat(e.txId()).isEqualTo("tx-a");
            assertThat(e.txIndex()).isZero();
            assertThat(e.actionIndex()).isZero();
            assertThat(e.chaincode()).isEqualTo("market");
            assertThat(e.name()).isEqualTo("Transfer");
            assertThat(e.json()).isEqualTo("{\"amount\":5,\"from\":\"\",\"to\":\"org:DsoMSP\"}");
        });
    }

    @Test
    void aGenesisBlockWithoutFilterIsOneValidConfigTransaction() {
        final ReplicaBlock b = BlockDecoder.decode("grid", Blocks.config(0));
        assertThat(b.transactions()).singleElement().satisfies(t -> {
            assertThat(t.type()).isEqualTo("CONFIG");
            assertThat(t.validationCode()).isEqualTo("VALID");
            assertThat(t.chaincode()).isNull();
            assertThat(t.creatorMsp()).isNull();
            assertThat(t.timeMs()).isNull();
        });
        assertThat(b.events()).isEmpty();
    }

    @Test
    void aPayloadThatIsNotJsonKeepsItsBytesOnly() {
        assertThat(BlockDecoder.jsonText("not json".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(BlockDecoder.jsonText(new byte[] {(byte) 0xff, '{', '}'})).isNull();
        assertThat(BlockDecoder.jsonText(new byte[0])).isNull();
        assertThat(BlockDecoder.jsonText("[1,{\"a\":\"\u00e9\"}]".getBytes(StandardCharsets.UTF_8))).isEqualTo("[1,{\"a\":\"\u00e9\"}]");
    }

    @Test
    void anUnknownValidationCodeIsKeptByNumber() {
        assertThat(BlockDecoder.validationCode(ByteString.copyFrom(new byte[] {0, (byte) 200}), 1)).isEqualTo("CODE_200");
        assertThat(BlockDecoder.validationCode(ByteString.copyFrom(new byte[] {11}), 0)).isEqualTo("MVCC_READ_CONFLICT");
    }

    @Test
    void aValidEnvelopeThatIsNotOneIsAnErrorNamingTheBlock() {
        final Block bad = Block.newBuilder().setHeader(BlockHeader.newBuilder().setNumber(3))
                .setData(BlockData.newBuilder().addData(JUNK))
                .setMetadata(filter(TxValidationCode.VALID)).build();
        assertThatThrownBy(() -> BlockDecoder.decode("grid", bad)).isInstanceOf(BlockDecoder.MalformedBlockException.class)
                .hasMessageContaining("block 3 of channel grid, transaction 0: not a Fabric transaction envelope");
    }

    @Test
    void anInvalidTransactionThatDoesNotDecodeIsKeptWithItsVerdictAndDoesNotStopTheBlock() throws Exception {
        // an endorser transaction whose headers read but whose data is junk, and an envelope that is junk throughout
        final Envelope good = Blocks.envelope(Blocks.Tx.valid("tx-a", "market", "Transfer", "{\"amount\":5}"));
        final Payload goodPayload = Payload.parseFrom(good.getPayload());
        final Envelope junkData = Envelope.newBuilder()
                .setPayload(goodPayload.toBuilder().setData(JUNK).build().toByteString()).build();
        final Block block = Block.newBuilder().setHeader(BlockHeader.newBuilder().setNumber(9))
                .setData(BlockData.newBuilder().addData(good.toByteString()).addData(junkData.toByteString()).addData(JUNK))
                .setMetadata(filter(TxValidationCode.VALID, TxValidationCode.BAD_PAYLOAD, TxValidationCode.INVALID_OTHER_REASON)).build();
        final ReplicaBlock b = BlockDecoder.decode("grid", block);
        assertThat(b.transactions()).extracting(ReplicaBlock.Tx::validationCode)
                .containsExactly("VALID", "BAD_PAYLOAD", "INVALID_OTHER_REASON");
        assertThat(b.transactions()).extracting(ReplicaBlock.Tx::chaincode).containsExactly("market", null, null);
        assertThat(b.transactions().get(1).events()).isEmpty();
        assertThat(b.transactions().get(1).txId()).isEqualTo("tx-a"); // its channel header read
        assertThat(b.transactions().get(1).type()).isEqualTo("ENDORSER_TRANSACTION");
        assertThat(b.transactions().get(1).creatorMsp()).isEqualTo("DsoMSP");
        assertThat(b.transactions().get(2).events()).isEmpty();
        assertThat(b.transactions().get(2).txId()).isEmpty();
        assertThat(b.transactions().get(2).type()).isEqualTo(BlockDecoder.UNDECODABLE);
        assertThat(b.events()).singleElement().satisfies(e -> assertThat(e.txId()).isEqualTo("tx-a"));
    }

    @Test
    void aMissingValidationCodeIsAnErrorOutsideBlockZeroAndConfigurationBlocks() {
        final Block twoTxOneCode = Blocks.block(5, Blocks.Tx.valid("tx-a", "market", null, null), Blocks.Tx.valid("tx-b", "market", null, null))
                .toBuilder().setMetadata(filter(TxValidationCode.VALID)).build();
        assertThatThrownBy(() -> BlockDecoder.decode("grid", twoTxOneCode)).isInstanceOf(BlockDecoder.MalformedBlockException.class)
                .hasMessageContaining("block 5 of channel grid, transaction 1: no validation code");
        assertThat(BlockDecoder.decode("grid", Blocks.config(4)).transactions()).singleElement()
                .satisfies(t -> assertThat(t.validationCode()).isEqualTo("VALID"));
        final Block zero = Blocks.block(0, Blocks.Tx.valid("tx-a", "market", null, null)).toBuilder().clearMetadata().build();
        assertThat(BlockDecoder.decode("grid", zero).transactions()).singleElement()
                .satisfies(t -> assertThat(t.validationCode()).isEqualTo("VALID"));
    }

    private static final ByteString JUNK = ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff});

    private static BlockMetadata filter(final TxValidationCode... codes) {
        final byte[] f = new byte[codes.length];
        for (int i = 0; i < codes.length; i++) {
            f[i] = (byte) codes[i].getNumber();
        }
        return BlockMetadata.newBuilder().addMetadata(ByteString.EMPTY).addMetadata(ByteString.EMPTY).addMetadata(ByteString.copyFrom(f)).build();
    }

    @Test
    void aNulInANameBecomesAReplacementCharacterSincePostgresqlTextCannotHoldIt() {
        final ReplicaBlock b = BlockDecoder.decode("grid", Blocks.block(1, Blocks.Tx.valid("tx\u0000a", "market", "Odd\u0000Name", "{}")));
        assertThat(b.events()).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("Odd\uFFFDName");
            assertThat(e.txId()).isEqualTo("tx\uFFFDa");
        });
        assertThat(BlockDecoder.text("plain")).isEqualTo("plain");
    }
}
