package energy.flexledger.client.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.SpecException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replica's SQL side on a real SQLite file: idempotency, the checkpoint's atomicity, typed rows. */
class ReplicaStoreTest {
    @TempDir
    Path dir;

    private static final String TRANSFER = "{\"amount\":40,\"from\":\"\",\"reason\":\"mint\",\"to\":\"org:DsoMSP\",\"txId\":\"t1\"}";
    private static final String SETTLED = "{\"assetId\":\"A1\",\"baselineInputHash\":\"00\",\"committedMilliWh\":2000,\"committedPower\":500,"
            + "\"deliveredMilliWh\":1500,\"eventId\":\"E1\",\"excludedDates\":[],\"ownerAccount\":\"org:CommunityMSP\",\"penalty\":0,"
            + "\"participantAccount\":\"org:AggregatorMSP\",\"performanceBps\":7500,\"programId\":\"P1\",\"reward\":30,\"settledAt\":1775000000000,"
            + "\"settledBy\":\"DsoMSP\",\"toOwner\":10,\"toParticipant\":20,\"txId\":\"t2\"}";
    private static final String RECORDED = "{\"meters\":[\"M1\",\"M2\"],\"recorded\":8,\"txId\":\"t3\",\"unchanged\":1}";
    private static final String CLEARED = "{\"clearedAt\":1775000001000,\"clearedBy\":\"DsoMSP\",\"input\":{},\"output\":{\"awardedWh\":300,"
            + "\"awards\":[{\"cost\":100,\"offerId\":\"O1\",\"price\":5,\"quantityWh\":200},{\"cost\":60,\"offerId\":\"O2\",\"price\":6,\"quantityWh\":100}],"
            + "\"escrow\":500,\"refundAtClearing\":340,\"reserved\":160,\"status\":\"CLEARED\"},\"refundedTo\":\"org:DsoMSP\",\"requestId\":\"R1\","
            + "\"txId\":\"t4\",\"unrevealed\":[]}";

    /** The database under test: an SQLite file here, a PostgreSQL database in {@link ReplicaStorePostgresIT}. */
    String url() {
        return ReplicaStore.sqliteUrl(dir.resolve("sub/replica.db"));
    }

    ReplicaStore.Engine engine() {
        return ReplicaStore.Engine.SQLITE;
    }

    /** A trigger that aborts the checkpoint's move to block 3: the process "dies" between a block's rows and its commit. */
    void createCrashTrigger(final Statement s) throws SQLException {
        s.execute("CREATE TRIGGER crash BEFORE UPDATE ON checkpoints WHEN NEW.block_number = 3"
                + " BEGIN SELECT RAISE(ABORT, 'crash before commit'); END");
    }

    void dropCrashTrigger(final Statement s) throws SQLException {
        s.execute("DROP TRIGGER crash");
    }

    private ReplicaStore open() throws IOException {
        return ReplicaStore.open(url(), null, null);
    }

    private static ReplicaBlock decode(final Block b) {
        return BlockDecoder.decode("grid", b);
    }

    private static List<ReplicaBlock> chain() {
        return Blocks.linked(
                Blocks.config(0),
                Blocks.block(1, Blocks.Tx.valid("t1", "market", "Transfer", TRANSFER),
                        new Blocks.Tx("t1b", "market", "Transfer", TRANSFER, TxValidationCode.MVCC_READ_CONFLICT)),
                Blocks.block(2, Blocks.Tx.valid("t2", "dr", "DrSettled", SETTLED), Blocks.Tx.valid("t3", "energy", "IntervalsRecorded", RECORDED)),
                Blocks.block(3, Blocks.Tx.valid("t4", "market", "FlexRequestCleared", CLEARED),
                        Blocks.Tx.valid("t5", "market", "Transfer", "{\"amount\":\"not a number\"}"),
                        Blocks.Tx.valid("t6", "consortium", "Raw", "\u0001binary"))).stream().map(ReplicaStoreTest::decode).toList();
    }

