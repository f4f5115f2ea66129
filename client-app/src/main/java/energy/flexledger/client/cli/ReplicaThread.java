package energy.flexledger.client.cli;

import energy.flexledger.client.replica.ReplicaStore;
import energy.flexledger.client.replica.Replicator;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.hyperledger.fabric.client.Network;

/**
 * The analytics replica inside the gateway ({@code gateway --replica}): the same {@link Replicator}
 * as {@code flexledger replica}, on a thread of its own, stopped with the gateway (after the block
 * it is writing). Its progress lines go to the gateway's log and its lag to /metrics.
 */
final class ReplicaThread implements AutoCloseable {
    private final ReplicaStore store;
    private final Replicator replicator;
    private final Thread thread;

    private ReplicaThread(final ReplicaStore store, final Replicator replicator, final Thread thread) {
        this.store = store;
        this.replicator = replicator;
        this.thread = thread;
    }

    /**
     * Starts replicating {@code network}'s channel into {@code url}. Blocks numbered from
     * {@code liveFrom} (the ledger's height now) are marked {@code "live": true} in their progress
     * lines: their lag is the replica's, the earlier ones' a catch-up's.
     */
    static ReplicaThread start(final String url, final Network network, final long liveFrom, final Consumer<Map<String, Object>> progress)
            throws IOException {
        ReplicaStore.Engine.of(url); // BAD_REQUEST before anything is opened
        final ReplicaStore store = ReplicaStore.open(url, null, System.getenv(ReplicaCommand.PASSWORD_ENV));
        final Map<String, Object> opened = new LinkedHashMap<>();
        opened.put("event", "replica opened");
        opened.put("checkpoint", store.nextBlock(network.getName()).orElse(0));
        progress.accept(opened);
        final Replicator replicator = new Replicator(network, store, line -> {
            if ("block".equals(line.get("event")) && line.get("block") instanceof Long b && b >= liveFrom) {
                final Map<String, Object> live = new LinkedHashMap<>(line);
                live.put("live", true);
                progress.accept(live);
            } else {
                progress.accept(line);
            }
        });
        final Thread thread = new Thread(() -> {
            try {
                replicator.run();
            } catch (IOException | RuntimeException e) {
                // The replica stops; the gateway goes on taking samples (its /metrics show the checkpoint no longer moving).
                final Map<String, Object> line = new LinkedHashMap<>();
                line.put("event", "replica stopped");
                line.put("message", String.valueOf(e.getMessage()));
                progress.accept(line);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "flexledger-replica");
        thread.setDaemon(true);
        thread.start();
        return new ReplicaThread(store, replicator, thread);
    }

    String url() {
        return store.url();
    }

    @Override
    public void close() throws IOException {
        replicator.stop();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            store.close(); // else it is still writing a block: the process's end closes the database
        }
    }
}
