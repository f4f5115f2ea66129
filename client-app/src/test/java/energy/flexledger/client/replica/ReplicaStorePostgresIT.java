package energy.flexledger.client.replica;

import energy.flexledger.client.ThrowawayPostgres;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/**
 * Every {@link ReplicaStoreTest} again on a real PostgreSQL (a throwaway cluster from Debian's
 * server binaries, one new database per test): the same migrations, idempotency, the atomic
 * checkpoint (a PL/pgSQL trigger aborts it), the chain check, every typed table, two stores on
 * one database. Needs no Fabric network.
 */
@Tag("integration")
class ReplicaStorePostgresIT extends ReplicaStoreTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static ThrowawayPostgres postgres;
    private String url;

    @BeforeAll
    static void startPostgres() throws Exception {
        final Path root = Path.of(System.getProperty("flexledger.root", "..")).toAbsolutePath().normalize();
        final String env = System.getenv("FLEXLEDGER_WORK");
        final Path work = env != null ? Path.of(env) : root.resolve("work/network");
        postgres = ThrowawayPostgres.start(work.resolve("replica-store-postgres"));
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @BeforeEach
    void newDatabase() throws SQLException {
        url = postgres.createDatabase("store_" + DATABASES.incrementAndGet());
    }

    @Override
    String url() {
        return url;
    }

    @Override
    ReplicaStore.Engine engine() {
        return ReplicaStore.Engine.POSTGRESQL;
    }

    @Override
    void createCrashTrigger(final Statement s) throws SQLException {
        s.execute("CREATE FUNCTION crash() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.block_number = 3 THEN"
                + " RAISE EXCEPTION 'crash before commit'; END IF; RETURN NEW; END $$");
        s.execute("CREATE TRIGGER crash BEFORE UPDATE ON checkpoints FOR EACH ROW EXECUTE FUNCTION crash()");
    }

    @Override
    void dropCrashTrigger(final Statement s) throws SQLException {
        s.execute("DROP TRIGGER crash ON checkpoints");
    }
}
