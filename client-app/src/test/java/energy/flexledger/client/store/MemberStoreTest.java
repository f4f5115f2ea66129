package energy.flexledger.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.IntervalDigest;
import energy.flexledger.spec.SpecException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The member store's rules, on SQLite; {@code MemberStorePostgresIT} runs every test again on a
 * real PostgreSQL (the same migrations, the same SQL).
 */
class MemberStoreTest {
    private static final byte[] SALT = new byte[32];
    private static final long Q = 900_000L;
    private static final long T0 = 1_767_225_600_000L;

    @TempDir
    Path dir;

    /** The store under test: an SQLite file here, a PostgreSQL database in {@code MemberStorePostgresIT}. */
    StoreLocation location() {
        return StoreLocation.sqlite(dir.resolve("member.db"));
    }

    private static List<long[]> samples(final long... tv) {
        final List<long[]> out = new ArrayList<>();
        for (int i = 0; i < tv.length; i += 2) {
            out.add(new long[] {tv[i], tv[i + 1]});
        }
        return out;
    }

    private static IntervalDigest digest(final long start, final long... tv) {
        final Fp1.Accumulator acc = Fp1.interval(SALT, "M", start, start + Q);
        for (int i = 0; i < tv.length; i += 2) {
            acc.add(tv[i], tv[i + 1]);
        }
        return acc.digest();
    }

    @Test
    void aGroupCommitsOnceAFailedStepIsUndoneAloneAndAFailedGroupKeepsNothing() throws Exception {
        try (MemberStore store = MemberStore.open(location())) {
            store.track("A", SALT, Q, T0);
            store.track("B", SALT, Q, T0);
            store.group(() -> {
                store.ingest("A", SALT, samples(T0 + 1, 10));
                assertThatThrownBy(() -> store.ingest("NOT-TRACKED", SALT, samples(T0 + 1, 10))).isInstanceOf(SpecException.class);
                store.ingest("B", SALT, samples(T0 + 1, 20));
                return null;
            });
            assertThat(store.samples("A", T0, T0 + Q)).hasSize(1);
            assertThat(store.samples("B", T0, T0 + Q)).hasSize(1);
            assertThatThrownBy(() -> store.group(() -> {
                store.ingest("A", SALT, samples(T0 + 2, 11));
                throw new java.io.IOException("the disk is full");
            })).hasMessageContaining("disk is full");
            assertThat(store.samples("A", T0, T0 + Q)).as("nothing of a failed group").hasSize(1);
            // and the store goes on as before
            assertThat(store.ingest("A", SALT, samples(T0 + 2, 11)).accepted()).isEqualTo(1);
        }
    }

    @Test
    void samplesCloseIntervalsIntoTheOutboxWithExplicitGapsAndTheDigestsAreFp1s() throws Exception {
        try (MemberStore store = MemberStore.open(location())) {
            store.track("M", SALT, Q, T0);
            assertThat(store.ingest("M", SALT, samples(T0 + 1, 10, T0 + Q, 20)).accepted()).isEqualTo(2);
            assertThat(store.pending(10)).isEmpty();
            // A sample in the fourth interval closes the first and records the two between as empty.
            final MemberStore.Ingested next = store.ingest("M", SALT, samples(T0 + 3 * Q + 5, 7));
            assertThat(next.closed()).isEqualTo(3);
            final List<MemberStore.OutboxRow> rows = store.pending(10);
            assertThat(rows).extracting(r -> r.digest()).containsExactly(digest(T0, T0 + 1, 10, T0 + Q, 20), digest(T0 + Q), digest(T0 + 2 * Q));
            assertThat(rows.get(1).digest().count()).isZero();
            assertThat(store.samples("M", T0, T0 + 4 * Q)).extracting(s -> s[0]).containsExactly(T0 + 1, T0 + Q, T0 + 3 * Q + 5);
        }
    }

