package energy.flexledger.client.http;

import energy.flexledger.client.DrLedger;
import energy.flexledger.client.EnergyLedger;
import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.MarketLedger;
import energy.flexledger.client.MemberProfile;
import energy.flexledger.client.TokenLedger;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link LedgerReads} through the Fabric Gateway: one connection per identity of the member, opened on first use. */
public final class FabricLedgerReads implements LedgerReads {
    private final LedgerConnection connection;
    private final String channel;
    private final EnergyLedger energy;
    private final DrLedger dr;
    private final MarketLedger market;
    private final TokenLedger token;

    FabricLedgerReads(final LedgerConnection connection, final String channel) {
        this.connection = connection;
        this.channel = channel;
        this.energy = connection.energy(channel);
        this.dr = connection.dr(channel);
        this.market = connection.market(channel);
        this.token = connection.token(channel);
    }

    /** The identities of {@code org} in a network work folder: {@code <work>/clients/<org>-<identity>.properties}. */
    public static Source source(final Path work, final String org, final String channel) {
        return new Source() {
            private final Map<String, LedgerConnection> open = new ConcurrentHashMap<>();

            @Override
            public LedgerReads as(final String identity) throws IOException {
                LedgerConnection c = open.get(identity);
                if (c == null) {
                    synchronized (open) {
                        c = open.get(identity);
                        if (c == null) {
                            c = LedgerConnection.open(MemberProfile.fromWork(work, org, identity));
                            open.put(identity, c);
                        }
                    }
                }
                return new FabricLedgerReads(c, channel);
            }

            @Override
            public void close() {
                open.values().forEach(LedgerConnection::close);
                open.clear();
            }
        };
    }

    @Override public Map<String, Object> asset(final String assetId) throws LedgerException { return energy.getAsset(assetId); }

    @Override public Map<String, Object> assets(final String by, final String value, final int pageSize, final String bookmark)
            throws LedgerException { return energy.queryAssets(by, value, pageSize, bookmark); }

    @Override public Map<String, Object> meter(final String meterId) throws LedgerException { return energy.getMeter(meterId); }

    @Override public Map<String, Object> intervals(final String meterId, final long from, final long to, final int pageSize, final String bookmark)
            throws LedgerException { return energy.getIntervals(meterId, from, to, pageSize, bookmark); }

    @Override public List<Map<String, Object>> allIntervals(final String meterId, final long from, final long to) throws LedgerException {
        return energy.allIntervals(meterId, from, to);
    }

    @Override public Map<String, Object> batch(final String batchId) throws LedgerException { return energy.getBatch(batchId); }

    @Override public Map<String, Object> batches(final String by, final String value, final int pageSize, final String bookmark)
            throws LedgerException { return energy.queryBatches(by, value, pageSize, bookmark); }

    @Override public Map<String, Object> subscription(final String id) throws LedgerException { return energy.getSubscription(id); }

    @Override public Map<String, Object> subscriptions(final String by, final String value, final int pageSize, final String bookmark)
            throws LedgerException { return energy.querySubscriptions(by, value, pageSize, bookmark); }

    @Override public Map<String, Object> program(final String programId) throws LedgerException { return dr.program(programId); }

    @Override public Map<String, Object> programs(final int pageSize, final String bookmark) throws LedgerException {
        return dr.programs(pageSize, bookmark);
    }

    @Override public Map<String, Object> event(final String eventId) throws LedgerException { return dr.event(eventId); }

    @Override public Map<String, Object> events(final int pageSize, final String bookmark) throws LedgerException {
        return dr.events(pageSize, bookmark);
    }

    @Override public Map<String, Object> commitments(final String eventId) throws LedgerException { return dr.commitments(eventId); }

    @Override public Map<String, Object> settlement(final String eventId, final String assetId) throws LedgerException {
        return dr.settlement(eventId, assetId);
    }

    @Override public Map<String, Object> settlementDetail(final String eventId, final String assetId) throws LedgerException {
        return dr.settlementDetail(eventId, assetId);
    }

    @Override public Map<String, Object> baseline(final String assetId, final String date, final String programId) throws LedgerException {
        return dr.baseline(assetId, date, programId);
    }

    @Override public Map<String, Object> request(final String requestId) throws LedgerException { return market.request(requestId); }

    @Override public Map<String, Object> requests(final int pageSize, final String bookmark) throws LedgerException {
        return market.requests(pageSize, bookmark);
    }

    @Override public Map<String, Object> offers(final String requestId) throws LedgerException { return market.offers(requestId); }

    @Override public Map<String, Object> clearing(final String requestId) throws LedgerException { return market.clearing(requestId); }

    @Override public Map<String, Object> payment(final String requestId) throws LedgerException { return market.payment(requestId); }

    @Override public Map<String, Object> balance(final String account) throws LedgerException { return token.balance(account); }

    @Override public long height() throws LedgerException { return connection.blockHeight(channel); }
}
