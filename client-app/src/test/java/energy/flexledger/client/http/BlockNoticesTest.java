package energy.flexledger.client.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.client.CloseableIterator;
import org.hyperledger.fabric.client.FilteredBlockEventsRequest;
import org.hyperledger.fabric.client.Network;
import org.hyperledger.fabric.protos.peer.FilteredBlock;
import org.junit.jupiter.api.Test;

/**
 * The block follower behind the live channel, against a stand-in for the peer's filtered block
 * stream (a unit test: the real stream is DashboardIT's): each block becomes one notice, and a
 * stream that fails is reopened after the last block seen, never from its start again.
 */
class BlockNoticesTest {
    /** Hands out {@code blocks}, then fails with {@code failure}, or (when null) waits until closed. */
    private static final class Stream implements CloseableIterator<FilteredBlock> {
        private final Deque<FilteredBlock> blocks;
        private final RuntimeException failure;
        private final CountDownLatch closed = new CountDownLatch(1);

        Stream(final List<FilteredBlock> blocks, final RuntimeException failure) {
            this.blocks = new ArrayDeque<>(blocks);
            this.failure = failure;
        }

        @Override
        public boolean hasNext() {
            if (!blocks.isEmpty()) {
                return true;
            }
            if (failure != null) {
                throw failure;
            }
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        }

        @Override
        public FilteredBlock next() {
            return blocks.removeFirst();
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    private static FilteredBlock block(final long n) {
        return FilteredBlock.newBuilder().setChannelId("grid").setNumber(n).build();
    }

    @Test
    void eachBlockIsOneNoticeAndAFailedStreamIsReopenedAfterTheLastBlockSeen() throws Exception {
        final Network network = mock(Network.class);
        final FilteredBlockEventsRequest.Builder builder = mock(FilteredBlockEventsRequest.Builder.class);
        final FilteredBlockEventsRequest first = mock(FilteredBlockEventsRequest.class);
        final FilteredBlockEventsRequest second = mock(FilteredBlockEventsRequest.class);
        final List<Long> starts = new CopyOnWriteArrayList<>();
        when(network.newFilteredBlockEventsRequest()).thenReturn(builder);
        when(builder.startBlock(anyLong())).thenAnswer(call -> {
            starts.add(call.getArgument(0));
            return builder;
        });
        when(builder.build()).thenReturn(first, second);
        when(first.getEvents()).thenReturn(new Stream(List.of(block(5), block(6)), new IllegalStateException("the peer went away")));
        final Stream live = new Stream(List.of(block(7)), null);
        when(second.getEvents()).thenReturn(live);

        final LiveNotices notices = new LiveNotices();
        final BlockingQueue<Map<String, Object>> q = notices.subscribe();
        final List<Map<String, Object>> log = new CopyOnWriteArrayList<>();
        final BlockNotices follower = BlockNotices.start(network, () -> 5L, notices, log::add);
        try {
            for (final long expected : new long[] {5, 6, 7}) {
                final Map<String, Object> n = q.poll(30, TimeUnit.SECONDS);
                assertThat(n).as("notice of block %d", expected).isNotNull().containsEntry("block", expected).containsEntry("channel", "grid");
            }
        } finally {
            follower.close();
        }
        assertThat(live.closed.getCount()).as("closing the follower closes its stream").isZero();
        assertThat(starts).containsExactly(5L, 7L);
        assertThat(log).singleElement().satisfies(line -> assertThat(line.get("message").toString())
                .contains("reopening from block 7", "the peer went away"));
    }

    @Test
    void withoutAKnownHeightItFollowsFromThePeersNextBlock() throws Exception {
        final Network network = mock(Network.class);
        final FilteredBlockEventsRequest.Builder builder = mock(FilteredBlockEventsRequest.Builder.class);
        final FilteredBlockEventsRequest request = mock(FilteredBlockEventsRequest.class);
        final List<Long> starts = new CopyOnWriteArrayList<>();
        when(network.newFilteredBlockEventsRequest()).thenReturn(builder);
        when(builder.startBlock(anyLong())).thenAnswer(call -> {
            starts.add(call.getArgument(0));
            return builder;
        });
        when(builder.build()).thenReturn(request);
        when(request.getEvents()).thenReturn(new Stream(List.of(block(40)), null));
        final LiveNotices notices = new LiveNotices();
        final BlockingQueue<Map<String, Object>> q = notices.subscribe();
        final BlockNotices follower = BlockNotices.start(network, () -> -1L, notices, line -> { });
        try {
            assertThat(q.poll(30, TimeUnit.SECONDS)).isNotNull().containsEntry("block", 40L);
        } finally {
            follower.close();
        }
        assertThat(starts).isEmpty();
    }
}
