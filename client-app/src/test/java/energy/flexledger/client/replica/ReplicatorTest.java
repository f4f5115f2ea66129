package energy.flexledger.client.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.grpc.Status;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.hyperledger.fabric.client.BlockEventsRequest;
import org.hyperledger.fabric.client.Checkpoint;
import org.hyperledger.fabric.client.CloseableIterator;
import org.hyperledger.fabric.client.GatewayRuntimeException;
import org.hyperledger.fabric.client.Network;
import org.hyperledger.fabric.protos.common.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replica's loop against a stand-in for the Gateway's block-events stream (the real one is
 * ReplicaIT's): it starts where the table's checkpoint says, writes each block, opens a new stream
 * from the checkpoint when one fails, and stops when asked.
 */
class ReplicatorTest {
    @TempDir
    Path dir;

    /** A stream of blocks that runs {@code atEnd} when drained (and then ends or fails as told). */
    private static final class Stream implements CloseableIterator<Block> {
        private final Deque<Block> blocks;
        private final Runnable atEnd;
        private final boolean fail;
        boolean closed;

        Stream(final List<Block> blocks, final Runnable atEnd, final boolean fail) {
            this.blocks = new ArrayDeque<>(blocks);
            this.atEnd = atEnd;
            this.fail = fail;
        }

        @Override
        public boolean hasNext() {
            if (!blocks.isEmpty()) {
                return true;
            }
            atEnd.run();
            if (fail) {
                throw new GatewayRuntimeException(Status.UNAVAILABLE.withDescription("peer went away").asRuntimeException());
            }
            return false;
        }

        @Override
        public Block next() {
            return blocks.removeFirst();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static Block transfer(final long n) {
        return Blocks.block(n, Blocks.Tx.valid("t" + n, "market", "Transfer", "{\"amount\":" + n + ",\"from\":\"\",\"to\":\"org:A\"}"));
    }

    @Test
    void resumesFromTheTablesCheckpointAfterAFailedStreamAndStopsWhenAsked() throws Exception {
        final Network network = mock(Network.class);
        final BlockEventsRequest.Builder builder = mock(BlockEventsRequest.Builder.class);
        final BlockEventsRequest request = mock(BlockEventsRequest.class);
        when(network.getName()).thenReturn("grid");
        when(network.newBlockEventsRequest()).thenReturn(builder);
        when(builder.startBlock(anyLong())).thenReturn(builder);
        final List<OptionalLong> startedAt = new ArrayList<>();
        when(builder.checkpoint(any(Checkpoint.class))).thenAnswer(inv -> {
            startedAt.add(((Checkpoint) inv.getArgument(0)).getBlockNumber());
            return builder;
        });
        when(builder.build()).thenReturn(request);
        final List<Map<String, Object>> lines = new ArrayList<>();
        try (ReplicaStore store = ReplicaStore.open(ReplicaStore.sqliteUrl(dir.resolve("r.db")), null, null)) {
            final Replicator[] replicator = new Replicator[1];
            // First stream: blocks 0..2, then the peer fails. Second: it resends block 2 (already there) and 3, then we stop.
            final List<Block> chain = Blocks.linked(Blocks.config(0), transfer(1), transfer(2), transfer(3));
            final Stream first = new Stream(chain.subList(0, 3), () -> { }, true);
            final Stream second = new Stream(chain.subList(2, 4), () -> replicator[0].stop(), false);
            final Deque<Stream> streams = new ArrayDeque<>(List.of(first, second));
            when(request.getEvents()).thenAnswer(inv -> streams.removeFirst());
            replicator[0] = new Replicator(network, store, lines::add, 0); // no pause before the retry: nothing to wait for here
            final long next = replicator[0].run();
            assertThat(next).isEqualTo(4);
            assertThat(startedAt).containsExactly(OptionalLong.empty(), OptionalLong.of(3));
            assertThat(first.closed).isTrue();
            assertThat(second.closed).isTrue();
            assertThat(store.count("events", "grid")).isEqualTo(3);
            assertThat(store.count("token_transfers", "grid")).isEqualTo(3);
            assertThat(lines.get(2)).containsKey("lagMs"); // block 1: its transaction's timestamp is in the past
            assertThat((Long) lines.get(2).get("lagMs")).isPositive();
            assertThat((Long) lines.get(2).get("writeMicros")).isNotNegative();
            // every progress line is printed as canonical JSON by the replica and the gateway: no floating-point values
            lines.forEach(energy.flexledger.spec.Json::write);
            assertThat(lines.get(4)).containsEntry("status", "UNAVAILABLE").containsEntry("retryInMs", 0L);
            assertThat(lines).extracting(l -> l.get("event") + ":" + l.getOrDefault("block", "") + ":" + l.getOrDefault("written", ""))
                    .containsExactly("streaming::", "block:0:true", "block:1:true", "block:2:true", "stream error::",
                            "streaming::", "block:2:false", "block:3:true");
        }
    }

    @Test
    void stoppedBeforeItStartsItWritesNothing() throws Exception {
        final Network network = mock(Network.class);
        final BlockEventsRequest.Builder builder = mock(BlockEventsRequest.Builder.class);
        final BlockEventsRequest request = mock(BlockEventsRequest.class);
        when(network.getName()).thenReturn("grid");
        when(network.newBlockEventsRequest()).thenReturn(builder);
        when(builder.startBlock(anyLong())).thenReturn(builder);
        when(builder.checkpoint(any(Checkpoint.class))).thenReturn(builder);
        when(builder.build()).thenReturn(request);
        final Stream s = new Stream(List.of(Blocks.config(0)), () -> { }, false);
        when(request.getEvents()).thenReturn(s);
        try (ReplicaStore store = ReplicaStore.open(ReplicaStore.sqliteUrl(dir.resolve("r2.db")), null, null)) {
            final Replicator r = new Replicator(network, store, line -> { });
            r.stop();
            assertThat(r.run()).isZero();
            assertThat(store.count("blocks", "grid")).isZero();
        }
    }
}
