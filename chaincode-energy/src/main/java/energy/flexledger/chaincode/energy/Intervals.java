package energy.flexledger.chaincode.energy;

import energy.flexledger.chaincode.Caller;
import energy.flexledger.chaincode.Failures;
import energy.flexledger.chaincode.StateStore;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.IntervalDigest;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hyperledger.fabric.shim.ChaincodeStub;

/**
 * FP1 interval records, kept in pages of {@value #PAGE_RECORDS} consecutive intervals of a meter:
 * {@code interval NUL <meterId> NUL <sortable page start>} (simple keys, so that a meter's records
 * can be read by time range) in the owner's private data collection, next to the chain head
 * {@code meterhead/<meterId>}. A page is one ledger write for up to 96 records: each write is a
 * round trip between chaincode and peer, and one key per record made a batch of 1,000 records cost
 * 2,000 of them (decision 0006). A page starts at a multiple of 96 interval lengths (a day of
 * quarter-hours).
 *
 * <p>A batch is processed in its order. Per meter, each record must be aligned to the meter's
 * interval length and start where the previous one ended; the chaincode computes the links. A
 * record identical to one already certified is skipped (safe retries); a different one is
 * {@code CONFLICT}. Any failure fails the whole batch: nothing of it is written.
 */
final class Intervals {
    static final String INTERVAL = "interval";
    /** Records per transaction: 1,000 quarter-hours of one meter are ten days. */
    static final int MAX_BATCH = 2_000;
    /** How far an interval's end may lie beyond the transaction time: clocks of devices and peers differ. */
    static final long MAX_CLOCK_SKEW_MS = 5 * 60_000L;

    private Intervals() {}

    /** Intervals per page: a day of quarter-hours. */
    static final int PAGE_RECORDS = 96;