    private static List<String> rows(final ReplicaStore store, final String sql) throws SQLException {
        final List<String> out = new ArrayList<>();
        try (Statement s = store.connection().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            final int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                final StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
        store.connection().commit();
        return out;
    }

    @Test
    void everyBlockOnceWithItsCheckpointAndAgainChangesNothing() throws Exception {
        try (ReplicaStore store = open()) {
            assertThat(store.engine()).isEqualTo(engine());
            assertThat(store.nextBlock("grid")).isEmpty();
            for (final ReplicaBlock b : chain()) {
                assertThat(store.apply(b).written()).isTrue();
            }
            assertThat(store.nextBlock("grid")).hasValue(4);
            final List<String> events = rows(store, "SELECT block_number, tx_index, action_index, tx_id, chaincode, event_name, payload,"
                    + " payload_base64, tx_time FROM events ORDER BY block_number, tx_index");
            assertThat(events).containsExactly(
                    "1|0|0|t1|market|Transfer|" + TRANSFER + "|null|2026-03-31T23:33:20.123Z",
                    "2|0|0|t2|dr|DrSettled|" + SETTLED + "|null|2026-03-31T23:33:20.123Z",
                    "2|1|0|t3|energy|IntervalsRecorded|" + RECORDED + "|null|2026-03-31T23:33:20.123Z",
                    "3|0|0|t4|market|FlexRequestCleared|" + CLEARED + "|null|2026-03-31T23:33:20.123Z",
                    "3|1|0|t5|market|Transfer|{\"amount\":\"not a number\"}|null|2026-03-31T23:33:20.123Z",
                    "3|2|0|t6|consortium|Raw|null|AWJpbmFyeQ==|2026-03-31T23:33:20.123Z");
            assertThat(rows(store, "SELECT block_number, tx_index, tx_id, type, validation_code, valid, chaincode, creator_msp FROM transactions"
                    + " ORDER BY block_number, tx_index")).containsExactly(
                    "0|0||CONFIG|VALID|1|null|null",
                    "1|0|t1|ENDORSER_TRANSACTION|VALID|1|market|DsoMSP",
                    "1|1|t1b|ENDORSER_TRANSACTION|MVCC_READ_CONFLICT|0|market|DsoMSP",
                    "2|0|t2|ENDORSER_TRANSACTION|VALID|1|dr|DsoMSP",
                    "2|1|t3|ENDORSER_TRANSACTION|VALID|1|energy|DsoMSP",
                    "3|0|t4|ENDORSER_TRANSACTION|VALID|1|market|DsoMSP",
                    "3|1|t5|ENDORSER_TRANSACTION|VALID|1|market|DsoMSP",
                    "3|2|t6|ENDORSER_TRANSACTION|VALID|1|consortium|DsoMSP");
            final List<String> before = rows(store, "SELECT * FROM events ORDER BY block_number, tx_index");

            // The stream delivers blocks again (a restart before the checkpoint was read): nothing changes.
            for (final ReplicaBlock b : chain()) {
                assertThat(store.apply(b).written()).isFalse();
            }
            assertThat(rows(store, "SELECT * FROM events ORDER BY block_number, tx_index")).isEqualTo(before);
            assertThat(store.count("transactions", "grid")).isEqualTo(8);
            assertThat(store.count("blocks", "grid")).isEqualTo(4);
            assertThat(store.nextBlock("grid")).hasValue(4);
        }
    }

    @Test
    void typedRowsForTheEventsFlexLedgerDefinesAndNoneForAMalformedOne() throws Exception {
        try (ReplicaStore store = open()) {
            int typed = 0;
            for (final ReplicaBlock b : chain()) {
                typed += store.apply(b).typed();
            }
            assertThat(typed).isEqualTo(1 + 1 + 2 + 1 + 2);
            assertThat(rows(store, "SELECT tx_id, from_account, to_account, amount, reason FROM token_transfers"))
                    .containsExactly("t1||org:DsoMSP|40|mint"); // t5's payload has no integer amount: its generic row only
            assertThat(rows(store, "SELECT event_id, asset_id, program_id, delivered_milli_wh, committed_milli_wh, performance_bps, reward,"
                    + " penalty, participant_account, to_participant, owner_account, to_owner, settled_by, settled_at_ms FROM dr_settlements"))
                    .containsExactly("E1|A1|P1|1500|2000|7500|30|0|org:AggregatorMSP|20|org:CommunityMSP|10|DsoMSP|1775000000000");
            assertThat(rows(store, "SELECT meter_index, meter_id, recorded, unchanged FROM certified_batches ORDER BY meter_index"))
                    .containsExactly("0|M1|8|1", "1|M2|8|1");
            assertThat(rows(store, "SELECT request_id, status, escrow, reserved, refund_at_clearing, awarded_wh, awards, cleared_by, cleared_at_ms"
                    + " FROM market_clearings")).containsExactly("R1|CLEARED|500|160|340|300|2|DsoMSP|1775000001000");
            assertThat(rows(store, "SELECT award_index, request_id, offer_id, quantity_wh, price, cost FROM market_awards ORDER BY award_index"))
                    .containsExactly("0|R1|O1|200|5|100", "1|R1|O2|100|6|60");
        }
    }

    @Test
    void aNulInAPayloadStringBecomesAReplacementCharacterInTheTypedRows() throws Exception {
        // JSON may escape U+0000 inside a string; PostgreSQL's text rejects it, which would stop the replica at this block
        final String settled = SETTLED.replace("\"eventId\":\"E1\"", "\"eventId\":\"E\\u00001\"");
        final String recorded = RECORDED.replace("\"M2\"", "\"M\\u00002\"");
        assertThat(settled).contains("E\\u00001");
        final List<ReplicaBlock> blocks = Blocks.linked(Blocks.config(0),
                Blocks.block(1, Blocks.Tx.valid("t2", "dr", "DrSettled", settled), Blocks.Tx.valid("t3", "energy", "IntervalsRecorded", recorded)))
                .stream().map(ReplicaStoreTest::decode).toList();
        try (ReplicaStore store = open()) {
            for (final ReplicaBlock b : blocks) {
                assertThat(store.apply(b).written()).isTrue();
            }
            assertThat(rows(store, "SELECT event_id FROM dr_settlements")).containsExactly("E\uFFFD1");
            assertThat(rows(store, "SELECT meter_id FROM certified_batches ORDER BY meter_index")).containsExactly("M1", "M\uFFFD2");
        }
    }

    @Test
    void aBlockBeyondTheCheckpointIsRefusedSinceBlocksWouldBeMissing() throws Exception {
        try (ReplicaStore store = open()) {
            store.apply(chain().get(0));
            assertThatThrownBy(() -> store.apply(chain().get(2))).isInstanceOfSatisfying(SpecException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE));
            assertThat(store.count("blocks", "grid")).isEqualTo(1);
            assertThat(store.nextBlock("grid")).hasValue(1);
        }
    }

