package energy.flexledger.client.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Group commit for the member store: callers on many threads hand over units of work; one writer
 * thread takes every unit waiting, runs each as a part of one {@link MemberStore#group} (a
 * savepoint: a unit that fails is undone alone and its caller hears why) and commits them with one
 * transaction, one fsync. Each caller returns only after the commit that holds its unit, so an
 * answer still means "kept". Under load many requests share a commit; alone, a request waits for
 * nobody. Units run one after the other in the order they arrived: a meter's order is kept.
 */
public final class GroupCommitter implements AutoCloseable {
    /** One unit of work inside the writer's transaction. */
    @FunctionalInterface
    public interface Unit<T> {
        T run() throws IOException;
    }

    private record Pending<T>(Unit<T> unit, long weight, CompletableFuture<T> done) {
    }

    private final MemberStore store;
    private final long maxWeight;
    private final Object outerLock;
    private final LinkedBlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;
    private volatile java.util.function.LongConsumer commitObserver = n -> { };

    /**
     * A committer for {@code store}; one commit takes units until their weights (for samples: the
     * number of samples) reach {@code maxWeight}, which bounds how long the first of them waits.
     */
    public GroupCommitter(final MemberStore store, final long maxWeight) {
        this(store, maxWeight, new Object());
    }

    /**
     * Like {@link #GroupCommitter(MemberStore, long)}; each commit holds {@code outerLock} (then the
     * store's monitor): the units' callers that take it before the store's (the gateway's
     * {@code SampleMessages}, whose calls reach the store) keep one lock order with the writer.
     */
    public GroupCommitter(final MemberStore store, final long maxWeight, final Object outerLock) {
        this.store = store;
        this.maxWeight = maxWeight;
        this.outerLock = outerLock;
        this.writer = new Thread(this::loop, "flexledger-store-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Units waiting for the writer (not the ones it is committing). */
    public int waiting() {
        return queue.size();
    }

    /** Told the number of units of each commit (metrics). */
    public GroupCommitter observeCommits(final java.util.function.LongConsumer observer) {
        this.commitObserver = observer;
        return this;
    }

    /**
     * Runs {@code unit} in the writer's next transaction and returns its result once that
     * transaction is committed; throws what the unit threw (it was undone, nothing of it kept), or
     * an IOException when the commit failed (nothing of it kept either).
     */
    public <T> T submit(final Unit<T> unit, final long weight) throws IOException {
        if (closed) {
            throw new IOException("the member store's writer is stopping: send again later");
        }
        final CompletableFuture<T> done = new CompletableFuture<>();
        queue.add(new Pending<>(unit, Math.max(1, weight), done));
        try {
            while (true) {
                try {
                    return done.get(1, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    if (!writer.isAlive() && !done.isDone()) {
                        throw new IOException("the member store's writer stopped: nothing of this write was kept");
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the member store's commit", e);
        } catch (ExecutionException e) {
            final Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
    }

    private void loop() {
        final List<Pending<?>> batch = new ArrayList<>();
        while (true) {
            try {
                final Pending<?> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closed && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                long weight = first.weight();
                Pending<?> next;
                while (weight < maxWeight && (next = queue.poll()) != null) {
                    batch.add(next);
                    weight += next.weight();
                }
                commit(batch);
            } catch (InterruptedException e) {
                // close() interrupts only when the queue is drained; answer anything left and stop.
                failAll(new IOException("the member store's writer stopped"));
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(final List<Pending<?>> batch) {
        final Object[] results = new Object[batch.size()];
        final Throwable[] failures = new Throwable[batch.size()];
        try {
            synchronized (outerLock) {
                store.group(() -> {
                    for (int i = 0; i < batch.size(); i++) {
                        try {
                            results[i] = store.part(batch.get(i).unit()::run);
                        } catch (MemberStore.UndoFailed e) {
                            throw e; // its writes could not be undone: the whole batch is rolled back, and every caller told
                        } catch (IOException | RuntimeException e) {
                            failures[i] = e; // undone alone (its savepoint); the others go on
                        }
                    }
                    return null;
                });
            }
        } catch (IOException | RuntimeException e) {
            // The commit itself failed: nothing of this batch is kept.
            for (final Pending<?> p : batch) {
                p.done().completeExceptionally(e);
            }
            return;
        } catch (Error e) {
            // The writer dies with it: nobody may wait for it any more.
            closed = true;
            for (final Pending<?> p : batch) {
                p.done().completeExceptionally(e);
            }
            failAll(new IOException("the member store's writer stopped: " + e));
            throw e;
        }
        try {
            commitObserver.accept(batch.size());
        } catch (RuntimeException e) {
            // metrics only: the batch is committed whatever they say
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results[i], failures[i]);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(final Pending<T> p, final Object result, final Throwable failure) {
        if (failure != null) {
            p.done().completeExceptionally(failure);
        } else {
            p.done().complete((T) result);
        }
    }

    private void failAll(final IOException e) {
        Pending<?> p;
        while ((p = queue.poll()) != null) {
            p.done().completeExceptionally(e);
        }
    }

    /** Takes no new units, commits those waiting, and stops the writer (waits up to 30 s). */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            writer.interrupt();
        }
        failAll(new IOException("the member store's writer stopped"));
    }
}
