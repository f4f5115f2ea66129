package energy.flexledger.chaincode.energy;

import energy.flexledger.chaincode.Caller;
import energy.flexledger.chaincode.Consortium;
import energy.flexledger.chaincode.Failures;
import energy.flexledger.chaincode.KeyPolicy;
import energy.flexledger.chaincode.StateStore;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.IntervalDigest;
import energy.flexledger.spec.Canonical;
import energy.flexledger.spec.SpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.TreeMap;
import org.hyperledger.fabric.shim.ChaincodeStub;

/**
 * FP1 interval records, kept append-only in <em>segments</em>: each transaction writes, per meter,
 * the records it adds as one private value {@code interval NUL <meterId> NUL <sortable start of its
 * first record>} in the owner's collection, and moves the chain head {@code meterhead/<meterId>}. A
 * segment never crosses a day page (a multiple of {@value #PAGE_RECORDS} interval lengths), so the
 * records of a time range lie in the segments that start between its page's start and its end.
 * A segment is written once and never changes: the private data kept per meter grows with the
 * records certified, not with the number of submissions times the size of a day (decision 0008).
 *
 * <p>Every segment and the head carry the key-level policy {@link Privacy#endorsement}: the owner's
 * peer and one of the other readers' peers; the collection's {@code endorsementPolicy} says the
 * same for keys not yet written. No single member, the owner included, writes or rewrites
 * certified history.
 *
 * <p>A batch is processed in its order. Per meter, each record must be aligned to the meter's
 * interval length, start no earlier than the meter's {@code earliestStart} and where the previous
 * one ended; the chaincode computes the links. A record identical to one already certified is
 * skipped (safe retries); a different one is {@code CONFLICT}. Any failure fails the whole batch:
 * nothing of it is written.
 */
final class Intervals {
    static final String INTERVAL = "interval";
    /** Records per transaction: 1,000 quarter-hours of one meter are ten days. */
    static final int MAX_BATCH = 2_000;
    /** How far an interval's end may lie beyond the transaction time: clocks of devices and peers differ. */
    static final long MAX_CLOCK_SKEW_MS = 5 * 60_000L;

    private Intervals() {}

    /** Intervals per day page: a day of quarter-hours. No segment crosses a page boundary. */
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

    /** The key of the segment whose first record starts at {@code segmentStart}. */
    static String key(final String meterId, final long segmentStart) {
        return StateStore.rangeKey(INTERVAL, meterId, StateStore.sortable(segmentStart));
    }

    /** The outcome of a batch: how many records were written, how many were already there, and the meters it touched. */
    static final class Outcome {
        int recorded;
        int unchanged;
        final Map<String, Integer> meters = new LinkedHashMap<>();

        /**
         * What a submit may return and announce: counts and the meters, nothing of the private
         * data (no chain position, sums, fingerprints or links: results and events are written
         * into the block for every channel member).
         */
        IntervalsRecorded summary(final String txId) {
            return new IntervalsRecorded(txId, recorded, unchanged, meters.keySet().toArray(new String[0]));
        }
    }

    /** One meter's state during a batch: read once, written once at the end. */
    private static final class MeterState {
        final Asset asset;
        ChainHead head;
        final long intervalMs;
        final String collection;
        final KeyPolicy policy;
        /**
         * Certified segments read in this transaction (for re-submissions), by their first record's
         * start; {@code null} values mark keys read and found empty.
         */
        final TreeMap<Long, IntervalRecord[]> certified = new TreeMap<>();
        /** The segments this transaction adds, by their first record's start. */
        final Map<Long, List<IntervalRecord>> segments = new TreeMap<>();
        long openSegment = Long.MIN_VALUE;

        MeterState(final Asset asset, final ChainHead head, final Consortium consortium) {
            this.asset = asset;
            this.head = head;
            this.intervalMs = asset.intervalMs();
            this.collection = asset.dataCollection();
            this.policy = Privacy.endorsement(consortium, asset);
        }

