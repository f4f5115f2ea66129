package energy.flexledger.client.ocpp;

import energy.flexledger.client.ingest.SampleMessages;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One commit for the MeterValues of many stations: the connections' handlers hand their samples
 * and readings here and wait; one thread takes everything queued meanwhile (up to
 * {@link #MAX_BATCH} messages) and stores it with {@link SampleMessages#handleEach} (one member-store
 * transaction) and one {@code ocpp.db} transaction, then lets every handler answer. When either
 * commit fails, every handler of the batch answers InternalError and its station sends again (the
 * samples already stored then count as duplicates).
 */
final class GroupCommitter implements AutoCloseable {
    static final int MAX_BATCH = 500;

    private record Job(String topic, byte[] payload, List<OcppStore.Reading> readings, CompletableFuture<Map<String, Object>> done) {
    }

    private final SampleMessages messages;
    private final OcppStore store;
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    GroupCommitter(final SampleMessages messages, final OcppStore store) {
        this.messages = messages;
        this.store = store;
        this.thread = new Thread(this::loop, "flexledger-ocpp-commit");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Stores one message's samples ({@code payload} null: none) and readings; returns once both are committed. */
    Map<String, Object> commit(final String topic, final byte[] payload, final List<OcppStore.Reading> readings) throws IOException {
        if (closed) {
            throw new IOException("the central system is stopping");
        }
        final Job job = new Job(topic, payload, readings, new CompletableFuture<>());
        queue.add(job);
        try {
            return job.done().get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(String.valueOf(e.getCause().getMessage()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private void loop() {
        final List<Job> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            batch.clear();
            try {
                final Job first = queue.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            try {
                final List<String> topics = new ArrayList<>();
                final List<byte[]> payloads = new ArrayList<>();
                for (final Job j : batch) {
                    if (j.payload() != null) {
                        topics.add(j.topic());
                        payloads.add(j.payload());
                        messages.warmUp(j.topic(), j.payload());   // a new connector's ledger read outside the store transaction
                    }
                }
                final List<SampleMessages.Outcome> results = topics.isEmpty() ? List.of() : messages.handleEach(topics, payloads, "ocpp");
                // The readings of a message whose samples could not be stored wait for the station to send it again.
                final List<OcppStore.Reading> readings = new ArrayList<>();
                int k = 0;
                for (final Job j : batch) {
                    if (j.payload() == null || results.get(k++).kept()) {
                        readings.addAll(j.readings());
                    }
                }
                store.readings(readings);
                k = 0;
                for (final Job j : batch) {
                    if (j.payload() == null) {
                        j.done().complete(Map.of("accepted", 0L));
                        continue;
                    }
                    final SampleMessages.Outcome o = results.get(k++);
                    if (o.kept()) {
                        j.done().complete(o.result());
                    } else {
                        j.done().completeExceptionally(o.failure());
                    }
                }
            } catch (IOException | RuntimeException e) {
                for (final Job j : batch) {
                    j.done().completeExceptionally(e instanceof IOException ? e : new IOException(String.valueOf(e.getMessage()), e));
                }
            } catch (Error e) {
                for (final Job j : batch) {
                    j.done().completeExceptionally(new IOException("the central system failed: " + e, e));
                }
                closed = true;
                final Job[] left = queue.toArray(new Job[0]);
                queue.clear();
                for (final Job j : left) {
                    j.done().completeExceptionally(new IOException("the central system failed: " + e, e));
                }
                throw e;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Job left;
        while ((left = queue.poll()) != null) {
            left.done().completeExceptionally(new IOException("the central system stopped"));
        }
    }
}
