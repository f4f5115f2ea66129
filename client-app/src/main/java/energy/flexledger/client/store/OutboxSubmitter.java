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
 * record is found; that record is marked FAILED with the code and its meter sends nothing more, while
 * every other meter goes on. A failure without a code (network, peer down) stops the drain with the
 * records still PENDING, for the next run.
 */
public final class OutboxSubmitter {
    /** Where records go: {@code EnergyLedger::recordIntervals} in the client app. */
    public interface Sink {
        Map<String, Object> recordIntervals(List<Map<String, Object>> records) throws LedgerException;
    }

    /** What one {@link #drain} did. */
    public record Report(long committed, long transactions, List<Map<String, Object>> failed, LedgerException stoppedBy) {
        public Map<String, Object> toMap() {
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("committed", committed);
            out.put("transactions", transactions);
            out.put("failed", failed);
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
    private long committed;
    private long transactions;
    private final List<Map<String, Object>> failed = new ArrayList<>();

    public OutboxSubmitter(final MemberStore store, final Sink sink, final int batchSize) {
        if (batchSize < 1 || batchSize > 2_000) {
            throw new IllegalArgumentException("a batch holds 1..2000 records (chaincode-energy's limit), not " + batchSize);
        }
        this.store = store;
        this.sink = sink;
        this.batchSize = batchSize;
    }

    /** Sends every PENDING record it can; returns what happened. */
    public Report drain() throws IOException {
        try {
            while (true) {
                final List<MemberStore.OutboxRow> rows = store.pending(batchSize);
                if (rows.isEmpty()) {
                    break;
                }
                send(rows);
            }
        } catch (LedgerException e) {
            return new Report(committed, transactions, failed, e);
        }
        return new Report(committed, transactions, failed, null);
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
            result = sink.recordIntervals(records);
        } catch (LedgerException e) {
            final ErrorCode code = e.code().orElse(null);
            if (code == null) {
                throw e; // nothing certain about the records: keep them PENDING for the next run
            }
            if (rows.size() == 1) {
                final MemberStore.OutboxRow r = rows.get(0);
                store.markFailed(r.id(), code, e.getMessage());
                final Map<String, Object> f = new LinkedHashMap<>();
                f.put("meterId", r.meterId());
                f.put("start", r.digest().start());
                f.put("error", code.name());
                f.put("message", e.getMessage());
                failed.add(f);
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

    /** {@code rows} without the records of meters that now have a FAILED record. */
    private List<MemberStore.OutboxRow> withoutBlocked(final List<MemberStore.OutboxRow> rows) {
        final List<MemberStore.OutboxRow> out = new ArrayList<>();
        for (final MemberStore.OutboxRow r : rows) {
            if (failed.stream().noneMatch(f -> r.meterId().equals(f.get("meterId")))) {
                out.add(r);
            }
        }
        return out;
    }
}
