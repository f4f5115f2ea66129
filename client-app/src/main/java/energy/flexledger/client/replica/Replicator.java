package energy.flexledger.client.replica;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.hyperledger.fabric.client.CloseableIterator;
import org.hyperledger.fabric.client.GatewayRuntimeException;
import org.hyperledger.fabric.client.Network;
import org.hyperledger.fabric.protos.common.Block;

/**
 * The replica's loop: one block-events stream of a channel from the Fabric Gateway (full blocks, so
 * every chaincode's events arrive in ledger order with their transaction's validation code), started
 * at the store's checkpoint, each block written with its checkpoint in one SQL transaction. When
 * the stream fails (the peer restarts, the network drops), it waits and opens a new one from the
 * checkpoint. {@link #stop} ends it after the block being written, from any thread.
 */
public final class Replicator {
    private static final long MAX_BACKOFF_MS = 30_000;

    private final Network network;
    private final ReplicaStore store;
    private final Consumer<Map<String, Object>> progress;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final long firstBackoffMs;
    private volatile CloseableIterator<Block> stream;

    /**
     * {@code progress} receives one map per event worth a log line (streaming, block, stream error);
     * after a failed stream the replica waits 1 s, then twice as long each time, at most 30 s.
     */
    public Replicator(final Network network, final ReplicaStore store, final Consumer<Map<String, Object>> progress) {
        this(network, store, progress, 1_000);
    }

    Replicator(final Network network, final ReplicaStore store, final Consumer<Map<String, Object>> progress, final long firstBackoffMs) {
        this.network = network;
        this.store = store;
        this.progress = progress;
        this.firstBackoffMs = firstBackoffMs;
    }

    /** Runs until {@link #stop}; returns the checkpoint (next block) it leaves. */
    public long run() throws IOException, InterruptedException {
        final String channel = network.getName();
        final TableCheckpointer checkpointer = store.checkpointer(channel);
        long backoff = firstBackoffMs;
        while (stopped.getCount() > 0) {
            final long from = checkpointer.getBlockNumber().orElse(0);
            final CloseableIterator<Block> blocks;
            try {
                // The checkpoint, when there is one, decides where the stream starts; else block 0.
                blocks = network.newBlockEventsRequest().startBlock(0).checkpoint(checkpointer).build().getEvents();
            } catch (GatewayRuntimeException e) {
                backoff = retry(e, backoff);
                continue;
            }
            stream = blocks;
            if (stopped.getCount() == 0) {
                blocks.close();
                break;
            }
            progress.accept(line("event", "streaming", "channel", channel, "from", from));
            try {
                while (stopped.getCount() > 0 && blocks.hasNext()) {
                    final Block raw = blocks.next();
                    final long arrived = System.nanoTime();
                    final ReplicaBlock block = BlockDecoder.decode(channel, raw);
                    final ReplicaStore.Applied a = store.apply(block);
                    final long writeMicros = (System.nanoTime() - arrived) / 1_000;
                    backoff = firstBackoffMs;
                    final Map<String, Object> out = line("event", "block", "block", a.block(), "written", a.written());
                    if (a.written()) {
                        out.put("transactions", (long) a.transactions());
                        out.put("invalid", (long) a.invalid());
                        out.put("events", (long) a.events());
                        out.put("typedRows", (long) a.typed());
                        // From the block's arrival (the peer sends it once committed) to its rows' SQL commit.
                        out.put("writeMicros", writeMicros);
                        // From the newest transaction's own timestamp (its client's clock) to its rows' commit:
                        // the replica's lag once it is live (large while it catches up on history).
                        block.transactions().stream().map(ReplicaBlock.Tx::timeMs).filter(java.util.Objects::nonNull)
                                .max(Long::compare).ifPresent(t -> out.put("lagMs", System.currentTimeMillis() - t));
                    }
                    progress.accept(out);
                }
                if (stopped.getCount() > 0) {
                    // The peer ended the stream without an error: open a new one, but not in a tight loop.
                    progress.accept(line("event", "stream ended", "retryInMs", backoff));
                    stopped.await(backoff, TimeUnit.MILLISECONDS);
                    backoff = Math.min(Math.max(1, backoff * 2), MAX_BACKOFF_MS);
                }
            } catch (GatewayRuntimeException e) {
                if (stopped.getCount() == 0) {
                    break; // our own stop() cancelled the stream
                }
                backoff = retry(e, backoff);
            } finally {
                blocks.close();
                stream = null;
            }
        }
        return checkpointer.getBlockNumber().orElse(0);
    }

    private long retry(final GatewayRuntimeException e, final long backoff) throws InterruptedException {
        progress.accept(line("event", "stream error", "status", e.getStatus().getCode().name(), "message", String.valueOf(e.getMessage()),
                "retryInMs", backoff));
        stopped.await(backoff, TimeUnit.MILLISECONDS);
        return Math.min(Math.max(1, backoff * 2), MAX_BACKOFF_MS);
    }

    /** Ends {@link #run} once the block being written is committed (or at once when it waits for one). */
    public void stop() {
        stopped.countDown();
        final CloseableIterator<Block> s = stream;
        if (s != null) {
            s.close();
        }
    }

    private static Map<String, Object> line(final Object... kv) {
        final Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.put((String) kv[i], kv[i + 1]);
        }
        return out;
    }
}
