package energy.flexledger.bench;

import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Fp1Verifier;
import energy.flexledger.spec.IntervalDigest;
import energy.flexledger.spec.Sha256;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * FP1 on one core: samples fingerprinted per second, beside the raw SHA-256 rate of the same JVM for
 * the same 48-byte chained blocks (the ceiling: FP1 is one SHA-256 per sample), and the audit of one
 * day of 1 Hz samples against its 96 certified quarter-hours.
 */
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class Fp1Bench {
    /** One quarter-hour at 1 Hz. */
    static final int INTERVAL_SAMPLES = 900;
    static final int DAY_SAMPLES = 86_400;
    static final String METER = "MTR-BENCH-0001";

    private final byte[] salt = new byte[32];
    private long[] times;
    private long[] values;
    private MessageDigest sha;
    private final byte[] block = new byte[48];
    private List<Fp1Verifier.CertifiedInterval> dayRecords;
    private long[] dayTimes;
    private long[] dayValues;

    @Setup
    public void setup() {
        for (int i = 0; i < salt.length; i++) {
            salt[i] = (byte) (i * 7 + 1);
        }
        times = new long[INTERVAL_SAMPLES];
        values = new long[INTERVAL_SAMPLES];
        for (int i = 0; i < INTERVAL_SAMPLES; i++) {
            times[i] = (i + 1) * 1000L;
            values[i] = 1_500_000 + (i * 7919L) % 40_000;
        }
        sha = Sha256.newDigest();

        final long t0 = 1_767_225_600_000L;
        dayTimes = new long[DAY_SAMPLES];
        dayValues = new long[DAY_SAMPLES];
        for (int i = 0; i < DAY_SAMPLES; i++) {
            dayTimes[i] = t0 + (i + 1) * 1000L;
            dayValues[i] = 800_000 + (i * 104_729L) % 900_000;
        }
        dayRecords = new ArrayList<>();
        byte[] link = Fp1.genesis(METER);
        int k = 0;
        for (int q = 0; q < 96; q++) {
            final long start = t0 + q * 900_000L;
            final Fp1.Accumulator acc = Fp1.interval(salt, METER, start, start + 900_000L);
            for (int i = 0; i < INTERVAL_SAMPLES; i++, k++) {
                acc.add(dayTimes[k], dayValues[k]);
            }
            final IntervalDigest d = acc.digest();
            link = Fp1.link(link, d);
            dayRecords.add(new Fp1Verifier.CertifiedInterval(d, link));
        }
    }

    /** FP1 fingerprint of one quarter-hour at 1 Hz; the score is samples per second. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(INTERVAL_SAMPLES)
    public byte[] fp1Samples() {
        final Fp1.Accumulator acc = Fp1.interval(salt, METER, 0, 900_000L);
        for (int i = 0; i < INTERVAL_SAMPLES; i++) {
            acc.add(times[i], values[i]);
        }
        return acc.digest().fingerprint();
    }

    /** The ceiling: chained SHA-256 of 48-byte blocks, nothing else; the score is hashes per second. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(INTERVAL_SAMPLES)
    public byte[] sha256Ceiling() throws DigestException {
        for (int i = 0; i < INTERVAL_SAMPLES; i++) {
            sha.update(block, 0, 48);
            sha.digest(block, 0, 32);
        }
        return block;
    }

    /** Audit of one day at 1 Hz (86,400 samples, 96 records, links included); the score is ms per day. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Fp1Verifier.Report verifyDay() {
        final Fp1Verifier v = new Fp1Verifier(salt, METER, Fp1.genesis(METER), dayRecords);
        for (int i = 0; i < DAY_SAMPLES; i++) {
            v.add(dayTimes[i], dayValues[i]);
        }
        final Fp1Verifier.Report report = v.finish();
        if (!report.ok()) {
            throw new IllegalStateException("the benchmark's own day does not verify");
        }
        return report;
    }
}