        /**
         * The record starting at {@code start}: added by this transaction, or certified before it.
         *
         * <p>Certified segments are found by single-key reads, never by a range: Fabric refuses any
         * write in a transaction that has run a private data range query ("Transaction has already
         * performed queries on pvt data"). The segment holding {@code start} is the nearest one that
         * starts at or before it in its page, so the reads go back from {@code start} one interval
         * at a time and stop at the first segment; segments already read answer from memory, so a
         * whole re-submitted batch costs about one read per record.
         */
        IntervalRecord existing(final StateStore state, final String meterId, final long pageStart, final long start) {
            for (final List<IntervalRecord> segment : segments.values()) {
                for (final IntervalRecord r : segment) {
                    if (r.start() == start) {
                        return r;
                    }
                }
            }
            for (long at = start; at >= pageStart; at -= intervalMs) {
                final IntervalRecord[] segment;
                if (certified.containsKey(at)) {
                    segment = certified.get(at);
                } else {
                    segment = state.readPrivate(collection, key(meterId, at), Segment.class).map(Segment::records).orElse(null);
                    certified.put(at, segment);
                }
                if (segment != null) {
                    return find(List.of(segment), start);
                }
            }
            return null;
        }

        /** Adds a record to the segment being built, starting a new one at each page boundary. */
        void append(final long pageStart, final IntervalRecord record) {
            if (openSegment == Long.MIN_VALUE || pageStart(openSegment, intervalMs) != pageStart) {
                openSegment = record.start();
                segments.put(record.start(), new ArrayList<>());
            }
            segments.get(openSegment).add(record);
        }
    }

    /**
     * Every certified record of the page at {@code pageStart}, in start order, read by single-key
     * reads only — never a range, since Fabric refuses every write of a transaction that has run a
     * private data range query, and chaincode-dr reads intervals inside its settlements. The chain is
     * contiguous and a segment holds what one transaction added to one page, so the page's first
     * segment starts at the page's first certified interval (the page start, or the chain's start) and
     * each next one where the previous one's last record ends: one read per segment. The records must
     * link (each names the previous one's link, the last one is the head's or is named by the next
     * page's first record); if they do not — a value planted by colluding members' altered chaincode
     * ahead of the chain, later overtaken by certified segments — the page is read again record by
     * record, where a segment starting at a record's own start takes precedence. A missing segment
     * ends the page early: the caller reports the gap.
     */
    static List<IntervalRecord> pageRecords(final StateStore state, final String collection, final String meterId, final long pageStart,
            final long intervalMs, final ChainHead head) {
        final List<IntervalRecord> out = new ArrayList<>();
        final Long lastEnd = head.lastEnd();
        if (lastEnd == null) {
            return out;
        }
        final long pageEnd = Math.min(Math.addExact(pageStart, Math.multiplyExact(intervalMs, PAGE_RECORDS)), lastEnd);
        final long first = Math.max(pageStart, head.chainStart(intervalMs));
        long at = first;
        boolean linked = true;
        while (at < pageEnd && linked) {
            final IntervalRecord[] segment = segmentAt(state, collection, meterId, at);
            if (segment == null) {
                break;
            }
            long next = at;
            for (final IntervalRecord record : segment) {
                if (record.start() != next || record.start() >= pageEnd) {
                    break;
                }
                if (!out.isEmpty() && !record.previousLink().equals(out.get(out.size() - 1).link())) {
                    linked = false;
                    break;
                }
                out.add(record);
                next = record.end();
            }
            if (next == at) {
                break;
            }
            at = next;
        }
        if (linked && !out.isEmpty()) {
            // The last record must be the one the chain goes on from: the head's, or the next page's first record's predecessor.
            final IntervalRecord last = out.get(out.size() - 1);
            if (last.end() >= lastEnd) {
                linked = last.link().equals(head.headLink());
            } else if (last.end() >= Math.addExact(pageStart, Math.multiplyExact(intervalMs, PAGE_RECORDS))) {
                final IntervalRecord[] following = segmentAt(state, collection, meterId, last.end());
                linked = following == null || following[0].previousLink().equals(last.link());
            }
        }
        return linked ? out : recordByRecord(state, collection, meterId, first, pageEnd, intervalMs);
    }

    /** The records of the segment that starts at {@code start}, or null when none does. */
    private static IntervalRecord[] segmentAt(final StateStore state, final String collection, final String meterId, final long start) {
        final Optional<Segment> segment = state.readPrivate(collection, key(meterId, start), Segment.class);
        if (segment.isEmpty() || segment.get().records().length == 0 || segment.get().records()[0].start() != start) {
            return null;
        }
        return segment.get().records();
    }

