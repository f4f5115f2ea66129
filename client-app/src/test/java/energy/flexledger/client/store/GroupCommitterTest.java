package energy.flexledger.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.spec.SpecException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The member store's group commit: many callers' units in one transaction, each undone alone, answered after the commit. */
class GroupCommitterTest {
    private static final byte[] SALT = new byte[32];
    private static final long Q = 900_000L;
    private static final long T0 = 1_767_225_600_000L;

    @TempDir
    Path dir;

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void unitsWaitingTogetherShareACommitAndAFailingUnitIsUndoneAlone() throws Exception {
        final List<Long> commits = new CopyOnWriteArrayList<>();
        try (MemberStore store = MemberStore.open(dir.resolve("m.db"));
                GroupCommitter committer = new GroupCommitter(store, 1_000).observeCommits(commits::add)) {
            for (int m = 0; m < 8; m++) {
                store.track("M" + m, SALT, Q, T0);
            }
            // Hold the writer in a first unit until seven more are queued behind it: they must share the next commit.
            final CountDownLatch queued = new CountDownLatch(1);
            final CountDownLatch running = new CountDownLatch(1);
            final ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                final Future<Integer> first = pool.submit(() -> committer.submit(() -> {
                    running.countDown();
                    try {
                        queued.await();
                    } catch (InterruptedException e) {
                        throw new java.io.IOException(e);
                    }
                    return store.ingest("M0", SALT, List.of(new long[] {T0 + 1, 1})).accepted();
                }, 1));
                running.await(); // the writer runs the first unit alone: the others queue behind it
                final List<Future<Integer>> rest = new ArrayList<>();
                for (int m = 1; m < 8; m++) {
                    final String meter = "M" + m;
                    final boolean fails = m == 4;
                    rest.add(pool.submit(() -> committer.submit(() -> {
                        final int accepted = store.ingest(meter, SALT, List.of(new long[] {T0 + 1, 1})).accepted();
                        if (fails) {
                            // written, then failed: its savepoint must undo the write, the others' stay
                            throw new SpecException(energy.flexledger.spec.ErrorCode.BAD_REQUEST, "not tracked after all");
                        }
                        return accepted;
                    }, 1)));
                }
                while (queuedUnits(committer) < 7) {
                    Thread.onSpinWait();
                }
                queued.countDown();
                assertThat(first.get()).isEqualTo(1);
                for (int i = 0; i < rest.size(); i++) {
                    final Future<Integer> f = rest.get(i);
                    if (i == 3) {
                        assertThatThrownBy(f::get).hasCauseInstanceOf(SpecException.class).hasMessageContaining("not tracked");
                    } else {
                        assertThat(f.get()).isEqualTo(1);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(commits).containsExactly(1L, 7L);
            for (int m = 0; m < 8; m++) {
                assertThat(store.samples("M" + m, T0, T0 + Q)).as("M" + m).hasSize(m == 4 ? 0 : 1);
            }
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aCommitTakesUnitsUpToItsWeightAndCloseRefusesNewOnes() throws Exception {
        final List<Long> commits = new CopyOnWriteArrayList<>();
        try (MemberStore store = MemberStore.open(dir.resolve("m.db"))) {
            store.track("M", SALT, Q, T0);
            final GroupCommitter committer = new GroupCommitter(store, 2).observeCommits(commits::add);
            final CountDownLatch hold = new CountDownLatch(1);
            final CountDownLatch running = new CountDownLatch(1);
            final ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                final Future<?> first = pool.submit(() -> committer.submit(() -> {
                    running.countDown();
                    try {
                        hold.await();
                    } catch (InterruptedException e) {
                        throw new java.io.IOException(e);
                    }
                    return null;
                }, 1));
                running.await(); // the writer holds the first unit: the next ones queue in the order sent
                final List<Future<?>> rest = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    final long t = T0 + 1 + i;
                    rest.add(pool.submit(() -> committer.submit(() -> store.ingest("M", SALT, List.of(new long[] {t, 1})), 1)));
                    // one after the other, so the order (and the meter's sample order) is the queue's
                    while (queuedUnits(committer) < i + 1) {
                        Thread.onSpinWait();
                    }
                }
                hold.countDown();
                first.get();
                for (final Future<?> f : rest) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            // weight 2 per commit: the held one alone, then two, then one
            assertThat(commits).containsExactly(1L, 2L, 1L);
            assertThat(store.samples("M", T0, T0 + Q)).extracting(s -> s[0]).containsExactly(T0 + 1, T0 + 2, T0 + 3);
            committer.close();
            assertThatThrownBy(() -> committer.submit(() -> null, 1)).hasMessageContaining("stopping");
        }
    }

    private static int queuedUnits(final GroupCommitter committer) {
        return committer.waiting();
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aUnitThatThrowsAnErrorLeavesNothingForTheNextCommit() throws Exception {
        try (MemberStore store = MemberStore.open(dir.resolve("m.db"))) {
            store.track("M", SALT, Q, T0);
            final GroupCommitter committer = new GroupCommitter(store, 100);
            assertThatThrownBy(() -> committer.submit(() -> {
                store.ingest("M", SALT, List.of(new long[] {T0 + 1, 1}));
                throw new AssertionError("a bug in the unit");
            }, 1)).isInstanceOf(AssertionError.class);
            // the store goes on, and what the failed unit wrote is not committed by the next transaction
            store.track("N", SALT, Q, T0);
            assertThatThrownBy(() -> committer.submit(() -> null, 1)).hasMessageContaining("stop");
            committer.close();
        }
        try (MemberStore again = MemberStore.open(dir.resolve("m.db"))) {
            assertThat(again.samples("M", T0, T0 + Q)).isEmpty();
            assertThat(again.trackedMeters()).containsExactly("M", "N");
        }
    }
}
