package energy.flexledger.client.store;

import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.IntervalDigest;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The member's off-chain store, one SQLite file: every accepted raw sample, each meter's open
 * interval with its running FP1 state, and the outbox of closed interval records on their way to
 * chaincode-energy.
 *
 * <p>{@link #ingest} stores a sample and advances its meter's FP1 state in one database
 * transaction; when a sample lies beyond the open interval, the closed interval (and an empty
 * record for each interval without samples in between: gaps are explicit) goes into the outbox in
 * that same transaction. A sample counts as acknowledged only once {@code ingest} has returned, so
 * a crash or a restart loses nothing that was acknowledged and never half of it: the next process
 * resumes the fingerprint from the stored state ({@link Fp1#resume}), not from memory.
 *
 * <p>The schema comes from Flyway migrations ({@code db/migration}). The file is opened in WAL mode
 * with {@code synchronous=FULL}: a committed transaction survives a power loss. One writer at a time;
 * not thread-safe.
 */
public final class MemberStore implements AutoCloseable {
    /** The longest run of empty intervals one sample may close: a year of quarter-hours. */
    public static final long MAX_GAP_INTERVALS = 366L * 96;

    /** How far a sample may lie ahead of this member's clock: chaincode-energy allows the same for an interval's end. */
    public static final long MAX_CLOCK_SKEW_MS = 5 * 60_000L;

    private final Connection db;
    private final LongSupplier clock;
    private final Path file;

    private MemberStore(final Connection db, final LongSupplier clock, final Path file) {
        this.db = db;
        this.clock = clock;
        this.file = file;
    }

    /** Opens (and creates or migrates) the store in {@code file}, on the system clock. */
    public static MemberStore open(final Path file) throws IOException {
        return open(file, System::currentTimeMillis);
    }

    /**
     * Opens the store with {@code clock} (epoch ms): samples more than {@link #MAX_CLOCK_SKEW_MS}
     * ahead of it are refused, since the ledger would refuse their interval.
     */
    public static MemberStore open(final Path file, final LongSupplier clock) throws IOException {
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        final String url = migrate(file);
        try {
            final Connection db = DriverManager.getConnection(url);
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA foreign_keys=ON");
                s.execute("PRAGMA busy_timeout=10000");
            }
            db.setAutoCommit(false);
            return new MemberStore(db, clock, file);
        } catch (SQLException e) {
            throw new IOException("cannot open the member store " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates or migrates the store's schema in {@code file} (Flyway, {@code db/migration}); returns
     * its JDBC URL. For other parts of the client app that keep their own tables in the same file.
     */
    public static String migrate(final Path file) throws IOException {
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        final String url = "jdbc:sqlite:" + file.toAbsolutePath();
        try {
            Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").failOnMissingLocations(true).load().migrate();
        } catch (FlywayException e) {
            throw new IOException("cannot migrate the member store " + file + ": " + e.getMessage(), e);
        }
        return url;
    }

    // ------------------------------------------------------------------ meters

    /** A tracked meter and its open interval's state. */
    public record Tracked(String meterId, long intervalMs, long openStart, long openCount, long openSum, byte[] openHash,
            long openLastTime) {
        /** The running fingerprint of the open interval, ready for more samples. */
        public Fp1.Accumulator resume() {
            return Fp1.resume(new IntervalDigest(openStart, Math.addExact(openStart, intervalMs), openCount, openSum, openHash), openLastTime);
        }
    }

    /** This store's clock (epoch ms): what "now" means for its bounds on sample times. */
    public long now() {
        return clock.getAsLong();
    }

    /**
     * Starts ingesting for {@code meterId}: its first open interval is {@code (openStart, openStart +
     * intervalMs]}, which must continue the meter's chain on the ledger (its {@code lastEnd}).
     * Tracking a tracked meter again with the same interval length is a no-op.
     */
    public Tracked track(final String meterId, final byte[] salt, final long intervalMs, final long openStart) throws IOException {
        return track(meterId, salt, intervalMs, openStart, null);
    }

    /**
     * Like {@link #track(String, byte[], long, long)}, with the meter's plausible range: samples of a
     * larger magnitude than {@code maxAbsValue} (its registration's) go to quarantine, not into the
     * fingerprint. Tracking again records a bound that was not known before.
     */
    public Tracked track(final String meterId, final byte[] salt, final long intervalMs, final long openStart, final Long maxAbsValue)
            throws IOException {
        if (intervalMs <= 0 || Math.floorMod(openStart, intervalMs) != 0) {
            throw new SpecException(ErrorCode.MISALIGNED, "the first interval must start on a multiple of " + intervalMs + " ms, not at " + openStart);
        }
        return transaction(() -> {
            if (needsTracking(meterId)) {
                // After a reset: the meter starts again where the ledger's chain continues.
                final Fp1.Accumulator acc = Fp1.interval(salt, meterId, openStart, Math.addExact(openStart, intervalMs));
                try (PreparedStatement ps = db.prepareStatement("UPDATE meter SET interval_ms = ?, open_start = ?, open_count = 0, open_sum = 0,"
                        + " open_hash = ?, open_last_t = ?, max_abs_value = ?, needs_tracking = 0 WHERE meter_id = ?")) {
                    ps.setLong(1, intervalMs);
                    ps.setLong(2, openStart);
                    ps.setBytes(3, acc.digest().fingerprint());
                    ps.setLong(4, openStart);
                    if (maxAbsValue == null) {
                        ps.setNull(5, java.sql.Types.INTEGER);
                    } else {
                        ps.setLong(5, maxAbsValue);
                    }
                    ps.setString(6, meterId);
                    ps.executeUpdate();
                }
                // Samples stored before the reset after the point where the ledger's chain continues
                // are in no fingerprint: they move to the quarantine (kept, with the reason), so that a
                // device or an 'ingest' sending them again puts them into the new chain.
                try (PreparedStatement move = db.prepareStatement("INSERT OR IGNORE INTO quarantine (meter_id, t, v, reason, detail, received_at)"
                        + " SELECT meter_id, t, v, 'RESET', 'stored before outbox reset, after the ledger''s head ' || ?, ? FROM sample"
                        + " WHERE meter_id = ? AND t > ?");
                        PreparedStatement delete = db.prepareStatement("DELETE FROM sample WHERE meter_id = ? AND t > ?")) {
                    move.setLong(1, openStart);
                    move.setLong(2, clock.getAsLong());
                    move.setString(3, meterId);
                    move.setLong(4, openStart);
                    move.executeUpdate();
                    delete.setString(1, meterId);
                    delete.setLong(2, openStart);
                    delete.executeUpdate();
                }
                return trackedRow(meterId).orElseThrow();
            }
            final Optional<Tracked> existing = trackedRow(meterId);
            if (existing.isPresent()) {
                if (existing.get().intervalMs() != intervalMs) {
                    throw new SpecException(ErrorCode.CONFLICT, "meter '" + meterId + "' is tracked with intervals of " + existing.get().intervalMs()
                            + " ms, not " + intervalMs);
                }
                if (maxAbsValue != null) {
                    try (PreparedStatement ps = db.prepareStatement("UPDATE meter SET max_abs_value = ? WHERE meter_id = ?")) {
                        ps.setLong(1, maxAbsValue);
                        ps.setString(2, meterId);
                        ps.executeUpdate();
                    }
                }
                return existing.get();
            }
            final Fp1.Accumulator acc = Fp1.interval(salt, meterId, openStart, Math.addExact(openStart, intervalMs));
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO meter (meter_id, interval_ms, open_start, open_count, open_sum,"
                    + " open_hash, open_last_t, max_abs_value) VALUES (?, ?, ?, 0, 0, ?, ?, ?)")) {
                ps.setString(1, meterId);
                ps.setLong(2, intervalMs);
                ps.setLong(3, openStart);
                ps.setBytes(4, acc.digest().fingerprint());
                ps.setLong(5, openStart);
                if (maxAbsValue == null) {
                    ps.setNull(6, java.sql.Types.INTEGER);
                } else {
                    ps.setLong(6, maxAbsValue);
                }
                ps.executeUpdate();
            }
            return trackedRow(meterId).orElseThrow();
        });
    }

    /** The tracked meter {@code meterId}, if this store ingests for it. */
    public Optional<Tracked> tracked(final String meterId) throws IOException {
        return transaction(() -> trackedRow(meterId));
    }

    private boolean needsTracking(final String meterId) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT needs_tracking FROM meter WHERE meter_id = ?")) {
            ps.setString(1, meterId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) == 1;
            }
        }
    }

    /** The meter as tracked; empty when it is not, or when a reset wants it started again from the ledger. */
    private Optional<Tracked> trackedRow(final String meterId) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT interval_ms, open_start, open_count, open_sum, open_hash, open_last_t"
                + " FROM meter WHERE meter_id = ? AND needs_tracking = 0")) {
            ps.setString(1, meterId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Tracked(meterId, rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getBytes(5), rs.getLong(6)));
            }
        }
    }

    /** The tracked meter, or a clear error naming how to start. */
    private Tracked require(final String meterId) throws SQLException {
        return trackedRow(meterId).orElseThrow(() -> new SpecException(ErrorCode.NOT_FOUND, "meter '" + meterId
                + "' is not tracked by this member's store yet: 'flexledger ingest --meter " + meterId + "' starts it from the ledger's head"));
    }

    // ------------------------------------------------------------------ ingestion

    /** A sample that was not accepted: its position in the input, the spec's error code, why. */
    public record Rejected(int index, ErrorCode code, String message) {
    }

    /**
     * What one {@link #ingest} call did: samples stored, samples already stored with the same value
     * (a redelivered message: skipped, not an error), samples that could not go into the
     * fingerprint (each kept in the quarantine with its reason), intervals closed.
     */
    public record Ingested(int accepted, int duplicates, List<Rejected> rejected, int closed) {
        /** Samples kept in the quarantine (every rejected sample is). */
        public int quarantined() {
            return rejected.size();
        }
    }

    /**
     * Stores the samples {@code [t, v]} of {@code meterId} (in order) and advances its FP1 state,
     * all in one database transaction; returns once it is committed. A sample beyond the open
     * interval first closes it into the outbox, with an empty record for each interval it skips.
     * Samples that break FP1's rules (a time at or before the previous one, in an interval already
     * closed, a sum that overflows) are rejected one by one with their code and change nothing.
     */
    public Ingested ingest(final String meterId, final byte[] salt, final List<long[]> samples) throws IOException {
        return transaction(() -> {
            final Tracked meter = require(meterId);
            final long ms = meter.intervalMs();
            Fp1.Accumulator acc = meter.resume();
            int accepted = 0;
            int duplicates = 0;
            int closed = 0;
            final List<Rejected> rejected = new ArrayList<>();
            final Long bound = maxAbsValue(meterId);
            final long now = clock.getAsLong();
            final boolean anyQuarantined = hasQuarantined(meterId);
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO sample (meter_id, t, v) VALUES (?, ?, ?)");
                    PreparedStatement quarantine = db.prepareStatement("INSERT OR IGNORE INTO quarantine (meter_id, t, v, reason, detail,"
                            + " received_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                final long latest = Math.addExact(now, MAX_CLOCK_SKEW_MS);
                for (int i = 0; i < samples.size(); i++) {
                    final long t = samples.get(i)[0];
                    final long v = samples.get(i)[1];
                    if (t <= acc.lastTime()) {
                        // Maybe a sample stored before: write this call's batched inserts first, so
                        // that the lookup sees them too (same transaction), then compare.
                        insert.executeBatch();
                        if (storedValue(meterId, t).filter(stored -> stored == v).isPresent()) {
                            duplicates++;
                            continue; // delivered twice (MQTT QoS 1, a retried upload): already stored
                        }
                    }
                    try {
                        if (t <= acc.lastTime()) {
                            throw new SpecException(t <= acc.start() ? ErrorCode.SAMPLE_OUTSIDE_INTERVAL : ErrorCode.SAMPLES_NOT_INCREASING,
                                    t <= acc.start() ? "sample time " + t + " lies in an interval already closed (the open one is (" + acc.start() + ", "
                                            + acc.end() + "])" : "sample time " + t + " is not after the previous sample's (" + acc.lastTime() + ")");
                        }
                        if (bound != null && (v > bound || v < -bound)) {
                            throw new SpecException(ErrorCode.BAD_REQUEST, "sample value " + v + " is outside the meter's plausible range of +/-"
                                    + bound + " (maxAbsValue of its registration)");
                        }
                        if (t > latest) {
                            throw new SpecException(ErrorCode.BAD_INTERVAL, "sample time " + t + " is more than " + MAX_CLOCK_SKEW_MS / 60_000
                                    + " minutes ahead of this member's clock (" + (latest - MAX_CLOCK_SKEW_MS) + "): is the device's clock right?");
                        }
                        if (t > acc.end()) {
                            final long next = Math.multiplyExact(Math.floorDiv(t - 1, ms), ms);
                            final long skipped = (next - acc.end()) / ms;
                            if (skipped > MAX_GAP_INTERVALS) {
                                throw new SpecException(ErrorCode.BAD_INTERVAL, "sample time " + t + " is " + skipped + " intervals after the open one ("
                                        + acc.start() + ", " + acc.end() + "]: more than " + MAX_GAP_INTERVALS + "; close the gap with 'outbox close' first");
                            }
                            // The new interval takes the sample before anything is written: a refusal writes nothing.
                            final Fp1.Accumulator following = Fp1.interval(salt, meterId, next, Math.addExact(next, ms)).add(t, v);
                            closed += closeInto(meterId, salt, acc, next, ms);
                            acc = following;
                        } else {
                            acc.add(t, v);
                        }
                    } catch (SpecException e) {
                        // Acknowledged means kept: the sample waits in the quarantine with its reason.
                        rejected.add(new Rejected(i, e.code(), e.detail()));
                        quarantine.setString(1, meterId);
                        quarantine.setLong(2, t);
                        quarantine.setLong(3, v);
                        quarantine.setString(4, e.code().name());
                        quarantine.setString(5, e.detail());
                        quarantine.setLong(6, now);
                        quarantine.addBatch();
                        continue;
                    }
                    insert.setString(1, meterId);
                    insert.setLong(2, t);
                    insert.setLong(3, v);
                    insert.addBatch();
                    accepted++;
                    if (anyQuarantined) {
                        // Sent again and now in a fingerprint (after a reset, a closed gap, a corrected
                        // clock): no longer in the quarantine, so it is never counted twice.
                        releaseQuarantined(meterId, t, v);
                    }
                }
                insert.executeBatch();
                quarantine.executeBatch();
            }
            saveOpen(meterId, acc);
            return new Ingested(accepted, duplicates, rejected, closed);
        });
    }

    private boolean hasQuarantined(final String meterId) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT 1 FROM quarantine WHERE meter_id = ? LIMIT 1")) {
            ps.setString(1, meterId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private void releaseQuarantined(final String meterId, final long t, final long v) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("DELETE FROM quarantine WHERE meter_id = ? AND t = ? AND v = ?")) {
            ps.setString(1, meterId);
            ps.setLong(2, t);
            ps.setLong(3, v);
            ps.executeUpdate();
        }
    }

    /**
     * After a reset and the re-tracking from the ledger's head: the samples that the reset moved to
     * the quarantine go into the new chain, in time order, before any newer sample can close their
     * intervals as empty. Returns what the ingestion did.
     */
    public Ingested replayReset(final String meterId, final byte[] salt) throws IOException {
        final List<long[]> moved = transaction(() -> {
            final List<long[]> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement("SELECT t, v FROM quarantine WHERE meter_id = ? AND reason = 'RESET' ORDER BY t")) {
                ps.setString(1, meterId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new long[] {rs.getLong(1), rs.getLong(2)});
                    }
                }
            }
            return out;
        });
        return moved.isEmpty() ? new Ingested(0, 0, List.of(), 0) : ingest(meterId, salt, moved);
    }

    /** Whether this store has ever tracked {@code meterId} (also while a reset waits for its re-tracking). */
    public boolean knows(final String meterId) throws IOException {
        return transaction(() -> {
            try (PreparedStatement ps = db.prepareStatement("SELECT 1 FROM meter WHERE meter_id = ?")) {
                ps.setString(1, meterId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Tracked meters whose plausible range is not known yet (tracked before the store recorded it). */
    public List<String> metersWithoutBound() throws IOException {
        return transaction(() -> {
            final List<String> out = new ArrayList<>();
            try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT meter_id FROM meter WHERE max_abs_value IS NULL"
                    + " AND needs_tracking = 0 ORDER BY meter_id")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    /** Records the meter's plausible range (its registration's maxAbsValue). */
    public void setBound(final String meterId, final long maxAbsValue) throws IOException {
        transaction(() -> {
            try (PreparedStatement ps = db.prepareStatement("UPDATE meter SET max_abs_value = ? WHERE meter_id = ?")) {
                ps.setLong(1, maxAbsValue);
                ps.setString(2, meterId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    private Long maxAbsValue(final String meterId) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT max_abs_value FROM meter WHERE meter_id = ?")) {
            ps.setString(1, meterId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                final long v = rs.getLong(1);
                return rs.wasNull() ? null : v;
            }
        }
    }

    /** The quarantined samples of {@code meterId}, oldest first: {@code {t, v, reason, detail, receivedAt}}. */
    public List<Map<String, Object>> quarantined(final String meterId) throws IOException {
        return transaction(() -> {
            final List<Map<String, Object>> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement("SELECT t, v, reason, detail, received_at FROM quarantine WHERE meter_id = ?"
                    + " ORDER BY t, id")) {
                ps.setString(1, meterId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        final Map<String, Object> m = new LinkedHashMap<>();
                        m.put("t", rs.getLong(1));
                        m.put("v", rs.getLong(2));
                        m.put("reason", rs.getString(3));
                        m.put("detail", rs.getString(4));
                        m.put("receivedAt", rs.getLong(5));
                        out.add(m);
                    }
                }
            }
            return out;
        });
    }

    /**
     * Stops tracking {@code meterId} locally: its open interval and the records that never reached
     * the ledger (PENDING, FAILED) are dropped, so that the next ingestion starts again from the
     * ledger's head. Stored samples and the quarantine stay (an audit reports the samples no
     * certified interval covers). Returns what was dropped.
     */
    public Map<String, Object> reset(final String meterId) throws IOException {
        return transaction(() -> {
            final Tracked meter = require(meterId);
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("meterId", meterId);
            out.put("openStart", meter.openStart());
            out.put("openSamples", meter.openCount());
            try (PreparedStatement ps = db.prepareStatement("DELETE FROM outbox WHERE meter_id = ? AND status IN ('PENDING', 'FAILED')")) {
                ps.setString(1, meterId);
                out.put("droppedRecords", (long) ps.executeUpdate());
            }
            // Samples and committed records keep their rows (they point at the meter's row).
            try (PreparedStatement ps = db.prepareStatement("UPDATE meter SET needs_tracking = 1 WHERE meter_id = ?")) {
                ps.setString(1, meterId);
                ps.executeUpdate();
            }
            return out;
        });
    }

    private Optional<Long> storedValue(final String meterId, final long t) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT v FROM sample WHERE meter_id = ? AND t = ?")) {
            ps.setString(1, meterId);
            ps.setLong(2, t);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    /** The meters this store ingests for, by id. */
    public List<String> trackedMeters() throws IOException {
        return transaction(() -> {
            final List<String> out = new ArrayList<>();
            try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT meter_id FROM meter WHERE needs_tracking = 0"
                    + " ORDER BY meter_id")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    /**
     * Closes the intervals of {@code meterId} that end at or before {@code until} (the member's
     * clock: no sample can come for them any more), empty ones included, and returns how many.
     */
    public int closeUntil(final String meterId, final byte[] salt, final long until) throws IOException {
        return transaction(() -> {
            if (until > Math.addExact(clock.getAsLong(), MAX_CLOCK_SKEW_MS)) {
                throw new SpecException(ErrorCode.BAD_INTERVAL, "cannot close intervals up to " + until + ": that is in the future of this"
                        + " member's clock, and samples may still come");
            }
            final Tracked meter = require(meterId);
            final long ms = meter.intervalMs();
            final Fp1.Accumulator acc = meter.resume();
            if (acc.end() > until) {
                return 0;
            }
            final long next = Math.multiplyExact(Math.floorDiv(until, ms), ms);
            if ((next - acc.end()) / ms > MAX_GAP_INTERVALS) {
                throw new SpecException(ErrorCode.BAD_INTERVAL, "closing up to " + until + " would add more than " + MAX_GAP_INTERVALS
                        + " empty intervals; close in steps");
            }
            final int closed = closeInto(meterId, salt, acc, next, ms);
            saveOpen(meterId, Fp1.interval(salt, meterId, next, Math.addExact(next, ms)));
            return closed;
        });
    }

    /** Puts {@code open} and the empty intervals from its end up to {@code next} into the outbox. */
    private int closeInto(final String meterId, final byte[] salt, final Fp1.Accumulator open, final long next, final long ms) throws SQLException {
        int closed = 0;
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO outbox (meter_id, start, \"end\", count, sum, fingerprint)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
            IntervalDigest d = open.digest();
            while (true) {
                ps.setString(1, meterId);
                ps.setLong(2, d.start());
                ps.setLong(3, d.end());
                ps.setLong(4, d.count());
                ps.setLong(5, d.sum());
                ps.setString(6, d.fingerprintHex());
                ps.addBatch();
                closed++;
                if (d.end() >= next) {
                    break;
                }
                d = Fp1.interval(salt, meterId, d.end(), Math.addExact(d.end(), ms)).digest();
            }
            ps.executeBatch();
        }
        return closed;
    }

    private void saveOpen(final String meterId, final Fp1.Accumulator acc) throws SQLException {
        final IntervalDigest d = acc.digest();
        try (PreparedStatement ps = db.prepareStatement("UPDATE meter SET open_start = ?, open_count = ?, open_sum = ?, open_hash = ?,"
                + " open_last_t = ? WHERE meter_id = ?")) {
            ps.setLong(1, d.start());
            ps.setLong(2, d.count());
            ps.setLong(3, d.sum());
            ps.setBytes(4, d.fingerprint());
            ps.setLong(5, acc.lastTime());
            ps.setString(6, meterId);
            ps.executeUpdate();
        }
    }

    // ------------------------------------------------------------------ inbox

    /** A device message kept in the inbox. */
    public record InboxMessage(long id, String meterId, String topic, byte[] payload, String reason) {
    }

    /**
     * Keeps a device message that was not ingested: {@code PARKED} (to be taken up again, in order)
     * or {@code REFUSED} (kept with its reason; it can never be ingested). Returns its id.
     */
    public long keep(final String meterId, final String topic, final byte[] payload, final boolean parked, final String reason) throws IOException {
        return transaction(() -> {
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO inbox (meter_id, topic, payload, state, reason, received_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, meterId);
                ps.setString(2, topic);
                ps.setBytes(3, payload);
                ps.setString(4, parked ? "PARKED" : "REFUSED");
                ps.setString(5, reason.length() > 1000 ? reason.substring(0, 1000) + "..." : reason);
                ps.setLong(6, clock.getAsLong());
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
    }

    /** Whether {@code meterId} has parked messages (a later one must wait behind them). */
    public boolean hasParked(final String meterId) throws IOException {
        return transaction(() -> {
            try (PreparedStatement ps = db.prepareStatement("SELECT 1 FROM inbox WHERE state = 'PARKED' AND meter_id = ? LIMIT 1")) {
                ps.setString(1, meterId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** The parked messages, oldest first, meter by meter. */
    public List<InboxMessage> parked() throws IOException {
        return transaction(() -> {
            final List<InboxMessage> out = new ArrayList<>();
            try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT id, meter_id, topic, payload, reason FROM inbox"
                    + " WHERE state = 'PARKED' ORDER BY meter_id, id")) {
                while (rs.next()) {
                    out.add(new InboxMessage(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4), rs.getString(5)));
                }
            }
            return out;
        });
    }

    /** Message {@code id} is ingested (or refused for good): no longer parked. */
    public void unpark(final long id) throws IOException {
        transaction(() -> {
            try (PreparedStatement ps = db.prepareStatement("DELETE FROM inbox WHERE id = ? AND state = 'PARKED'")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Parked message {@code id} can never be ingested: kept as REFUSED with {@code reason}. */
    public void refuseParked(final long id, final String reason) throws IOException {
        transaction(() -> {
            try (PreparedStatement ps = db.prepareStatement("UPDATE inbox SET state = 'REFUSED', reason = ? WHERE id = ? AND state = 'PARKED'")) {
                ps.setString(1, reason.length() > 1000 ? reason.substring(0, 1000) + "..." : reason);
                ps.setLong(2, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    // ------------------------------------------------------------------ samples

    /** The stored samples of {@code meterId} with {@code from < t <= to}, in time order. */
    public List<long[]> samples(final String meterId, final long from, final long to) throws IOException {
        return transaction(() -> {
            final List<long[]> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement("SELECT t, v FROM sample WHERE meter_id = ? AND t > ? AND t <= ? ORDER BY t")) {
                ps.setString(1, meterId);
                ps.setLong(2, from);
                ps.setLong(3, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new long[] {rs.getLong(1), rs.getLong(2)});
                    }
                }
            }
            return out;
        });
    }

    // ------------------------------------------------------------------ outbox

    /** A closed interval in the outbox. */
    public record OutboxRow(long id, String meterId, IntervalDigest digest, String status, String txId, String errorCode) {
    }

    /**
     * Up to {@code limit} PENDING records, oldest first, of meters that have no FAILED record: a
     * meter's chain cannot continue past a refused record.
     */
    public List<OutboxRow> pending(final int limit) throws IOException {
        return pending(limit, null, List.of());
    }

    /**
     * Like {@link #pending(int)}, of {@code onlyMeter} alone when it is not null, and without the
     * records of the meters in {@code skip} (held back for the rest of a run).
     */
    public List<OutboxRow> pending(final int limit, final String onlyMeter, final java.util.Collection<String> skip) throws IOException {
        final StringBuilder where = new StringBuilder(" WHERE o.status = 'PENDING'"
                + " AND NOT EXISTS (SELECT 1 FROM outbox f WHERE f.meter_id = o.meter_id AND f.status = 'FAILED')");
        if (onlyMeter != null) {
            where.append(" AND o.meter_id = ?");
        }
        if (!skip.isEmpty()) {
            where.append(" AND o.meter_id NOT IN (").append(String.join(", ", java.util.Collections.nCopies(skip.size(), "?"))).append(')');
        }
        where.append(" ORDER BY o.id LIMIT ?");
        return transaction(() -> {
            try (PreparedStatement ps = db.prepareStatement(SELECT_ROWS + where)) {
                int k = 1;
                if (onlyMeter != null) {
                    ps.setString(k++, onlyMeter);
                }
                for (final String m : skip) {
                    ps.setString(k++, m);
                }
                ps.setInt(k, Math.max(0, limit));
                return read(ps);
            }
        });
    }

    /** Every record of {@code meterId} in the outbox, oldest first. */
    public List<OutboxRow> outbox(final String meterId) throws IOException {
        return transaction(() -> {
            try (PreparedStatement ps = db.prepareStatement(SELECT_ROWS + " WHERE o.meter_id = ? ORDER BY o.id")) {
                ps.setString(1, meterId);
                return read(ps);
            }
        });
    }

    private static final String SELECT_ROWS = "SELECT o.id, o.meter_id, o.start, o.\"end\", o.count, o.sum, o.fingerprint, o.status, o.tx_id,"
            + " o.error_code FROM outbox o";

    private static List<OutboxRow> read(final PreparedStatement ps) throws SQLException {
        final List<OutboxRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                final IntervalDigest d = new IntervalDigest(rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
                        energy.flexledger.spec.Hex.decode(rs.getString(7)));
                out.add(new OutboxRow(rs.getLong(1), rs.getString(2), d, rs.getString(8), rs.getString(9), rs.getString(10)));
            }
        }
        return out;
    }

    /** The records {@code ids} are certified by transaction {@code txId}. */
    public void markCommitted(final List<Long> ids, final String txId) throws IOException {
        transaction(() -> {
            try (PreparedStatement ps = db.prepareStatement("UPDATE outbox SET status = 'COMMITTED', tx_id = ? WHERE id = ? AND status = 'PENDING'")) {
                for (final long id : ids) {
                    ps.setString(1, txId);
                    ps.setLong(2, id);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** The chaincode refused record {@code id} with {@code code}: its meter sends nothing more until it is resolved. */
    public void markFailed(final long id, final ErrorCode code, final String message) throws IOException {
        transaction(() -> {
            try (PreparedStatement ps = db.prepareStatement("UPDATE outbox SET status = 'FAILED', error_code = ?, error = ? WHERE id = ?")) {
                ps.setString(1, code.name());
                ps.setString(2, message);
                ps.setLong(3, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Puts {@code meterId}'s FAILED records back to PENDING, for when the cause was outside the
     * record (for example a meter registered again with the right salt); returns how many. The next
     * submission sends them, oldest first, and marks them FAILED again if the ledger still refuses.
     */
    public int retryFailed(final String meterId) throws IOException {
        return transaction(() -> {
            try (PreparedStatement ps = db.prepareStatement("UPDATE outbox SET status = 'PENDING', error_code = NULL, error = NULL"
                    + " WHERE meter_id = ? AND status = 'FAILED'")) {
                ps.setString(1, meterId);
                return ps.executeUpdate();
            }
        });
    }

    /** How many records are in each state, and the open interval of each tracked meter. */
    /**
     * The outbox's backlog for metrics: {@code [pending records, end of the oldest pending interval
     * (epoch ms, or -1 when none is pending)]}.
     */
    public long[] outboxBacklog() throws IOException {
        return transaction(() -> {
            try (Statement st = db.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*), coalesce(min(\"end\"), -1) FROM outbox WHERE status = 'PENDING'")) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        });
    }

    public Map<String, Object> status() throws IOException {
        return transaction(() -> {
            final Map<String, Object> out = new LinkedHashMap<>();
            final Map<String, Object> counts = new LinkedHashMap<>();
            for (final String s : List.of("PENDING", "COMMITTED", "FAILED")) {
                counts.put(s, 0L);
            }
            try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT status, count(*) FROM outbox GROUP BY status ORDER BY status")) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
            out.put("outbox", counts);
            final Map<String, Object> inbox = new LinkedHashMap<>();
            inbox.put("PARKED", 0L);
            inbox.put("REFUSED", 0L);
            try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT state, count(*) FROM inbox GROUP BY state ORDER BY state")) {
                while (rs.next()) {
                    inbox.put(rs.getString(1), rs.getLong(2));
                }
            }
            out.put("inbox", inbox);
            final List<Object> meters = new ArrayList<>();
            long quarantined = 0;
            try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT m.meter_id, m.interval_ms, m.open_start, m.open_count,"
                    + " (SELECT count(*) FROM sample s WHERE s.meter_id = m.meter_id),"
                    + " (SELECT count(*) FROM quarantine q WHERE q.meter_id = m.meter_id), m.needs_tracking FROM meter m ORDER BY m.meter_id")) {
                while (rs.next()) {
                    final Map<String, Object> m = new LinkedHashMap<>();
                    m.put("meterId", rs.getString(1));
                    m.put("intervalMs", rs.getLong(2));
                    if (rs.getInt(7) == 1) {
                        m.put("tracking", "RESET: the next ingestion starts it from the ledger's head");
                    } else {
                        m.put("openStart", rs.getLong(3));
                        m.put("openEnd", rs.getLong(3) + rs.getLong(2));
                        m.put("openSamples", rs.getLong(4));
                    }
                    m.put("samples", rs.getLong(5));
                    m.put("quarantined", rs.getLong(6));
                    quarantined += rs.getLong(6);
                    meters.add(m);
                }
            }
            out.put("quarantined", quarantined);
            out.put("meters", meters);
            return out;
        });
    }

    // ------------------------------------------------------------------ plumbing

    private interface Work<T> {
        T run() throws SQLException, IOException;
    }

    /** Work of several store calls that commits as one ({@link #group}). */
    @FunctionalInterface
    public interface Group<T> {
        T run() throws IOException;
    }

    /** How many {@link #group} calls this thread is in (the monitor is held throughout, so only one thread is). */
    private int grouped;

    /**
     * Runs several of this store's calls as one database transaction (one commit, one fsync): each
     * call inside is a savepoint, undone alone when it fails, and nothing is committed before
     * {@code work} returns. No other thread's call runs in between. Callers answer (acknowledge)
     * only after this returns; when it throws, nothing of {@code work} was kept.
     */
    public synchronized <T> T group(final Group<T> work) throws IOException {
        grouped++;
        try {
            final T result = work.run();
            db.commit();
            return result;
        } catch (SQLException e) {
            rollback();
            throw new IOException("member store " + file + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            rollback();
            throw e;
        } finally {
            grouped--;
        }
    }

    /** Runs {@code work} in one database transaction: committed when it returns, rolled back when it throws. */
    private synchronized <T> T transaction(final Work<T> work) throws IOException {
        if (grouped > 0) {
            return savepoint(work);
        }
        try {
            final T result = work.run();
            db.commit();
            return result;
        } catch (SQLException e) {
            rollback();
            final String busy = String.valueOf(e.getMessage()).contains("SQLITE_BUSY")
                    ? " (one writer at a time: is another flexledger ingest, outbox or gateway using this store?)" : "";
            throw new IOException("member store " + file + ": " + e.getMessage() + busy, e);
        } catch (IOException | RuntimeException e) {
            rollback();
            throw e;
        }
    }

    /** Inside a {@link #group}: {@code work} as a savepoint, undone alone when it throws. */
    private <T> T savepoint(final Work<T> work) throws IOException {
        final java.sql.Savepoint point;
        try {
            point = db.setSavepoint();
        } catch (SQLException e) {
            throw new IOException("member store " + file + ": " + e.getMessage(), e);
        }
        try {
            final T result = work.run();
            db.releaseSavepoint(point);
            return result;
        } catch (SQLException e) {
            undo(point);
            throw new IOException("member store " + file + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            undo(point);
            throw e;
        }
    }

    private void undo(final java.sql.Savepoint point) throws IOException {
        try {
            db.rollback(point);
            db.releaseSavepoint(point);
        } catch (SQLException e) {
            throw new IOException("member store " + file + ": cannot undo a failed step: " + e.getMessage(), e);
        }
    }

    private void rollback() {
        try {
            db.rollback();
        } catch (SQLException ignored) {
            // the connection is gone: nothing was committed
        }
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            db.close();
        } catch (SQLException e) {
            throw new IOException("closing the member store: " + e.getMessage(), e);
        }
    }
}
