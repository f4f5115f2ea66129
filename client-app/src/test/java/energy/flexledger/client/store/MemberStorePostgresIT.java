package energy.flexledger.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.client.ThrowawayPostgres;
import energy.flexledger.client.http.GatewayStore;
import energy.flexledger.spec.SpecException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every {@link MemberStoreTest} again on a real PostgreSQL (a throwaway cluster from Debian's
 * server binaries, one new database per test): the same migrations and SQL, groups with
 * savepoints, the quarantine's ON CONFLICT, generated ids; and the gateway's credentials and
 * idempotency answers in the same database. Needs no Fabric network.
 */
@Tag("integration")
class MemberStorePostgresIT extends MemberStoreTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static ThrowawayPostgres postgres;
    private StoreLocation location;

    @BeforeAll
    static void startPostgres() throws Exception {
        final Path root = Path.of(System.getProperty("flexledger.root", "..")).toAbsolutePath().normalize();
        final String env = System.getenv("FLEXLEDGER_WORK");
        final Path work = env != null ? Path.of(env) : root.resolve("work/network");
        postgres = ThrowawayPostgres.start(work.resolve("member-store-postgres"));
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @BeforeEach
    void newDatabase() throws Exception {
        location = StoreLocation.of(postgres.createDatabase("member_" + DATABASES.incrementAndGet()), Map.of());
    }

    @Override
    StoreLocation location() {
        return location;
    }

    @Test
    void theStoreIsOnPostgresql() {
        assertThat(location.engine()).isEqualTo(StoreLocation.Engine.POSTGRESQL);
    }

    @Test
    void credentialsAndIdempotencyAnswersLiveInTheSameDatabase() throws Exception {
        final String token;
        try (GatewayStore store = GatewayStore.open(location)) {
            token = store.create("ems-1", GatewayStore.Kind.EMS, List.of(), "client");
            assertThatThrownBy(() -> store.create("ems-1", GatewayStore.Kind.EMS, List.of(), "client")).isInstanceOf(SpecException.class)
                    .hasMessageContaining("exists");
        }
        try (MemberStore store = MemberStore.open(location)) {
            store.group(() -> {
                store.rememberAnswer("ems-1", "k1", new MemberStore.Answer(new byte[] {1}, 201, "application/json", "{}".getBytes()));
                // The first answer stays: a second one for the same key changes nothing and fails nothing.
                store.rememberAnswer("ems-1", "k1", new MemberStore.Answer(new byte[] {2}, 500, "text/plain", "x".getBytes()));
                return null;
            });
            assertThat(store.answer("ems-1", "k1")).map(MemberStore.Answer::status).contains(201);
        }
        try (GatewayStore again = GatewayStore.open(location)) {
            assertThat(again.authenticate(token)).map(GatewayStore.Credential::name).contains("ems-1");
            again.revoke("ems-1");
            assertThat(again.authenticate(token)).isEmpty();
            assertThat(again.isRevokedToken(token)).isTrue();
        }
    }
}
