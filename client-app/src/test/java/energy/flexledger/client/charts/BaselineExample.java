package energy.flexledger.client.charts;

import energy.flexledger.client.loads.LoadProfiles;
import energy.flexledger.client.loads.LoadSeries;
import energy.flexledger.spec.Bl1;
import energy.flexledger.spec.St1;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Set;

/**
 * The example chart in docs/images/baseline-example.svg, made from the bundled load data: household
 * hh-1 on Thursday 2026-04-09, a BL1 "high 5 of 10" baseline, an event 18:00-20:00 local in which the
 * household cuts its load to 60 % (simulated: the data file holds the load without any event),
 * settled by ST1 for a commitment of 200 W.
 *
 * <p>{@code BaselineExampleTest} checks that the committed file is what this renders; to rewrite
 * it: {@code mvn -pl client-app test -Dtest=BaselineExampleTest -Dflexledger.writeExamples=true}.
 */
final class BaselineExample {
    static final String ASSET = "hh-1";
    static final LocalDate DAY = LocalDate.of(2026, 4, 9);
    static final int WINDOW_FROM_HOUR = 18;
    static final int WINDOW_TO_HOUR = 20;
    static final long COMMITTED_MILLIWATTS = 200_000;
    static final St1.Terms TERMS = new St1.Terms(100, 50, 12_000, 8_000);

    private BaselineExample() {}

    static Path file() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("../docs/images/baseline-example.svg").normalize();
    }

    /** Everything the chart shows, and the ST1 result it shows. */
    record Figures(long[] starts, long[] baseline, long[] actual, long windowStart, long windowEnd, St1.Settlement settlement) {}

    static Figures figures() {
        final LoadProfiles data = LoadProfiles.load();
        final LoadSeries hh = data.series(ASSET);
        final Bl1.Rules rules = new Bl1.Rules(data.zone(), data.slotMinutes(), new Bl1.XofY(5, 10), new Bl1.XofY(2, 3),
                Bl1.DEFAULT_LOOKBACK_DAYS, data.holidays());
        final long[] baseline = rules.plan(DAY).baseline(hh.history(), Set.of()).slots();
        final LoadSeries day = hh.day(DAY);
        final long[] starts = day.slotStarts();
        final long windowStart = DAY.atTime(WINDOW_FROM_HOUR, 0).atZone(data.zone()).toInstant().toEpochMilli();
        final long windowEnd = DAY.atTime(WINDOW_TO_HOUR, 0).atZone(data.zone()).toInstant().toEpochMilli();
        final long[] actual = day.milliWatts();
        int first = -1;
        int count = 0;
        for (int i = 0; i < starts.length; i++) {
            if (starts[i] >= windowStart && starts[i] < windowEnd) {
                actual[i] = actual[i] * 6 / 10;
                first = first < 0 ? i : first;
                count++;
            }
        }
        final St1.Settlement settlement = St1.settle(data.slotMinutes(), Arrays.copyOfRange(baseline, first, first + count),
                Arrays.copyOfRange(actual, first, first + count), COMMITTED_MILLIWATTS, TERMS);
        return new Figures(starts, baseline, actual, windowStart, windowEnd, settlement);
    }

    static String svg() {
        final LoadProfiles data = LoadProfiles.load();
        final Figures f = figures();
        return BaselineChart.render("Example event · household hh-1 · baseline BL1 high 5 of 10", DAY, data.zone(),
                data.slotMinutes(), f.starts(), f.baseline(), f.actual(), f.windowStart(), f.windowEnd(),
                f.settlement().deliveredMilliWh(), new BaselineChart.Payout(f.settlement().reward(), f.settlement().penalty()));
    }

    static void write() throws IOException {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), svg(), StandardCharsets.UTF_8);
    }
}
