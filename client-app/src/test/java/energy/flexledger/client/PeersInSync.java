package energy.flexledger.client;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * For integration tests that write as one member and then read or write as another: one gateway
 * connection (the org's user) to each member's peer, and a wait until all of them have the same
 * blocks ({@link PeerHeights}). It waits for a condition; it asserts nothing about time.
 */
final class PeersInSync implements AutoCloseable {
    static final String[] ORGS = {"dso", "aggregator", "community", "cpo"};

    private final List<LedgerConnection> peers = new ArrayList<>();

    PeersInSync(final Path work) throws IOException {
        try {
            for (final String org : ORGS) {
                peers.add(LedgerConnection.open(MemberProfile.fromWork(work, org, "user")));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Waits until every member's peer has every block any of them had on {@code channelName}. */
    void await(final String channelName) throws LedgerException {
        PeerHeights.awaitSame(channelName, peers, PeerHeights.DEFAULT_WAIT);
    }

    @Override
    public void close() {
        peers.forEach(LedgerConnection::close);
        peers.clear();
    }
}
