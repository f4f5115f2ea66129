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

    static ReplicaThread start(final String url, final Network network, final Consumer<Map<String, Object>> progress) throws IOException {
        ReplicaStore.Engine.of(url); // BAD_REQUEST before anything is opened
        final ReplicaStore store = ReplicaStore.open(url, null, System.getenv(ReplicaCommand.PASSWORD_ENV));
        final Replicator replicator = new Replicator(network, store, progress);
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
        store.close();
    }
}
