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
 * decided (the store failed): the message must then stay unacknowledged, for redelivery.
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

    /** The topic a device publishes {@code meterId}'s samples on. */
    public static String topicOf(final String meterId) {
        return TOPIC_PREFIX + meterId + TOPIC_SUFFIX;
    }

    /**
     * Stores one message's samples. The result says what happened: {@code accepted},
     * {@code duplicates}, {@code rejected} (each with its code), or {@code error} for a message that
     * can never be stored (a malformed payload, an unknown meter): such a message is answered too,
     * since delivering it again would change nothing.
     *
     * @throws IOException when the store could not commit: do not acknowledge
     * @throws LedgerException when a new meter's head could not be read from the ledger: do not acknowledge
     */
    public Map<String, Object> handle(final String topic, final byte[] payload) throws IOException, LedgerException {
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("topic", topic);
        if (!topic.startsWith(TOPIC_PREFIX) || !topic.endsWith(TOPIC_SUFFIX) || topic.length() <= TOPIC_PREFIX.length() + TOPIC_SUFFIX.length()) {
            return refused(out, ErrorCode.BAD_REQUEST, "topic must be " + TOPIC_PREFIX + "<meterId>" + TOPIC_SUFFIX);
        }
        final String meterId = topic.substring(TOPIC_PREFIX.length(), topic.length() - TOPIC_SUFFIX.length());
        out.put("meterId", meterId);
        final List<long[]> samples;
        try {
            samples = parse(payload);
        } catch (SpecException e) {
            return refused(out, e.code(), e.detail());
        }
        if (!salts.exists(meterId)) {
            return refused(out, ErrorCode.NOT_FOUND, "no salt for meter '" + meterId + "': it was not registered from this member");
        }
        if (samples.isEmpty()) {
            out.put("accepted", 0L);
            return out;
        }
        final byte[] salt = salts.read(meterId);
        if (store.tracked(meterId).isEmpty()) {
            try {
                tracker.track(store, salt, meterId, samples.get(0)[0]);
            } catch (SpecException e) {
                return refused(out, e.code(), e.detail());
            } catch (LedgerException e) {
                if (e.code().isPresent()) {
                    return refused(out, e.code().get(), e.getMessage());
                }
                throw e;
            }
        }
        final MemberStore.Ingested done;
        try {
            done = store.ingest(meterId, salt, samples);
        } catch (SpecException e) {
            return refused(out, e.code(), e.detail()); // a rule, not a failure: delivering it again changes nothing
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

    private static Map<String, Object> refused(final Map<String, Object> out, final ErrorCode code, final String message) {
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
