package energy.flexledger.client.http;

import energy.flexledger.client.LedgerException;
import energy.flexledger.spec.ErrorCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for the ledger in the API tests (a test double: unit tests only). Objects exist for
 * the ids the tests use; an id starting with {@code missing} is NOT_FOUND, {@code rule} a domain
 * rule's refusal (INSUFFICIENT_HISTORY), {@code bad} the chaincode's BAD_REQUEST; a device identity
 * ({@code dev-<asset>}) reads only its own asset, as chaincode-energy allows; while {@link #down}
 * every call fails as an unreachable peer does; identity {@code broken} cannot be loaded.
 */
final class FakeLedger implements LedgerReads.Source {
    volatile boolean down;
    /** A read of batch "slow-1" says it arrived here and waits for {@link #release}. */
    final java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    final List<String> identitiesUsed = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public LedgerReads as(final String identity) throws IOException {
        if (identity.equals("broken")) {
            // as MemberProfile says it: with the folder's path, which the client must never hear
            throw new IOException("no member profile 'community-broken' in /srv/flexledger/work/clients; known: [community-client]");
        }
        identitiesUsed.add(identity);
        return new Reads(identity);
    }

    @Override
    public void close() {
    }

    static Map<String, Object> asset(final String id) {
        final Map<String, Object> a = new LinkedHashMap<>();
        a.put("assetId", id);
        a.put("type", "METER");
        a.put("ownerMsp", "CommunityMSP");
        a.put("zone", "Z1");
        a.put("status", "ACTIVE");
        a.put("dataReaders", List.of("CommunityMSP", "DsoMSP"));
        a.put("intervals", 0L);
        a.put("lastEnd", null);
        a.put("headLink", null);
        return a;
    }

    private final class Reads implements LedgerReads {
        private final String identity;

        Reads(final String identity) {
            this.identity = identity;
        }

        private void check(final String id) throws LedgerException {
            if (down) {
                throw new LedgerException(null, "GetAsset failed: the peer is not reachable", null, true, null);
            }
            if (id == null) {
                return;
            }
            if (identity.startsWith("dev-") && !id.equals(identity.substring(4))) {
                throw new LedgerException(ErrorCode.ACCESS_DENIED, "ACCESS_DENIED: a device reads only its own asset", null, false, null);
            }
            if (id.startsWith("missing")) {
                throw new LedgerException(ErrorCode.NOT_FOUND, "NOT_FOUND: no '" + id + "'", null, false, null);
            }
            if (id.startsWith("rule")) {
                throw new LedgerException(ErrorCode.INSUFFICIENT_HISTORY, "INSUFFICIENT_HISTORY: 2 eligible days of 10", null, false, null);
            }
            if (id.startsWith("bad")) {
                throw new LedgerException(ErrorCode.BAD_REQUEST, "BAD_REQUEST: malformed id", null, false, null);
            }
        }

        private Map<String, Object> page(final String field, final Object item, final String bookmark) {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put(field, item == null ? List.of() : List.of(item));
            m.put("bookmark", bookmark.isEmpty() ? "next" : "");
            return m;
        }

        private Map<String, Object> withId(final String key, final String id, final Object... more) {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put(key, id);
            for (int i = 0; i < more.length; i += 2) {
                m.put((String) more[i], more[i + 1]);
            }
            return m;
        }

        @Override public Map<String, Object> asset(final String assetId) throws LedgerException { check(assetId); return FakeLedger.asset(assetId); }

        @Override public Map<String, Object> assets(final String by, final String value, final int pageSize, final String bookmark)
                throws LedgerException {
            check(value);
            return page("assets", FakeLedger.asset("MTR-A"), bookmark);
        }

        @Override public Map<String, Object> meter(final String meterId) throws LedgerException { check(meterId); return FakeLedger.asset(meterId); }

        @Override public Map<String, Object> intervals(final String meterId, final long from, final long to, final int pageSize,
                final String bookmark) throws LedgerException {
            check(meterId);
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("meterId", meterId);
            m.put("records", List.of());
            m.put("bookmark", "");
            m.put("head", Map.of("meterId", meterId, "intervals", 0L));
            return m;
        }

        @Override public List<Map<String, Object>> allIntervals(final String meterId, final long from, final long to) throws LedgerException {
            check(meterId);
            // One certified interval whose fingerprint no samples give: the audit answers, and says ok=false.
            final List<Map<String, Object>> out = new ArrayList<>();
            final Map<String, Object> r = new LinkedHashMap<>();
            r.put("meterId", meterId);
            r.put("start", ApiHarness.T0);
            r.put("end", ApiHarness.T0 + ApiHarness.Q);
            r.put("count", 0L);
            r.put("sum", 0L);
            r.put("fingerprint", "00".repeat(32));
            r.put("previousLink", "00".repeat(32));
            r.put("link", "11".repeat(32));
            out.add(r);
            return out;
        }

        @Override public Map<String, Object> batch(final String id) throws LedgerException {
            check(id);
            if (id.equals("slow-1")) {
                arrived.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return withId("batchId", id, "root", "00");
        }

        @Override public Map<String, Object> batches(final String by, final String value, final int pageSize, final String bookmark)
                throws LedgerException {
            check(value);
            return page("batches", withId("batchId", "B-1"), bookmark);
        }

        @Override public Map<String, Object> subscription(final String id) throws LedgerException {
            check(id);
            return withId("subscriptionId", id, "status", "ACCEPTED");
        }

        @Override public Map<String, Object> subscriptions(final String by, final String value, final int pageSize, final String bookmark)
                throws LedgerException {
            check(value);
            return page("subscriptions", withId("subscriptionId", "S-1", "status", "REQUESTED"), bookmark);
        }

        @Override public Map<String, Object> program(final String id) throws LedgerException { check(id); return withId("id", id); }

        @Override public Map<String, Object> programs(final int pageSize, final String bookmark) throws LedgerException {
            check(bookmark.isEmpty() ? null : bookmark);
            return page("programs", withId("id", "P-1"), bookmark);
        }

        @Override public Map<String, Object> event(final String id) throws LedgerException { check(id); return withId("id", id, "programId", "P-1"); }

        @Override public Map<String, Object> events(final int pageSize, final String bookmark) throws LedgerException {
            check(bookmark.isEmpty() ? null : bookmark);
            return page("events", withId("id", "E-1", "programId", "P-1"), bookmark);
        }

        @Override public Map<String, Object> commitments(final String eventId) throws LedgerException {
            check(eventId);
            return withId("eventId", eventId, "commitments", List.of());
        }

        @Override public Map<String, Object> settlement(final String eventId, final String assetId) throws LedgerException {
            check(eventId.startsWith("E") ? assetId : eventId);
            return withId("eventId", eventId, "assetId", assetId);
        }

        @Override public Map<String, Object> settlementDetail(final String eventId, final String assetId) throws LedgerException {
            check(eventId.startsWith("E") ? assetId : eventId);
            final Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("settlement", withId("eventId", eventId, "assetId", assetId));
            detail.put("input",
                    Map.of("slotMinutes", 15L, "baseline", List.of(1000L, 1000L), "actual", List.of(600L, 700L)));
            detail.put("output", Map.of("performanceBps", 10000L));
            return detail;
        }

        @Override public Map<String, Object> baseline(final String assetId, final String date, final String programId) throws LedgerException {
            check(assetId);
            check(programId.startsWith("P") ? null : programId);
            return withId("assetId", assetId, "input", Map.of("date", date), "output", Map.of("slots", List.of()));
        }

        @Override public Map<String, Object> request(final String id) throws LedgerException { check(id); return withId("id", id); }

        @Override public Map<String, Object> requests(final int pageSize, final String bookmark) throws LedgerException {
            check(bookmark.isEmpty() ? null : bookmark);
            return page("requests", withId("id", "R-1"), bookmark);
        }

        @Override public Map<String, Object> offers(final String id) throws LedgerException {
            check(id);
            return withId("requestId", id, "offers", List.of());
        }

        @Override public Map<String, Object> clearing(final String id) throws LedgerException {
            check(id);
            return withId("requestId", id, "input", Map.of(), "output", Map.of("awards", List.of()));
        }

        @Override public Map<String, Object> payment(final String id) throws LedgerException { check(id); return withId("requestId", id); }

        @Override public Map<String, Object> balance(final String account) throws LedgerException {
            check(account);
            return withId("account", account, "balance", 1500L, "rows", 2L);
        }

        @Override public long height() throws LedgerException {
            check(null);
            return 42;
        }
    }
}