    /**
     * A crash between a block's rows and its checkpoint: the database refuses the checkpoint's write
     * (a trigger standing in for the process dying there), so the rows already inserted for that
     * block are rolled back with it; the block written again later is there exactly once.
     */
    @Test
    void rowsAndCheckpointCommitTogetherOrNotAtAll() throws Exception {
        try (ReplicaStore store = open()) {
            store.apply(chain().get(0));
            store.apply(chain().get(1));
            try (Statement s = store.connection().createStatement()) {
                createCrashTrigger(s);
            }
            store.connection().commit();
            assertThatThrownBy(() -> store.apply(chain().get(2))).isInstanceOf(IOException.class).hasMessageContaining("crash before commit");
            assertThat(store.nextBlock("grid")).hasValue(2);
            assertThat(store.count("events", "grid")).isEqualTo(1);
            assertThat(store.count("dr_settlements", "grid")).isZero();
            assertThat(store.count("transactions", "grid")).isEqualTo(3);
            try (Statement s = store.connection().createStatement()) {
                dropCrashTrigger(s);
            }
            store.connection().commit();
        }
        try (ReplicaStore again = open()) { // the restarted process
            assertThat(again.nextBlock("grid")).hasValue(2);
            assertThat(again.apply(chain().get(2)).written()).isTrue();
            assertThat(again.apply(chain().get(3)).written()).isTrue();
            assertThat(again.count("events", "grid")).isEqualTo(6);
            assertThat(again.count("dr_settlements", "grid")).isEqualTo(1);
            assertThat(again.nextBlock("grid")).hasValue(4);
        }
    }