    /**
     * The page read at every record's start: a segment that starts at a record takes precedence over
     * an earlier one's copy, and a record that does not link to the one before it ends the page.
     */
    private static List<IntervalRecord> recordByRecord(final StateStore state, final String collection, final String meterId, final long first,
            final long pageEnd, final long intervalMs) {
        final List<IntervalRecord> out = new ArrayList<>();
        IntervalRecord[] current = null;
        for (long t = first; t < pageEnd; t = Math.addExact(t, intervalMs)) {
            final IntervalRecord[] starting = segmentAt(state, collection, meterId, t);
            if (starting != null) {
                current = starting;
            }
            final IntervalRecord record = current == null ? null : find(List.of(current), t);
            if (record == null || !out.isEmpty() && !record.previousLink().equals(out.get(out.size() - 1).link())) {
                break;   // missing, or not the chain's: the caller reports the gap
            }
            out.add(record);
        }
        return out;
    }

    /** The record of {@code records} that starts at {@code start}, if any (records are in start order). */
    static IntervalRecord find(final List<IntervalRecord> records, final long start) {
        for (final IntervalRecord record : records) {
            if (record.start() == start) {
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
            if (!(item instanceof Map)) {
                throw Failures.fail(ErrorCode.BAD_REQUEST, where + " must be a JSON object {meterId, start, end, count, sum, fingerprint}, was "
                        + (item == null ? "null" : item instanceof List ? "an array" : "a " + item.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT)));
            }
            final IntervalInput r = Args.spec(() -> Canonical.fromTree(item, IntervalInput.class, where));
            final String meterId = Args.id(where + ".meterId", r.meterId());
            final MeterState meter = meters.computeIfAbsent(meterId, id -> load(state, caller, id));
            outcome.meters.merge(meterId, 1, Integer::sum);
            final IntervalDigest digest = digest(where, r.start(), r.end(), r.count(), r.sum(), r.fingerprint());
            if (r.avg() != null && r.avg() != digest.avg()) {
                throw Failures.fail(ErrorCode.BAD_REQUEST, where + ": avg " + r.avg() + " is not the average FP1 derives from sum and count ("
                        + digest.avg() + "); leave it out or send that");
            }
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
            final Long earliest = meter.asset.earliestStart();
            if (earliest != null && digest.start() < earliest) {
                throw Failures.fail(ErrorCode.BAD_INTERVAL, where + ": interval start " + digest.start() + " is before meter '" + meterId
                        + "''s earliest start " + earliest + " (its registration time less its back-fill window, backfillMs); "
                        + "times are milliseconds since the epoch");
            }
            final Long bound = meter.asset.maxAbsValue();
            final long limit = bound == null ? Long.MAX_VALUE : saturatedProduct(digest.count(), bound);
            if (digest.sum() > limit || digest.sum() < -limit) {
                throw Failures.fail(ErrorCode.BAD_REQUEST, where + ": sum " + digest.sum() + " of " + digest.count()
                        + " samples exceeds the meter's bound of " + bound + " per sample (maxAbsValue)");
            }
            final long pageStart = pageStart(digest.start(), meter.intervalMs);
            final Long lastEnd = meter.head.lastEnd();
            if (lastEnd != null && digest.start() < lastEnd) {
                // Behind the head: part of the certified history. Only identical re-submissions pass.
                final IntervalRecord existing = meter.existing(state, meterId, pageStart, digest.start());
                if (existing != null && existing.certifies(digest)) {
                    outcome.unchanged++;
                    continue;
                }
                final long chainStart = meter.head.chainStart(meter.intervalMs);
                if (existing == null && digest.start() < chainStart) {
                    throw Failures.fail(ErrorCode.NOT_CONTIGUOUS, where + ": meter '" + meterId + "' has certified intervals from " + chainStart
                            + " on; a chain never grows backwards, so " + digest.start() + " cannot be added before its first record");
                }
                if (existing == null) {
                    throw incomplete(meterId, digest.start());
                }
                throw Failures.fail(ErrorCode.CONFLICT, where + ": meter '" + meterId + "' already has a different record for the interval starting at "
                        + digest.start() + "; a certified record never changes");
            }
            if (lastEnd != null && lastEnd != digest.start()) {
                throw Failures.fail(ErrorCode.NOT_CONTIGUOUS, where + ": meter '" + meterId + "' continues at " + lastEnd + ", not at "
                        + digest.start());
            }
            final String previousLink = meter.head.headLink();
            final String link = Hex.encode(Fp1.link(Hex.decode(previousLink), digest));
            meter.append(pageStart, IntervalRecord.of(meterId, digest, previousLink, link, now, stub.getTxId()));
            outcome.recorded++;
            meter.head = meter.head.advance(digest.end(), link);
        }
        for (final Map.Entry<String, MeterState> e : meters.entrySet()) {
            final MeterState meter = e.getValue();
            for (final Map.Entry<Long, List<IntervalRecord>> segment : meter.segments.entrySet()) {
                final String key = key(e.getKey(), segment.getKey());
                // A key ahead of the head (planted by colluding members) is not history: the new
                // segment replaces it, and Fabric checks the write against the key's policy.
                state.writePrivate(meter.collection, key, new Segment(e.getKey(), segment.getKey(), segment.getValue().toArray(new IntervalRecord[0])));
                state.requirePrivateEndorsement(meter.collection, key, meter.policy);
            }
            if (!meter.segments.isEmpty()) {
                final String headKey = state.key(Registry.HEAD, e.getKey());
                state.writePrivate(meter.collection, headKey, meter.head);
                // Set again on every write (idempotent; Fabric validates against the committed policy).
                state.requirePrivateEndorsement(meter.collection, headKey, meter.policy);
            }
        }
        return outcome;
    }

