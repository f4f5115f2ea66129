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

    @Test
    void twoProcessesWritingOneStoreTakeTurnsAndTheFingerprintMatchesTheSamples() throws Exception {
        final byte[] salt = new byte[32];
        final long q = 900_000L;
        final long t0 = 1_767_225_600_000L;
        try (MemberStore a = MemberStore.open(location); MemberStore b = MemberStore.open(location)) {
            a.track("M", salt, q, t0);
            // Two writers (two gateways, or a gateway and 'flexledger ingest'), each on its own connection,
            // send interleaved samples of one meter at once: without the store's lock both would read the
            // same open interval and the last UPDATE would drop the other's samples from the fingerprint.
            final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                final List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
                for (final MemberStore store : List.of(a, b)) {
                    final long offset = store == a ? 1 : 2;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < 200; i++) {
                            store.ingest("M", salt, List.of(new long[] {t0 + offset + 2L * i, 1}));
                        }
                        return null;
                    }));
                }
                for (final java.util.concurrent.Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            a.closeUntil("M", salt, t0 + q);
            final List<long[]> kept = a.samples("M", t0, t0 + q);
            final energy.flexledger.spec.Fp1.Accumulator acc = energy.flexledger.spec.Fp1.interval(salt, "M", t0, t0 + q);
            kept.forEach(sv -> acc.add(sv[0], sv[1]));
            assertThat(a.pending(10)).singleElement().satisfies(r -> assertThat(r.digest()).isEqualTo(acc.digest()));
            // every sample is either in the fingerprint or in the quarantine (arrived after a later one): none lost
            assertThat(kept.size() + a.quarantined("M").size()).isEqualTo(400);
        }
    }
}