    /** The start of the page holding the interval that starts at {@code start}. */
    static long pageStart(final long start, final long intervalMs) {
        final long span = Math.multiplyExact(intervalMs, PAGE_RECORDS);
        try {
            return Math.multiplyExact(Math.floorDiv(start, span), span);
        } catch (ArithmeticException e) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "time " + start + " is out of range: no interval page can hold it");
        }
    }

    /** The key of the page that starts at {@code pageStart}. */
    static String key(final String meterId, final long pageStart) {
        return StateStore.rangeKey(INTERVAL, meterId, StateStore.sortable(pageStart));
    }

    /** The outcome of a batch: how many records were written, how many were already there, and each meter's new head. */
    static final class Outcome {
        int recorded;
        int unchanged;
        final Map<String, Map<String, Object>> heads = new LinkedHashMap<>();

        /**
         * What a submit may return and announce: counts and each meter's position, nothing private
         * (no sums, fingerprints or links: results and events are written into the block).
         */
        Map<String, Object> summary(final String txId) {
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("txId", txId);
            out.put("recorded", (long) recorded);
            out.put("unchanged", (long) unchanged);
            final List<Object> meters = new ArrayList<>();
            for (final Map.Entry<String, Map<String, Object>> e : heads.entrySet()) {
                final Map<String, Object> m = new LinkedHashMap<>();
                m.put("meterId", e.getKey());
                m.put("intervals", e.getValue().get("intervals"));
                m.put("lastEnd", e.getValue().get("lastEnd"));
                meters.add(m);
            }
            out.put("meters", meters);
            return out;
        }
    }

    /** One meter's state during a batch: read once, written once at the end. */
    private static final class MeterState {
        final Map<String, Object> asset;
        final Map<String, Object> head;
        final long intervalMs;
        final String collection;
        /** Pages read or written in this transaction, by page start: Fabric does not show a transaction its own writes. */
        final Map<Long, Map<String, Object>> pages = new LinkedHashMap<>();
        final java.util.Set<Long> dirty = new java.util.TreeSet<>();
        boolean changed;

        MeterState(final Map<String, Object> asset, final Map<String, Object> head) {
            this.asset = asset;
            this.head = head;
            this.intervalMs = (Long) asset.get("intervalMs");
            this.collection = Privacy.collectionOf((String) asset.get("ownerMsp"));
        }

        /** The page (read from the ledger once per transaction), created empty if there is none. */
        Map<String, Object> page(final StateStore state, final String meterId, final long pageStart) {
            return pages.computeIfAbsent(pageStart, p -> {
                final Map<String, Object> page = new LinkedHashMap<>();
                page.put("meterId", meterId);
                page.put("pageStart", p);
                final Optional<Map<String, Object>> stored = state.readPrivate(collection, key(meterId, p));
                page.put("records", new ArrayList<Object>(stored.map(s -> (List<?>) s.get("records")).orElse(List.of())));
                return page;
            });
        }
    }

    /** The record of {@code page} that starts at {@code start}, if any (records are in start order). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> find(final Map<String, Object> page, final long start) {
        for (final Object r : (List<Object>) page.get("records")) {
            final Map<String, Object> record = (Map<String, Object>) r;
            if ((Long) record.get("start") == start) {
                return record;
            }
        }
        return null;
    }

    static Outcome record(final ChaincodeStub stub, final Caller caller, final List<?> batch) {
        caller.requireMemberWriter("record intervals");
        if (batch.isEmpty() || batch.size() > MAX_BATCH) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "a batch holds 1.." + MAX_BATCH + " records, got " + batch.size());
        }
        final StateStore state = new StateStore(stub);
        final long now = stub.getTxTimestamp().toEpochMilli();
        final Map<String, MeterState> meters = new LinkedHashMap<>();
        final Outcome outcome = new Outcome();
        for (int i = 0; i < batch.size(); i++) {
            final String where = "records[" + i + "]";
            final Object item = batch.get(i);
            final Json.Obj r = Args.spec(() -> Json.Obj.of(item, where));
            final String meterId = Args.id(where + ".meterId", Args.spec(() -> r.getString("meterId")));
            final MeterState meter = meters.computeIfAbsent(meterId, id -> load(state, caller, id));
            final IntervalDigest digest = digest(where, r);
            if (Math.floorMod(digest.start(), meter.intervalMs) != 0 || digest.end() - digest.start() != meter.intervalMs) {
                throw Failures.fail(ErrorCode.MISALIGNED, where + ": meter '" + meterId + "' certifies intervals of " + meter.intervalMs
                        + " ms aligned to the epoch; (" + digest.start() + ", " + digest.end() + "] is not one");
            }
            if (digest.end() > Math.addExact(now, MAX_CLOCK_SKEW_MS)) {
                // A chain never restarts: one interval in the future (a typo, microseconds for
                // milliseconds) would block the meter for good.
                throw Failures.fail(ErrorCode.BAD_INTERVAL, where + ": interval end " + digest.end() + " is in the future (transaction time "
                        + now + "); intervals are certified once they have closed");
            }
            final long pageStart = pageStart(digest.start(), meter.intervalMs);
            final Object lastEnd = meter.head.get("lastEnd");
            if (lastEnd != null && digest.start() < (Long) lastEnd) {
                // Behind the head: part of the certified history. Only identical re-submissions pass.
                final Map<String, Object> existing = find(meter.page(state, meterId, pageStart), digest.start());
                if (existing != null && sameDigest(existing, digest)) {
                    outcome.unchanged++;
                    continue;
                }
                final long chainStart = chainStart(meter.head, meter.intervalMs);
                if (existing == null && digest.start() < chainStart) {
                    throw Failures.fail(ErrorCode.NOT_CONTIGUOUS, where + ": meter '" + meterId + "' has certified intervals from " + chainStart
                            + " on; a chain never grows backwards, so " + digest.start() + " cannot be added before its first record");
                }
                throw Failures.fail(ErrorCode.CONFLICT, where + ": meter '" + meterId + "' already has a different record for the interval starting at "
                        + digest.start());
            }
            if (lastEnd != null && (Long) lastEnd != digest.start()) {
                throw Failures.fail(ErrorCode.NOT_CONTIGUOUS, where + ": meter '" + meterId + "' continues at " + lastEnd + ", not at "
                        + digest.start());
            }
            final String previousLink = (String) meter.head.get("headLink");
            final String link = Hex.encode(Fp1.link(Hex.decode(previousLink), digest));
            final Map<String, Object> record = digest.toMap();
            record.put("meterId", meterId);
            record.put("previousLink", previousLink);
            record.put("link", link);
            record.put("recordedAt", now);
            record.put("txId", stub.getTxId());
            final Map<String, Object> page = meter.page(state, meterId, pageStart);
            @SuppressWarnings("unchecked")
            final List<Object> records = (List<Object>) page.get("records");
            // A record ahead of the head (left by a transaction that altered chaincode endorsed) is
            // not history: the new record replaces it.
            records.removeIf(x -> (Long) ((Map<?, ?>) x).get("start") >= digest.start());
            records.add(record);
            meter.dirty.add(pageStart);
            outcome.recorded++;
            meter.head.put("intervals", Math.addExact((Long) meter.head.get("intervals"), 1L));
            meter.head.put("lastEnd", digest.end());
            meter.head.put("headLink", link);
            meter.changed = true;
        }
        for (final Map.Entry<String, MeterState> e : meters.entrySet()) {
            final MeterState meter = e.getValue();
            for (final long pageStart : meter.dirty) {
                final String key = key(e.getKey(), pageStart);
                state.writePrivate(meter.collection, key, meter.pages.get(pageStart));
                // Only the owner's peers may change a page: certified records cannot be rewritten
                // by other members, even with altered chaincode.
                state.requirePrivateEndorsementBy(meter.collection, key, (String) meter.asset.get("ownerMsp"));
            }
            if (meter.changed) {
                state.writePrivate(meter.collection, state.key(Registry.HEAD, e.getKey()), meter.head);
            }
            outcome.heads.put(e.getKey(), meter.head);
        }
        return outcome;
    }

    private static MeterState load(final StateStore state, final Caller caller, final String meterId) {
        final Map<String, Object> asset = Registry.read(state, meterId);
        Registry.requireDataWriter(caller, asset);
        if (!Registry.isMetering(asset)) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "asset '" + meterId + "' does not certify intervals (no saltCommitment)");
        }
        if (!Registry.ACTIVE.equals(asset.get("status"))) {
            throw Failures.fail(ErrorCode.INACTIVE, "asset '" + meterId + "' is deactivated; its owner can reactivate it");
        }
        return new MeterState(asset, new LinkedHashMap<>(Registry.readHead(state, asset)));
    }

    private static IntervalDigest digest(final String where, final Json.Obj r) {
        final long start = Args.spec(() -> r.getLong("start"));
        final long end = Args.spec(() -> r.getLong("end"));
        final long count = Args.spec(() -> r.getLong("count"));
        final long sum = Args.spec(() -> r.getLong("sum"));
        final String fingerprint = Args.spec(() -> r.getString("fingerprint"));
        return digest(where, start, end, count, sum, fingerprint);
    }

    static IntervalDigest digest(final String where, final long start, final long end, final long count, final long sum,
            final String fingerprint) {
        if (!Hex.isLowerHex(fingerprint, Fp1.HASH_BYTES)) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, where + ": fingerprint must be 64 lowercase hex digits");
        }
        final IntervalDigest digest;
        try {
            digest = new IntervalDigest(start, end, count, sum, Hex.decode(fingerprint));
        } catch (SpecException e) {
            throw Failures.fail(e.code(), where + ": " + e.detail());
        }
        // Samples have strictly increasing millisecond times inside (start, end].
        if (Long.compareUnsigned(count, end - start) > 0) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, where + ": count " + count + " cannot fit into " + (end - start) + " ms");
        }
        return digest;
    }

    /** The certified record of a meter's interval that starts at {@code start}. */
    static Map<String, Object> get(final StateStore state, final Caller caller, final String meterId, final long start) {
        final Map<String, Object> asset = readable(state, caller, meterId);
        final Object lastEnd = Registry.readHead(state, asset).get("lastEnd");
        // Only records behind the chain head belong to the meter's certified history.
        if (lastEnd != null && start < (Long) lastEnd) {
            final Optional<Map<String, Object>> page = state.readPrivate(Privacy.collectionOf((String) asset.get("ownerMsp")),
                    key(meterId, pageStart(start, (Long) asset.get("intervalMs"))));
            final Map<String, Object> record = page.map(p -> find(p, start)).orElse(null);
            if (record != null) {
                return record;
            }
        }
        throw Failures.fail(ErrorCode.NOT_FOUND, "meter '" + meterId + "' has no interval starting at " + start);
    }

    /**
     * Certified records with {@code from <= start < to}, oldest first, one page. Each record
     * carries {@code previousLink}: an auditor who trusts the ledger's first record of the range can
     * check the rest with {@code Fp1Verifier}.
     */
    static Map<String, Object> range(final StateStore state, final Caller caller, final String meterId, final long from, final long to,
            final int pageSize, final String bookmark) {
        if (to <= from) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "to (" + to + ") must be after from (" + from + ")");
        }
        final Map<String, Object> asset = readable(state, caller, meterId);
        final Map<String, Object> head = Registry.readHead(state, asset);
        final Object lastEnd = head.get("lastEnd");
        final long intervalMs = (Long) asset.get("intervalMs");
        // The bookmark is the start of the next record, as 20 sortable digits.
        final long first = bookmark.isEmpty() ? from : Math.max(from, parseBookmark(bookmark));
        final long end = lastEnd == null ? first : Math.min(to, (Long) lastEnd);
        final List<Object> records = new ArrayList<>();
        String next = "";
        if (first < end) {
            final String collection = Privacy.collectionOf((String) asset.get("ownerMsp"));
            // The chain holds a record for every interval from its first to its head, so the records
            // of [first, end) start at `expected` and follow each other; every page but the first
            // holds PAGE_RECORDS of them, so pageSize / PAGE_RECORDS + 2 pages are enough for
            // pageSize records and the start of the next one. Pages are read by key, not by range:
            // Fabric checks a single-key private read against the hash on the channel, and a peer
            // whose private copy is behind fails instead of answering with old records. Reading no
            // more pages than a page of records needs bounds a query's cost by its page size.
            final long chainStart = chainStart(head, intervalMs);
            long expected = first <= chainStart ? chainStart : alignUp(first, intervalMs);
            final long span = Math.multiplyExact(intervalMs, PAGE_RECORDS);
            final long lastPage = pageStart(end - 1, intervalMs);
            long pageAt = pageStart(expected, intervalMs);
            final int pagesNeeded = pageSize / PAGE_RECORDS + 2;
            outer:
            for (int n = 0; n < pagesNeeded && pageAt <= lastPage && expected < end; n++, pageAt = Math.addExact(pageAt, span)) {
                final Optional<Map<String, Object>> page = state.readPrivate(collection, key(meterId, pageAt));
                for (final Object r : page.map(p -> (List<?>) p.get("records")).orElse(List.of())) {
                    final long start = (Long) ((Map<?, ?>) r).get("start");
                    if (start < expected || start >= end) {
                        continue;
                    }
                    if (start != expected) {
                        throw incomplete(meterId, expected);
                    }
                    if (records.size() == pageSize) {
                        next = StateStore.sortable(start);
                        break outer;
                    }
                    records.add(r);
                    expected = Math.addExact(start, intervalMs);
                }
                if (expected < Math.min(end, Math.addExact(pageAt, span))) {
                    // This page should have held the records up to its end (or the range's).
                    throw incomplete(meterId, expected);
                }
            }
            if (next.isEmpty() && expected < end) {
                // Stopped at the page budget: the next call goes on from here.
                next = StateStore.sortable(expected);
            }
        }
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("meterId", meterId);
        out.put("records", records);
        out.put("bookmark", next);
        out.put("head", head);
        return out;
    }

    /**
     * The hash the channel keeps of the page that holds the interval starting at {@code start}:
     * anyone given that page (canonical JSON of {@code meterId}, {@code pageStart} and the page's
     * records, as {@code GetIntervals} returns them) can check it.
     */
    static Map<String, Object> hash(final StateStore state, final String meterId, final long start) {
        final Map<String, Object> asset = Registry.read(state, meterId);
        if (!Registry.isMetering(asset)) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "asset '" + meterId + "' does not certify intervals (no saltCommitment)");
        }
        final String collection = Privacy.collectionOf((String) asset.get("ownerMsp"));
        final long pageStart = pageStart(start, (Long) asset.get("intervalMs"));
        final byte[] hash = state.privateHash(collection, key(meterId, pageStart))
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "meter '" + meterId + "' has no interval page holding " + start));
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("meterId", meterId);
        out.put("pageStart", pageStart);
        out.put("pageEnd", Math.addExact(pageStart, Math.multiplyExact((Long) asset.get("intervalMs"), PAGE_RECORDS)));
        out.put("collection", collection);
        out.put("pageHash", Hex.encode(hash));
        return out;
    }

    /** The start of a meter's first certified interval (its head's lastEnd when it has none). */
    static long chainStart(final Map<String, Object> head, final long intervalMs) {
        final Object lastEnd = head.get("lastEnd");
        if (lastEnd == null) {
            return Long.MAX_VALUE;
        }
        return Math.subtractExact((Long) lastEnd, Math.multiplyExact((Long) head.get("intervals"), intervalMs));
    }

    /** The smallest multiple of {@code intervalMs} at or after {@code t} ({@code t} lies inside a chain). */
    private static long alignUp(final long t, final long intervalMs) {
        final long down = t - Math.floorMod(t, intervalMs);
        return down == t ? t : Math.addExact(down, intervalMs);
    }

    private static RuntimeException incomplete(final String meterId, final long missing) {
        return Failures.fail(ErrorCode.INVALID_STATE, "this peer's copy of meter '" + meterId + "''s interval data lacks the record starting at "
                + missing + " (its private data is not reconciled yet); try again later or read through another reader's peer");
    }

    private static Map<String, Object> readable(final StateStore state, final Caller caller, final String meterId) {
        final Map<String, Object> asset = Registry.read(state, meterId);
        Privacy.requireReader(caller, (String) asset.get("ownerMsp"), meterId);
        return asset;
    }

    private static long parseBookmark(final String bookmark) {
        if (bookmark.length() != 20 || !bookmark.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "bookmark must be the one a previous page returned");
        }
        return Long.parseUnsignedLong(bookmark) ^ Long.MIN_VALUE;
    }

    private static boolean sameDigest(final Map<String, Object> record, final IntervalDigest digest) {
        return Long.valueOf(digest.end()).equals(record.get("end"))
                && Long.valueOf(digest.count()).equals(record.get("count"))
                && Long.valueOf(digest.sum()).equals(record.get("sum"))
                && digest.fingerprintHex().equals(record.get("fingerprint"));
    }
}