    private static MeterState load(final StateStore state, final Caller caller, final String meterId) {
        final Asset asset = Registry.read(state, meterId);
        Registry.requireDataWriter(caller, asset);
        if (!asset.metering()) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "asset '" + meterId + "' does not certify intervals (no saltCommitment)");
        }
        if (!Registry.ACTIVE.equals(asset.status())) {
            throw Failures.fail(ErrorCode.INACTIVE, "asset '" + meterId + "' is deactivated; its owner can reactivate it");
        }
        return new MeterState(asset, Registry.readHead(state, asset), caller.consortium());
    }

    static IntervalDigest digest(final String where, final long start, final long end, final long count, final long sum,
            final String fingerprint) {
        if (fingerprint == null || !Hex.isLowerHex(fingerprint, Fp1.HASH_BYTES)) {
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
    static IntervalRecord get(final StateStore state, final Caller caller, final String meterId, final long start) {
        final Asset asset = readable(state, caller, meterId);
        final ChainHead head = Registry.readHead(state, asset);
        final Long lastEnd = head.lastEnd();
        final long intervalMs = asset.intervalMs();
        // Only records behind the chain head belong to the meter's certified history.
        if (lastEnd != null && start < lastEnd && start >= head.chainStart(intervalMs)) {
            final IntervalRecord record = find(pageRecords(state, asset.dataCollection(), meterId,
                    pageStart(start, intervalMs), intervalMs, head), start);
            if (record != null) {
                return record;
            }
            if (Math.floorMod(start, intervalMs) == 0) {
                throw incomplete(meterId, start);
            }
        }
        throw Failures.fail(ErrorCode.NOT_FOUND, "meter '" + meterId + "' has no interval starting at " + start);
    }

    /**
     * Certified records with {@code from <= start < to}, oldest first, one page. Each record
     * carries {@code previousLink}: an auditor who trusts the ledger's first record of the range can
     * check the rest with {@code Fp1Verifier}.
     */
    static IntervalPage range(final StateStore state, final Caller caller, final String meterId, final long from, final long to,
            final int pageSize, final String bookmark) {
        if (to <= from) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "to (" + to + ") must be after from (" + from + ")");
        }
        final Asset asset = readable(state, caller, meterId);
        final ChainHead head = Registry.readHead(state, asset);
        final Long lastEnd = head.lastEnd();
        final long intervalMs = asset.intervalMs();
        // The bookmark is the start of the next record, as 20 sortable digits.
        final long first = bookmark.isEmpty() ? from : Math.max(from, parseBookmark(bookmark));
        final long end = lastEnd == null ? first : Math.min(to, lastEnd);
        final List<IntervalRecord> records = new ArrayList<>();
        String next = "";
        if (first < end) {
            final String collection = asset.dataCollection();
            // The chain holds a record for every interval from its first to its head, so the records
            // of [first, end) start at `expected` and follow each other, and a missing one shows as
            // a gap: segments are written once and never change, so a peer whose private copy is
            // behind can lack records but never answer with different ones. Reading no more pages
            // (days) than a page of records needs bounds a query's cost by its page size.
            final long chainStart = head.chainStart(intervalMs);
            long expected = first <= chainStart ? chainStart : alignUp(first, intervalMs);
            final long span = Math.multiplyExact(intervalMs, PAGE_RECORDS);
            final long lastPage = pageStart(end - 1, intervalMs);
            long pageAt = pageStart(expected, intervalMs);
            final int pagesNeeded = pageSize / PAGE_RECORDS + 2;
            outer:
            for (int n = 0; n < pagesNeeded && pageAt <= lastPage && expected < end; n++, pageAt = Math.addExact(pageAt, span)) {
                for (final IntervalRecord r : pageRecords(state, collection, meterId, pageAt, intervalMs, head)) {
                    final long start = r.start();
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
        return new IntervalPage(meterId, records.toArray(new IntervalRecord[0]), next, head);
    }

    /** The longest range {@link #averages} answers: 100 days of quarter-hours. */
    static final long MAX_AVERAGES = 9_600;

    /**
     * The certified averages of {@code meterId} with {@code from <= start < to}, with its registry facts,
     * read by single-key reads only, so that transactions that write (chaincode-dr's settlements) may
     * ask for them. Records not certified yet are simply absent; a gap inside the certified history (a
     * peer whose private copy is behind) is INVALID_STATE.
     */
    static Averages averages(final StateStore state, final Caller caller, final String meterId, final long from, final long to) {
        if (to <= from) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "to (" + to + ") must be after from (" + from + ")");
        }
        final Asset asset = readable(state, caller, meterId);
        final ChainHead head = Registry.readHead(state, asset);
        final long intervalMs = asset.intervalMs();
        if ((to - from) / intervalMs > MAX_AVERAGES) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "at most " + MAX_AVERAGES + " intervals per meter at a time");
        }
        final List<long[]> readings = new ArrayList<>();
        final Long lastEnd = head.lastEnd();
        if (lastEnd != null) {
            final long first = Math.max(alignUp(from, intervalMs), head.chainStart(intervalMs));
            final long end = Math.min(to, lastEnd);
            long expected = first;
            final long span = Math.multiplyExact(intervalMs, PAGE_RECORDS);
            for (long pageAt = pageStart(first, intervalMs); expected < end; pageAt = Math.addExact(pageAt, span)) {
                for (final IntervalRecord r : pageRecords(state, asset.dataCollection(), meterId, pageAt, intervalMs, head)) {
                    if (r.start() < expected || r.start() >= end) {
                        continue;
                    }
                    if (r.start() != expected) {
                        throw incomplete(meterId, expected);
                    }
                    readings.add(new long[] {r.start(), r.avg()});
                    expected = Math.addExact(r.start(), intervalMs);
                }
                if (expected < Math.min(end, Math.addExact(pageAt, span))) {
                    throw incomplete(meterId, expected);
                }
            }
        }
        return new Averages(meterId, asset.ownerMsp(), asset.zone(), asset.dataDso(), intervalMs, asset.status(), readings.toArray(new long[0][]),
                null, null);
    }

    /**
     * The hash the channel keeps of the segment whose first record starts at {@code segmentStart}:
     * anyone given that segment (canonical JSON of {@code meterId}, {@code segmentStart} and the
     * records one transaction added to one page of {@value #PAGE_RECORDS} intervals, as
     * {@code GetIntervals} returns them: the records of a segment share their {@code txId}) can
     * check it without reading the collection.
     */
    static SegmentHash hash(final StateStore state, final String meterId, final long segmentStart) {
        final Asset asset = Registry.read(state, meterId);
        if (!asset.metering()) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "asset '" + meterId + "' does not certify intervals (no saltCommitment)");
        }
        final String collection = asset.dataCollection();
        final byte[] hash = state.privateHash(collection, key(meterId, segmentStart))
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "meter '" + meterId + "' has no segment of records starting at " + segmentStart
                        + " (a segment starts at the first record a transaction added to a page of " + PAGE_RECORDS + " intervals)"));
        return new SegmentHash(meterId, segmentStart, collection, Hex.encode(hash));
    }

    /** {@code a * b} for non-negative values, or Long.MAX_VALUE when it does not fit. */
    private static long saturatedProduct(final long a, final long b) {
        return b != 0 && a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
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

    private static Asset readable(final StateStore state, final Caller caller, final String meterId) {
        final Asset asset = Registry.read(state, meterId);
        Privacy.requireReader(caller, asset);
        return asset;
    }

    private static long parseBookmark(final String bookmark) {
        if (bookmark.length() != 20 || !bookmark.chars().allMatch(c -> c >= '0' && c <= '9')
                || bookmark.compareTo("18446744073709551615") > 0) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "bookmark must be the one a previous page returned (20 digits, at most 2^64 - 1)");
        }
        return Long.parseUnsignedLong(bookmark) ^ Long.MIN_VALUE;
    }
}
