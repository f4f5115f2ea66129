package energy.flexledger.chaincode;

import energy.flexledger.spec.Canonical;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.SpecException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hyperledger.fabric.shim.ChaincodeStub;
import org.hyperledger.fabric.shim.ledger.CompositeKey;
import org.hyperledger.fabric.shim.ledger.KeyValue;
import org.hyperledger.fabric.shim.ledger.QueryResultsIterator;
import org.hyperledger.fabric.shim.ledger.QueryResultsIteratorWithMetadata;

/**
 * World-state access in canonical JSON under composite keys. Numbers inside key parts are encoded
 * with {@link #sortable(long)} so that range scans return them in numeric order.
 */
public final class StateStore {
    /** The value of an index entry: Fabric treats an empty value as a delete, so one zero byte. */
    private static final byte[] INDEX_VALUE = {0};

    private final ChaincodeStub stub;

    public StateStore(final ChaincodeStub stub) {
        this.stub = stub;
    }

    public String key(final String type, final String... parts) {
        return stub.createCompositeKey(type, parts).toString();
    }

    /**
     * A simple (non-composite) key {@code type NUL part NUL part ...} for entities read by key
     * range: Fabric's range queries refuse composite keys. Parts must not contain U+0000, so keys of
     * different entities never interleave in a range.
     */
    public static String rangeKey(final String type, final String... parts) {
        final StringBuilder sb = new StringBuilder(type);
        for (final String part : parts) {
            if (part.indexOf('\u0000') >= 0) {
                throw new IllegalArgumentException("key parts must not contain U+0000");
            }
            sb.append('\u0000').append(part);
        }
        return sb.toString();
    }


    /** Writes an index entry: a composite key whose parts carry the information, with no value. */
    public void index(final String type, final String... parts) {
        stub.putState(key(type, parts), INDEX_VALUE);
    }

    public void unindex(final String type, final String... parts) {
        stub.delState(key(type, parts));
    }

    /**
     * The parts after {@code prefix} of every index entry under {@code type/prefix...}, in key order.
     * Not paged, so it may run in a submit transaction (Fabric re-checks the range at validation).
     */
    public List<List<String>> indexed(final String type, final String... prefix) {
        final List<List<String>> out = new ArrayList<>();
        try (QueryResultsIterator<KeyValue> it = stub.getStateByPartialCompositeKey(type, prefix)) {
            for (final KeyValue kv : it) {
                final List<String> attributes = CompositeKey.parseCompositeKey(kv.getKey()).getAttributes();
                out.add(attributes.subList(prefix.length, attributes.size()));
            }
        } catch (Exception e) {
            throw closeFailure(e);
        }
        return out;
    }

    /**
     * Every value under {@code type/prefix...}, in key order, as a {@code valueType}. Not paged, so
     * it may run in a submit transaction: Fabric re-checks the range at validation, and a key added
     * or removed in it meanwhile invalidates the transaction (phantom read).
     */
    public <T> List<T> values(final Class<T> valueType, final String type, final String... prefix) {
        final List<T> out = new ArrayList<>();
        try (QueryResultsIterator<KeyValue> it = stub.getStateByPartialCompositeKey(type, prefix)) {
            for (final KeyValue kv : it) {
                out.add(decode(kv.getValue(), valueType, kv.getKey()));
            }
        } catch (Exception e) {
            throw closeFailure(e);
        }
        return out;
    }

