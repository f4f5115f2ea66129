package energy.flexledger.client.http;

import energy.flexledger.client.store.MemberStore;
import energy.flexledger.client.store.StoreLocation;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The gateway's own tables in the member store ({@code db/store}): the HTTP API's credentials, with
 * their tokens only as SHA-256 (the answers to idempotency keys are written by the member store,
 * in the transaction of the write they answer). Its own connection (on SQLite in WAL mode: the member store's writer and
 * this one wait for each other, never corrupt each other); every method is one transaction.
 */
public final class GatewayStore implements AutoCloseable {
    /**
     * What a credential may do (decision 0021): an EMS or BMS acts for the whole member, a device for its assets; a consumer
     * is another member ({@code msp}) reading, over MQTT, the data topics the ledger lets it read (decision 0022).
     */
    public enum Kind { EMS, BMS, DEVICE, CONSUMER }

    /** A credential as stored: never its token. {@code msp}: the consumer member's MSP id (consumer credentials only). */
    public record Credential(String name, Kind kind, List<String> assets, String identity, long createdAt, Long revokedAt, String msp) {
        public Credential(final String name, final Kind kind, final List<String> assets, final String identity, final long createdAt,
                final Long revokedAt) {
            this(name, kind, assets, identity, createdAt, revokedAt, null);
        }

        public boolean revoked() {
            return revokedAt != null;
        }

        public Map<String, Object> toMap() {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
            m.put("assets", new ArrayList<Object>(assets));
            m.put("identity", identity);
            if (msp != null) {
                m.put("msp", msp);
            }
            m.put("createdAt", createdAt);
            m.put("revoked", revoked());
            if (revokedAt != null) {
                m.put("revokedAt", revokedAt);
            }
            return m;
        }
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
        return open(StoreLocation.sqlite(file), System::currentTimeMillis);
    }

    public static GatewayStore open(final Path file, final java.util.function.LongSupplier clock) throws IOException {
        return open(StoreLocation.sqlite(file), clock);
    }

    /** The gateway's tables in the member store at {@code at} (created or migrated with it). */
    public static GatewayStore open(final StoreLocation at) throws IOException {
        return open(at, System::currentTimeMillis);
    }

    public static GatewayStore open(final StoreLocation at, final java.util.function.LongSupplier clock) throws IOException {
        MemberStore.migrate(at);
        try {
            return new GatewayStore(at.connect(), clock);
        } catch (SQLException e) {
            throw new IOException("cannot open the gateway's tables in " + at + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates a credential and returns its token: 32 random bytes, base64url, shown this once (only
     * its hash is kept). {@code BAD_REQUEST} for a bad name, kind or asset list, {@code ALREADY_EXISTS}
     * when the name is taken (also by a revoked credential).
     */
    public synchronized String create(final String name, final Kind kind, final List<String> assets, final String identity) throws IOException {
        if (kind == Kind.CONSUMER) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "a consumer credential is bound to the consumer's MSP id: createConsumer");
        }
        return insert(name, kind, assets, identity, null);
    }

    /**
     * Creates a consumer credential for the member {@code msp} and returns its token: it reads, over the
     * embedded MQTT broker, the data topics the ledger holds an accepted subscription of {@code msp} for
     * (decision 0022); it acts as no Fabric identity of this member.
     */
    public synchronized String createConsumer(final String name, final String msp) throws IOException {
        if (msp == null || !NAME.matcher(msp).matches()) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "a consumer credential needs the consumer member's MSP id (--msp), 1 to 63 letters,"
                    + " digits, '.', '_' or '-'");
        }
        return insert(name, Kind.CONSUMER, List.of(), "", msp);
    }

    private String insert(final String name, final Kind kind, final List<String> assets, final String identity, final String msp)
            throws IOException {
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
        if (kind != Kind.CONSUMER && !validIdentity(identity)) {
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
                    "INSERT INTO credential (name, kind, assets, identity, token_hash, created_at, msp) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, name);
                s.setString(2, kind.name().toLowerCase(java.util.Locale.ROOT));
                s.setString(3, Json.write(new ArrayList<Object>(assets)));
                s.setString(4, identity);
                s.setBytes(5, sha256(token.getBytes(StandardCharsets.US_ASCII)));
                s.setLong(6, clock.getAsLong());
                s.setString(7, msp);
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
        try {
            final List<Credential> out = new ArrayList<>();
            try (PreparedStatement s = db.prepareStatement(
                    "SELECT name, kind, assets, identity, created_at, revoked_at, msp FROM credential ORDER BY name");
                    ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(credential(r));
                }
            }
            endRead();
            return out;
        } catch (SQLException e) {
            rollback();
            throw new IOException("listing credentials: " + e.getMessage(), e);
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
        try {
            Optional<Credential> out = Optional.empty();
            try (PreparedStatement s = db.prepareStatement(
                    "SELECT name, kind, assets, identity, created_at, revoked_at, msp, token_hash FROM credential WHERE token_hash = ?")) {
                s.setBytes(1, hash);
                try (ResultSet r = s.executeQuery()) {
                    if (r.next() && MessageDigest.isEqual(hash, r.getBytes(8))) {
                        final Credential c = credential(r);
                        out = c.revoked() ? Optional.empty() : Optional.of(c);
                    }
                }
            }
            endRead();
            return out;
        } catch (SQLException e) {
            rollback();
            throw new IOException("checking a credential: " + e.getMessage(), e);
        }
    }

    /** Whether a revoked credential has this token: only to tell "revoked" in the problem's detail. */
    public synchronized boolean isRevokedToken(final String token) throws IOException {
        if (token == null || token.isEmpty() || token.length() > 200) {
            return false;
        }
        try {
            boolean revoked;
            try (PreparedStatement s = db.prepareStatement("SELECT revoked_at FROM credential WHERE token_hash = ?")) {
                s.setBytes(1, sha256(token.getBytes(StandardCharsets.UTF_8)));
                try (ResultSet r = s.executeQuery()) {
                    revoked = r.next() && r.getObject(1) != null;
                }
            }
            endRead();
            return revoked;
        } catch (SQLException e) {
            rollback();
            throw new IOException("checking a credential: " + e.getMessage(), e);
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
                r.getString(4), r.getLong(5), revoked, r.getString(7));
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

    /**
     * Ends a read transaction once its statements are closed. Committing while a result set is still
     * open keeps SQLite's read snapshot alive into the next transaction (the driver begins it at
     * once), so a running gateway would never see a revocation made by {@code credential revoke}.
     */
    private void endRead() throws SQLException {
        db.commit();
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
