package energy.flexledger.client.http;

import energy.flexledger.client.ocpp.CentralSystem;
import energy.flexledger.spec.ErrorCode;
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
import java.util.function.LongSupplier;

/**
 * The OCPP central system's records as the REST API serves them (decision 0024's {@code ocpp.db}
 * beside the member store; {@code /v1/ocpp/...}, decision 0023): stations with their connectors'
 * status, charging sessions and the charging profiles sent, read-only and paged by key.
 *
 * <p>The file is read whether or not this gateway runs the central system ({@code --ocpp}): it
 * holds what {@code ocpp register} and earlier runs recorded, as {@code flexledger ocpp stations}
 * shows it. Until it exists every list is empty. Its own connection, in query-only mode, one
 * statement per read (so no read snapshot outlives a request and the central system's writes are
 * seen at once); a station's password hash is never selected.
 */
public final class OcppRecords implements AutoCloseable {
    /** The file name beside the member store, as {@code OcppStore.open} names it. */
    static final String FILE = "ocpp.db";

    private final Path file;
    private final LongSupplier clock;
    private Connection db;

    private OcppRecords(final Path file, final LongSupplier clock) {
        this.file = file;
        this.clock = clock;
    }

    /** The records beside the member store file {@code memberStoreFile} (read once the file exists). */
    public static OcppRecords beside(final Path memberStoreFile) {
        return beside(memberStoreFile, System::currentTimeMillis);
    }

    /** As {@link #beside(Path)}, with the clock that decides which profiles are active. */
    public static OcppRecords beside(final Path memberStoreFile, final LongSupplier clock) {
        return new OcppRecords(memberStoreFile.toAbsolutePath().resolveSibling(FILE), clock);
    }

    /** No records at all (a gateway without a member store file): every list is empty. */
    static OcppRecords none() {
        return new OcppRecords(null, System::currentTimeMillis);
    }

