package energy.flexledger.client.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockData;
import org.hyperledger.fabric.protos.common.BlockHeader;
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
    void anEnvelopeThatIsNotOneIsAnErrorNamingTheBlock() {
        final Block bad = Block.newBuilder().setHeader(BlockHeader.newBuilder().setNumber(3))
                .setData(BlockData.newBuilder().addData(ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff}))).build();
        assertThatThrownBy(() -> BlockDecoder.decode("grid", bad)).isInstanceOf(BlockDecoder.MalformedBlockException.class)
                .hasMessageContaining("block 3 of channel grid, transaction 0");
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
