package energy.flexledger.client.ingest;

import energy.flexledger.client.LedgerException;
import energy.flexledger.client.SaltStore;
import energy.flexledger.client.store.MemberStore;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Device messages into the member store, whatever carries them (MQTT today). A message is one
 * meter's samples: the meter id comes from the topic {@code flexledger/meters/<meterId>/samples},
 * the payload is a JSON array of {@code [t, v]} pairs. {@link #handle} returns once the samples are
 * committed; only then may the transport acknowledge the message. It throws when nothing could be
 * decided (the store failed): the message must then stay unacknowledged, for redelivery. One
 * message at a time (MQTT's and the HTTP API's share one instance): a meter's order is kept.
 */
public final class SampleMessages {
    public static final String TOPIC_PREFIX = "flexledger/meters/";
    public static final String TOPIC_SUFFIX = "/samples";
    /** The subscription that takes every meter's samples. */
    public static final String TOPIC_FILTER = TOPIC_PREFIX + "+" + TOPIC_SUFFIX;

    /** Starts tracking a meter the store does not know yet (from the ledger's head). */
    public interface Tracker {
        void track(MemberStore store, byte[] salt, String meterId, long firstSampleTime) throws IOException, LedgerException;
    }

    private final MemberStore store;
    private final SaltStore salts;
    private final Tracker tracker;

    public SampleMessages(final MemberStore store, final SaltStore salts, final Tracker tracker) {
        this.store = store;
        this.salts = salts;
        this.tracker = tracker;
    }

    /**
     * Starts tracking a meter this store has never seen, from the ledger's head, on the caller's
     * thread and outside any store transaction: the ledger read (a round trip to the peer) then
     * holds up no other message. Best effort: whatever fails here is tried again, and decided, when
     * the message is handled. Not synchronized: it must not wait for the message being handled.
     */
    public void warmUp(final String meterId, final long firstSampleTime) {
        try {
            if (!salts.exists(meterId) || store.knows(meterId)) {
                return;
            }
            tracker.track(store, salts.read(meterId), meterId, firstSampleTime);
        } catch (IOException | LedgerException | RuntimeException e) {
            // handled (parked, refused) by handle(), which tries again
        }
    }

    /** The meter of a samples topic (no check: see {@link #handle}). */
    public static String meterOf(final String topic) {
        return topic.substring(TOPIC_PREFIX.length(), topic.length() - TOPIC_SUFFIX.length());
    }

    /** The topic a device publishes {@code meterId}'s samples on. */
    public static String topicOf(final String meterId) {
        return TOPIC_PREFIX + meterId + TOPIC_SUFFIX;
    }

    /** The largest payload taken: about 20,000 samples. A larger one is refused (and kept, with the reason). */
    public static final int MAX_PAYLOAD_BYTES = 512 * 1024;

    /**
     * Stores one message's samples. The result says what happened: {@code accepted},
     * {@code duplicates}, {@code rejected} (each with its code; the samples are kept in the
     * quarantine), {@code parked} (the meter could not be started from the ledger's head, or an
     * earlier message of it is parked: the message is kept and taken up again by
     * {@link #retryParked}), or {@code error} for a message that can never be stored (malformed, too
     * large, an unknown meter), kept in the inbox with its reason. Every one of these may be
     * acknowledged: the message is kept, and no meter's trouble holds up another's messages.
     *
     * @throws IOException when the store could not commit: do not acknowledge
     */
    public Map<String, Object> handle(final String topic, final byte[] payload) throws IOException {
        return handle(topic, payload, "mqtt");
    }

    /** Who hears of every handled message: the gateway's metrics. */
    public interface Observer {
        void handled(String transport, Map<String, Object> result);
    }

    private volatile Observer observer = (transport, result) -> { };

    public void observe(final Observer o) {
        this.observer = o;
    }

    /** {@link #handle(String, byte[])} from {@code transport} (mqtt, http): told to the {@link Observer}. */
    public synchronized Map<String, Object> handle(final String topic, final byte[] payload, final String transport) throws IOException {
        final Map<String, Object> out = handleOne(topic, payload);
        observer.handled(transport, out);
        return out;
    }

    /** What became of one message of {@link #handleEach}: its result, or why it could not be stored (then it was not kept). */
    public record Outcome(Map<String, Object> result, IOException failure) {
        public boolean kept() {
            return failure == null;
        }
    }

    /**
     * Several messages (of different meters) as {@link #handle(String, byte[], String)} would take
     * them one after the other, but committed together: one store transaction, one fsync. Each
     * message is a part of its own (a savepoint): one whose storing fails (a store error, a defect)
     * is undone alone and comes back as a failed {@link Outcome} — not kept, so not to be
     * acknowledged — while the others are committed. Returns once all that were kept are committed;
     * when it throws, none was kept (answer none).
     */
    public synchronized List<Outcome> handleEach(final List<String> topics, final List<byte[]> payloads, final String transport)
            throws IOException {
        final List<Outcome> out = store.group(() -> {
            final List<Outcome> results = new ArrayList<>(topics.size());
            for (int i = 0; i < topics.size(); i++) {
                final String topic = topics.get(i);
                final byte[] payload = payloads.get(i);
                try {
                    results.add(new Outcome(store.part(() -> {
                        try {
                            return handleOne(topic, payload);
                        } catch (RuntimeException e) {
                            throw new IOException("storing a message of " + topic + " failed: " + e, e);
                        }
                    }), null));
                } catch (MemberStore.UndoFailed e) {
                    throw e;    // the group cannot be committed with this part's writes in it
                } catch (IOException e) {
                    results.add(new Outcome(null, e));
                }
            }
            return results;
        });
        out.forEach(o -> {
            if (o.kept()) {
                observer.handled(transport, o.result());
            }
        });
        return out;
    }

    /**
     * {@link #warmUp(String, long)} for a raw message: when its topic names a meter of this member
     * that the store does not track yet, and its first sample can be read, that meter is started
     * from the ledger's head now, outside any store transaction. Anything else: nothing.
     */
    public void warmUp(final String topic, final byte[] payload) {
        try {
            if (topic == null || !topic.startsWith(TOPIC_PREFIX) || !topic.endsWith(TOPIC_SUFFIX)
                    || topic.length() <= TOPIC_PREFIX.length() + TOPIC_SUFFIX.length() || payload == null || payload.length > MAX_PAYLOAD_BYTES) {
                return;
            }
            final String meterId = meterOf(topic);
            if (!salts.exists(meterId) || store.knows(meterId)) {
                return;
            }
            final List<long[]> samples = parse(payload);
            if (!samples.isEmpty()) {
                warmUp(meterId, samples.get(0)[0]);
            }
        } catch (IOException | RuntimeException e) {
            // decided when the message is handled
        }
    }

    /**
     * A message already parsed by its transport (the HTTP API checks a body's shape before anything
     * is stored): its samples, and its payload as it would be kept in the inbox, made only when the
     * message must be kept there (refused or parked).
     */
    public record Parsed(String topic, List<long[]> samples, java.util.function.Supplier<byte[]> payload) {
    }

    /**
     * Like {@link #handleEach}, all or nothing, for messages whose samples are parsed already; inside a group of the
     * store's (a {@link energy.flexledger.client.store.GroupCommitter}'s unit) it is a part of that
     * group, committed with it.
     */
    public synchronized List<Map<String, Object>> handleParsed(final List<Parsed> parsed, final String transport) throws IOException {
        final List<Map<String, Object>> out = store.group(() -> {
            final List<Map<String, Object>> results = new ArrayList<>();
            for (final Parsed p : parsed) {
                results.add(handleOne(p.topic(), p.payload(), p.samples()));
            }
            return results;
        });
        out.forEach(r -> observer.handled(transport, r));
        return out;
    }

    private Map<String, Object> handleOne(final String topic, final byte[] payload) throws IOException {
        return handleOne(topic, () -> payload, null);
    }

    /** The largest a pair {@code [t, v]} of 64-bit integers is as JSON, with its comma. */
    private static final int MAX_PAIR_BYTES = 2 * 20 + 4;

    private Map<String, Object> handleOne(final String topic, final java.util.function.Supplier<byte[]> payloadOf, final List<long[]> parsed)
            throws IOException {
        final byte[] payload = parsed == null || (long) parsed.size() * MAX_PAIR_BYTES + 2 > MAX_PAYLOAD_BYTES ? payloadOf.get() : null;
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("topic", topic);
        if (!topic.startsWith(TOPIC_PREFIX) || !topic.endsWith(TOPIC_SUFFIX) || topic.length() <= TOPIC_PREFIX.length() + TOPIC_SUFFIX.length()) {
            return refused(out, null, topic, payload, ErrorCode.BAD_REQUEST, "topic must be " + TOPIC_PREFIX + "<meterId>" + TOPIC_SUFFIX);
        }
        final String meterId = topic.substring(TOPIC_PREFIX.length(), topic.length() - TOPIC_SUFFIX.length());
        out.put("meterId", meterId);
        if (payload != null && payload.length > MAX_PAYLOAD_BYTES) {
            return refused(out, meterId, topic, payload, ErrorCode.BAD_REQUEST, "payload of " + payload.length + " bytes is larger than "
                    + MAX_PAYLOAD_BYTES + "; send at most about 20,000 samples per message");
        }
        final List<long[]> samples;
        if (parsed != null) {
            samples = parsed;
        } else {
            try {
                samples = parse(payload);
            } catch (SpecException e) {
                return refused(out, meterId, topic, payload, e.code(), e.detail());
            }
        }
        final java.util.function.Supplier<byte[]> kept = payload != null ? () -> payload : payloadOf;
        if (!salts.exists(meterId)) {
            return refused(out, meterId, topic, kept.get(), ErrorCode.NOT_FOUND, "no salt for meter '" + meterId
                    + "': it was not registered from this member");
        }
        if (samples.isEmpty()) {
            out.put("accepted", 0L);
            return out;
        }
        if (store.hasParked(meterId)) {
            // Behind a parked message of the same meter: order is kept.
            store.keep(meterId, topic, kept.get(), true, "an earlier message of meter '" + meterId + "' is parked");
            out.put("parked", true);
            return out;
        }
        return ingest(out, meterId, topic, kept, samples, false);
    }

    /**
     * Takes up the parked messages again, oldest first per meter; a meter whose head still cannot
     * be read stays parked, and the others go on. Returns what happened to each message taken up.
     */
    public synchronized List<Map<String, Object>> retryParked() throws IOException {
        final List<Map<String, Object>> out = new ArrayList<>();
        final java.util.Set<String> stillParked = new java.util.HashSet<>();
        for (final MemberStore.InboxMessage m : store.parked()) {
            if (stillParked.contains(m.meterId())) {
                continue;
            }
            final Map<String, Object> result = new LinkedHashMap<>();
            result.put("topic", m.topic());
            result.put("meterId", m.meterId());
            result.put("retried", true);
            final Map<String, Object> done;
            try {
                done = ingest(result, m.meterId(), m.topic(), m::payload, parse(m.payload()), true);
            } catch (IOException | RuntimeException e) {
                // This meter's trouble stays with this meter: it stays parked, the others go on.
                stillParked.add(m.meterId());
                result.put("parked", true);
                result.put("message", String.valueOf(e.getMessage()));
                out.add(result);
                continue;
            }
            if (Boolean.TRUE.equals(done.get("parked"))) {
                stillParked.add(m.meterId());
            } else if (done.containsKey("error")) {
                store.refuseParked(m.id(), done.get("error") + ": " + done.get("message"));
            } else {
                store.unpark(m.id());
            }
            out.add(done);
        }
        return out;
    }

    private Map<String, Object> ingest(final Map<String, Object> out, final String meterId, final String topic,
            final java.util.function.Supplier<byte[]> payload, final List<long[]> samples, final boolean alreadyKept) throws IOException {
        final byte[] salt;
        try {
            salt = salts.read(meterId);
        } catch (IOException | RuntimeException e) {
            // One meter's salt file (unreadable, corrupt) must not hold up the others: the message is
            // kept, parked, and taken up again once the salt is repaired.
            if (!alreadyKept) {
                store.keep(meterId, topic, payload.get(), true, "the salt of meter '" + meterId + "' cannot be read: " + e.getMessage());
            }
            out.put("parked", true);
            out.put("message", "the salt of meter '" + meterId + "' cannot be read: " + e.getMessage());
            return out;
        }
        if (store.tracked(meterId).isEmpty()) {
            try {
                tracker.track(store, salt, meterId, samples.get(0)[0]);
            } catch (SpecException e) {
                return alreadyKept ? failed(out, e.code(), e.detail()) : refused(out, meterId, topic, payload.get(), e.code(), e.detail());
            } catch (LedgerException e) {
                if (e.code().isPresent()) {
                    return alreadyKept ? failed(out, e.code().get(), e.getMessage())
                            : refused(out, meterId, topic, payload.get(), e.code().get(), e.getMessage());
                }
                // The ledger is unreachable: keep the message, acknowledge it, take it up later.
                if (!alreadyKept) {
                    store.keep(meterId, topic, payload.get(), true, String.valueOf(e.getMessage()));
                }
                out.put("parked", true);
                out.put("message", "meter '" + meterId + "' could not be started from the ledger's head: " + e.getMessage());
                return out;
            }
        }
        final MemberStore.Ingested done;
        try {
            done = store.ingest(meterId, salt, samples);
        } catch (SpecException e) {
            // a rule, not a failure: delivering it again changes nothing
            return alreadyKept ? failed(out, e.code(), e.detail()) : refused(out, meterId, topic, payload.get(), e.code(), e.detail());
        }
        out.put("accepted", (long) done.accepted());
        out.put("duplicates", (long) done.duplicates());
        final List<Object> rejected = new ArrayList<>();
        for (final MemberStore.Rejected r : done.rejected()) {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", (long) r.index());
            m.put("error", r.code().name());
            m.put("message", r.message());
            rejected.add(m);
        }
        out.put("rejected", rejected);
        out.put("quarantined", (long) done.quarantined());
        out.put("closed", (long) done.closed());
        return out;
    }

    /** Refused for good: kept in the inbox with the reason (acknowledged means kept), and answered. */
    private Map<String, Object> refused(final Map<String, Object> out, final String meterId, final String topic, final byte[] payload,
            final ErrorCode code, final String message) throws IOException {
        store.keep(meterId, topic, payload, false, code.name() + ": " + message);
        return failed(out, code, message);
    }

    private static Map<String, Object> failed(final Map<String, Object> out, final ErrorCode code, final String message) {
        out.put("error", code.name());
        out.put("message", message);
        return out;
    }

    static List<long[]> parse(final byte[] payload) {
        final Object parsed = Json.parse(new String(payload, StandardCharsets.UTF_8));
        if (!(parsed instanceof List<?> list)) {
            throw new SpecException(ErrorCode.BAD_JSON, "payload must be a JSON array of [t, v] pairs");
        }
        final List<long[]> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(Json.pair(list.get(i), "payload[" + i + "]", "[t, v]"));
        }
        return out;
    }
}
