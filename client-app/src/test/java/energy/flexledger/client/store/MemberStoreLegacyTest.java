package energy.flexledger.client.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store made by the SQLite-only migrations that came before {@code db/store} (history
 * {@code flyway_schema_history}, V1 to V3) opens with everything it held, is recorded with
 * {@code db/store}'s V1 as its baseline, and takes samples as any store does.
 */
class MemberStoreLegacyTest {
    private static final byte[] SALT = new byte[32];
    private static final long Q = 900_000L;
    private static final long T0 = 1_767_225_600_000L;

    @TempDir
    Path dir;

    @Test
    void aStoreOfTheEarlierMigrationsKeepsItsDataAndGoesOn() throws Exception {
        final Path file = dir.resolve("member.db");
        final String url = "jdbc:sqlite:" + file;
        // Exactly what an older flexledger made: its migrations (kept unchanged in db/migration) and rows.
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").load().migrate();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("INSERT INTO meter (meter_id, interval_ms, open_start, open_count, open_sum, open_hash, open_last_t)"
                    + " VALUES ('M', 900000, " + T0 + ", 0, 0, zeroblob(32), " + T0 + ")");
            s.execute("INSERT INTO credential (name, kind, assets, identity, token_hash, created_at) VALUES ('ems', 'ems', '[]', 'client',"
                    + " zeroblob(32), 1)");
        }
        try (MemberStore store = MemberStore.open(file)) {
            assertThat(store.trackedMeters()).containsExactly("M");
            store.reset("M");
            store.track("M", SALT, Q, T0);
            assertThat(store.ingest("M", SALT, java.util.List.of(new long[] {T0 + 1, 5}, new long[] {T0 + Q + 1, 6})).closed()).isEqualTo(1);
            assertThat(store.pending(10)).hasSize(1);
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version, type FROM store_schema_history ORDER BY installed_rank")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("1");
            assertThat(rs.getString(2)).isEqualTo("BASELINE");
        }
        try (var credentials = energy.flexledger.client.http.GatewayStore.open(file)) {
            assertThat(credentials.list()).extracting(energy.flexledger.client.http.GatewayStore.Credential::name).containsExactly("ems");
        }
        // Opening again changes nothing more.
        try (MemberStore store = MemberStore.open(file)) {
            assertThat(store.samples("M", T0, T0 + 2 * Q)).hasSize(2);
        }
    }
}
