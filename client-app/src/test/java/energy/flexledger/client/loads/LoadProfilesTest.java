package energy.flexledger.client.loads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.spec.Bl1;
import java.io.StringReader;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoadProfilesTest {
    private static final LoadProfiles DATA = LoadProfiles.load();
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void theBundledFileHasThreeWeeksOfQuarterHoursInBerlinTime() {
        assertThat(DATA.zone()).isEqualTo(BERLIN);
        assertThat(DATA.slotMinutes()).isEqualTo(15);
        assertThat(DATA.firstDate()).isEqualTo(LocalDate.of(2026, 3, 23)).matches(d -> d.getDayOfWeek() == DayOfWeek.MONDAY);
        assertThat(DATA.lastDate()).isEqualTo(LocalDate.of(2026, 4, 12));
        assertThat(DATA.holidays()).containsExactly(LocalDate.of(2026, 4, 3), LocalDate.of(2026, 4, 6));
        assertThat(DATA.assets()).containsExactly("hh-1", "hh-2", "hh-3", "shop-1");
        assertThat(DATA.series("hh-1").profile()).isEqualTo("H25");
        assertThat(DATA.series("hh-1").annualKWh()).isEqualTo(3500);
        assertThat(DATA.series("hh-1").description()).isEqualTo("household, 3 persons");
        assertThat(DATA.series("shop-1").profile()).isEqualTo("G25");
        // 21 days of 96 quarter-hours, less the hour that summer time skips.
        assertThat(DATA.all()).allSatisfy(s -> assertThat(s.size()).isEqualTo(21 * 96 - 4));
    }

    @Test
    void everyLocalDayHas96SlotsExceptTheStartOfSummerTimeWith92() {
        for (final LoadSeries s : DATA.all()) {
            for (LocalDate d = DATA.firstDate(); !d.isAfter(DATA.lastDate()); d = d.plusDays(1)) {
                final LoadSeries day = s.day(d);
                assertThat(day.size()).as(s.asset() + " " + d).isEqualTo(d.equals(LocalDate.of(2026, 3, 29)) ? 92 : 96);
                assertThat(day.slotStart(0)).isEqualTo(d.atStartOfDay(BERLIN).toInstant().toEpochMilli());
            }
        }
        // Local 01:45 (+01:00) is followed by 03:00 (+02:00): one quarter-hour apart on the clock of the world.
        final LoadSeries dst = DATA.series("hh-1").day(LocalDate.of(2026, 3, 29));
        assertThat(dst.slotStart(8) - dst.slotStart(7)).isEqualTo(15 * 60_000L);
        assertThat(dst.slotStart(8)).isEqualTo(LocalDate.of(2026, 3, 29).atTime(3, 0).atZone(BERLIN).toInstant().toEpochMilli());
    }

    @Test
    void valuesArePositiveAndPlausibleForTheirAnnualConsumption() {
        for (final LoadSeries s : DATA.all()) {
            final long[] v = s.milliWatts();
            final double meanKw = s.total() / (double) v.length / 1e6;
            final double annualMeanKw = s.annualKWh() / 8760.0;
            assertThat(Arrays.stream(v).min().orElseThrow()).isPositive();
            assertThat(meanKw).as(s.asset()).isBetween(0.8 * annualMeanKw, 1.25 * annualMeanKw);
        }
    }

    @Test
    void totalsAreWhatTheScriptPrinted() {
        // scripts/data/make-load-profiles.py printed these sums (also in ATTRIBUTION.md).
        final Map<String, Long> printed = Map.of("hh-1", 831_259_338L, "hh-2", 477_068_632L, "hh-3", 1_202_139_371L,
                "shop-1", 6_788_550_511L);
        for (final LoadSeries s : DATA.all()) {
            assertThat(s.total()).as(s.asset()).isEqualTo(printed.get(s.asset()));
        }
    }

    @Test
    void holidaysHaveTheSundayShapeNotTheWorkdayShape() {
        // G25 on Good Friday looks like the Sunday before it, not like the Thursday.
        final LoadSeries shop = DATA.series("shop-1");
        final long goodFriday = shop.day(LocalDate.of(2026, 4, 3)).total();
        final long thursday = shop.day(LocalDate.of(2026, 4, 2)).total();
        final long sunday = shop.day(LocalDate.of(2026, 4, 5)).total();
        assertThat(goodFriday).isLessThan(thursday * 3 / 4);
        assertThat((double) goodFriday / sunday).isBetween(0.9, 1.1);
    }

    @Test
    void feedsBl1AHighFiveOfTenBaselineWithTheHolidaysAndTheDstDayLeftOut() {
        final Bl1.Rules rules = new Bl1.Rules(DATA.zone(), DATA.slotMinutes(), new Bl1.XofY(5, 10), new Bl1.XofY(2, 3),
                Bl1.DEFAULT_LOOKBACK_DAYS, DATA.holidays());
        final LoadSeries hh = DATA.series("hh-1");
        final Bl1.Baseline weekday = rules.plan(LocalDate.of(2026, 4, 9)).baseline(hh.history(), Set.of());
        assertThat(weekday.candidates()).hasSize(10).doesNotContain(LocalDate.of(2026, 4, 3), LocalDate.of(2026, 4, 6));
        assertThat(weekday.selected()).hasSize(5);
        assertThat(weekday.slots()).hasSize(96);
        assertThat(Arrays.stream(weekday.slots()).min().orElseThrow()).isPositive();
        // A Sunday target: the Sunday of the clock change is never a candidate; the holidays are.
        final Bl1.Baseline sunday = rules.plan(LocalDate.of(2026, 4, 12)).baseline(hh.history(), Set.of());
        assertThat(sunday.candidates()).doesNotContain(LocalDate.of(2026, 3, 29))
                .contains(LocalDate.of(2026, 4, 6));
    }

    @Test
    void betweenAndCopies() {
        final LoadSeries hh = DATA.series("hh-2");
        final long from = hh.slotStart(10);
        final LoadSeries part = hh.between(from, from + 4 * 15 * 60_000L);
        assertThat(part.size()).isEqualTo(4);
        assertThat(part.milliWatts(0)).isEqualTo(hh.milliWatts(10));
        assertThat(hh.between(from, from).size()).isZero();
        assertThat(hh.between(0, 1).size()).isZero();
        hh.milliWatts()[0] = -1;
        assertThat(hh.milliWatts(0)).isPositive();
        assertThat(hh.toString()).contains("hh-2", "H25");
        assertThatThrownBy(() -> DATA.series("nope")).isInstanceOf(NoSuchElementException.class).hasMessageContaining("hh-1");
    }

    private static final String HEAD = "# zone: UTC\n# slotMinutes: 720\n# firstDate: 2026-01-01\n# lastDate: 2026-01-01\n"
            + "# holidays: 2026-01-01\n# asset: a X 100 0 0 the a\n# asset: b X 200\n";

    @Test
    void parsesASmallFile() throws Exception {
        final LoadProfiles p = LoadProfiles.parse(new StringReader(HEAD + "slotStart,local,a,b\n"
                + "1767225600000,2026-01-01T00:00Z,1,2\n1767268800000,2026-01-01T12:00Z,3,4\n\n"));
        assertThat(p.series("a").milliWatts()).containsExactly(1, 3);
        assertThat(p.series("b").milliWatts()).containsExactly(2, 4);
        assertThat(p.series("b").description()).isEmpty();
        assertThat(p.holidays()).containsExactly(LocalDate.of(2026, 1, 1));
    }

    @Test
    void refusesInconsistentFilesNamingTheLine() {
        final String rows = "1767225600000,2026-01-01T00:00Z,1,2\n1767268800000,2026-01-01T12:00Z,3,4\n";
        for (final List<String> bad : List.of(
                List.of(HEAD + "slotStart,local,a\n" + rows, "one column per asset"),
                List.of(HEAD + "slotStart,local,b,a\n" + rows, "column 3 is b"),
                List.of(HEAD + "slotStart,local,a,b\n" + "1767225600000,2026-01-01T00:00Z,1,2\n", "only 1 rows"),
                List.of(HEAD + "slotStart,local,a,b\n" + rows + "1767312000000,2026-01-02T00:00Z,1,1\n", "line 11: more rows"),
                List.of(HEAD + "slotStart,local,a,b\n" + "1767225600000,2026-01-01T00:00Z,1,2\n1767268800001,2026-01-01T12:00Z,3,4\n",
                        "line 10: slot 1767268800001"),
                List.of(HEAD + "slotStart,local,a,b\n" + "1767225600000,2026-01-01T01:00+01:00,1,2\n", "line 9: local time"),
                List.of(HEAD + "slotStart,local,a,b\n" + "1767225600000,2026-01-01T00:00Z,1\n", "expected 4 cells"),
                List.of(HEAD + "slotStart,local,a,b\n" + "1767225600000,2026-01-01T00:00Z,1,x\n", "bad cell"),
                List.of(HEAD.replace("# zone: UTC\n", "") + "slotStart,local,a,b\n" + rows, "no 'zone:'"),
                List.of(HEAD.replace("720", "7") + "slotStart,local,a,b\n" + rows, "divide a day"),
                List.of(HEAD.replace("lastDate: 2026-01-01", "lastDate: 2025-01-01") + "slotStart,local,a,b\n" + rows, "before firstDate"),
                List.of(HEAD.replace("zone: UTC", "zone: Mars/Olympus") + "slotStart,local,a,b\n" + rows, "bad header value"),
                List.of(HEAD.replace("b X 200", "b"), "an asset line"),
                List.of(HEAD.replace("b X 200", "a X 200") + "slotStart,local,a,a\n" + rows, "appears twice"),
                List.of(HEAD.replace("b X 200", "b X lots") + "slotStart,local,a,b\n" + rows, "not a whole number"),
                List.of(HEAD, "no header"))) {
            assertThatThrownBy(() -> LoadProfiles.parse(new StringReader(bad.get(0)))).as(bad.get(1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad.get(1));
        }
    }
}
