package energy.flexledger.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class Bl1Test {
    private static final ZoneId ROME = ZoneId.of("Europe/Rome");

    private static Bl1.Rules rules(final long x, final long y) {
        return new Bl1.Rules(ROME, 60, new Bl1.XofY(x, y), new Bl1.XofY(1, 2), 45, List.of());
    }

    /** A full hourly day whose every slot holds {@code value}, through {@link Bl1.History#add}. */
    private static void day(final Bl1.History history, final LocalDate date, final long value) {
        for (int h = 0; h < 24; h++) {
            history.add(date.atStartOfDay(ROME).plusHours(h).toInstant().toEpochMilli(), value);
        }
    }

    private static void assertCode(final ThrowingCallable call, final ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Nested
    class Selection {
        @Test
        void highPicksTheHighestDaysAndTiesGoToTheMoreRecentDay() {
            final Bl1.History h = new Bl1.History(ROME, 60);
            day(h, LocalDate.parse("2026-03-09"), 500); // Monday
            day(h, LocalDate.parse("2026-03-10"), 700);
            day(h, LocalDate.parse("2026-03-11"), 700);
            day(h, LocalDate.parse("2026-03-12"), 100);
            final Bl1.Baseline b = rules(2, 4).plan(LocalDate.parse("2026-03-13")).baseline(h, Set.of());
            assertThat(b.candidates()).extracting(LocalDate::toString).containsExactly("2026-03-12", "2026-03-11", "2026-03-10", "2026-03-09");
            assertThat(b.selected()).extracting(LocalDate::toString).containsExactly("2026-03-10", "2026-03-11");
            assertThat(b.slots()).containsOnly(700);
            assertThat(b.method()).isEqualTo(Bl1.Method.HIGH);
        }

        @Test
        void lowOnWeekendsAndHolidaysWithTheAverageRoundedDown() {
            final Bl1.Rules rules = new Bl1.Rules(ROME, 60, new Bl1.XofY(1, 1), new Bl1.XofY(2, 3), 45, List.of(LocalDate.parse("2026-03-11")));
            final Bl1.History h = new Bl1.History(ROME, 60);
            day(h, LocalDate.parse("2026-03-07"), 10); // Saturday
            day(h, LocalDate.parse("2026-03-08"), -3); // Sunday
            day(h, LocalDate.parse("2026-03-10"), -100); // Tuesday: not a candidate for a weekend target
            day(h, LocalDate.parse("2026-03-11"), 0); // holiday Wednesday
            final Bl1.Baseline b = rules.plan(LocalDate.parse("2026-03-14")).baseline(h, Set.of());
            assertThat(b.dayType()).isEqualTo(Bl1.DayType.WEEKEND);
            assertThat(b.method()).isEqualTo(Bl1.Method.LOW);
            assertThat(b.candidates()).extracting(LocalDate::toString).containsExactly("2026-03-11", "2026-03-08", "2026-03-07");
            assertThat(b.selected()).extracting(LocalDate::toString).containsExactly("2026-03-08", "2026-03-11");
            assertThat(b.slots()).containsOnly(-2); // floorDiv(-3 + 0, 2)
        }

        @Test
        void skipsExcludedIncompleteAndDaylightSavingDays() {
            final Bl1.Rules rules = new Bl1.Rules(ROME, 60, new Bl1.XofY(1, 1), new Bl1.XofY(1, 5), 45, List.of());
            final Bl1.History h = new Bl1.History(ROME, 60);
            // 2026-03-29 is a Sunday of 23 hours in Rome: never a candidate, even with readings.
            final ZonedDateTime dst = LocalDate.parse("2026-03-29").atStartOfDay(ROME);
            for (int i = 0; i < 23; i++) {
                h.add(dst.plusHours(i).toInstant().toEpochMilli(), 1);
            }
            day(h, LocalDate.parse("2026-03-28"), 2); // excluded
            day(h, LocalDate.parse("2026-03-22"), 3);
            h.add(LocalDate.parse("2026-03-21").atStartOfDay(ROME).toInstant().toEpochMilli(), 4); // one slot only
            day(h, LocalDate.parse("2026-03-15"), 5);
            final Bl1.Baseline b = rules.plan(LocalDate.parse("2026-04-04")).baseline(h, Set.of(LocalDate.parse("2026-03-28")));
            assertThat(b.candidates()).extracting(LocalDate::toString).containsExactly("2026-03-22", "2026-03-15");
            assertThat(b.slots()).containsOnly(3);
        }

        @Test
        void aFallBackDayIsNotADuplicateButIsNeverACandidate() {
            final Bl1.Rules rules = new Bl1.Rules(ROME, 60, new Bl1.XofY(1, 1), new Bl1.XofY(1, 1), 45, List.of());
            final Bl1.History h = new Bl1.History(ROME, 60);
            final ZonedDateTime start = LocalDate.parse("2026-10-25").atStartOfDay(ROME); // 25 hours
            for (int i = 0; i < 25; i++) {
                h.add(start.plusHours(i).toInstant().toEpochMilli(), 9);
            }
            day(h, LocalDate.parse("2026-10-24"), 7);
            assertThat(rules.plan(LocalDate.parse("2026-10-31")).baseline(h, Set.of()).selected())
                    .extracting(LocalDate::toString).containsExactly("2026-10-24");
        }

        @Test
        void wholeDaysGiveTheSameBaselineAsReadings() {
            final Bl1.History readings = new Bl1.History(ROME, 15);
            final Bl1.History days = new Bl1.History(ROME, 15);
            final LocalDate date = LocalDate.parse("2026-05-04");
            final long[] values = new long[96];
            for (int s = 0; s < 96; s++) {
                values[s] = s * 1000L - 7;
                readings.add(date.atStartOfDay(ROME).plusMinutes(15L * s).toInstant().toEpochMilli(), values[s]);
            }
            days.putDay(date, values);
            final Bl1.Rules rules = new Bl1.Rules(ROME, 15, new Bl1.XofY(1, 1), new Bl1.XofY(1, 1), 45, List.of());
            final Bl1.Plan plan = rules.plan(LocalDate.parse("2026-05-05"));
            assertThat(plan.baseline(days, Set.of()).slots()).isEqualTo(plan.baseline(readings, Set.of()).slots()).isEqualTo(values);
        }
    }

    @Nested
    class Errors {
        @Test
        void slotMinutesOtherThan15Or60() {
            assertCode(() -> new Bl1.History(ROME, 30), ErrorCode.BAD_SLOT_MINUTES);
            assertCode(() -> new Bl1.Rules(ROME, 0, null, null, 45, List.of()), ErrorCode.BAD_SLOT_MINUTES);
        }

        @Test
        void misalignedReadings() {
            final long midnight = LocalDate.parse("2026-03-02").atStartOfDay(ROME).toInstant().toEpochMilli();
            assertCode(() -> new Bl1.History(ROME, 60).add(midnight + 1, 1), ErrorCode.MISALIGNED);
            assertCode(() -> new Bl1.History(ROME, 60).add(midnight + 15 * 60_000, 1), ErrorCode.MISALIGNED);
            assertCode(() -> new Bl1.History(ROME, 60).add(Long.MAX_VALUE, 1), ErrorCode.MISALIGNED);
            // The boundary is local: in Kathmandu (UTC+05:45) a UTC hour is not a local hour.
            final ZoneId kathmandu = ZoneId.of("Asia/Kathmandu");
            assertCode(() -> new Bl1.History(kathmandu, 60).add(0, 1), ErrorCode.MISALIGNED);
            new Bl1.History(kathmandu, 15).add(0, 1);
        }

        @Test
        void theSameInstantTwiceOnADayWhoseSlotsRepeat() {
            // 2024-10-27 in Rome: 02:00 CEST, 02:00 CET, then 02:00 CET again.
            final long cest = java.time.ZonedDateTime.of(2024, 10, 27, 2, 0, 0, 0, ROME).withEarlierOffsetAtOverlap().toInstant().toEpochMilli();
            final long cet = cest + 3_600_000L;
            final Bl1.History h = new Bl1.History(ROME, 60).add(cest, 1).add(cet, 2);
            assertCode(() -> h.add(cet, 3), ErrorCode.DUPLICATE);
        }

        @Test
        void theStatedYComesBackUnchanged() {
            final Bl1.History h = new Bl1.History(ROME, 60);
            day(h, LocalDate.parse("2026-03-12"), 1);
            final Bl1.Rules rules = new Bl1.Rules(ROME, 60, new Bl1.XofY(1, 3_000_000_000L), new Bl1.XofY(1, 1), 45, List.of());
            assertThat(rules.plan(LocalDate.parse("2026-03-13")).baseline(h, Set.of()).toMap()).containsEntry("y", 3_000_000_000L);
        }

        @Test
        void theSameInstantTwice() {
            final Bl1.History h = new Bl1.History(ROME, 60).add(0, 1);
            assertCode(() -> h.add(0, 2), ErrorCode.DUPLICATE);
        }

        @Test
        void xAndYOfThePickedPair() {
            final LocalDate friday = LocalDate.parse("2026-03-13");
            assertCode(() -> rules(0, 1).plan(friday), ErrorCode.BAD_X_Y);
            assertCode(() -> rules(3, 2).plan(friday), ErrorCode.BAD_X_Y);
            // The weekday pair is broken, but a Saturday target picks the weekend pair.
            rules(0, 1).plan(LocalDate.parse("2026-03-14"));
        }

        @Test
        void tooFewCandidates() {
            final Bl1.History h = new Bl1.History(ROME, 60);
            day(h, LocalDate.parse("2026-03-12"), 1);
            assertCode(() -> rules(2, 3).plan(LocalDate.parse("2026-03-13")).baseline(h, Set.of()), ErrorCode.INSUFFICIENT_HISTORY);
            assertCode(() -> new Bl1.Rules(ROME, 60, new Bl1.XofY(1, 1), new Bl1.XofY(1, 1), 0, List.of())
                    .plan(LocalDate.parse("2026-03-13")).baseline(h, Set.of()), ErrorCode.INSUFFICIENT_HISTORY);
        }

        @Test
        void badLookbackZoneAndHistory() {
            assertCode(() -> new Bl1.Rules(ROME, 60, null, null, -1, List.of()), ErrorCode.BAD_REQUEST);
            assertCode(() -> Bl1.zone("Mars/Olympus_Mons"), ErrorCode.BAD_REQUEST);
            assertCode(() -> rules(1, 1).plan(LocalDate.parse("2026-03-13")).baseline(new Bl1.History(ROME, 15), Set.of()),
                    ErrorCode.BAD_REQUEST);
            assertCode(() -> new Bl1.History(ROME, 60).putDay(LocalDate.parse("2026-03-13"), new long[23]), ErrorCode.BAD_REQUEST);
        }

        @Test
        void overflowingScores() {
            final Bl1.History h = new Bl1.History(ROME, 60);
            day(h, LocalDate.parse("2026-03-12"), Long.MAX_VALUE / 2);
            assertCode(() -> rules(1, 1).plan(LocalDate.parse("2026-03-13")).baseline(h, Set.of()), ErrorCode.OVERFLOW);
        }
    }
}
