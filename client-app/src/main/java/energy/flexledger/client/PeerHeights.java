package energy.flexledger.client;

import java.time.Duration;
import java.util.Collection;

/**
 * Read-your-writes across members. A submission returns once the writer's own peer has committed
 * the block; another member's peer commits it a little later (it gets the block from the orderer or
 * by gossip), so a read or a write there right away may not see it yet. {@link #awaitSame} waits
 * until each of the given members' peers has at least the height the highest of them had when it
 * was called, which includes the block of the writer's last transaction.
 */
public final class PeerHeights {
    /** How long {@link #awaitSame} waits by default: longer than a gossip pull after a restart. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);

    private PeerHeights() {
    }

    /**
     * Waits until every peer of {@code members} has every block any of them had on
     * {@code channelName}; fails with a message naming the peer that lags when {@code wait} runs out.
     */
    public static void awaitSame(final String channelName, final Collection<LedgerConnection> members, final Duration wait)
            throws LedgerException {
        long target = 0;
        for (final LedgerConnection m : members) {
            target = Math.max(target, m.blockHeight(channelName));
        }
        final long deadline = System.nanoTime() + wait.toNanos();
        for (final LedgerConnection m : members) {
            long height = m.blockHeight(channelName);
            while (height < target) {
                if (System.nanoTime() - deadline > 0) {
                    throw new LedgerException(null, m.profile().mspId() + "'s peer " + m.profile().peerEndpoint() + " is at height "
                            + height + " of channel " + channelName + " after " + wait.toSeconds() + " s, while another peer has "
                            + target + " blocks: is it connected to the orderer? (its log is in the network's logs/ folder)",
                            null, true, null);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LedgerException(null, "interrupted while waiting for " + m.profile().mspId() + "'s peer", null, true, e);
                }
                height = m.blockHeight(channelName);
            }
        }
    }
}
