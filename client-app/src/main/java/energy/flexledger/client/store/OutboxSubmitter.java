package energy.flexledger.client.store;

import energy.flexledger.client.LedgerException;
import energy.flexledger.spec.ErrorCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drains the member store's outbox into chaincode-energy: PENDING records, oldest first, many
 * meters per transaction ({@code RecordIntervals}; each meter's records touch only its own keys, so
 * batches of different meters never conflict). A record is marked COMMITTED only after its
 * transaction committed; re-sending a committed record is a no-op on the ledger, so a crash between
 * the commit and the mark loses nothing and doubles nothing.
 *
 * <p>When the chaincode refuses a batch (a stable error code), the batch is split until the refused
 * record is found. A refusal about the record itself ({@code CONFLICT}, {@code NOT_CONTIGUOUS},
 * {@code MISALIGNED}, {@code BAD_REQUEST}, {@code BAD_JSON}) marks it FAILED and its meter sends
 * nothing more; any other code (the caller may not write that meter, the meter is deactivated, ...)
 * is about the situation, not the record: the meter is held back for this run, its records stay
 * PENDING. Every other meter goes on. A failure without a code (network, peer down) stops the drain
 * with the records still PENDING, for the next run.
 */
public final class OutboxSubmitter {
    /** Where records go: {@code EnergyLedger::recordIntervals} in the client app. */
    public interface Sink {
        Map<String, Object> recordIntervals(List<Map<String, Object>> records) throws LedgerException;
    }

    /** Codes that say the record itself can never be certified as it is. */
    static final java.util.Set<ErrorCode> ABOUT_THE_RECORD = java.util.EnumSet.of(ErrorCode.CONFLICT, ErrorCode.NOT_CONTIGUOUS,
            ErrorCode.MISALIGNED, ErrorCode.BAD_REQUEST, ErrorCode.BAD_JSON);

    /**
     * Whether a refusal is about the record itself: a code of {@link #ABOUT_THE_RECORD} in a message
     * that names the record ({@code records[i]: ...}, as chaincode-energy reports every fault of a
     * record). A {@code BAD_REQUEST} about anything else (the meter does not certify intervals, the
     * batch, an argument) says nothing about the record: the meter is held, the record stays PENDING.
     */
    static boolean aboutTheRecord(final ErrorCode code, final String message) {
        return ABOUT_THE_RECORD.contains(code) && (code != ErrorCode.BAD_REQUEST && code != ErrorCode.BAD_JSON
                || message != null && message.contains("records["));
    }

    /** What one {@link #drain} did. */
    public record Report(long committed, long transactions, List<Map<String, Object>> failed, List<Map<String, Object>> held,
            LedgerException stoppedBy) {
        public Map<String, Object> toMap() {
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("committed", committed);
            out.put("transactions", transactions);
            out.put("failed", failed);
            out.put("held", held);
            if (stoppedBy != null) {
                out.put("stoppedBy", String.valueOf(stoppedBy.getMessage()));
                out.put("retryable", stoppedBy.retryable());
            }
            return out;
        }
    }

    private final MemberStore store;
    private final Sink sink;
    private final int batchSize;
    private final String onlyMeter;
    private long committed;
    private long transactions;
    private final List<Map<String, Object>> failed = new ArrayList<>();
    private final List<Map<String, Object>> held = new ArrayList<>();
    private final java.util.Set<String> stopped = new java.util.TreeSet<>();
    /** The last failure without a code that held a meter: the drain's answer when nothing went through. */
    private LedgerException lastUncertain;

    public OutboxSubmitter(final MemberStore store, final Sink sink, final int batchSize) {
        this(store, sink, batchSize, null);
    }

    /** A submitter for {@code onlyMeter}'s records alone (all meters when it is null). */
    public OutboxSubmitter(final MemberStore store, final Sink sink, final int batchSize, final String onlyMeter) {
        if (batchSize < 1 || batchSize > 2_000) {
            throw new IllegalArgumentException("a batch holds 1..2000 records (chaincode-energy's limit), not " + batchSize);
        }
        this.store = store;
        this.sink = sink;
        this.batchSize = batchSize;
        this.onlyMeter = onlyMeter;
    }

    /** Sends every PENDING record it can; returns what happened. */
    public Report drain() throws IOException {
        try {
            while (true) {
                final List<MemberStore.OutboxRow> rows = store.pending(batchSize, onlyMeter, stopped);
                if (rows.isEmpty()) {
                    break;
                }
                send(rows);
            }
        } catch (LedgerException e) {
            return new Report(committed, transactions, failed, held, e);
        }
        // Nothing went through and every meter failed without a code: the network, as far as anyone can tell.
        if (transactions == 0 && lastUncertain != null && failed.isEmpty() && held.stream().allMatch(h -> "UNCERTAIN".equals(h.get("error")))) {
            return new Report(committed, transactions, failed, held, lastUncertain);
        }
        return new Report(committed, transactions, failed, held, null);
    }

