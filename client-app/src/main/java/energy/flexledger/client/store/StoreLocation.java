package energy.flexledger.client.store;

import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Where a member store lives: an SQLite file (the default, {@code <data>/member.db}) or a
 * PostgreSQL database ({@code jdbc:postgresql://HOST[:PORT]/DATABASE}), for a member whose
 * hundreds of thousands of meters outgrow one SQLite writer. Both get the same schema from the
 * same Flyway migrations ({@code db/store}); the user and password of a PostgreSQL store come from
 * the URL or from the environment, never from the command line (decision 0025).
 */
public record StoreLocation(Engine engine, String url, String user, String password) {
    /** The database engines a member store runs on. */
    public enum Engine { SQLITE, POSTGRESQL }

    /** The environment variable with the PostgreSQL store's user (when the URL does not carry it). */
    public static final String USER_ENV = "FLEXLEDGER_STORE_USER";
    /** The environment variable with the PostgreSQL store's password: never an argument, which {@code ps} shows. */
    public static final String PASSWORD_ENV = "FLEXLEDGER_STORE_PASSWORD";

    /** An SQLite store in {@code file}. */
    public static StoreLocation sqlite(final Path file) {
        return new StoreLocation(Engine.SQLITE, "jdbc:sqlite:" + file.toAbsolutePath(), null, null);
    }

    /**
     * The store {@code target} names: a {@code jdbc:postgresql:} or {@code jdbc:sqlite:} URL, or a
     * file path (SQLite). {@code env} supplies {@value #USER_ENV} and {@value #PASSWORD_ENV}.
     */
    public static StoreLocation of(final String target, final Map<String, String> env) {
        if (target == null || target.isBlank()) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "the member store needs a file or a jdbc:postgresql://HOST[:PORT]/DATABASE URL");
        }
        final String lower = target.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:")) {
            return new StoreLocation(Engine.POSTGRESQL, target, env.get(USER_ENV), env.get(PASSWORD_ENV));
        }
        if (lower.startsWith("jdbc:sqlite:")) {
            final String file = target.substring("jdbc:sqlite:".length()).replaceFirst("\\?.*$", "");
            if (file.isEmpty() || file.startsWith(":memory:")) {
                throw new SpecException(ErrorCode.BAD_REQUEST, "the member store must be kept: jdbc:sqlite: needs a file, not '" + target + "'");
            }
            return sqlite(Path.of(file));
        }
        if (lower.startsWith("jdbc:")) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "unsupported store URL '" + redact(target)
                    + "': the member store is an SQLite file (a path or jdbc:sqlite:FILE) or jdbc:postgresql://HOST[:PORT]/DATABASE");
        }
        return sqlite(Path.of(target));
    }

    /** The SQLite file, or null for PostgreSQL. */
    public Path file() {
        return engine == Engine.SQLITE ? Path.of(url.substring("jdbc:sqlite:".length())) : null;
    }

    /** What to call this store in messages: the file, or the URL without its password. */
    @Override
    public String toString() {
        return engine == Engine.SQLITE ? file().toString() : redact(url);
    }

    /** The URL without a password parameter. */
    static String redact(final String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    /** Creates the SQLite file's folder (nothing for PostgreSQL). */
    void prepare() throws IOException {
        if (engine == Engine.SQLITE) {
            final Path parent = file().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        }
    }

    /**
     * A new connection with auto-commit off: SQLite in WAL mode with {@code synchronous=FULL} (a
     * committed transaction survives a power loss) and a busy timeout; PostgreSQL as configured by
     * its server ({@code synchronous_commit} on by default, which gives the same guarantee).
     */
    public Connection connect() throws SQLException {
        final Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        final Connection db = DriverManager.getConnection(url, props);
        try {
            try (Statement s = db.createStatement()) {
                if (engine == Engine.SQLITE) {
                    s.execute("PRAGMA journal_mode=WAL");
                    s.execute("PRAGMA synchronous=FULL");
                    s.execute("PRAGMA foreign_keys=ON");
                    s.execute("PRAGMA busy_timeout=10000");
                } else {
                    // As SQLite's busy timeout: a lock held by another process is waited for 10 s, then an error.
                    s.execute("SET lock_timeout = '10s'");
                }
            }
            db.setAutoCommit(false);
            return db;
        } catch (SQLException e) {
            db.close();
            throw e;
        }
    }
}
