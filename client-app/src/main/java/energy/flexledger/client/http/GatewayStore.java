package energy.flexledger.client.http;

import energy.flexledger.client.store.MemberStore;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Json;
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
import java.util.regex.Pattern;

/**
 * The gateway's own tables in the member store's file (migration V3): the HTTP API's credentials,
 * with their tokens only as SHA-256, and the first answer to each write that carried an
 * {@code Idempotency-Key}. Its own SQLite connection (WAL: the member store's writer and this one
 * wait for each other, never corrupt each other); every method is one transaction.
 */
public final class GatewayStore implements AutoCloseable {
    /** What a credential may do (decision 0021): an EMS or BMS acts for the whole member, a device for its assets. */
    public enum Kind { EMS, BMS, DEVICE }

    /** A credential as stored: never its token. */
    public record Credential(String name, Kind kind, List<String> assets, String identity, long createdAt, Long revokedAt) {
        public boolean revoked() {
            return revokedAt != null;
        }

        public Map<String, Object> toMap() {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
            m.put("assets", new ArrayList<Object>(assets));
            m.put("identity", identity);
            m.put("createdAt", createdAt);
            m.put("revoked", revoked());
            if (revokedAt != null) {
                m.put("revokedAt", revokedAt);
            }
            return m;
        }
    }

    /** A stored answer to a write. */
    public record Answer(int status, String contentType, byte[] body) {
    }

    /** The prefix of every token: tells a FlexLedger token apart in logs and secret scanners. */
    public static final String TOKEN_PREFIX = "flx_";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Connection db;
    private final java.util.function.LongSupplier clock;

