package energy.flexledger.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Fp1VerifierTest {
    private static final byte[] SALT = new byte[32];
    private static final String METER = "MTR-9";
    private static final long MINUTE = 60_000;
    private static final long QUARTER = 15 * MINUTE;

    /** Four quarter-hours of samples, one per minute, value = minute index. */
    private static long[][] samples() {
        final long[][] out = new long[60][];
        for (int i = 0; i < 60; i++) {
            out[i] = new long[] {(i + 1) * MINUTE, i};
        }
        return out;
    }

    /** What the ledger would certify for these samples. */
    private static List<Fp1Verifier.CertifiedInterval> certify(final long[][] samples) {
        final List<Fp1Verifier.CertifiedInterval> records = new ArrayList<>();
        byte[] link = Fp1.genesis(METER);
        int k = 0;
        for (long start = 0; start < 4 * QUARTER; start += QUARTER) {
            final Fp1.Accumulator acc = Fp1.interval(SALT, METER, start, start + QUARTER);
            while (k < samples.length && samples[k][0] <= start + QUARTER) {
                acc.add(samples[k][0], samples[k][1]);
                k++;
            }
            link = Fp1.link(link, acc.digest());
            records.add(new Fp1Verifier.CertifiedInterval(acc.digest(), link));
        }
        return records;
    }

    private static Fp1Verifier.Report audit(final List<Fp1Verifier.CertifiedInterval> records, final long[][] samples) {
        final Fp1Verifier v = new Fp1Verifier(SALT, METER, Fp1.genesis(METER), records);
        for (final long[] s : samples) {
            v.add(s[0], s[1]);
        }
        return v.finish();
    }

    @Test
    void untouchedDataChecksOut() {
        final Fp1Verifier.Report r = audit(certify(samples()), samples());
        assertThat(r.ok()).isTrue();
        assertThat(r.intervals()).isEqualTo(4);
        assertThat(r.samples()).isEqualTo(60);
        assertThat(r.headLink()).isEqualTo(certify(samples()).get(3).link());
        assertThat(r.toMap()).containsEntry("ok", true);
    }

    @Test
    void aChangedValueIsLocatedInItsInterval() {
        final long[][] tampered = samples();
        tampered[20][1] = 99; // minute 21: the second quarter-hour
        final Fp1Verifier.Report r = audit(certify(samples()), tampered);
        assertThat(r.ok()).isFalse();
        assertThat(r.mismatches()).singleElement().satisfies(m -> {
            assertThat(m.index()).isEqualTo(1);
            assertThat(m.start()).isEqualTo(QUARTER);
            assertThat(m.end()).isEqualTo(2 * QUARTER);
            assertThat(m.fields()).containsExactly("sum", "fingerprint");
        });
    }

    @Test
    void aDroppedSampleShowsInTheCount() {
        final long[][] all = samples();
        final long[][] dropped = new long[59][];
        System.arraycopy(all, 0, dropped, 0, 45);
        System.arraycopy(all, 46, dropped, 45, 14);
        final Fp1Verifier.Report r = audit(certify(all), dropped);
        assertThat(r.mismatches()).singleElement().satisfies(m -> {
            assertThat(m.index()).isEqualTo(3);
            assertThat(m.fields()).containsExactly("count", "sum", "fingerprint");
        });
    }

    @Test
    void reorderedSamplesFailTheirIntervalOnlyAndOutsideSamplesAreCounted() {
        final long[][] reordered = samples();
        final long[] tmp = reordered[3];
        reordered[3] = reordered[4];
        reordered[4] = tmp;
        final long[][] withOutside = new long[62][];
        withOutside[0] = new long[] {0, 5}; // at the first start: belongs to the interval before
        System.arraycopy(reordered, 0, withOutside, 1, 60);
        withOutside[61] = new long[] {4 * QUARTER + 1, 5};
        final Fp1Verifier.Report r = audit(certify(samples()), withOutside);
        assertThat(r.outside()).isEqualTo(2);
        assertThat(r.mismatches()).singleElement().satisfies(m -> {
            assertThat(m.index()).isZero();
            assertThat(m.fields()).containsExactly("samples");
            assertThat(m.failure()).isEqualTo(ErrorCode.SAMPLES_NOT_INCREASING);
        });
        assertThat(r.toMap().toString()).contains("SAMPLES_NOT_INCREASING");
    }

    @Test
    void aForgedRecordBreaksTheChainAtThatRecordOnly() {
        final List<Fp1Verifier.CertifiedInterval> records = new ArrayList<>(certify(samples()));
        final long[][] forgedData = samples();
        forgedData[35][1] = -1; // third quarter-hour
        // Someone re-fingerprints the forged data and presents a record for it with the old link.
        final Fp1Verifier.CertifiedInterval honest = records.get(2);
        final Fp1.Accumulator acc = Fp1.interval(SALT, METER, 2 * QUARTER, 3 * QUARTER);
        for (int i = 30; i < 45; i++) {
            acc.add(forgedData[i][0], forgedData[i][1]);
        }
        records.set(2, new Fp1Verifier.CertifiedInterval(acc.digest(), honest.link()));
        final Fp1Verifier.Report r = audit(records, forgedData);
        assertThat(r.mismatches()).singleElement().satisfies(m -> {
            assertThat(m.index()).isEqualTo(2);
            assertThat(m.fields()).containsExactly("link");
        });
    }

    @Test
    void recordsMustBeContiguousAndAFinishedAuditTakesNoMoreSamples() {
        final List<Fp1Verifier.CertifiedInterval> records = new ArrayList<>(certify(samples()));
        records.remove(1);
        assertThatThrownBy(() -> new Fp1Verifier(SALT, METER, Fp1.genesis(METER), records))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_CONTIGUOUS));
        assertThatThrownBy(() -> new Fp1Verifier(SALT, METER, new byte[3], List.of()))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        final Fp1Verifier empty = new Fp1Verifier(SALT, METER, Fp1.genesis(METER), List.of());
        empty.add(1, 1);
        assertThat(empty.finish().outside()).isEqualTo(1);
        assertThatThrownBy(() -> empty.add(2, 2)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSampleThatGoesBackInTimeFailsTheIntervalBeingReadNeverCountsAsOutside() {
        final long[][] back = samples();
        // Minute 25 (second quarter) is followed by minute 12 (first quarter), then the rest.
        final long[][] fed = new long[61][];
        System.arraycopy(back, 0, fed, 0, 25);
        fed[25] = new long[] {12 * MINUTE, 11};
        System.arraycopy(back, 25, fed, 26, 35);
        final Fp1Verifier.Report r = audit(certify(samples()), fed);
        assertThat(r.outside()).isZero();
        assertThat(r.mismatches()).singleElement().satisfies(m -> {
            assertThat(m.index()).isEqualTo(1);
            assertThat(m.failure()).isEqualTo(ErrorCode.SAMPLES_NOT_INCREASING);
        });
    }
}
