package energy.flexledger.client.store;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.client.LedgerException;
import energy.flexledger.spec.ErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxSubmitterTest {
    private static final byte[] SALT = new byte[32];
    private static final long Q = 900_000L;
    private static final long T0 = 1_767_225_600_000L;

    @TempDir
    Path dir;

    /** A ledger that takes batches, refusing any that holds the record {@code refusedMeter}/{@code refusedStart}. */
    private static final class FakeSink implements OutboxSubmitter.Sink {
        final List<List<Map<String, Object>>> batches = new ArrayList<>();
        String refusedMeter;
        long refusedStart;
        ErrorCode refusal = ErrorCode.CONFLICT;
        boolean down;

        @Override
        public Map<String, Object> recordIntervals(final List<Map<String, Object>> records) throws LedgerException {
            if (down) {
                throw new LedgerException(null, "the peer is not reachable", null, true, null);
            }
            for (final Map<String, Object> r : records) {
                if (r.get("meterId").equals(refusedMeter) && r.get("start").equals(refusedStart)) {
                    throw new LedgerException(refusal, refusal + ": refused", "tx-refused", false, null);
                }
            }
            batches.add(records);
            return Map.of("txId", "tx-" + batches.size(), "recorded", (long) records.size());
        }
    }

    private MemberStore storeWith(final int intervalsM, final int intervalsN) throws Exception {
        final MemberStore store = MemberStore.open(dir.resolve("member.db"));
        store.track("M", SALT, Q, T0);
        store.track("N", SALT, Q, T0);
        store.closeUntil("M", SALT, T0 + intervalsM * Q);
        store.closeUntil("N", SALT, T0 + intervalsN * Q);
        return store;
    }

    @Test
    void drainsInBatchesOfManyMetersAndMarksWhatCommitted() throws Exception {
        try (MemberStore store = storeWith(5, 3)) {
            final FakeSink sink = new FakeSink();
            final OutboxSubmitter.Report report = new OutboxSubmitter(store, sink, 3).drain();
            assertThat(report.committed()).isEqualTo(8);
            assertThat(report.transactions()).isEqualTo(3);
            assertThat(sink.batches).extracting(List::size).containsExactly(3, 3, 2);
            assertThat(store.pending(100)).isEmpty();
            assertThat(store.outbox("M")).extracting(MemberStore.OutboxRow::txId).containsExactly("tx-1", "tx-1", "tx-1", "tx-2", "tx-2");
            assertThat(new OutboxSubmitter(store, sink, 3).drain().transactions()).as("nothing left to send").isZero();
        }
    }

    @Test
    void aRefusedRecordIsFoundMarkedFailedAndBlocksOnlyItsMeter() throws Exception {
        try (MemberStore store = storeWith(4, 4)) {
            final FakeSink sink = new FakeSink();
            sink.refusedMeter = "M";
            sink.refusedStart = T0 + 2 * Q;
            final OutboxSubmitter.Report report = new OutboxSubmitter(store, sink, 8).drain();
            assertThat(report.failed()).singleElement().satisfies(f -> assertThat(f).containsEntry("meterId", "M")
                    .containsEntry("start", T0 + 2 * Q).containsEntry("error", "CONFLICT"));
            // M's records before the refused one and all of N's went through; M's later ones wait.
            assertThat(store.outbox("M")).extracting(MemberStore.OutboxRow::status)
                    .containsExactly("COMMITTED", "COMMITTED", "FAILED", "PENDING");
            assertThat(store.outbox("N")).extracting(MemberStore.OutboxRow::status).containsOnly("COMMITTED");
            assertThat(report.committed()).isEqualTo(6);
            // Every batch sent kept each meter's records in order.
            for (final List<Map<String, Object>> b : sink.batches) {
                long last = Long.MIN_VALUE;
                for (final Map<String, Object> r : b) {
                    if ("M".equals(r.get("meterId"))) {
                        assertThat((Long) r.get("start")).isGreaterThan(last);
                        last = (Long) r.get("start");
                    }
                }
            }
        }
    }

    @Test
    void aNetworkFailureKeepsEverythingPendingForTheNextRun() throws Exception {
        try (MemberStore store = storeWith(2, 1)) {
            final FakeSink sink = new FakeSink();
            sink.down = true;
            final OutboxSubmitter.Report report = new OutboxSubmitter(store, sink, 10).drain();
            assertThat(report.stoppedBy()).isNotNull();
            assertThat(report.toMap()).containsEntry("retryable", true).containsEntry("committed", 0L);
            assertThat(store.pending(10)).hasSize(3);
            sink.down = false;
            assertThat(new OutboxSubmitter(store, sink, 10).drain().committed()).isEqualTo(3);
        }
    }

    @Test
    void aRefusalAboutTheCallerHoldsTheMeterBackWithoutFailingItsRecords() throws Exception {
        try (MemberStore store = storeWith(3, 3)) {
            final FakeSink sink = new FakeSink();
            sink.refusedMeter = "M";
            sink.refusedStart = T0;
            sink.refusal = ErrorCode.ACCESS_DENIED;
            final OutboxSubmitter.Report report = new OutboxSubmitter(store, sink, 10).drain();
            assertThat(report.failed()).isEmpty();
            assertThat(report.held()).singleElement().satisfies(h -> assertThat(h).containsEntry("meterId", "M").containsEntry("error",
                    "ACCESS_DENIED"));
            assertThat(store.outbox("M")).extracting(MemberStore.OutboxRow::status).containsOnly("PENDING");
            assertThat(store.outbox("N")).extracting(MemberStore.OutboxRow::status).containsOnly("COMMITTED");
            // Once the situation changes, the next run sends them.
            sink.refusedMeter = null;
            assertThat(new OutboxSubmitter(store, sink, 10).drain().committed()).isEqualTo(3);
        }
    }

    @Test
    void aSubmitterForOneMeterSendsOnlyItsRecords() throws Exception {
        try (MemberStore store = storeWith(2, 2)) {
            final FakeSink sink = new FakeSink();
            assertThat(new OutboxSubmitter(store, sink, 10, "N").drain().committed()).isEqualTo(2);
            assertThat(store.outbox("M")).extracting(MemberStore.OutboxRow::status).containsOnly("PENDING");
        }
    }

    @org.junit.jupiter.api.Test
    void aBadRequestIsAFaultOfTheRecordOnlyWhenItNamesTheRecord() {
        assertThat(OutboxSubmitter.aboutTheRecord(ErrorCode.BAD_REQUEST, "BAD_REQUEST: records[0]: sum 9 exceeds the meter's bound")).isTrue();
        assertThat(OutboxSubmitter.aboutTheRecord(ErrorCode.BAD_REQUEST, "BAD_REQUEST: asset 'M' does not certify intervals")).isFalse();
        assertThat(OutboxSubmitter.aboutTheRecord(ErrorCode.BAD_REQUEST, "BAD_REQUEST: RecordIntervals takes 0 arguments, got 1")).isFalse();
        assertThat(OutboxSubmitter.aboutTheRecord(ErrorCode.CONFLICT, "CONFLICT: records[3]: ...")).isTrue();
        assertThat(OutboxSubmitter.aboutTheRecord(ErrorCode.ACCESS_DENIED, "ACCESS_DENIED: records[0]")).isFalse();
    }

    @org.junit.jupiter.api.Test
    void aRefusalFromALaggingEndorserIsAskedAgainNotMarkedFailed(@TempDir final Path dir) throws Exception {
        try (MemberStore store = MemberStore.open(dir.resolve("m.db"))) {
            store.track("M", new byte[32], 900_000L, 0);
            store.closeUntil("M", new byte[32], 3 * 900_000L);
            final int[] calls = {0};
            final List<Long> pauses = new ArrayList<>();
            final OutboxSubmitter submitter = new OutboxSubmitter(store, records -> {
                if (++calls[0] <= 2) {
                    // The second endorser has not committed our previous block yet.
                    throw new LedgerException(ErrorCode.NOT_CONTIGUOUS, "NOT_CONTIGUOUS: records[0]: meter 'M' continues at 0, not at 900000",
                            null, false, null);
                }
                return Map.of("txId", "tx" + calls[0]);
            }, 500).pausing(pauses::add);
            final OutboxSubmitter.Report report = submitter.drain();
            assertThat(report.failed()).isEmpty();
            assertThat(report.committed()).isEqualTo(3);
            assertThat(pauses).containsExactly(200L, 400L);
        }
        // A real gap (or a chain ahead of the record) is not a lagging peer.
        assertThat(OutboxSubmitter.mayBeLaggingPeer(new LedgerException(ErrorCode.NOT_CONTIGUOUS,
                "NOT_CONTIGUOUS: records[0]: meter 'M' continues at 1800000, not at 900000", null, false, null))).isFalse();
        assertThat(OutboxSubmitter.mayBeLaggingPeer(new LedgerException(ErrorCode.CONFLICT, "CONFLICT", null, false, null))).isFalse();
        assertThat(OutboxSubmitter.mayBeLaggingPeer(new LedgerException(ErrorCode.INVALID_STATE, "INVALID_STATE: not reconciled", null, false,
                null))).isTrue();
    }

    @org.junit.jupiter.api.Test
    void aFailureWithoutACodeForOneMeterHoldsThatMeterOnly(@TempDir final Path dir) throws Exception {
        try (MemberStore store = MemberStore.open(dir.resolve("m.db"))) {
            for (final String m : List.of("B1", "B2", "B3", "A")) {
                store.track(m, new byte[32], 900_000L, 0);
                store.closeUntil(m, new byte[32], 2 * 900_000L);
            }
            final OutboxSubmitter.Report report = new OutboxSubmitter(store, records -> {
                if (records.stream().anyMatch(r -> ((String) r.get("meterId")).startsWith("B"))) {
                    throw new LedgerException(null, "no combination of peers can be derived from the endorsement policy", null, false, null);
                }
                return Map.of("txId", "tx");
            }, 500).drain();
            assertThat(report.stoppedBy()).isNull();
            assertThat(report.committed()).isEqualTo(2);
            // Three stuck meters first in the outbox do not keep the healthy one from going through.
            assertThat(report.held()).hasSize(3).allSatisfy(h -> assertThat(h).containsEntry("error", "UNCERTAIN"));
            assertThat(store.outbox("B1")).allSatisfy(r -> assertThat(r.status()).isEqualTo("PENDING"));
            assertThat(store.outbox("A")).allSatisfy(r -> assertThat(r.status()).isEqualTo("COMMITTED"));
        }
    }

    @org.junit.jupiter.api.Test
    void whenNothingGoesThroughWithoutACodeItIsTheNetworkAndTheDrainStops(@TempDir final Path dir) throws Exception {
        try (MemberStore store = MemberStore.open(dir.resolve("m.db"))) {
            store.track("A", new byte[32], 900_000L, 0);
            store.closeUntil("A", new byte[32], 900_000L);
            final OutboxSubmitter.Report report = new OutboxSubmitter(store, records -> {
                throw new LedgerException(null, "UNAVAILABLE: io exception", null, true, null);
            }, 500).drain();
            assertThat(report.stoppedBy()).isNotNull();
            assertThat(store.outbox("A")).allSatisfy(r -> assertThat(r.status()).isEqualTo("PENDING"));
        }
    }

    @org.junit.jupiter.api.Test
    void aLaggingEndorserThatOutlastsThePausesHoldsTheMeterInsteadOfFailingTheRecord(@TempDir final Path dir) throws Exception {
        try (MemberStore store = MemberStore.open(dir.resolve("m.db"))) {
            store.track("M", new byte[32], 900_000L, 900_000L);
            store.closeUntil("M", new byte[32], 2 * 900_000L);
            final OutboxSubmitter.Report report = new OutboxSubmitter(store, records -> {
                throw new LedgerException(ErrorCode.NOT_CONTIGUOUS, "NOT_CONTIGUOUS: records[0]: meter 'M' continues at 0, not at 900000", null,
                        false, null);
            }, 500).pausing(ms -> { }).drain();
            assertThat(report.failed()).isEmpty();
            assertThat(report.held()).hasSize(1);
            assertThat(store.outbox("M")).allSatisfy(r -> assertThat(r.status()).isEqualTo("PENDING"));
        }
    }

    @org.junit.jupiter.api.Test
    void anUnreachableGatewayPeerStopsTheDrainAtOnce(@TempDir final Path dir) throws Exception {
        try (MemberStore store = MemberStore.open(dir.resolve("m.db"))) {
            for (final String m : List.of("A", "B")) {
                store.track(m, new byte[32], 900_000L, 0);
                store.closeUntil(m, new byte[32], 900_000L);
            }
            final int[] calls = {0};
            final OutboxSubmitter.Report report = new OutboxSubmitter(store, records -> {
                calls[0]++;
                throw new LedgerException(null, "cannot reach the peer", null, true,
                        new io.grpc.StatusRuntimeException(io.grpc.Status.UNAVAILABLE));
            }, 500).drain();
            assertThat(report.stoppedBy()).isNotNull();
            assertThat(calls[0]).isEqualTo(1);
        }
    }
}
