package energy.flexledger.bench;

import energy.flexledger.spec.Bl1;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * BL1 for a whole customer base: 100,000 customers, each with 45 days of 15-minute slots
 * (96 × 45 values) held in memory, baselines for one target day. A weekday target (High 5 of 10)
 * and a weekend target (Low 2 of 3); two earlier event days excluded for every customer. The score is
 * the time for all customers, calendar part included.
 */
@State(Scope.Benchmark)
// The histories are 3.3 GB of long-lived data: a parallel collector with a large young generation
// keeps collection pauses out of the figure on one core.
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g", "-Xmn1g", "-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class Bl1Bench {
    static final ZoneId ZONE = ZoneId.of("Europe/Rome");
    static final int DAYS = 45;
    static final int SLOTS = 96;

    @Param("100000")
    public int customers;

    @Param({"2026-06-19", "2026-06-20"})
    public String target;

    private Bl1.History[] histories;
    private Bl1.Rules rules;
    private LocalDate targetDate;
    private Set<LocalDate> excluded;

    @Setup
    public void setup() {
        targetDate = LocalDate.parse(target);
        rules = new Bl1.Rules(ZONE, 15, new Bl1.XofY(5, 10), new Bl1.XofY(2, 3), DAYS, List.of(LocalDate.parse("2026-06-02")));
        excluded = Set.of(targetDate.minusDays(3), targetDate.minusDays(8));
        histories = new Bl1.History[customers];
        long state = 0x9E3779B97F4A7C15L;
        for (int c = 0; c < customers; c++) {
            final Bl1.History h = new Bl1.History(ZONE, 15);
            for (int d = 1; d <= DAYS; d++) {
                final long[] values = new long[SLOTS];
                for (int s = 0; s < SLOTS; s++) {
                    state ^= state << 13;
                    state ^= state >>> 7;
                    state ^= state << 17;
                    values[s] = 200_000 + Math.floorMod(state, 3_000_000L);
                }
                h.putDay(targetDate.minusDays(d), values);
            }
            histories[c] = h;
        }
    }

    @Benchmark
    public void baselines(final Blackhole bh) {
        final Bl1.Plan plan = rules.plan(targetDate);
        for (final Bl1.History h : histories) {
            bh.consume(plan.baseline(h, excluded));
        }
    }
}
