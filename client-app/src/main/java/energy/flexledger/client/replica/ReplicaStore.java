package energy.flexledger.client.replica;

import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The analytics replica's SQL database: SQLite ({@code jdbc:sqlite:FILE}) or PostgreSQL
 * ({@code jdbc:postgresql://HOST:PORT/DB}), with one schema from the same Flyway migrations on both
 * ({@code db/replica}, history in {@code replica_schema_history}).
 *
 * <p>{@link #apply} writes one block — its row, its transactions, the events of its valid
 * transactions and the typed rows derived from them — and moves the channel's checkpoint past it,
 * all in one SQL transaction: after a crash either the block and its checkpoint are both there or
 * neither is, so the replica resumes exactly at the first block it does not have. A block below the
 * checkpoint is skipped (it is already there), every insert is {@code ON CONFLICT DO NOTHING} on a
 * positional primary key, a block beyond the checkpoint is refused, and so is a block whose
 * {@code previous_hash} is not the hash of the block before it in the database (another chain):
 * rows are never duplicated, never skipped and never mixed. One connection; not thread-safe.
 */
public final class ReplicaStore implements AutoCloseable {
    /** Which engine a JDBC URL names. */
    public enum Engine {
        SQLITE, POSTGRESQL;

        /** The engine of {@code url}, or BAD_REQUEST naming the URLs this replica takes. */
        public static Engine of(final String url) {
            final String u = url == null ? "" : url.toLowerCase(Locale.ROOT);
            if (u.startsWith("jdbc:sqlite:") && u.length() > "jdbc:sqlite:".length()) {
                return SQLITE;
            }
            if (u.startsWith("jdbc:postgresql:")) {
                return POSTGRESQL;
            }
            throw new SpecException(ErrorCode.BAD_REQUEST, "unsupported JDBC URL '" + url
                    + "': the replica writes to jdbc:sqlite:FILE or jdbc:postgresql://HOST[:PORT]/DATABASE");
        }
    }

    private final Connection db;
    private final Engine engine;
    private final String url;

    private ReplicaStore(final Connection db, final Engine engine, final String url) {
        this.db = db;
        this.engine = engine;
        this.url = url;
    }

    /** The default database: an SQLite file. */
    public static String sqliteUrl(final Path file) {
        return "jdbc:sqlite:" + file.toAbsolutePath();
    }

    /**
     * Opens (creating or migrating the schema of) the database at {@code url}; {@code user} and
     * {@code password} may be null (SQLite, or a PostgreSQL URL that carries them, or trust/peer
     * authentication).
     */
    public static ReplicaStore open(final String url, final String user, final String password) throws IOException {
        final Engine engine = Engine.of(url);
        if (engine == Engine.SQLITE) {
            final String file = url.substring("jdbc:sqlite:".length()).replaceFirst("\\?.*$", "");
            if (!file.startsWith(":memory:") && !file.startsWith("file:")) {
                final Path parent = Path.of(file).toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
            }
        }
        try {
            Flyway.configure().dataSource(url, user, password).locations("classpath:db/replica").table("replica_schema_history")
                    .failOnMissingLocations(true).load().migrate();
        } catch (FlywayException e) {
            throw new IOException("cannot create or migrate the replica's schema in " + redact(url) + ": " + e.getMessage(), e);
        }
        try {
            final Properties props = new Properties();
            if (user != null) {
                props.setProperty("user", user);
            }
            if (password != null) {
                props.setProperty("password", password);
            }
            final Connection db = DriverManager.getConnection(url, props);
            if (engine == Engine.SQLITE) {
                try (Statement s = db.createStatement()) {
                    s.execute("PRAGMA journal_mode=WAL");
                    s.execute("PRAGMA synchronous=FULL"); // a committed block survives a power loss
                    s.execute("PRAGMA busy_timeout=10000");
                }
            }
            db.setAutoCommit(false);
            return new ReplicaStore(db, engine, url);
        } catch (SQLException e) {
            throw new IOException("cannot open the replica database " + redact(url) + ": " + e.getMessage(), e);
        }
    }

    /** {@code url} without a password it may carry, for messages. */
    public static String redact(final String url) {
        return url == null ? null : url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    public Engine engine() {
        return engine;
    }

    public String url() {
        return redact(url);
    }

    // ------------------------------------------------------------------ checkpoints

    /** The channel's checkpoint as last committed: the next block the replica needs (empty: none yet). */
    public OptionalLong nextBlock(final String channel) throws IOException {
        return sql(() -> {
            try (PreparedStatement ps = db.prepareStatement("SELECT block_number FROM checkpoints WHERE channel = ?")) {
                ps.setString(1, channel);
                try (ResultSet rs = ps.executeQuery()) {
                    final OptionalLong out = rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
                    db.commit();
                    return out;
                }
            }
        }, "read the checkpoint of " + channel);
    }

    /** The transaction id of the checkpoint: set only when it stopped inside a block (never by {@link #apply}). */
    Optional<String> checkpointTransaction(final String channel) throws IOException {
        return sql(() -> {
            try (PreparedStatement ps = db.prepareStatement("SELECT tx_id FROM checkpoints WHERE channel = ?")) {
                ps.setString(1, channel);
                try (ResultSet rs = ps.executeQuery()) {
                    final Optional<String> out = rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
                    db.commit();
                    return out;
                }
            }
        }, "read the checkpoint of " + channel);
    }

    /** A Fabric Gateway {@link org.hyperledger.fabric.client.Checkpointer} kept in this store's checkpoints table. */
    public TableCheckpointer checkpointer(final String channel) {
        return new TableCheckpointer(this, channel);
    }

    /**
     * Sets the channel's checkpoint to {@code nextBlock} (and {@code txId} within it) inside the open
     * SQL transaction, never backwards. Returns whether it moved.
     */
    boolean writeCheckpoint(final String channel, final long nextBlock, final String txId) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO checkpoints (channel, block_number, tx_id, updated_at) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (channel) DO UPDATE SET block_number = excluded.block_number, tx_id = excluded.tx_id,"
                + " updated_at = excluded.updated_at WHERE checkpoints.block_number < excluded.block_number"
                + " OR (checkpoints.block_number = excluded.block_number AND checkpoints.tx_id IS NULL AND excluded.tx_id IS NOT NULL)")) {
            ps.setString(1, channel);
            ps.setLong(2, nextBlock);
            ps.setString(3, txId);
            ps.setString(4, Instant.now().toString());
            return ps.executeUpdate() == 1;
        }
    }

    /** Commits what the {@link TableCheckpointer} wrote outside {@link #apply}. */
    void commit() throws SQLException {
        db.commit();
    }

    // ------------------------------------------------------------------ blocks

    /** What {@link #apply} did with a block. */
    public record Applied(long block, boolean written, int transactions, int invalid, int events, int typed) {
    }

    /**
     * Writes {@code block} and moves its channel's checkpoint past it in one SQL transaction.
     * A block the checkpoint has passed is skipped ({@code written} false); a block beyond it is
     * refused with INVALID_STATE, since the blocks in between would be missing.
     */
    public Applied apply(final ReplicaBlock block) throws IOException {
        return sql(() -> {
            try {
                final long next = current(block.channel());
                if (block.number() < next) {
                    db.rollback();
                    return new Applied(block.number(), false, 0, 0, 0, 0);
                }
                if (block.number() > next) {
                    db.rollback();
                    throw new SpecException(ErrorCode.INVALID_STATE, "the replica of channel " + block.channel() + " needs block " + next
                            + " next, not block " + block.number() + ": blocks in between would be missing");
                }
                final Optional<String> previous = headerHash(block.channel(), block.number() - 1);
                if (previous.isPresent() && !previous.get().equals(block.previousHash())) {
                    db.rollback();
                    throw new SpecException(ErrorCode.INVALID_STATE, "block " + block.number() + " of channel " + block.channel()
                            + " does not follow the block " + (block.number() - 1) + " this database holds: it replicates another chain"
                            + " (a network created anew?); give the replica a new database");
                }
                final String now = Instant.now().toString();
                try (PreparedStatement ps = db.prepareStatement("INSERT INTO blocks (channel, block_number, header_hash, tx_count, data_hash,"
                        + " previous_hash, replicated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                    ps.setString(1, block.channel());
                    ps.setLong(2, block.number());
                    ps.setString(3, block.headerHash());
                    ps.setLong(4, block.transactions().size());
                    ps.setString(5, block.dataHash());
                    ps.setString(6, block.previousHash());
                    ps.setString(7, now);
                    ps.executeUpdate();
                }
                int invalid = 0;
                try (PreparedStatement ps = db.prepareStatement("INSERT INTO transactions (channel, block_number, tx_index, tx_id, type,"
                        + " validation_code, valid, chaincode, creator_msp, tx_time_ms, tx_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT DO NOTHING")) {
                    for (final ReplicaBlock.Tx t : block.transactions()) {
                        invalid += t.valid() ? 0 : 1;
                        ps.setString(1, block.channel());
                        ps.setLong(2, block.number());
                        ps.setLong(3, t.txIndex());
                        ps.setString(4, t.txId());
                        ps.setString(5, t.type());
                        ps.setString(6, t.validationCode());
                        ps.setInt(7, t.valid() ? 1 : 0);
                        ps.setString(8, t.chaincode());
                        ps.setString(9, t.creatorMsp());
                        setLong(ps, 10, t.timeMs());
                        ps.setString(11, iso(t.timeMs()));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                final List<ReplicaBlock.Event> events = block.events();
                try (PreparedStatement ps = db.prepareStatement("INSERT INTO events (channel, block_number, tx_index, action_index, tx_id,"
                        + " chaincode, event_name, payload, payload_base64, tx_time_ms, tx_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT DO NOTHING")) {
                    for (final ReplicaBlock.Event e : events) {
                        ps.setString(1, block.channel());
                        ps.setLong(2, e.blockNumber());
                        ps.setLong(3, e.txIndex());
                        ps.setLong(4, e.actionIndex());
                        ps.setString(5, e.txId());
                        ps.setString(6, e.chaincode());
                        ps.setString(7, e.name());
                        ps.setString(8, e.json());
                        ps.setString(9, e.json() == null && e.payload().length > 0 ? Base64.getEncoder().encodeToString(e.payload()) : null);
                        setLong(ps, 10, e.timeMs());
                        ps.setString(11, iso(e.timeMs()));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                int typed = 0;
                for (final ReplicaBlock.Event e : events) {
                    typed += TypedRows.write(db, block.channel(), e);
                }
                if (!writeCheckpoint(block.channel(), block.number() + 1, null)) {
                    // Another replica process wrote this block first (PostgreSQL: its commit ended our wait).
                    db.rollback();
                    return new Applied(block.number(), false, 0, 0, 0, 0);
                }
                db.commit();
                return new Applied(block.number(), true, block.transactions().size(), invalid, events.size(), typed);
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly();
                throw e;
            }
        }, "write block " + block.number() + " of " + block.channel());
    }

    private Optional<String> headerHash(final String channel, final long number) throws SQLException {
        if (number < 0) {
            return Optional.empty();
        }
        try (PreparedStatement ps = db.prepareStatement("SELECT header_hash FROM blocks WHERE channel = ? AND block_number = ?")) {
            ps.setString(1, channel);
            ps.setLong(2, number);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private long current(final String channel) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT block_number FROM checkpoints WHERE channel = ?")) {
            ps.setString(1, channel);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** Rows of {@code table} for {@code channel} (tests, progress lines). */
    public long count(final String table, final String channel) throws IOException {
        if (!table.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a table name: " + table);
        }
        return sql(() -> {
            try (PreparedStatement ps = db.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE channel = ?")) {
                ps.setString(1, channel);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    final long n = rs.getLong(1);
                    db.commit();
                    return n;
                }
            }
        }, "count " + table);
    }

    /** The connection, for queries of the caller's own (tests, tools); do not write through it. */
    public Connection connection() {
        return db;
    }

    static String iso(final Long ms) {
        return ms == null ? null : Instant.ofEpochMilli(ms).toString();
    }

    static void setLong(final PreparedStatement ps, final int i, final Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    private void rollbackQuietly() {
        try {
            db.rollback();
        } catch (SQLException ignored) {
            // the connection is gone; the transaction is lost with it, which is what rollback means
        }
    }

    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    private <T> T sql(final SqlWork<T> work, final String what) throws IOException {
        try {
            return work.run();
        } catch (SQLException e) {
            rollbackQuietly();
            throw new IOException("replica database " + redact(url) + ": cannot " + what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            rollbackQuietly();
            db.close();
        } catch (SQLException ignored) {
            // closing
        }
    }
}
