package energy.flexledger.client.http;

import energy.flexledger.spec.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The gateway's live channel (decision 0023): one notice per committed block of the member's
 * channel ({@link BlockNotices} publishes them), fanned out to every connected dashboard as a
 * server-sent-events stream ({@code GET /v1/events}). A notice says which chaincodes' events the
 * block carried, never their payloads: the page then reads what changed through the API, with its
 * own credential. A subscriber first gets the latest notice (the page learns the height at once),
 * then each new one; a heartbeat comment every {@link #heartbeatMillis} finds dead connections and
 * re-checks the credential, so a revoked token's stream ends.
 */
public final class LiveNotices implements AutoCloseable {
    /** Streams open at once, at most: each holds one of the server's threads. */
    public static final int DEFAULT_MAX_STREAMS = 64;
    /** Streams of one credential open at once, at most: one credential (a page left open in many tabs, a loop) cannot take them all. */
    public static final int DEFAULT_MAX_STREAMS_PER_CREDENTIAL = 8;
    /** Notices queued for a slow subscriber before it is dropped (it reconnects and reloads everything). */
    static final int QUEUE = 256;
    private static final Map<String, Object> END = Map.of();

    private final Set<BlockingQueue<Map<String, Object>>> subscribers = ConcurrentHashMap.newKeySet();
    private final int maxStreams;
    private final int maxPerCredential;
    /** The credential of each open stream (null: not counted per credential), and how many each has open; under the subscribers' lock. */
    private final Map<BlockingQueue<Map<String, Object>>, String> owners = new java.util.HashMap<>();
    private final Map<String, Integer> perCredential = new java.util.HashMap<>();
    private final long heartbeatMillis;
    private volatile Map<String, Object> last;
    private volatile boolean closed;

    public LiveNotices() {
        this(DEFAULT_MAX_STREAMS, 15_000);
    }

    LiveNotices(final int maxStreams, final long heartbeatMillis) {
        this(maxStreams, DEFAULT_MAX_STREAMS_PER_CREDENTIAL, heartbeatMillis);
    }

    LiveNotices(final int maxStreams, final int maxPerCredential, final long heartbeatMillis) {
        this.maxStreams = maxStreams;
        this.maxPerCredential = maxPerCredential;
        this.heartbeatMillis = heartbeatMillis;
    }

    /** Hands one notice ({@code block}, {@code channel}, {@code events}, ...) to every open stream; a full queue drops its stream. */
    public void publish(final Map<String, Object> notice) {
        last = notice;
        for (final BlockingQueue<Map<String, Object>> q : subscribers) {
            if (!q.offer(notice)) {
                unsubscribe(q);
                q.clear();
                q.offer(END);
            }
        }
    }

    /** The streams open now. */
    public int streams() {
        return subscribers.size();
    }

    public boolean isClosed() {
        return closed;
    }

    /** Ends every stream (the gateway stops: its graceful stop must not wait for pages that never leave). */
    @Override
    public void close() {
        synchronized (subscribers) {    // no stream starts after this (subscribe checks under the same lock)
            closed = true;
            for (final BlockingQueue<Map<String, Object>> q : subscribers) {
                q.offer(END);
            }
        }
    }

    /** A stream that may start: refused (UNAVAILABLE) when the channel is closed or full. */
    BlockingQueue<Map<String, Object>> subscribe() {
        return subscribe(null);
    }

    /** A stream of {@code credential}'s (counted against its own cap too; null: only the gateway's cap). */
    BlockingQueue<Map<String, Object>> subscribe(final String credential) {
        synchronized (subscribers) {
            if (closed) {
                throw new Problem(Problem.UNAVAILABLE, "the gateway is stopping: its live channel is closed; reconnect later");
            }
            if (subscribers.size() >= maxStreams) {
                throw new Problem(Problem.UNAVAILABLE, "the gateway serves " + maxStreams + " live streams at most; close a dashboard tab or try later");
            }
            if (credential != null && perCredential.getOrDefault(credential, 0) >= maxPerCredential) {
                throw new Problem(Problem.UNAVAILABLE, "credential '" + credential + "' has " + maxPerCredential
                        + " live streams open, the most one credential may; close a dashboard tab or try later");
            }
            final BlockingQueue<Map<String, Object>> q = new LinkedBlockingQueue<>(QUEUE);
            final Map<String, Object> latest = last;
            if (latest != null) {
                q.offer(latest);
            }
            subscribers.add(q);
            if (credential != null) {
                owners.put(q, credential);
                perCredential.merge(credential, 1, Integer::sum);
            }
            return q;
        }
    }

    void unsubscribe(final BlockingQueue<Map<String, Object>> q) {
        synchronized (subscribers) {
            if (subscribers.remove(q)) {
                final String credential = owners.remove(q);
                if (credential != null) {
                    perCredential.computeIfPresent(credential, (c, n) -> n <= 1 ? null : n - 1);
                }
            }
        }
    }

    /**
     * Writes the stream of {@code q} until the channel closes, the client leaves (a write fails),
     * {@code limit} notices were sent, or {@code stillAllowed} says no; it is asked once per
     * heartbeat period, however busy the channel (a quiet one gets a keep-alive comment then). The
     * response's head is already set; returns the number of notices written.
     */
    long stream(final BlockingQueue<Map<String, Object>> q, final OutputStream out, final long limit, final BooleanSupplier stillAllowed)
            throws IOException, InterruptedException {
        long sent = 0;
        try {
            write(out, "retry: 3000\n: flexledger live notices; one 'block' event per committed block\n\n");
            final long period = TimeUnit.MILLISECONDS.toNanos(heartbeatMillis);
            long nextCheck = System.nanoTime() + period;
            while (sent < limit) {
                final Map<String, Object> n = q.poll(Math.max(0, nextCheck - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (n == END || (n == null && closed)) {
                    break;
                }
                if (n != null) {
                    write(out, frame(n));
                    sent++;
                }
                if (System.nanoTime() - nextCheck >= 0) {
                    if (!stillAllowed.getAsBoolean()) {
                        write(out, "event: revoked\ndata: {}\n\n");
                        break;
                    }
                    if (n == null) {
                        write(out, ": keep-alive\n\n");
                    }
                    nextCheck = System.nanoTime() + period;
                }
            }
            return sent;
        } finally {
            unsubscribe(q);
        }
    }

    /** One SSE frame: {@code id} the block number, {@code event: block}, the notice as one JSON line. */
    static String frame(final Map<String, Object> notice) {
        final StringBuilder b = new StringBuilder();
        if (notice.get("block") != null) {
            b.append("id: ").append(notice.get("block")).append('\n');
        }
        return b.append("event: block\ndata: ").append(Json.write(notice)).append("\n\n").toString();
    }

    private static void write(final OutputStream out, final String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