    private GatewayStore(final Connection db, final java.util.function.LongSupplier clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Whether this can name an identity's profile {@code <org>-<identity>.properties}: the same pattern as credential names. */
    public static boolean validIdentity(final String identity) {
        return identity != null && NAME.matcher(identity).matches();
    }

    public static GatewayStore open(final Path file) throws IOException {
        return open(file, System::currentTimeMillis);
    }

    public static GatewayStore open(final Path file, final java.util.function.LongSupplier clock) throws IOException {
        final String url = MemberStore.migrate(file);
        try {
            final Connection db = DriverManager.getConnection(url);
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA busy_timeout=10000");
            }
            db.setAutoCommit(false);
            return new GatewayStore(db, clock);
        } catch (SQLException e) {
            throw new IOException("cannot open the gateway's tables in " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates a credential and returns its token: 32 random bytes, base64url, shown this once (only
     * its hash is kept). {@code BAD_REQUEST} for a bad name, kind or asset list, {@code ALREADY_EXISTS}
     * when the name is taken (also by a revoked credential).
     */
    public synchronized String create(final String name, final Kind kind, final List<String> assets, final String identity) throws IOException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "credential name must be 1 to 63 letters, digits, '.', '_' or '-', starting with a"
                    + " letter or digit");
        }
        if (kind == Kind.DEVICE && assets.isEmpty()) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "a device credential needs at least one --asset: the assets it writes and reads");
        }
        if (kind != Kind.DEVICE && !assets.isEmpty()) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "--asset is for device credentials; an " + kind.name().toLowerCase(java.util.Locale.ROOT)
                    + " credential acts for the whole member");
        }
        for (final String a : assets) {
            if (a == null || a.isBlank() || a.length() > 256) {
                throw new SpecException(ErrorCode.BAD_REQUEST, "asset ids must be 1 to 256 characters");
            }
        }
        if (!validIdentity(identity)) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "a credential needs the Fabric identity it acts as: 1 to 63 letters, digits, '.',"
                    + " '_' or '-', starting with a letter or digit (the profile <org>-<identity>.properties)");
        }
        final byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        final String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        try {
            try (PreparedStatement s = db.prepareStatement("SELECT 1 FROM credential WHERE name = ?")) {
                s.setString(1, name);
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        throw new SpecException(ErrorCode.ALREADY_EXISTS, "credential '" + name + "' exists (names of revoked credentials are"
                                + " not reused)");
                    }
                }
            }
            try (PreparedStatement s = db.prepareStatement(
                    "INSERT INTO credential (name, kind, assets, identity, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                s.setString(1, name);
                s.setString(2, kind.name().toLowerCase(java.util.Locale.ROOT));
                s.setString(3, Json.write(new ArrayList<Object>(assets)));
                s.setString(4, identity);
                s.setBytes(5, sha256(token.getBytes(StandardCharsets.US_ASCII)));
                s.setLong(6, clock.getAsLong());
                s.executeUpdate();
            }
            db.commit();
            return token;
        } catch (SQLException e) {
            rollback();
            throw new IOException("storing credential '" + name + "': " + e.getMessage(), e);
        } catch (RuntimeException e) {
            rollback();
            throw e;
        }
    }

    /** Revokes a credential: from now on its token is refused. {@code NOT_FOUND} for an unknown name; revoking twice changes nothing. */
    public synchronized Credential revoke(final String name) throws IOException {
        try {
            try (PreparedStatement s = db.prepareStatement("UPDATE credential SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL")) {
                s.setLong(1, clock.getAsLong());
                s.setString(2, name);
                s.executeUpdate();
            }
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw new IOException("revoking credential '" + name + "': " + e.getMessage(), e);
        }
        return list().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new SpecException(ErrorCode.NOT_FOUND, "no credential '" + name + "'"));
    }

    /** Every credential, revoked ones too, by name. */
    public synchronized List<Credential> list() throws IOException {
        final List<Credential> out = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement(
                "SELECT name, kind, assets, identity, created_at, revoked_at FROM credential ORDER BY name");
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.add(credential(r));
            }
        } catch (SQLException e) {
            rollback();
            throw new IOException("listing credentials: " + e.getMessage(), e);
        }
        endRead("listing credentials");
        return out;
    }

    /**
     * Ends a read transaction once its statements are closed. A commit while a result set is still
     * open leaves SQLite's read snapshot in place, and the connection then never sees what another
     * process wrote since (a credential revoked by {@code flexledger credential revoke} would still
     * authenticate in a running gateway).
     */
    private void endRead(final String what) throws IOException {
        try {
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw new IOException(what + ": " + e.getMessage(), e);
        }
    }

    /**
     * The live (not revoked) credential whose token this is. The token's hash is looked up by its
     * index, then compared again in constant time ({@link MessageDigest#isEqual}).
     */
    public synchronized Optional<Credential> authenticate(final String token) throws IOException {
        if (token == null || token.isEmpty() || token.length() > 200) {
            return Optional.empty();
        }
        final byte[] hash = sha256(token.getBytes(StandardCharsets.UTF_8));
        Optional<Credential> out = Optional.empty();
        try (PreparedStatement s = db.prepareStatement(
                "SELECT name, kind, assets, identity, created_at, revoked_at, token_hash FROM credential WHERE token_hash = ?")) {
            s.setBytes(1, hash);
            try (ResultSet r = s.executeQuery()) {
                if (r.next() && MessageDigest.isEqual(hash, r.getBytes(7))) {
                    final Credential c = credential(r);
                    out = c.revoked() ? Optional.empty() : Optional.of(c);
                }
            }
        } catch (SQLException e) {
            rollback();
            throw new IOException("checking a credential: " + e.getMessage(), e);
        }
        endRead("checking a credential");
        return out;
    }

    /** Whether a revoked credential has this token: only to tell "revoked" in the problem's detail. */
    public synchronized boolean isRevokedToken(final String token) throws IOException {
        if (token == null || token.isEmpty() || token.length() > 200) {
            return false;
        }
        boolean revoked;
        try (PreparedStatement s = db.prepareStatement("SELECT revoked_at FROM credential WHERE token_hash = ?")) {
            s.setBytes(1, sha256(token.getBytes(StandardCharsets.UTF_8)));
            try (ResultSet r = s.executeQuery()) {
                revoked = r.next() && r.getObject(1) != null;
            }
        } catch (SQLException e) {
            rollback();
            throw new IOException("checking a credential: " + e.getMessage(), e);
        }
        endRead("checking a credential");
        return revoked;
    }

    /** The answer stored for (credential, key), with the hash of the request that got it. */
    public record Remembered(byte[] requestHash, Answer answer) {
    }

    public synchronized Optional<Remembered> remembered(final String credential, final String key) throws IOException {
        Optional<Remembered> out = Optional.empty();
        try (PreparedStatement s = db.prepareStatement(
                "SELECT request_hash, status, content_type, body FROM idempotency WHERE credential = ? AND key = ?")) {
            s.setString(1, credential);
            s.setString(2, key);
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    out = Optional.of(new Remembered(r.getBytes(1), new Answer(r.getInt(2), r.getString(3), r.getBytes(4))));
                }
            }
        } catch (SQLException e) {
            rollback();
            throw new IOException("reading an idempotency key: " + e.getMessage(), e);
        }
        endRead("reading an idempotency key");
        return out;
    }

    public synchronized void remember(final String credential, final String key, final byte[] requestHash, final Answer answer) throws IOException {
        try (PreparedStatement s = db.prepareStatement("INSERT OR IGNORE INTO idempotency (credential, key, request_hash, status, content_type,"
                + " body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, credential);
            s.setString(2, key);
            s.setBytes(3, requestHash);
            s.setInt(4, answer.status());
            s.setString(5, answer.contentType());
            s.setBytes(6, answer.body());
            s.setLong(7, clock.getAsLong());
            s.executeUpdate();
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw new IOException("storing an idempotency key: " + e.getMessage(), e);
        }
    }

    private static Credential credential(final ResultSet r) throws SQLException {
        final List<String> assets = new ArrayList<>();
        for (final Object a : (List<?>) Json.parse(r.getString(3))) {
            assets.add((String) a);
        }
        final long revokedAt = r.getLong(6);
        final Long revoked = r.wasNull() ? null : revokedAt;
        return new Credential(r.getString(1), Kind.valueOf(r.getString(2).toUpperCase(java.util.Locale.ROOT)), List.copyOf(assets),
                r.getString(4), r.getLong(5), revoked);
    }

    public static byte[] sha256(final byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    static String hex(final byte[] data) {
        return Hex.encode(data);
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
            throw new IOException("closing the gateway's tables: " + e.getMessage(), e);
        }
    }
}
