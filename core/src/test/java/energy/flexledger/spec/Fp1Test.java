package energy.flexledger.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class Fp1Test {
    private static final byte[] SALT = new byte[32];
    private static final String METER = "MTR-1";

    private static IntervalDigest digest(final long[][] samples) {
        final Fp1.Accumulator acc = Fp1.interval(SALT, METER, 0, 900_000);
        for (final long[] s : samples) {
            acc.add(s[0], s[1]);
        }
        return acc.digest();
    }

    @Nested
    class Fingerprint {
        @Test
        void emptyIntervalIsTheSeed() {
            final IntervalDigest d = Fp1.interval(SALT, METER, 0, 10).digest();
            assertThat(d.count()).isZero();
            assertThat(d.sum()).isZero();
            assertThat(d.avg()).isZero();
            assertThat(d.fingerprint()).isEqualTo(Fp1.seed(SALT, METER, 0));
        }

        @Test
        void aStateSavedAfterAnySampleResumesToTheSameDigest() {
            final long[][] samples = {{60_000, 5}, {120_000, -7}, {180_000, 1_000_000}, {900_000, 3}};
            final IntervalDigest whole = digest(samples);
            for (int cut = 0; cut <= samples.length; cut++) {
                final Fp1.Accumulator first = Fp1.interval(SALT, METER, 0, 900_000);
                for (int i = 0; i < cut; i++) {
                    first.add(samples[i][0], samples[i][1]);
                }
                final Fp1.Accumulator resumed = Fp1.resume(first.digest(), first.lastTime());
                for (int i = cut; i < samples.length; i++) {
                    resumed.add(samples[i][0], samples[i][1]);
                }
                assertThat(resumed.digest()).as("resumed after %d samples", cut).isEqualTo(whole);
                assertThat(resumed.lastTime()).isEqualTo(900_000L);
            }
            // The resumed state keeps the rules: no earlier or equal time.
            final Fp1.Accumulator acc = Fp1.interval(SALT, METER, 0, 900_000).add(60_000, 1);
            assertThatThrownBy(() -> Fp1.resume(acc.digest(), acc.lastTime()).add(60_000, 2))
                    .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SAMPLES_NOT_INCREASING));
            assertThatThrownBy(() -> Fp1.resume(acc.digest(), 0))
                    .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INTERVAL));
            assertThatThrownBy(() -> Fp1.resume(Fp1.interval(SALT, METER, 0, 900_000).digest(), 5))
                    .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INTERVAL));
        }

        @Test
        void averageRoundsTowardNegativeInfinity() {
            final IntervalDigest d = digest(new long[][] {{1, -3}, {2, 0}});
            assertThat(d.sum()).isEqualTo(-3);
            assertThat(d.avg()).isEqualTo(-2);
        }

        @Test
        void everyChangeOfOneSampleChangesTheFingerprint() {
            final IntervalDigest original = digest(new long[][] {{1000, 5}, {2000, 7}, {3000, 9}});
            assertThat(digest(new long[][] {{1000, 5}, {2000, 8}, {3000, 9}}).fingerprint()).isNotEqualTo(original.fingerprint());
            assertThat(digest(new long[][] {{1000, 5}, {2001, 7}, {3000, 9}}).fingerprint()).isNotEqualTo(original.fingerprint());
            assertThat(digest(new long[][] {{1000, 5}, {3000, 9}}).fingerprint()).isNotEqualTo(original.fingerprint());
            // Same values, same sum, different order of values: the fingerprint still differs.
            assertThat(digest(new long[][] {{1000, 7}, {2000, 5}, {3000, 9}}).fingerprint()).isNotEqualTo(original.fingerprint());
        }

        @Test
        void dependsOnSaltMeterAndStart() {
            final byte[] other = new byte[32];
            other[0] = 1;
            assertThat(Fp1.seed(other, METER, 0)).isNotEqualTo(Fp1.seed(SALT, METER, 0));
            assertThat(Fp1.seed(SALT, "MTR-2", 0)).isNotEqualTo(Fp1.seed(SALT, METER, 0));
            assertThat(Fp1.seed(SALT, METER, 1)).isNotEqualTo(Fp1.seed(SALT, METER, 0));
        }
    }

    @Nested
    class Errors {
        @Test
        void saltMustBe32Bytes() {
            assertThatThrownBy(() -> Fp1.seed(new byte[31], METER, 0)).hasMessageStartingWith("BAD_SALT");
        }

        @Test
        void endMustFollowStart() {
            assertThatThrownBy(() -> Fp1.interval(SALT, METER, 10, 10)).hasMessageStartingWith("BAD_INTERVAL");
        }

        @Test
        void samplesMustLieInsideTheHalfOpenInterval() {
            final Fp1.Accumulator acc = Fp1.interval(SALT, METER, 0, 10);
            assertThatThrownBy(() -> acc.add(0, 1)).hasMessageStartingWith("SAMPLE_OUTSIDE_INTERVAL");
            assertThatThrownBy(() -> acc.add(11, 1)).hasMessageStartingWith("SAMPLE_OUTSIDE_INTERVAL");
            acc.add(10, 1);
            assertThat(acc.count()).isEqualTo(1);
        }

        @Test
        void samplesMustStrictlyIncreaseAndAFailedAddChangesNothing() {
            final Fp1.Accumulator acc = Fp1.interval(SALT, METER, 0, 10).add(5, 1);
            final IntervalDigest before = acc.digest();
            assertThatThrownBy(() -> acc.add(5, 2)).hasMessageStartingWith("SAMPLES_NOT_INCREASING");
            assertThat(acc.digest()).isEqualTo(before);
        }

        @Test
        void sumOverflowIsAnErrorNotAWrap() {
            final Fp1.Accumulator acc = Fp1.interval(SALT, METER, 0, 10).add(1, Long.MAX_VALUE);
            final IntervalDigest before = acc.digest();
            assertThatThrownBy(() -> acc.add(2, 1)).isInstanceOf(SpecException.class)
                    .satisfies(e -> assertThat(((SpecException) e).code()).isEqualTo(ErrorCode.SUM_OVERFLOW));
            assertThat(acc.digest()).isEqualTo(before);
        }

        @Test
        void meterIdIsOneTo128Utf8Bytes() {
            assertThatThrownBy(() -> Fp1.genesis("")).hasMessageStartingWith("BAD_REQUEST");
            assertThatThrownBy(() -> Fp1.genesis("ü".repeat(65))).hasMessageStartingWith("BAD_REQUEST");
            assertThat(Fp1.genesis("ü".repeat(64))).hasSize(32);
        }

        @Test
        void intervalsOfAVectorMustBeContiguous() {
            final Object input = Json.parse("{\"meterId\":\"m\",\"salt\":\"" + "00".repeat(32) + "\",\"intervals\":["
                    + "{\"start\":0,\"end\":10,\"samples\":[]},{\"start\":11,\"end\":20,\"samples\":[]}]}");
            assertThatThrownBy(() -> SpecCommands.fp1(input)).hasMessageStartingWith("NOT_CONTIGUOUS");
        }

        @Test
        void emptyIntervalWithNonZeroSumIsRejected() {
            assertThatThrownBy(() -> new IntervalDigest(0, 10, 0, 5, new byte[32])).hasMessageStartingWith("BAD_REQUEST");
        }
    }
}