    /** Sends {@code rows}; on a refusal, halves the batch until the refused record is alone. */
    private void send(final List<MemberStore.OutboxRow> batch) throws IOException, LedgerException {
        final List<MemberStore.OutboxRow> rows = withoutBlocked(batch);
        if (rows.isEmpty()) {
            return;
        }
        final List<Map<String, Object>> records = new ArrayList<>();
        final List<Long> ids = new ArrayList<>();
        for (final MemberStore.OutboxRow r : rows) {
            records.add(r.digest().toRecord(r.meterId()));
            ids.add(r.id());
        }
        final Map<String, Object> result;
        try {
            result = recordWithLagRetry(records);
        } catch (LedgerException e) {
            final ErrorCode code = e.code().orElse(null);
            if (code == null) {
                // Nothing certain about the records: they stay PENDING. It may be the network (stop
                // the drain) or one meter's situation (its endorsers are down, its key-level policy
                // cannot be met): split by meter, so that one meter cannot hold up the others.
                if (networkDown(e)) {
                    throw e; // the gateway's peer cannot be reached: nothing will go through this run
                }
                final java.util.Set<String> meters = new java.util.LinkedHashSet<>();
                rows.forEach(r -> meters.add(r.meterId()));
                if (meters.size() > 1) {
                    for (final String meter : meters) {
                        final List<MemberStore.OutboxRow> mine = new ArrayList<>();
                        rows.forEach(r -> {
                            if (r.meterId().equals(meter)) {
                                mine.add(r);
                            }
                        });
                        send(mine);
                    }
                    return;
                }
                lastUncertain = e;
                final Map<String, Object> f = new LinkedHashMap<>();
                f.put("meterId", rows.get(0).meterId());
                f.put("start", rows.get(0).digest().start());
                f.put("error", "UNCERTAIN");
                f.put("message", e.getMessage());
                held.add(f);
                stopped.add(rows.get(0).meterId());
                return;
            }
            if (rows.size() == 1) {
                final MemberStore.OutboxRow r = rows.get(0);
                final Map<String, Object> f = new LinkedHashMap<>();
                f.put("meterId", r.meterId());
                f.put("start", r.digest().start());
                f.put("error", code.name());
                f.put("message", e.getMessage());
                if (aboutTheRecord(code, e.getMessage()) && !mayBeLaggingPeer(e)) {
                    // (a refusal a lagging endorser may cause, still there after the pauses, holds the meter instead)
                    store.markFailed(r.id(), code, e.getMessage());
                    failed.add(f);
                } else {
                    held.add(f); // still PENDING: the next run tries again
                }
                stopped.add(r.meterId());
                return;
            }
            // A refusal fails the whole batch: find the record it is about. The halves are sent
            // oldest first, so a meter's records still reach the ledger in order.
            final int half = rows.size() / 2;
            send(new ArrayList<>(rows.subList(0, half)));
            send(new ArrayList<>(rows.subList(half, rows.size())));
            return;
        }
        transactions++;
        store.markCommitted(ids, String.valueOf(result.get("txId")));
        committed += ids.size();
    }

    /**
     * Whether a failure says the member's own gateway peer cannot be reached or did not answer in
     * time (gRPC UNAVAILABLE or DEADLINE_EXCEEDED anywhere in its causes): then no meter can go
     * through, and trying them one by one would only wait out a deadline per meter.
     */
    static boolean networkDown(final Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            final io.grpc.Status.Code code = c instanceof io.grpc.StatusRuntimeException ? ((io.grpc.StatusRuntimeException) c).getStatus().getCode()
                    : c instanceof io.grpc.StatusException ? ((io.grpc.StatusException) c).getStatus().getCode() : null;
            if (code == io.grpc.Status.Code.UNAVAILABLE || code == io.grpc.Status.Code.DEADLINE_EXCEEDED) {
                return true;
            }
        }
        return false;
    }

    /** How long to wait before asking again after a refusal that a lagging endorser may have caused. */
    static final long[] LAG_PAUSES_MS = {200, 400, 800, 1_600};
    private static final java.util.regex.Pattern BEHIND = java.util.regex.Pattern.compile("continues at (-?\\d+), not at (-?\\d+)");

    /** Waits between tries; a test replaces it. */
    @FunctionalInterface
    public interface Pause {
        void sleep(long millis) throws InterruptedException;
    }

    private Pause pause = Thread::sleep;

    /** For tests: how the submitter waits before asking a lagging peer again. */
    OutboxSubmitter pausing(final Pause p) {
        this.pause = p;
        return this;
    }

    /**
     * Whether a refusal may come from an endorsing peer that has not yet committed the block our
     * previous submission went into: the Fabric Gateway asks two peers, only ours is sure to have
     * committed it, and a lagging one sees the meter's chain where it was before ({@code
     * NOT_CONTIGUOUS: ... continues at X, not at Y} with X before Y) or lacks private data not yet
     * reconciled ({@code INVALID_STATE}).
     */
    public static boolean mayBeLaggingPeer(final LedgerException e) {
        final ErrorCode code = e.code().orElse(null);
        if (code == ErrorCode.INVALID_STATE) {
            return true;
        }
        if (code != ErrorCode.NOT_CONTIGUOUS || e.getMessage() == null) {
            return false;
        }
        final java.util.regex.Matcher m = BEHIND.matcher(e.getMessage());
        return m.find() && Long.parseLong(m.group(1)) < Long.parseLong(m.group(2));
    }

    /** Submits, asking again a few times (200 ms to 1.6 s apart) when a lagging endorser may be the cause. */
    private Map<String, Object> recordWithLagRetry(final List<Map<String, Object>> records) throws LedgerException {
        for (int attempt = 0; ; attempt++) {
            try {
                return sink.recordIntervals(records);
            } catch (LedgerException e) {
                if (attempt >= LAG_PAUSES_MS.length || !mayBeLaggingPeer(e)) {
                    throw e;
                }
                try {
                    pause.sleep(LAG_PAUSES_MS[attempt]);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** {@code rows} without the records of meters stopped in this run (a FAILED record, or held back). */
    private List<MemberStore.OutboxRow> withoutBlocked(final List<MemberStore.OutboxRow> rows) {
        final List<MemberStore.OutboxRow> out = new ArrayList<>();
        for (final MemberStore.OutboxRow r : rows) {
            if (!stopped.contains(r.meterId())) {
                out.add(r);
            }
        }
        return out;
    }
}