    @Test
    void theCheckpointerIsTheGatewaysViewOfTheTableAndNeverMovesBack() throws Exception {
        try (ReplicaStore store = open()) {
            final TableCheckpointer cp = store.checkpointer("grid");
            assertThat(cp.channel()).isEqualTo("grid");
            assertThat(cp.getBlockNumber()).isEmpty();
            assertThat(cp.getTransactionId()).isEmpty();
            cp.checkpointBlock(4);
            assertThat(cp.getBlockNumber()).hasValue(5);
            assertThat(cp.getTransactionId()).isEmpty();
            cp.checkpointTransaction(5, "tx-9");
            assertThat(cp.getBlockNumber()).hasValue(5);
            assertThat(cp.getTransactionId()).contains("tx-9");
            cp.checkpointBlock(1);
            assertThat(cp.getBlockNumber()).hasValue(5);
            cp.checkpointChaincodeEvent(new org.hyperledger.fabric.client.ChaincodeEvent() {
                @Override
                public long getBlockNumber() {
                    return 6;
                }

                @Override
                public String getTransactionId() {
                    return "tx-10";
                }

                @Override
                public String getChaincodeName() {
                    return "market";
                }

                @Override
                public String getEventName() {
                    return "Transfer";
                }

                @Override
                public byte[] getPayload() {
                    return new byte[0];
                }
            });
            assertThat(cp.getBlockNumber()).hasValue(6);
            assertThat(cp.getTransactionId()).contains("tx-10");
            assertThat(store.checkpointer("other").getBlockNumber()).isEmpty();
        }
    }

    @Test
    void onlySqliteAndPostgresqlUrlsAndPasswordsStayOutOfMessages() {
        assertThat(ReplicaStore.Engine.of("jdbc:sqlite:/tmp/x.db")).isEqualTo(ReplicaStore.Engine.SQLITE);
        assertThat(ReplicaStore.Engine.of("jdbc:postgresql://127.0.0.1:5432/r")).isEqualTo(ReplicaStore.Engine.POSTGRESQL);
        for (final String bad : new String[] {null, "", "jdbc:sqlite:", "jdbc:mysql://h/db", "postgresql://h/db"}) {
            assertThatThrownBy(() -> ReplicaStore.Engine.of(bad)).as(bad).isInstanceOfSatisfying(SpecException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        }
        assertThat(ReplicaStore.redact("jdbc:postgresql://h/db?user=a&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=a&password=***&ssl=true");
    }

    @Test
    void aDatabaseThatCannotBeReachedIsAnIoErrorWithoutItsPassword() {
        assertThatThrownBy(() -> ReplicaStore.open("jdbc:postgresql://127.0.0.1:1/none?password=s3cret&connectTimeout=1", "u", null))
                .isInstanceOf(IOException.class).hasMessageNotContaining("s3cret");
    }

    @Test
    void migratingTwiceKeepsTheRows() throws Exception {
        try (ReplicaStore store = open()) {
            store.apply(chain().get(0));
            store.apply(chain().get(1));
        }
        try (ReplicaStore store = open()) {
            assertThat(store.count("events", "grid")).isEqualTo(1);
            try (PreparedStatement ps = store.connection().prepareStatement("SELECT COUNT(*) FROM replica_schema_history WHERE success");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isGreaterThanOrEqualTo(1);
            }
        }
    }

    /** Two replica processes on one database: whichever writes a block first has it; the other skips it. */
    @Test
    void twoStoresOnOneDatabaseWriteEachBlockOnce() throws Exception {
        try (ReplicaStore a = open(); ReplicaStore b = open()) {
            final List<ReplicaBlock> blocks = chain();
            assertThat(a.apply(blocks.get(0)).written()).isTrue();
            assertThat(b.apply(blocks.get(0)).written()).isFalse();
            assertThat(b.apply(blocks.get(1)).written()).isTrue();
            assertThat(a.apply(blocks.get(1)).written()).isFalse();
            assertThat(a.apply(blocks.get(2)).written()).isTrue();
            assertThat(b.apply(blocks.get(2)).written()).isFalse();
            assertThat(b.apply(blocks.get(3)).written()).isTrue();
            assertThat(a.count("events", "grid")).isEqualTo(6);
            assertThat(a.count("transactions", "grid")).isEqualTo(8);
            assertThat(b.nextBlock("grid")).hasValue(4);
        }
    }

    /** A database kept across a network created anew: the new chain's block does not follow the one held. */
    @Test
    void aBlockOfAnotherChainIsRefused() throws Exception {
        try (ReplicaStore store = open()) {
            store.apply(chain().get(0));
            store.apply(chain().get(1));
            final ReplicaBlock other = decode(Blocks.block(2, Blocks.Tx.valid("x", "market", "Transfer", TRANSFER)));
            assertThatThrownBy(() -> store.apply(other)).isInstanceOfSatisfying(SpecException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE);
                assertThat(e.getMessage()).contains("another chain");
            });
            assertThat(store.nextBlock("grid")).hasValue(2);
            assertThat(store.apply(chain().get(2)).written()).isTrue();
        }
    }
}