    @Test
    void aRestartResumesTheOpenIntervalFromTheStoredStateAndLosesNothingAcknowledged() throws Exception {
        final StoreLocation file = location();
        try (MemberStore store = MemberStore.open(file)) {
            store.track("M", SALT, Q, T0);
            store.ingest("M", SALT, samples(T0 + 60_000, 5, T0 + 120_000, 6));
        }
        try (MemberStore again = MemberStore.open(file)) {
            again.ingest("M", SALT, samples(T0 + 180_000, 7));
            again.closeUntil("M", SALT, T0 + Q);
            assertThat(again.pending(10)).extracting(r -> r.digest())
                    .containsExactly(digest(T0, T0 + 60_000, 5, T0 + 120_000, 6, T0 + 180_000, 7));
            assertThat(again.status()).extractingByKey("outbox").asString().contains("PENDING=1");
        }
    }

    @Test
    void badSamplesAreRejectedOneByOneWithTheirCodeAndChangeNothing() throws Exception {
        try (MemberStore store = MemberStore.open(location())) {
            store.track("M", SALT, Q, T0);
            final MemberStore.Ingested r = store.ingest("M", SALT, samples(T0 + 10, 1, T0 + 10, 2, T0 + 5, 3, T0 + 20, Long.MAX_VALUE,
                    T0 + 30, 4, T0, 9));
            assertThat(r.accepted()).isEqualTo(2);
            assertThat(r.rejected()).extracting(MemberStore.Rejected::index, MemberStore.Rejected::code).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(1, ErrorCode.SAMPLES_NOT_INCREASING),
                    org.assertj.core.groups.Tuple.tuple(2, ErrorCode.SAMPLES_NOT_INCREASING),
                    org.assertj.core.groups.Tuple.tuple(3, ErrorCode.SUM_OVERFLOW),
                    org.assertj.core.groups.Tuple.tuple(5, ErrorCode.SAMPLE_OUTSIDE_INTERVAL));
            // Acknowledged means kept: every one of them waits in the quarantine with its reason.
            assertThat(r.quarantined()).isEqualTo(4);
            assertThat(store.quarantined("M")).extracting(q -> q.get("t"), q -> q.get("v"), q -> q.get("reason")).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(T0, 9L, "SAMPLE_OUTSIDE_INTERVAL"),
                    org.assertj.core.groups.Tuple.tuple(T0 + 5, 3L, "SAMPLES_NOT_INCREASING"),
                    org.assertj.core.groups.Tuple.tuple(T0 + 10, 2L, "SAMPLES_NOT_INCREASING"),
                    org.assertj.core.groups.Tuple.tuple(T0 + 20, Long.MAX_VALUE, "SUM_OVERFLOW"));
            assertThat(store.status()).containsEntry("quarantined", 4L);
            // Delivered again (QoS 1): kept once.
            store.ingest("M", SALT, samples(T0 + 5, 3));
            assertThat(store.quarantined("M")).hasSize(4);
            store.closeUntil("M", SALT, T0 + Q);
            assertThat(store.pending(10)).extracting(MemberStore.OutboxRow::digest).containsExactly(digest(T0, T0 + 10, 1, T0 + 30, 4));
            assertThat(store.samples("M", T0, T0 + Q)).extracting(x -> x[1]).containsExactly(1L, 4L);
            // A late sample for a closed interval is refused; the closed record stays as it was.
            assertThat(store.ingest("M", SALT, samples(T0 + 40, 1)).rejected()).extracting(MemberStore.Rejected::code)
                    .containsExactly(ErrorCode.SAMPLE_OUTSIDE_INTERVAL);
            // A sample a year and more ahead is refused instead of writing tens of thousands of gaps.
            assertThat(store.ingest("M", SALT, samples(T0 + (MemberStore.MAX_GAP_INTERVALS + 4) * Q, 1)).rejected())
                    .extracting(MemberStore.Rejected::code).containsExactly(ErrorCode.BAD_INTERVAL);
            assertThat(store.pending(10)).hasSize(1);
        }
    }

    @Test
    void trackingIsIdempotentAndChecked() throws Exception {
        try (MemberStore store = MemberStore.open(location())) {
            store.track("M", SALT, Q, T0);
            store.ingest("M", SALT, samples(T0 + 1, 1));
            assertThat(store.track("M", SALT, Q, T0 + 5 * Q).openStart()).as("tracking again keeps the state").isEqualTo(T0);
            assertThatThrownBy(() -> store.track("M", SALT, 60_000, T0)).isInstanceOfSatisfying(SpecException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
            assertThatThrownBy(() -> store.track("N", SALT, Q, T0 + 1)).isInstanceOfSatisfying(SpecException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.MISALIGNED));
            assertThatThrownBy(() -> store.ingest("N", SALT, samples(T0 + 1, 1))).isInstanceOfSatisfying(SpecException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
            assertThat(store.tracked("N")).isEmpty();
        }
    }

    @Test
    void aFailedRecordBlocksItsMeterOnly() throws Exception {
        try (MemberStore store = MemberStore.open(location())) {
            store.track("M", SALT, Q, T0);
            store.track("N", SALT, Q, T0);
            store.closeUntil("M", SALT, T0 + 2 * Q);
            store.closeUntil("N", SALT, T0 + Q);
            final List<MemberStore.OutboxRow> rows = store.pending(10);
            assertThat(rows).extracting(MemberStore.OutboxRow::meterId).containsExactly("M", "M", "N");
            store.markFailed(rows.get(0).id(), ErrorCode.CONFLICT, "different record");
            assertThat(store.pending(10)).extracting(MemberStore.OutboxRow::meterId).containsExactly("N");
            store.markCommitted(List.of(rows.get(2).id()), "tx-1");
            assertThat(store.pending(10)).isEmpty();
            assertThat(store.outbox("N")).extracting(MemberStore.OutboxRow::status, MemberStore.OutboxRow::txId)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("COMMITTED", "tx-1"));
            // Once the cause is fixed, the failed record goes back to PENDING and M sends again.
            assertThat(store.retryFailed("M")).isEqualTo(1);
            assertThat(store.retryFailed("M")).isZero();
            assertThat(store.pending(10)).extracting(MemberStore.OutboxRow::meterId).containsExactly("M", "M");
            assertThat(store.outbox("M").get(0).errorCode()).isNull();
        }
    }

    @Test
    void aSampleDeliveredTwiceIsStoredOnceAndADifferentValueForAStoredTimeIsRefused() throws Exception {
        try (MemberStore store = MemberStore.open(location())) {
            store.track("M", SALT, Q, T0);
            store.ingest("M", SALT, samples(T0 + 1, 10, T0 + 2, 20));
            final MemberStore.Ingested again = store.ingest("M", SALT, samples(T0 + 1, 10, T0 + 2, 20, T0 + 3, 30));
            assertThat(again.duplicates()).isEqualTo(2);
            assertThat(again.accepted()).isEqualTo(1);
            assertThat(again.rejected()).isEmpty();
            assertThat(store.ingest("M", SALT, samples(T0 + 2, 21)).rejected()).extracting(MemberStore.Rejected::code)
                    .containsExactly(ErrorCode.SAMPLES_NOT_INCREASING);
            store.closeUntil("M", SALT, T0 + Q);
            assertThat(store.pending(10).get(0).digest()).isEqualTo(digest(T0, T0 + 1, 10, T0 + 2, 20, T0 + 3, 30));
        }
    }

    @Test
    void samplesAheadOfTheClockAndClosingTheFutureAreRefused() throws Exception {
        final long now = T0 + 10 * Q;
        try (MemberStore store = MemberStore.open(location(), () -> now)) {
            store.track("M", SALT, Q, T0);
            final MemberStore.Ingested r = store.ingest("M", SALT, samples(T0 + 1, 1, now + MemberStore.MAX_CLOCK_SKEW_MS + 1, 2,
                    now + MemberStore.MAX_CLOCK_SKEW_MS, 3));
            assertThat(r.rejected()).extracting(MemberStore.Rejected::index, MemberStore.Rejected::code)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(1, ErrorCode.BAD_INTERVAL));
            assertThat(r.accepted()).isEqualTo(2);
            assertThatThrownBy(() -> store.closeUntil("M", SALT, now + MemberStore.MAX_CLOCK_SKEW_MS + Q))
                    .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INTERVAL));
        }
    }

    @Test
    void theSameSampleTwiceInOneCallIsADuplicateNotAnError() throws Exception {
        try (MemberStore store = MemberStore.open(location())) {
            store.track("M", SALT, Q, T0);
            final MemberStore.Ingested r = store.ingest("M", SALT, samples(T0 + 1, 1, T0 + 1, 1, T0 + 2, 2, T0 + 1, 9));
            assertThat(r.accepted()).isEqualTo(2);
            assertThat(r.duplicates()).isEqualTo(1);
            assertThat(r.rejected()).extracting(MemberStore.Rejected::code).containsExactly(ErrorCode.SAMPLES_NOT_INCREASING);
        }
    }

    @Test
    void aSampleBeyondTheMetersPlausibleRangeIsQuarantinedNotFingerprinted() throws Exception {
        try (MemberStore store = MemberStore.open(location())) {
            store.track("M", SALT, Q, T0, 5_000L);
            final MemberStore.Ingested r = store.ingest("M", SALT, samples(T0 + 10, 5_000, T0 + 20, Long.MAX_VALUE, T0 + 30, -5_001, T0 + 40, 7));
            assertThat(r.accepted()).isEqualTo(2);
            assertThat(store.quarantined("M")).extracting(q -> q.get("v")).containsExactly(Long.MAX_VALUE, -5_001L);
            store.closeUntil("M", SALT, T0 + Q);
            // One absurd value no longer poisons the interval: the later sample is in its fingerprint.
            assertThat(store.pending(10)).extracting(MemberStore.OutboxRow::digest).containsExactly(digest(T0, T0 + 10, 5_000, T0 + 40, 7));
        }
    }

    @Test
    void aResetForgetsTheLocalChainAndTheNextTrackingStartsFromTheLedgersHead() throws Exception {
        try (MemberStore store = MemberStore.open(location())) {
            store.track("M", SALT, Q, T0);
            store.ingest("M", SALT, samples(T0 + 10, 1, T0 + Q + 10, 2));
            final java.util.Map<String, Object> reset = store.reset("M");
            assertThat(reset).containsEntry("droppedRecords", 1L).containsEntry("openStart", T0 + Q);
            assertThat(store.tracked("M")).isEmpty();
            assertThat(store.pending(10)).isEmpty();
            assertThat(store.samples("M", T0, T0 + 2 * Q)).hasSize(2);
            // Where the ledger's chain continues (say, a head at T0 + 5 Q): the open interval starts there.
            assertThat(store.track("M", SALT, Q, T0 + 5 * Q).openStart()).isEqualTo(T0 + 5 * Q);
            assertThat(store.tracked("M")).isPresent();
        }
    }

    @Test
    void aResetMovesSamplesBeyondTheLedgersHeadToTheQuarantineAndTheyCanBeSentAgain() throws Exception {
        try (MemberStore store = MemberStore.open(location())) {
            store.track("M", SALT, Q, T0);
            store.ingest("M", SALT, samples(T0 + 10, 1, T0 + 20, 2));
            store.reset("M");
            // The ledger's chain continues at T0: the two stored samples are in no fingerprint.
            store.track("M", SALT, Q, T0);
            assertThat(store.samples("M", T0, T0 + Q)).isEmpty();
            assertThat(store.quarantined("M")).extracting(q -> q.get("reason")).containsExactly("RESET", "RESET");
            // Replayed into the new chain (MeterTracking does it right after the re-tracking), before any
            // newer sample could close their interval as empty: stored, fingerprinted, out of the quarantine.
            final MemberStore.Ingested again = store.replayReset("M", SALT);
            assertThat(again.accepted()).isEqualTo(2);
            assertThat(store.quarantined("M")).isEmpty();
            store.closeUntil("M", SALT, T0 + Q);
            assertThat(store.pending(10)).extracting(MemberStore.OutboxRow::digest).containsExactly(digest(T0, T0 + 10, 1, T0 + 20, 2));
        }
    }

    @Test
    void aQuarantinedSampleSentAgainIsKeptOnceAndLeavesTheQuarantineWhenItFits() throws Exception {
        final long[] now = {T0 + 100};
        try (MemberStore store = MemberStore.open(location(), () -> now[0])) {
            store.track("M", SALT, Q, T0);
            store.ingest("M", SALT, samples(T0 + 50, 1, T0 + 40, 2));
            // Ahead of the clock: quarantined.
            final long ahead = T0 + 100 + MemberStore.MAX_CLOCK_SKEW_MS + 1;
            assertThat(store.ingest("M", SALT, samples(ahead, 3)).quarantined()).isEqualTo(1);
            assertThat(store.quarantined("M")).hasSize(2);
            now[0] = ahead + 60_000;
            // Both again, later: the out-of-order one is refused again and still kept once (whatever
            // the reason now); the one ahead of the clock now fits: it goes into the fingerprint and
            // leaves the quarantine, so it is never counted twice.
            final MemberStore.Ingested again = store.ingest("M", SALT, samples(T0 + 40, 2, ahead, 3));
            assertThat(again.accepted()).isEqualTo(1);
            assertThat(store.quarantined("M")).extracting(q -> q.get("t")).containsExactly(T0 + 40);
            assertThat(store.samples("M", T0, T0 + Q)).hasSize(2);
        }
    }

    @Test
    void parkedAndRefusedMessagesAreKeptInOrderWithTheirIds() throws Exception {
        try (MemberStore store = MemberStore.open(location())) {
            final long first = store.keep("M", "flexledger/meters/M/samples", new byte[] {1, 2}, true, "ledger unreachable");
            final long second = store.keep("M", "flexledger/meters/M/samples", new byte[] {3}, true, "behind a parked message");
            final long refused = store.keep(null, "flexledger/meters/x", new byte[] {(byte) 0xff}, false, "x".repeat(2_000));
            assertThat(second).isGreaterThan(first);
            assertThat(refused).isGreaterThan(second);
            assertThat(store.hasParked("M")).isTrue();
            assertThat(store.parked()).extracting(MemberStore.InboxMessage::id).containsExactly(first, second);
            assertThat(store.parked().get(0).payload()).containsExactly(1, 2);
            store.unpark(first);
            store.refuseParked(second, "malformed");
            assertThat(store.hasParked("M")).isFalse();
            assertThat(store.status()).extractingByKey("inbox").asString().contains("PARKED=0").contains("REFUSED=2");
        }
    }

    @Test
    void aMeterWithABoundQuarantinesImplausibleValuesAndAFailedRecordHoldsItsMeter() throws Exception {
        try (MemberStore store = MemberStore.open(location())) {
            store.track("M", SALT, Q, T0, 1_000L);
            store.track("N", SALT, Q, T0);
            assertThat(store.metersWithoutBound()).containsExactly("N");
            assertThat(store.ingest("M", SALT, samples(T0 + 1, 1_001, T0 + 2, -1_000)).quarantined()).isEqualTo(1);
            store.setBound("N", 5);
            assertThat(store.metersWithoutBound()).isEmpty();
            store.ingest("M", SALT, samples(T0 + Q + 1, 1));
            store.ingest("N", SALT, samples(T0 + Q + 1, 1));
            final List<MemberStore.OutboxRow> rows = store.pending(10);
            assertThat(rows).hasSize(2);
            store.markFailed(rows.get(0).id(), ErrorCode.CONFLICT, "refused");
            assertThat(store.pending(10)).extracting(MemberStore.OutboxRow::meterId).containsExactly(rows.get(1).meterId());
            assertThat(store.outboxBacklog()[0]).as("pending only: the failed one waits apart").isEqualTo(1);
            assertThat(store.retryFailed(rows.get(0).meterId())).isEqualTo(1);
            store.markCommitted(List.of(rows.get(0).id(), rows.get(1).id()), "tx-1");
            assertThat(store.outboxBacklog()).containsExactly(0, -1);
            assertThat(store.outbox(rows.get(0).meterId())).extracting(MemberStore.OutboxRow::txId).containsExactly("tx-1");
        }
    }
}
