package energy.flexledger.spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The FP1 audit: checks raw samples against the interval records certified on the ledger and says
 * exactly which intervals do not match and how.
 *
 * <p>Two things are checked. The <em>chain</em>: each record's link must follow from the previous
 * link and the record's own count, sum and fingerprint, so the records themselves are the ones the
 * ledger certified (one trusted link at the start of the range is enough). The <em>data</em>: the
 * samples, fingerprinted again with the meter's salt, must give each record's count, sum and
 * fingerprint. Samples are fed in time order, one at a time; memory stays constant however many
 * there are. Samples before the first record or after the last are outside the audited range and
 * are only counted.
 */
public final class Fp1Verifier {
    private final byte[] salt;
    private final String meterId;
    private final List<CertifiedInterval> records;
    private final byte[] startLink;
    private final List<Mismatch> mismatches = new ArrayList<>();

    private int index;
    private Fp1.Accumulator current;
    private ErrorCode currentFailure;
    private long samples;
    private long outside;
    private boolean finished;
    private boolean seenAny;
    private long lastTime;

    /**
     * @param previousLink the trusted link before the first record: the meter's genesis, or a link
     *     read from the ledger
     * @param records the certified records of the range, contiguous and in order
     * @throws SpecException {@code NOT_CONTIGUOUS} when the records leave a gap or overlap,
     *     {@code BAD_SALT} or {@code BAD_REQUEST} for a bad salt, meter id or link
     */
    public Fp1Verifier(final byte[] salt, final String meterId, final byte[] previousLink, final List<CertifiedInterval> records) {
        Fp1.checkSalt(salt);
        Fp1.checkMeterId(meterId);
        if (previousLink == null || previousLink.length != Fp1.HASH_BYTES) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "the previous link must be 32 bytes");
        }
        for (int i = 1; i < records.size(); i++) {
            final long end = records.get(i - 1).digest().end();
            final long start = records.get(i).digest().start();
            if (start != end) {
                throw new SpecException(ErrorCode.NOT_CONTIGUOUS,
                        "record " + i + " starts at " + start + " but record " + (i - 1) + " ends at " + end);
            }
        }
        this.salt = salt.clone();
        this.meterId = meterId;
        this.startLink = previousLink.clone();
        this.records = List.copyOf(records);
        if (!this.records.isEmpty()) {
            open(0);
        }
    }

    /** Feeds the next raw sample; samples must come in time order, as they were recorded. */
    public void add(final long time, final long value) {
        if (finished) {
            throw new IllegalStateException("the audit is finished");
        }
        samples++;
        if (seenAny && time <= lastTime) {
            // Out of order (re-ordered or duplicated data): the interval being read fails; before the
            // first record there is nothing to fail.
            if (!records.isEmpty() && index < records.size() && lastTime > records.get(0).digest().start()) {
                if (currentFailure == null) {
                    currentFailure = ErrorCode.SAMPLES_NOT_INCREASING;
                }
            } else {
                outside++;
            }
            return;
        }
        seenAny = true;
        lastTime = time;
        if (records.isEmpty() || time <= records.get(0).digest().start()) {
            outside++;
            return;
        }
        while (index < records.size() && time > records.get(index).digest().end()) {
            close();
            if (index + 1 < records.size()) {
                open(index + 1);
            } else {
                index = records.size();
            }
        }
        if (index >= records.size()) {
            outside++;
            return;
        }
        if (currentFailure != null) {
            return;
        }
        try {
            current.add(time, value);
        } catch (SpecException e) {
            // A sample at or before its predecessor (re-ordered or duplicated data), or a sum that
            // cannot be certified: the interval fails; later intervals are still checked.
            currentFailure = e.code();
        }
    }

    /** Closes the last interval, checks the chain and returns what was found. */
    public Report finish() {
        if (!finished) {
            while (index < records.size()) {
                close();
                if (index + 1 < records.size()) {
                    open(index + 1);
                } else {
                    index = records.size();
                }
            }
            finished = true;
        }
        byte[] link = startLink;
        final List<Mismatch> all = new ArrayList<>(mismatches);
        for (int i = 0; i < records.size(); i++) {
            final CertifiedInterval record = records.get(i);
            link = Fp1.link(link, record.digest());
            if (!Arrays.equals(link, record.link())) {
                all.add(new Mismatch(i, record.digest(), List.of("link"), null, null));
                // The remaining links are checked against the stored ones, so one forged record is
                // reported once, not as a cascade.
                link = record.link();
            }
        }
        all.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return new Report(records.size(), samples, outside, all, link);
    }

    private void open(final int i) {
        index = i;
        final IntervalDigest d = records.get(i).digest();
        current = Fp1.interval(salt, meterId, d.start(), d.end());
        currentFailure = null;
    }

    private void close() {
        final IntervalDigest certified = records.get(index).digest();
        if (currentFailure != null) {
            mismatches.add(new Mismatch(index, certified, List.of("samples"), currentFailure, null));
            return;
        }
        final IntervalDigest recomputed = current.digest();
        final List<String> fields = new ArrayList<>(3);
        if (recomputed.count() != certified.count()) {
            fields.add("count");
        }
        if (recomputed.sum() != certified.sum()) {
            fields.add("sum");
        }
        if (!Arrays.equals(recomputed.fingerprint(), certified.fingerprint())) {
            fields.add("fingerprint");
        }
        if (!fields.isEmpty()) {
            mismatches.add(new Mismatch(index, certified, fields, null, recomputed));
        }
    }

    /** One certified interval record as the ledger keeps it: the digest and the link after it. */
    public static final class CertifiedInterval {
        private final IntervalDigest digest;
        private final byte[] link;

        public CertifiedInterval(final IntervalDigest digest, final byte[] link) {
            if (link == null || link.length != Fp1.HASH_BYTES) {
                throw new SpecException(ErrorCode.BAD_REQUEST, "a link must be 32 bytes");
            }
            this.digest = digest;
            this.link = link.clone();
        }

        /**
         * A record as chaincode-energy stores and returns it ({@code start, end, count, sum,
         * fingerprint, link}, hex strings, integers).
         *
         * @throws SpecException {@code BAD_JSON} when a member is missing or of the wrong type
         */
        public static CertifiedInterval fromRecord(final Map<String, Object> record) {
            final Json.Obj r = new Json.Obj(record, "record");
            final IntervalDigest digest = new IntervalDigest(r.getLong("start"), r.getLong("end"), r.getLong("count"), r.getLong("sum"),
                    r.getHex("fingerprint"));
            return new CertifiedInterval(digest, r.getHex("link"));
        }

        public IntervalDigest digest() {
            return digest;
        }

        public byte[] link() {
            return link.clone();
        }
    }

    /** An interval whose record or data did not check out. */
    public static final class Mismatch {
        private final int index;
        private final IntervalDigest certified;
        private final List<String> fields;
        private final ErrorCode failure;
        private final IntervalDigest recomputed;

        Mismatch(final int index, final IntervalDigest certified, final List<String> fields, final ErrorCode failure,
                final IntervalDigest recomputed) {
            this.index = index;
            this.certified = certified;
            this.fields = List.copyOf(fields);
            this.failure = failure;
            this.recomputed = recomputed;
        }

        /** Position of the record in the audited range. */
        public int index() {
            return index;
        }

        public long start() {
            return certified.start();
        }

        public long end() {
            return certified.end();
        }

        /**
         * What differs: any of {@code count}, {@code sum}, {@code fingerprint} (the samples do not
         * match the record), {@code samples} (the samples could not be fingerprinted, see
         * {@link #failure()}), {@code link} (the record is not the one the chain certified).
         */
        public List<String> fields() {
            return fields;
        }

        /** Why the samples could not be fingerprinted, when {@link #fields()} holds {@code samples}. */
        public ErrorCode failure() {
            return failure;
        }

        Map<String, Object> toMap() {
            final Map<String, Object> map = new LinkedHashMap<>();
            map.put("index", (long) index);
            map.put("start", certified.start());
            map.put("end", certified.end());
            map.put("fields", new ArrayList<Object>(fields));
            if (failure != null) {
                map.put("failure", failure.name());
            }
            if (recomputed != null) {
                map.put("recomputed", recomputed.toMap());
            }
            return map;
        }
    }

    /** The outcome of an audit. */
    public static final class Report {
        private final int intervals;
        private final long samples;
        private final long outside;
        private final List<Mismatch> mismatches;
        private final byte[] headLink;

        Report(final int intervals, final long samples, final long outside, final List<Mismatch> mismatches, final byte[] headLink) {
            this.intervals = intervals;
            this.samples = samples;
            this.outside = outside;
            this.mismatches = Collections.unmodifiableList(new ArrayList<>(mismatches));
            this.headLink = headLink.clone();
        }

        /** True when every record follows the chain and every interval's samples match it. */
        public boolean ok() {
            return mismatches.isEmpty();
        }

        public List<Mismatch> mismatches() {
            return mismatches;
        }

        public int intervals() {
            return intervals;
        }

        public long samples() {
            return samples;
        }

        /** Samples that fell before the first or after the last record. */
        public long outside() {
            return outside;
        }

        /** The link after the last record, recomputed. */
        public byte[] headLink() {
            return headLink.clone();
        }

        public Map<String, Object> toMap() {
            final Map<String, Object> map = new LinkedHashMap<>();
            map.put("ok", ok());
            map.put("intervals", (long) intervals);
            map.put("samples", samples);
            map.put("outside", outside);
            map.put("headLink", Hex.encode(headLink));
            final List<Object> list = new ArrayList<>();
            for (final Mismatch m : mismatches) {
                list.add(m.toMap());
            }
            map.put("mismatches", list);
            return map;
        }
    }
}