    /** One page: the items under {@code key}, and the bookmark of the next page (empty on the last). */
    private static Map<String, Object> page(final String key, final List<Map<String, Object>> items, final String bookmark) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put(key, items);
        m.put("bookmark", bookmark);
        return m;
    }

    /** Stations by id, each with its connectors' last status. */
    public synchronized Map<String, Object> stations(final int pageSize, final String bookmark) throws IOException {
        final Connection c = connection();
        if (c == null) {
            return page("stations", List.of(), "");
        }
        final Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
        // One statement: the page of stations joined with their connectors' status (one snapshot, released when it closes).
        try (PreparedStatement p = c.prepareStatement("WITH page AS (SELECT station_id, connectors, created_at, vendor, model, booted_at,"
                + " last_seen FROM ocpp_station WHERE station_id > ? ORDER BY station_id LIMIT ?)"
                + " SELECT page.*, s.connector_id, s.status, s.error_code, s.at FROM page"
                + " LEFT JOIN ocpp_connector_status s ON s.station_id = page.station_id ORDER BY page.station_id, s.connector_id")) {
            p.setString(1, bookmark);
            p.setInt(2, pageSize + 1);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    final String id = r.getString(1);
                    Map<String, Object> s = byId.get(id);
                    if (s == null) {
                        s = new LinkedHashMap<>();
                        s.put("stationId", id);
                        s.put("connectors", r.getLong(2));
                        s.put("createdAt", r.getLong(3));
                        s.put("vendor", r.getString(4));
                        s.put("model", r.getString(5));
                        s.put("bootedAt", nullableLong(r, 6));
                        s.put("lastSeen", nullableLong(r, 7));
                        s.put("connectorStatus", new ArrayList<Object>());
                        byId.put(id, s);
                    }
                    final Long connector = nullableLong(r, 8);
                    if (connector != null) {
                        final Map<String, Object> status = new LinkedHashMap<>();
                        status.put("connectorId", connector);
                        status.put("meterId", CentralSystem.connectorMeter(id, connector.intValue()));
                        status.put("status", r.getString(9));
                        status.put("errorCode", r.getString(10));
                        status.put("at", r.getLong(11));
                        @SuppressWarnings("unchecked")
                        final List<Object> list = (List<Object>) s.get("connectorStatus");
                        list.add(status);
                    }
                }
            }
        } catch (SQLException e) {
            throw failed("stations", e);
        }
        final List<Map<String, Object>> items = new ArrayList<>(byId.values());
        if (items.size() > pageSize) {
            items.remove(pageSize);
            return page("stations", items, (String) items.get(pageSize - 1).get("stationId"));
        }
        return page("stations", items, "");
    }

    /** Sessions, newest first; of one station when {@code stationId} is not null (NOT_FOUND when no such station is registered). */
    public synchronized Map<String, Object> sessions(final String stationId, final int pageSize, final String bookmark) throws IOException {
        final long after = numericBookmark(bookmark);
        final Connection c = connection();
        if (c == null) {
            requireStation(null, stationId);
            return page("sessions", List.of(), "");
        }
        requireStation(c, stationId);
        final List<Map<String, Object>> items = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT transaction_id, station_id, connector_id, id_tag, meter_start_wh, started_at,"
                + " meter_stop_wh, stopped_at, stop_reason FROM ocpp_transaction WHERE transaction_id < ?"
                + (stationId == null ? "" : " AND station_id = ?") + " ORDER BY transaction_id DESC LIMIT ?")) {
            int i = 1;
            p.setLong(i++, after);
            if (stationId != null) {
                p.setString(i++, stationId);
            }
            p.setInt(i, pageSize + 1);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    final Map<String, Object> m = new LinkedHashMap<>();
                    final String station = r.getString(2);
                    final int connector = r.getInt(3);
                    final long start = r.getLong(5);
                    final Long stop = nullableLong(r, 7);
                    m.put("transactionId", r.getLong(1));
                    m.put("stationId", station);
                    m.put("connectorId", (long) connector);
                    m.put("meterId", CentralSystem.connectorMeter(station, connector));
                    m.put("idTag", r.getString(4));
                    m.put("meterStartWh", start);
                    m.put("startedAt", r.getLong(6));
                    m.put("meterStopWh", stop);
                    m.put("stoppedAt", nullableLong(r, 8));
                    m.put("stopReason", r.getString(9));
                    m.put("energyWh", stop == null ? null : stop - start);
                    items.add(m);
                }
            }
        } catch (SQLException e) {
            throw failed("sessions", e);
        }
        return numericPage("sessions", items, pageSize, "transactionId");
    }

    /**
     * Charging profiles sent, newest first; of one station when {@code stationId} is not null;
     * only the active ones (window contains now, not cleared, accepted and checked by the station) when {@code active} is true, only the
     * others when false, all when null.
     */
    public synchronized Map<String, Object> profiles(final String stationId, final Boolean active, final int pageSize, final String bookmark)
            throws IOException {
        final long after = numericBookmark(bookmark);
        final Connection c = connection();
        if (c == null) {
            requireStation(null, stationId);
            return page("profiles", List.of(), "");
        }
        requireStation(c, stationId);
        final long now = clock.getAsLong();
        final String activeSql = "(valid_from <= ? AND valid_to > ? AND cleared_at IS NULL AND status = 'Accepted')";
        final List<Map<String, Object>> items = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT " + energy.flexledger.client.ocpp.OcppStore.PROFILE_COLUMNS + ", " + activeSql + " FROM ocpp_profile WHERE id < ?"
                + (stationId == null ? "" : " AND station_id = ?")
                + (active == null ? "" : active ? " AND " + activeSql : " AND NOT " + activeSql)
                + " ORDER BY id DESC LIMIT ?")) {
            int i = 1;
            p.setLong(i++, now);
            p.setLong(i++, now);
            p.setLong(i++, after);
            if (stationId != null) {
                p.setString(i++, stationId);
            }
            if (active != null) {
                p.setLong(i++, now);
                p.setLong(i++, now);
            }
            p.setInt(i, pageSize + 1);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    final Map<String, Object> m = energy.flexledger.client.ocpp.OcppStore.profileRow(r);
                    m.put("active", r.getInt(13) != 0);
                    items.add(m);
                }
            }
        } catch (SQLException e) {
            throw failed("charging profiles", e);
        }
        return numericPage("profiles", items, pageSize, "chargingProfileId");
    }

    private static Map<String, Object> numericPage(final String key, final List<Map<String, Object>> items, final int pageSize, final String id) {
        if (items.size() > pageSize) {
            items.remove(pageSize);
            return page(key, items, String.valueOf(items.get(pageSize - 1).get(id)));
        }
        return page(key, items, "");
    }

    /** A bookmark this reader gave (the last id of a page), or the first page's. */
    private static long numericBookmark(final String bookmark) {
        if (bookmark.isEmpty()) {
            return Long.MAX_VALUE;
        }
        try {
            final long v = Long.parseLong(bookmark);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new Problem(ErrorCode.BAD_REQUEST, "bookmark '" + bookmark + "' is not one this list gave; pass the previous page's bookmark"
                + " as it is, or none for the first page");
    }

    private void requireStation(final Connection c, final String stationId) throws IOException {
        if (stationId == null) {
            return;
        }
        boolean known = false;
        if (c != null) {
            try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM ocpp_station WHERE station_id = ?")) {
                p.setString(1, stationId);
                try (ResultSet r = p.executeQuery()) {
                    known = r.next();
                }
            } catch (SQLException e) {
                throw failed("stations", e);
            }
        }
        if (!known) {
            throw new Problem(ErrorCode.NOT_FOUND, "station '" + stationId + "' is not registered with this gateway's central system"
                    + " (flexledger ocpp register)");
        }
    }

    /** The connection, opened once the file exists; null before. */
    private Connection connection() throws IOException {
        if (db != null) {
            return db;
        }
        if (file == null || !Files.exists(file)) {
            return null;
        }
        try {
            final Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout=10000");
                s.execute("PRAGMA query_only=true"); // this connection never writes the central system's tables
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            db = c;
            return c;
        } catch (SQLException e) {
            throw new IOException("cannot open the OCPP records " + file + ": " + e.getMessage(), e);
        }
    }

    private IOException failed(final String what, final SQLException e) {
        // A connection that failed may be the problem (a file replaced meanwhile): the next request opens it again.
        closeQuietly();
        return new IOException("reading the OCPP " + what + " of " + file + ": " + e.getMessage(), e);
    }

    private static Long nullableLong(final ResultSet r, final int column) throws SQLException {
        final long v = r.getLong(column);
        return r.wasNull() ? null : v;
    }

    private void closeQuietly() {
        if (db != null) {
            try {
                db.close();
            } catch (SQLException ignored) {
                // closing a connection that failed
            }
            db = null;
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
