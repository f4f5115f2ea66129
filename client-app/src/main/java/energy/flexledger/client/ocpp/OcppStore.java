package energy.flexledger.client.ocpp;

import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.SpecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The OCPP central system's tables ({@code db/ocpp}): stations and their password hashes,
 * connector status, charging sessions, every reading as a station sent it, and the charging
 * profiles sent. In {@code ocpp.db} next to the member store's file, not in it: a MeterValues
 * message commits to both, and two writers on one SQLite file make each other fail with
 * SQLITE_BUSY under load (a reader that becomes a writer is not retried). Every method is one
 * transaction; thread-safe.
 */
public final class OcppStore implements AutoCloseable {
    /** A station id: what a station puts in its URL and its basic-auth user name (OCPP's CiString20 identity, a little wider). */
    public static final Pattern STATION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,47}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A station as stored (never its password). */
    public record Station(String stationId, int connectors, long createdAt, String vendor, String model, Long bootedAt, Long lastSeen) {
        public Map<String, Object> toMap() {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("stationId", stationId);
            m.put("connectors", (long) connectors);
            m.put("createdAt", createdAt);
            m.put("vendor", vendor);
            m.put("model", model);
            m.put("bootedAt", bootedAt);
            m.put("lastSeen", lastSeen);
            return m;
        }
    }

    /** A charging session. */
    public record Transaction(int transactionId, String stationId, int connectorId, String idTag, long meterStartWh, long startedAt,
            Long meterStopWh, Long stoppedAt, String stopReason) {
        public boolean stopped() {
            return stoppedAt != null;
        }

        public Map<String, Object> toMap() {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("transactionId", (long) transactionId);
            m.put("stationId", stationId);
            m.put("connectorId", (long) connectorId);
            m.put("meterId", CentralSystem.connectorMeter(stationId, connectorId));
            m.put("idTag", idTag);
            m.put("meterStartWh", meterStartWh);
            m.put("startedAt", startedAt);
            m.put("meterStopWh", meterStopWh);
            m.put("stoppedAt", stoppedAt);
            m.put("stopReason", stopReason);
            m.put("energyWh", meterStopWh == null ? null : meterStopWh - meterStartWh);
            return m;
        }
    }

    /** One reading as a station sent it. */
    public record Reading(String stationId, int connectorId, long at, String measurand, String context, Integer transactionId, String value,
            String unit) {
    }

    private final Connection db;
    private final LongSupplier clock;

    private OcppStore(final Connection db, final LongSupplier clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Opens (creating or migrating) the OCPP tables next to the member store {@code memberStoreFile}. */
    public static OcppStore open(final Path memberStoreFile) throws IOException {
        return open(memberStoreFile, System::currentTimeMillis);
    }

    public static OcppStore open(final Path memberStoreFile, final LongSupplier clock) throws IOException {
        final Path file = memberStoreFile.toAbsolutePath().resolveSibling("ocpp.db");
        try {
            java.nio.file.Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new IOException("cannot create " + file.getParent() + ": " + e.getMessage(), e);
        }
        final String url = "jdbc:sqlite:" + file;
        try {
            Flyway.configure().dataSource(url, null, null).locations("classpath:db/ocpp").table("flyway_ocpp_history")
                    .failOnMissingLocations(true).load().migrate();
        } catch (FlywayException e) {
            throw new IOException("cannot migrate the OCPP tables of " + file + ": " + e.getMessage(), e);
        }
        try {
            final Connection db = DriverManager.getConnection(url);
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA busy_timeout=10000");
            }
            db.setAutoCommit(false);
            return new OcppStore(db, clock);
        } catch (SQLException e) {
            throw new IOException("cannot open the OCPP tables of " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Adds a station and returns its basic-auth password (20 characters, shown once; only its
     * SHA-256 is kept). ALREADY_EXISTS when the id is taken.
     */
    public String addStation(final String stationId, final int connectors) throws IOException {
        if (stationId == null || !STATION_ID.matcher(stationId).matches()) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "station id must be 1..48 of A-Z, a-z, 0-9, '.', '_', '-' starting with a letter"
                    + " or digit, was '" + stationId + "'");
        }
        if (connectors < 1 || connectors > 32) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "connectors must be 1..32, was " + connectors);
        }
        final byte[] raw = new byte[15];
        RANDOM.nextBytes(raw);
        final String password = Base64.getUrlEncoder().withoutPadding().encodeToString(raw); // 20 characters: OCPP's 16..20 bytes
        return transaction(() -> {
            if (station(stationId).isPresent()) {
                throw new SpecException(ErrorCode.ALREADY_EXISTS, "station '" + stationId + "' is already known to this gateway");
            }
            try (PreparedStatement p = db.prepareStatement(
                    "INSERT INTO ocpp_station (station_id, password_sha256, connectors, created_at) VALUES (?, ?, ?, ?)")) {
                p.setString(1, stationId);
                p.setBytes(2, sha256(password.getBytes(StandardCharsets.UTF_8)));
                p.setInt(3, connectors);
                p.setLong(4, clock.getAsLong());
                p.executeUpdate();
            }
            return password;
        });
    }

    /** Whether {@code password} is the station's (constant-time comparison of the hashes); false for an unknown station. */
    public boolean passwordMatches(final String stationId, final byte[] password) throws IOException {
        return transaction(() -> {
            try (PreparedStatement p = db.prepareStatement("SELECT password_sha256 FROM ocpp_station WHERE station_id = ?")) {
                p.setString(1, stationId);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() && MessageDigest.isEqual(r.getBytes(1), sha256(password));
                }
            }
        });
    }

    public Optional<Station> station(final String stationId) throws IOException {
        return transaction(() -> {
            try (PreparedStatement p = db.prepareStatement("SELECT station_id, connectors, created_at, vendor, model, booted_at, last_seen"
                    + " FROM ocpp_station WHERE station_id = ?")) {
                p.setString(1, stationId);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? Optional.of(station(r)) : Optional.<Station>empty();
                }
            }
        });
    }

    public List<Map<String, Object>> stations() throws IOException {
        return transaction(() -> {
            final List<Map<String, Object>> out = new ArrayList<>();
            try (PreparedStatement p = db.prepareStatement("SELECT station_id, connectors, created_at, vendor, model, booted_at, last_seen"
                    + " FROM ocpp_station ORDER BY station_id");
                    PreparedStatement s = db.prepareStatement("SELECT connector_id, status, error_code, at FROM ocpp_connector_status"
                            + " WHERE station_id = ? ORDER BY connector_id");
                    ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    final Map<String, Object> m = station(r).toMap();
                    final List<Object> status = new ArrayList<>();
                    s.setString(1, r.getString(1));
                    try (ResultSet c = s.executeQuery()) {
                        while (c.next()) {
                            status.add(Map.of("connectorId", (long) c.getInt(1), "status", c.getString(2), "errorCode", c.getString(3),
                                    "at", c.getLong(4)));
                        }
                    }
                    m.put("connectorStatus", status);
                    out.add(m);
                }
            }
            return out;
        });
    }

    private static Station station(final ResultSet r) throws SQLException {
        return new Station(r.getString(1), r.getInt(2), r.getLong(3), r.getString(4), r.getString(5), nullableLong(r, 6),
                nullableLong(r, 7));
    }

    /** Records a BootNotification. */
    public void booted(final String stationId, final String vendor, final String model, final String serial, final String firmware)
            throws IOException {
        final long now = clock.getAsLong();
        transaction(() -> {
            try (PreparedStatement p = db.prepareStatement("UPDATE ocpp_station SET vendor = ?, model = ?, serial = ?, firmware = ?,"
                    + " booted_at = ?, last_seen = ? WHERE station_id = ?")) {
                p.setString(1, vendor);
                p.setString(2, model);
                p.setString(3, serial);
                p.setString(4, firmware);
                p.setLong(5, now);
                p.setLong(6, now);
                p.setString(7, stationId);
                p.executeUpdate();
            }
            return null;
        });
    }

    public void seen(final String stationId) throws IOException {
        transaction(() -> {
            try (PreparedStatement p = db.prepareStatement("UPDATE ocpp_station SET last_seen = ? WHERE station_id = ?")) {
                p.setLong(1, clock.getAsLong());
                p.setString(2, stationId);
                p.executeUpdate();
            }
            return null;
        });
    }

    public void connectorStatus(final String stationId, final int connectorId, final String status, final String errorCode, final long at)
            throws IOException {
        transaction(() -> {
            try (PreparedStatement p = db.prepareStatement("INSERT INTO ocpp_connector_status (station_id, connector_id, status, error_code, at)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (station_id, connector_id) DO UPDATE SET status = excluded.status,"
                    + " error_code = excluded.error_code, at = excluded.at WHERE excluded.at >= ocpp_connector_status.at")) {
                p.setString(1, stationId);
                p.setInt(2, connectorId);
                p.setString(3, status);
                p.setString(4, errorCode);
                p.setLong(5, at);
                p.executeUpdate();
            }
            return null;
        });
    }

    /** Starts a session, or finds the same one started before (a StartTransaction sent again): its id. */
    public int startTransaction(final String stationId, final int connectorId, final String idTag, final long meterStartWh, final long at)
            throws IOException {
        return transaction(() -> {
            try (PreparedStatement p = db.prepareStatement("INSERT INTO ocpp_transaction (station_id, connector_id, id_tag, meter_start_wh,"
                    + " started_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (station_id, connector_id, started_at, id_tag) DO NOTHING")) {
                p.setString(1, stationId);
                p.setInt(2, connectorId);
                p.setString(3, idTag);
                p.setLong(4, meterStartWh);
                p.setLong(5, at);
                p.executeUpdate();
            }
            try (PreparedStatement p = db.prepareStatement("SELECT transaction_id FROM ocpp_transaction WHERE station_id = ? AND connector_id = ?"
                    + " AND started_at = ? AND id_tag = ?")) {
                p.setString(1, stationId);
                p.setInt(2, connectorId);
                p.setLong(3, at);
                p.setString(4, idTag);
                try (ResultSet r = p.executeQuery()) {
                    r.next();
                    return r.getInt(1);
                }
            }
        });
    }

    public Optional<Transaction> transaction(final int transactionId) throws IOException {
        return transaction(() -> {
            try (PreparedStatement p = db.prepareStatement(TX_SELECT + " WHERE transaction_id = ?")) {
                p.setInt(1, transactionId);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? Optional.of(tx(r)) : Optional.<Transaction>empty();
                }
            }
        });
    }

    /** The open session on a connector, if any. */
    public Optional<Transaction> openTransaction(final String stationId, final int connectorId) throws IOException {
        return transaction(() -> {
            try (PreparedStatement p = db.prepareStatement(TX_SELECT + " WHERE station_id = ? AND connector_id = ? AND stopped_at IS NULL"
                    + " ORDER BY transaction_id DESC LIMIT 1")) {
                p.setString(1, stationId);
                p.setInt(2, connectorId);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? Optional.of(tx(r)) : Optional.<Transaction>empty();
                }
            }
        });
    }

    /**
     * Stops a session and keeps its last readings in one transaction. The same stop again is a
     * no-op (true); a different stop of a stopped session is refused (false, nothing changed).
     */
    public boolean stopTransaction(final int transactionId, final long meterStopWh, final long at, final String reason, final List<Reading> data)
            throws IOException {
        return transaction(() -> {
            final Transaction t;
            try (PreparedStatement p = db.prepareStatement(TX_SELECT + " WHERE transaction_id = ?")) {
                p.setInt(1, transactionId);
                try (ResultSet r = p.executeQuery()) {
                    if (!r.next()) {
                        return false;
                    }
                    t = tx(r);
                }
            }
            if (t.stopped()) {
                return t.meterStopWh() == meterStopWh && t.stoppedAt() == at;
            }
            try (PreparedStatement p = db.prepareStatement("UPDATE ocpp_transaction SET meter_stop_wh = ?, stopped_at = ?, stop_reason = ?"
                    + " WHERE transaction_id = ?")) {
                p.setLong(1, meterStopWh);
                p.setLong(2, at);
                p.setString(3, reason);
                p.setInt(4, transactionId);
                p.executeUpdate();
            }
            insertReadings(data);
            return true;
        });
    }

    /** Keeps readings; one already kept (same station, connector, time, measurand, context) is skipped. Returns how many were new. */
    public int readings(final List<Reading> readings) throws IOException {
        return transaction(() -> insertReadings(readings));
    }

    private int insertReadings(final List<Reading> readings) throws SQLException {
        int added = 0;
        try (PreparedStatement p = db.prepareStatement("INSERT INTO ocpp_meter_value (station_id, connector_id, at, measurand, context,"
                + " transaction_id, value, unit) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (final Reading r : readings) {
                p.setString(1, r.stationId());
                p.setInt(2, r.connectorId());
                p.setLong(3, r.at());
                p.setString(4, r.measurand());
                p.setString(5, r.context());
                p.setObject(6, r.transactionId());
                p.setString(7, r.value());
                p.setString(8, r.unit());
                added += p.executeUpdate();
            }
        }
        return added;
    }

    /** How many readings are kept for a station's connector (tests, the CLI). */
    public long readingCount(final String stationId, final int connectorId) throws IOException {
        return transaction(() -> {
            try (PreparedStatement p = db.prepareStatement("SELECT COUNT(*) FROM ocpp_meter_value WHERE station_id = ? AND connector_id = ?")) {
                p.setString(1, stationId);
                p.setInt(2, connectorId);
                try (ResultSet r = p.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            }
        });
    }

    /** Sessions, newest first; of one station when {@code stationId} is not null. */
    public List<Map<String, Object>> sessions(final String stationId, final int limit) throws IOException {
        return transaction(() -> {
            final List<Map<String, Object>> out = new ArrayList<>();
            try (PreparedStatement p = db.prepareStatement(TX_SELECT + (stationId == null ? "" : " WHERE station_id = ?")
                    + " ORDER BY transaction_id DESC LIMIT ?")) {
                int i = 1;
                if (stationId != null) {
                    p.setString(i++, stationId);
                }
                p.setInt(i, limit);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.add(tx(r).toMap());
                    }
                }
            }
            return out;
        });
    }

    // ------------------------------------------------------------------ charging profiles

    /** Records a profile about to be sent; returns its id (also the OCPP chargingProfileId). */
    public int profileSent(final String stationId, final String source, final String purpose, final int stackLevel, final long from,
            final long to, final long limitW) throws IOException {
        return transaction(() -> {
            try (PreparedStatement p = db.prepareStatement("INSERT INTO ocpp_profile (station_id, source, purpose, stack_level, valid_from,"
                    + " valid_to, limit_w, sent_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'SENT')", Statement.RETURN_GENERATED_KEYS)) {
                p.setString(1, stationId);
                p.setString(2, source);
                p.setString(3, purpose);
                p.setInt(4, stackLevel);
                p.setLong(5, from);
                p.setLong(6, to);
                p.setLong(7, limitW);
                p.setLong(8, clock.getAsLong());
                p.executeUpdate();
                try (ResultSet r = p.getGeneratedKeys()) {
                    r.next();
                    return r.getInt(1);
                }
            }
        });
    }

    /** A profile to send: its station, source, window and limit. */
    public record PlannedProfile(String stationId, String source, String purpose, long from, long to, long limitW) {
    }

    /**
     * What {@link #profilesSent} did for one {@link PlannedProfile}: the new profile's id and stack
     * level, or, when the station already has a profile from the same source, that one's id, level
     * and recorded status ({@code existingStatus} not null: nothing new was recorded).
     */
    public record SentProfile(int id, int stackLevel, String existingStatus) {
    }

    /**
     * Records many profiles about to be sent in one transaction (one commit for a DR event that calls
     * thousands of stations): each on the lowest stack level, from {@code lowestLevel} up, that none of
     * its station's uncleared profiles holds (including those recorded earlier in the same call), or
     * none at all when the station already has a profile from the same source.
     */
    public List<SentProfile> profilesSent(final List<PlannedProfile> planned, final int lowestLevel) throws IOException {
        return transaction(() -> {
            final List<SentProfile> out = new ArrayList<>();
            try (PreparedStatement same = db.prepareStatement("SELECT id, stack_level, status FROM ocpp_profile WHERE station_id = ? AND source = ?"
                    + " ORDER BY id LIMIT 1");
                    PreparedStatement held = db.prepareStatement("SELECT stack_level FROM ocpp_profile WHERE station_id = ? AND cleared_at IS NULL"
                            + " AND status NOT IN ('Rejected', 'NotSupported')");
                    PreparedStatement insert = db.prepareStatement("INSERT INTO ocpp_profile (station_id, source, purpose, stack_level, valid_from,"
                            + " valid_to, limit_w, sent_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'SENT')", Statement.RETURN_GENERATED_KEYS)) {
                for (final PlannedProfile p : planned) {
                    same.setString(1, p.stationId());
                    same.setString(2, p.source());
                    try (ResultSet r = same.executeQuery()) {
                        if (r.next()) {
                            out.add(new SentProfile(r.getInt(1), r.getInt(2), r.getString(3)));
                            continue;
                        }
                    }
                    final java.util.Set<Integer> levels = new java.util.HashSet<>();
                    held.setString(1, p.stationId());
                    try (ResultSet r = held.executeQuery()) {
                        while (r.next()) {
                            levels.add(r.getInt(1));
                        }
                    }
                    int level = lowestLevel;
                    while (levels.contains(level)) {
                        level++;
                    }
                    insert.setString(1, p.stationId());
                    insert.setString(2, p.source());
                    insert.setString(3, p.purpose());
                    insert.setInt(4, level);
                    insert.setLong(5, p.from());
                    insert.setLong(6, p.to());
                    insert.setLong(7, p.limitW());
                    insert.setLong(8, clock.getAsLong());
                    insert.executeUpdate();
                    try (ResultSet r = insert.getGeneratedKeys()) {
                        r.next();
                        out.add(new SentProfile(r.getInt(1), level, null));
                    }
                }
            }
            return out;
        });
    }

    /** A station's answer to a profile, as {@link #profileAnswered} takes it. */
    public record ProfileAnswer(int id, String status, String checked) {
    }

    /** Many answers in one transaction, in order (a later answer for the same profile wins). */
    public void profilesAnswered(final List<ProfileAnswer> answers) throws IOException {
        transaction(() -> {
            try (PreparedStatement p = db.prepareStatement("UPDATE ocpp_profile SET status = ?, checked = COALESCE(?, checked) WHERE id = ?")) {
                for (final ProfileAnswer a : answers) {
                    p.setString(1, a.status());
                    p.setString(2, a.checked());
                    p.setInt(3, a.id());
                    p.executeUpdate();
                }
            }
            return null;
        });
    }

    /** The station's answer (Accepted, Rejected, NotSupported, NO_ANSWER, NOT_CONNECTED) and what GetCompositeSchedule showed. */
    public void profileAnswered(final int id, final String status, final String checked) throws IOException {
        transaction(() -> {
            try (PreparedStatement p = db.prepareStatement("UPDATE ocpp_profile SET status = ?, checked = COALESCE(?, checked) WHERE id = ?")) {
                p.setString(1, status);
                p.setString(2, checked);
                p.setInt(3, id);
                p.executeUpdate();
            }
            return null;
        });
    }

    public void profileCleared(final int id) throws IOException {
        transaction(() -> {
            try (PreparedStatement p = db.prepareStatement("UPDATE ocpp_profile SET cleared_at = ? WHERE id = ?")) {
                p.setLong(1, clock.getAsLong());
                p.setInt(2, id);
                p.executeUpdate();
            }
            return null;
        });
    }

    public List<Map<String, Object>> profiles(final String stationId) throws IOException {
        return profilesWhere(stationId == null ? "" : " WHERE station_id = ?", p -> {
            if (stationId != null) {
                p.setString(1, stationId);
            }
        });
    }

    /** The profiles not cleared yet whose window ended at or before {@code at} (every station), oldest first. */
    public List<Map<String, Object>> endedProfiles(final long at) throws IOException {
        return profilesWhere(" WHERE cleared_at IS NULL AND valid_to <= ?", p -> p.setLong(1, at));
    }

    private interface Binder {
        void bind(PreparedStatement p) throws SQLException;
    }

    /** The columns {@link #profileRow} reads, in its order (the first twelve of a SELECT). */
    public static final String PROFILE_COLUMNS = "id, station_id, source, purpose, stack_level, valid_from, valid_to, limit_w, sent_at, status,"
            + " checked, cleared_at";

    /** A profile as the CLI, the API and smart charging show it, from a row that starts with {@link #PROFILE_COLUMNS}. */
    public static Map<String, Object> profileRow(final ResultSet r) throws SQLException {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("chargingProfileId", r.getLong(1));
        m.put("stationId", r.getString(2));
        m.put("source", r.getString(3));
        m.put("purpose", r.getString(4));
        m.put("stackLevel", r.getLong(5));
        m.put("validFrom", r.getLong(6));
        m.put("validTo", r.getLong(7));
        m.put("limitW", r.getLong(8));
        m.put("sentAt", r.getLong(9));
        m.put("status", r.getString(10));
        m.put("checked", r.getString(11));
        m.put("clearedAt", nullableLong(r, 12));
        return m;
    }

    private List<Map<String, Object>> profilesWhere(final String where, final Binder binder) throws IOException {
        return transaction(() -> {
            final List<Map<String, Object>> out = new ArrayList<>();
            try (PreparedStatement p = db.prepareStatement("SELECT " + PROFILE_COLUMNS + " FROM ocpp_profile" + where + " ORDER BY id")) {
                binder.bind(p);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.add(profileRow(r));
                    }
                }
            }
            return out;
        });
    }

    private static final String TX_SELECT = "SELECT transaction_id, station_id, connector_id, id_tag, meter_start_wh, started_at,"
            + " meter_stop_wh, stopped_at, stop_reason FROM ocpp_transaction";

    private static Transaction tx(final ResultSet r) throws SQLException {
        return new Transaction(r.getInt(1), r.getString(2), r.getInt(3), r.getString(4), r.getLong(5), r.getLong(6),
                nullableLong(r, 7), nullableLong(r, 8), r.getString(9));
    }

    private static Long nullableLong(final ResultSet r, final int column) throws SQLException {
        final long v = r.getLong(column);
        return r.wasNull() ? null : v;
    }

    static byte[] sha256(final byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Work<T> {
        T run() throws SQLException, IOException;
    }

    private synchronized <T> T transaction(final Work<T> work) throws IOException {
        try {
            final T result = work.run();
            db.commit();
            return result;
        } catch (SQLException e) {
            rollback();
            throw new IOException("OCPP tables: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            rollback();
            throw e;
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
            throw new IOException("closing the OCPP tables: " + e.getMessage(), e);
        }
    }
}