    /** One page of the values under {@code type/prefix...} (evaluate transactions only; see {@link #indexedPage}). */
    public <T> Page<T> valuesPage(final Class<T> valueType, final int pageSize, final String bookmark, final String type, final String... prefix) {
        final List<T> out = new ArrayList<>();
        final String next;
        final String start = new CompositeKey(type, prefix).toString();
        if (bookmark != null && !bookmark.isEmpty() && !bookmark.startsWith(start)) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "bookmark must be one that a previous page of this query returned");
        }
        try (QueryResultsIteratorWithMetadata<KeyValue> it =
                stub.getStateByPartialCompositeKeyWithPagination(new CompositeKey(type, prefix), pageSize, bookmark)) {
            for (final KeyValue kv : it) {
                if (kv.getKey().startsWith(start)) {
                    out.add(decode(kv.getValue(), valueType, kv.getKey()));
                }
            }
            next = it.getMetadata() == null ? "" : it.getMetadata().getBookmark();
        } catch (Exception e) {
            throw closeFailure(e);
        }
        return new Page<>(out, next);
    }

    /**
     * One page of index entries under {@code type/prefix...} (evaluate transactions only). Fabric
     * starts a page at the bookmark without checking that it lies inside the query's range, so a
     * bookmark that no page of this query returned is refused, and entries outside the prefix are
     * never answered.
     */
    public Page<List<String>> indexedPage(final int pageSize, final String bookmark, final String type, final String... prefix) {
        final List<List<String>> out = new ArrayList<>();
        final String next;
        final String start = new CompositeKey(type, prefix).toString();
        if (bookmark != null && !bookmark.isEmpty() && !bookmark.startsWith(start)) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "bookmark must be one that a previous page of this query returned");
        }
        try (QueryResultsIteratorWithMetadata<KeyValue> it =
                stub.getStateByPartialCompositeKeyWithPagination(new CompositeKey(type, prefix), pageSize, bookmark)) {
            for (final KeyValue kv : it) {
                if (!kv.getKey().startsWith(start)) {
                    continue;
                }
                final List<String> attributes = CompositeKey.parseCompositeKey(kv.getKey()).getAttributes();
                if (attributes.size() <= prefix.length) {
                    continue;
                }
                out.add(attributes.subList(prefix.length, attributes.size()));
            }
            next = it.getMetadata() == null ? "" : it.getMetadata().getBookmark();
        } catch (Exception e) {
            throw closeFailure(e);
        }
        return new Page<>(out, next);
    }


    // ------------------------------------------------------------------ private data

    /** A value of a private data collection; only the collection's member peers can answer. */
    public <T> Optional<T> readPrivate(final String collection, final String key, final Class<T> type) {
        final byte[] bytes;
        try {
            bytes = stub.getPrivateData(collection, key);
        } catch (RuntimeException e) {
            // The peer refuses a read when it has the channel's hash but not (yet) the private
            // value: a member newly added to the collection before gossip reconciliation, or a
            // purged copy. A stable code instead of the shim's bare "Unsuccessful response".
            throw Failures.fail(ErrorCode.INVALID_STATE, "this peer refused to read '" + key + "' from " + collection
                    + ": most often it does not hold the private value the channel's hash records yet (not yet reconciled, e.g. just "
                    + "after its org joined the collection; retry in a few seconds or ask another member's peer), or the collection "
                    + "is not in the committed chaincode definition (network.sh collections)");
        }
        if (bytes == null || bytes.length == 0) {
            return Optional.empty();
        }
        return Optional.of(decode(bytes, type, key));
    }

    /** Writes the value's canonical JSON into the collection; the channel gets only its hash. */
    public String writePrivate(final String collection, final String key, final Object value) {
        final String json = Canonical.write(value);
        stub.putPrivateData(collection, key, json.getBytes(StandardCharsets.UTF_8));
        return json;
    }

    /**
     * From the next transaction on, a change to {@code key} of {@code collection} is valid only if
     * its endorsements satisfy {@code policy}, whatever the collection's or the chaincode's policy
     * allows. Setting it again on a later write is idempotent (Fabric validates a write against the
     * policy already committed, and the peer's simulator hands that one to the Fabric Gateway's
     * endorsement planning). A key written for the first time is checked against the collection's
     * {@code endorsementPolicy} (or the chaincode's), so that one must say the same.
     */
    public void requirePrivateEndorsement(final String collection, final String key, final KeyPolicy policy) {
        stub.setPrivateDataValidationParameter(collection, key, policy.toBytes());
    }

    /**
     * The values of {@code collection} with keys in [{@code startKey}, {@code endKey}), in key
     * order. Fabric checks neither range against the channel's hashes nor, in a submit, against
     * later writes (no phantom check for private data): use it only for values that are written
     * once and never change, and check what the range must hold (for example contiguity).
     */
    public <T> List<T> privateRange(final String collection, final String startKey, final String endKey, final Class<T> type) {
        final List<T> out = new ArrayList<>();
        try (QueryResultsIterator<KeyValue> it = stub.getPrivateDataByRange(collection, startKey, endKey)) {
            for (final KeyValue kv : it) {
                out.add(decode(kv.getValue(), type, kv.getKey()));
            }
        } catch (Exception e) {
            throw closeFailure(e);
        }
        return out;
    }

    /** The SHA-256 of a private value as the channel records it (any channel member can read it), or empty. */
    public Optional<byte[]> privateHash(final String collection, final String key) {
        final byte[] hash = stub.getPrivateDataHash(collection, key);
        return hash == null || hash.length == 0 ? Optional.empty() : Optional.of(hash);
    }

    private static RuntimeException closeFailure(final Exception e) {
        if (e instanceof RuntimeException) {
            return (RuntimeException) e;
        }
        return new IllegalStateException("closing a state iterator failed", e);
    }

    /** One page of a query and the bookmark of the next page (empty when there is none). */
    public static final class Page<T> {
        private final List<T> items;
        private final String bookmark;

        public Page(final List<T> items, final String bookmark) {
            this.items = List.copyOf(items);
            this.bookmark = bookmark == null ? "" : bookmark;
        }

        public List<T> items() {
            return items;
        }

        public String bookmark() {
            return bookmark;
        }
    }

    /** The value under {@code key} as a {@code type}, or empty (index entries read as empty too). */
    public <T> Optional<T> read(final String key, final Class<T> type) {
        final byte[] bytes = stub.getState(key);
        if (bytes == null || bytes.length == 0 || (bytes.length == 1 && bytes[0] == 0)) {
            return Optional.empty();
        }
        return Optional.of(decode(bytes, type, key));
    }

    /** Writes the value's canonical JSON and returns it. */
    public String write(final String key, final Object value) {
        final String json = Canonical.write(value);
        stub.putState(key, json.getBytes(StandardCharsets.UTF_8));
        return json;
    }

    /**
     * A stored value as its type. Only this chaincode writes these keys, always canonically, so a
     * value that does not read is a broken invariant ({@code INVALID_STATE}), not bad input.
     */
    private static <T> T decode(final byte[] bytes, final Class<T> type, final String key) {
        try {
            return Canonical.read(bytes, type, Canonical.nameOf(type));
        } catch (SpecException e) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "the stored value of " + printable(key) + " is not a valid " + Canonical.nameOf(type)
                    + ": " + e.detail());
        }
    }

    private static String printable(final String key) {
        return "'" + key.replace('\u0000', '/') + "'";
    }

    /** Like {@link #requirePrivateEndorsement} for a key of the world state. */
    public void requireEndorsement(final String key, final KeyPolicy policy) {
        stub.setStateValidationParameter(key, policy.toBytes());
    }

    /**
     * A fixed-width (20 digit) text that sorts like the signed number: the sign bit is flipped and
     * the result printed as an unsigned decimal.
     */
    public static String sortable(final long value) {
        final String digits = Long.toUnsignedString(value ^ Long.MIN_VALUE);
        final StringBuilder sb = new StringBuilder(20);
        for (int i = digits.length(); i < 20; i++) {
            sb.append('0');
        }
        return sb.append(digits).toString();
    }
}
