package energy.flexledger.spec;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * BL1: customer baseline load, High X of Y on weekdays and Low X of Y on weekends and holidays
 * (docs/spec/BL1.md).
 *
 * <p>The work is split the way a settlement run needs it: {@link Rules#plan(LocalDate)} does the
 * calendar part once per target day (day types, which days are exactly 24 hours long in the zone,
 * the walk order), and {@link Plan#baseline(History, Set)} does the per-customer part, which only
 * reads the customer's slot values. The result is the same as running the spec's procedure for each
 * customer from scratch.
 *
 * <p>Time zone rules come from the Java runtime's tz database. Every party computing a baseline
 * for the same date must use the same rules; for the chaincode that means the same JDK build on
 * every endorsing peer (decision 0005).
 */
public final class Bl1 {
    /** Default look-back window in days. */
    public static final int DEFAULT_LOOKBACK_DAYS = 45;

    private static final Duration DAY = Duration.ofHours(24);

    private Bl1() {}

    /** WEEKEND covers Saturdays, Sundays and holidays. */
    public enum DayType {
        WEEKDAY,
        WEEKEND
    }

    /** HIGH picks the X highest-scoring days (weekdays), LOW the X lowest (weekends). */
    public enum Method {
        HIGH,
        LOW
    }

    /** The slot lengths BL1 allows, in minutes. */
    public static int slotsPerDay(final long slotMinutes) {
        if (slotMinutes != 15 && slotMinutes != 60) {
            throw new SpecException(ErrorCode.BAD_SLOT_MINUTES, "slotMinutes must be 15 or 60, was " + slotMinutes);
        }
        return (int) (24 * 60 / slotMinutes);
    }

    /** Parses an IANA zone id. @throws SpecException {@code BAD_REQUEST} for an unknown zone */
    public static ZoneId zone(final String id) {
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "unknown time zone '" + id + "'");
        }
    }

    /** X of Y, as a program states it. Checked only when a target day picks it. */
    public static final class XofY {
        private final long x;
        private final long y;

        public XofY(final long x, final long y) {
            this.x = x;
            this.y = y;
        }

        public long x() {
            return x;
        }

        public long y() {
            return y;
        }
    }

    /** A program's baseline rules: zone, slot length, X of Y per day type, look-back and holidays. */
    public static final class Rules {
        private final ZoneId zone;
        private final int slotMinutes;
        private final int slots;
        private final XofY weekday;
        private final XofY weekend;
        private final int lookbackDays;
        private final Set<LocalDate> holidays;

        /**
         * @throws SpecException {@code BAD_SLOT_MINUTES}, or {@code BAD_REQUEST} for a negative
         *     look-back or one longer than ten years
         */
        public Rules(final ZoneId zone, final long slotMinutes, final XofY weekday, final XofY weekend, final long lookbackDays,
                final Collection<LocalDate> holidays) {
            this.slots = slotsPerDay(slotMinutes);
            if (lookbackDays < 0 || lookbackDays > 3660) {
                throw new SpecException(ErrorCode.BAD_REQUEST, "lookbackDays must be 0..3660, was " + lookbackDays);
            }
            this.zone = zone;
            this.slotMinutes = (int) slotMinutes;
            this.weekday = weekday;
            this.weekend = weekend;
            this.lookbackDays = (int) lookbackDays;
            this.holidays = Collections.unmodifiableSet(new TreeSet<>(holidays));
        }

        public ZoneId zone() {
            return zone;
        }

        public int slotMinutes() {
            return slotMinutes;
        }

        public int slots() {
            return slots;
        }

        public DayType dayType(final LocalDate date) {
            final DayOfWeek dow = date.getDayOfWeek();
            return dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY || holidays.contains(date) ? DayType.WEEKEND : DayType.WEEKDAY;
        }

        /** True when the local day lasts exactly 24 hours (never on a daylight-saving change). */
        public boolean isFullDay(final LocalDate date) {
            return Duration.between(date.atStartOfDay(zone), date.plusDays(1).atStartOfDay(zone)).equals(DAY);
        }

        /**
         * The calendar part of BL1 for one target day: day type, method, X of Y and the days of the
         * look-back window that have the target's type and last 24 hours, most recent first.
         *
         * @throws SpecException {@code BAD_X_Y} unless the picked pair has {@code 1 <= x <= y}
         */
        public Plan plan(final LocalDate target) {
            final DayType type = dayType(target);
            final XofY xy = type == DayType.WEEKDAY ? weekday : weekend;
            if (xy == null || xy.x() < 1 || xy.x() > xy.y()) {
                throw new SpecException(ErrorCode.BAD_X_Y, type == DayType.WEEKDAY
                        ? "weekday x and y must satisfy 1 <= x <= y" : "weekend x and y must satisfy 1 <= x <= y");
            }
            final List<LocalDate> eligible = new ArrayList<>();
            for (int back = 1; back <= lookbackDays; back++) {
                final LocalDate date = target.minusDays(back);
                if (dayType(date) == type && isFullDay(date)) {
                    eligible.add(date);
                }
            }
            return new Plan(this, target, type, xy, eligible);
        }
    }

    /** BL1 for one target day, ready to be applied to any number of customers. */
    public static final class Plan {
        private final Rules rules;
        private final LocalDate target;
        private final DayType dayType;
        private final int x;
        private final int y;
        private final long statedY;
        private final List<LocalDate> eligible;

        Plan(final Rules rules, final LocalDate target, final DayType dayType, final XofY xy, final List<LocalDate> eligible) {
            this.rules = rules;
            this.target = target;
            this.dayType = dayType;
            // x <= y; a y beyond the window can never be reached, so the walk just runs out.
            this.y = (int) Math.min(xy.y(), Integer.MAX_VALUE);
            this.statedY = xy.y();
            this.x = (int) Math.min(xy.x(), Integer.MAX_VALUE);
            this.eligible = List.copyOf(eligible);
        }

        public Method method() {
            return dayType == DayType.WEEKDAY ? Method.HIGH : Method.LOW;
        }

        /**
         * The customer's baseline for the target day.
         *
         * @param excluded days that must not be used (the customer's earlier event days)
         * @throws SpecException {@code INSUFFICIENT_HISTORY} when fewer than x days qualify,
         *     {@code OVERFLOW} when a score or a slot sum does not fit 64 bits
         */
        public Baseline baseline(final History history, final Set<LocalDate> excluded) {
            if (history.slots != rules.slots || !history.zone.equals(rules.zone)) {
                throw new SpecException(ErrorCode.BAD_REQUEST, "the history's zone and slot length differ from the rules'");
            }
            final int want = Math.min(y, eligible.size());
            final LocalDate[] dates = new LocalDate[want];
            final long[][] values = new long[want][];
            final long[] scores = new long[want];
            int found = 0;
            for (int i = 0; i < eligible.size() && found < want; i++) {
                final LocalDate date = eligible.get(i);
                if (excluded.contains(date)) {
                    continue;
                }
                final History.Day day = history.days.get(date);
                if (day == null || !day.complete()) {
                    continue;
                }
                dates[found] = date;
                values[found] = day.values;
                scores[found] = sum(day.values);
                found++;
            }
            if (found < x) {
                throw new SpecException(ErrorCode.INSUFFICIENT_HISTORY, "only " + found + " eligible " + dayType
                        + " day(s) in the " + rules.lookbackDays + " days before " + target + "; " + x + " needed");
            }
            // Candidates are in walk order (most recent first); a stable insertion sort on the score
            // keeps that order among equal scores, which is the spec's tie rule.
            final int[] order = new int[found];
            for (int i = 0; i < found; i++) {
                int j = i;
                while (j > 0 && before(scores[i], scores[order[j - 1]])) {
                    order[j] = order[j - 1];
                    j--;
                }
                order[j] = i;
            }
            final int[] chosen = java.util.Arrays.copyOf(order, x);
            java.util.Arrays.sort(chosen); // walk order: most recent first
            final long[] slots = new long[rules.slots];
            for (int h = 0; h < slots.length; h++) {
                long total = 0;
                for (final int c : chosen) {
                    total = Exact.add(total, values[c][h]);
                }
                slots[h] = Math.floorDiv(total, x);
            }
            final List<LocalDate> candidates = new ArrayList<>(found);
            for (int i = 0; i < found; i++) {
                candidates.add(dates[i]);
            }
            final List<LocalDate> selected = new ArrayList<>(x);
            for (int i = chosen.length - 1; i >= 0; i--) {
                selected.add(dates[chosen[i]]);
            }
            return new Baseline(target, dayType, method(), x, statedY, candidates, selected, slots);
        }

        private boolean before(final long score, final long other) {
            return method() == Method.HIGH ? score > other : score < other;
        }

        private static long sum(final long[] values) {
            long total = 0;
            for (final long v : values) {
                total = Exact.add(total, v);
            }
            return total;
        }
    }

    /**
     * A customer's slot values by local day. Built from readings ({@link #add}), which checks
     * alignment and duplicates, or whole days at a time ({@link #putDay}).
     */
    public static final class History {
        private final ZoneId zone;
        private final int slotMinutes;
        private final int slots;
        // Looked up by date only, never iterated: a hash map is deterministic here.
        private final Map<LocalDate, Day> days = new HashMap<>();
        // Membership only: the instants read so far, so that the same instant twice is DUPLICATE even
        // on a day whose local slots repeat (the clocks going back).
        private final java.util.Set<Long> instants = new java.util.HashSet<>();

        public History(final ZoneId zone, final long slotMinutes) {
            this.slots = slotsPerDay(slotMinutes);
            this.zone = zone;
            this.slotMinutes = (int) slotMinutes;
        }

        /**
         * Adds one reading: the average power of the slot that starts at {@code slotStart}.
         *
         * @throws SpecException {@code MISALIGNED} unless the start is on a whole minute and a local
         *     slot boundary, {@code DUPLICATE} when this instant was read before
         */
        public History add(final long slotStart, final long value) {
            final LocalDateTime local;
            try {
                local = LocalDateTime.ofInstant(Instant.ofEpochMilli(slotStart), zone);
            } catch (DateTimeException e) {
                throw new SpecException(ErrorCode.MISALIGNED, "slot start " + slotStart + " is out of range");
            }
            final int minuteOfDay = local.getHour() * 60 + local.getMinute();
            if (Math.floorMod(slotStart, 60_000L) != 0 || local.getSecond() != 0 || local.getNano() != 0
                    || minuteOfDay % slotMinutes != 0) {
                throw new SpecException(ErrorCode.MISALIGNED, "slot start " + slotStart + " (" + local + " in " + zone
                        + ") is not on a " + slotMinutes + "-minute boundary");
            }
            if (!instants.add(slotStart)) {
                throw new SpecException(ErrorCode.DUPLICATE, "two readings for the instant " + slotStart);
            }
            final Day day = days.computeIfAbsent(local.toLocalDate(), d -> new Day(slots, true));
            day.put(minuteOfDay / slotMinutes, value);
            return this;
        }

        /** Sets a whole day's slot values (for callers that already hold them by local day). */
        public History putDay(final LocalDate date, final long[] values) {
            if (values.length != slots) {
                throw new SpecException(ErrorCode.BAD_REQUEST, "a day has " + slots + " slots, got " + values.length);
            }
            final Day day = new Day(slots, false);
            System.arraycopy(values, 0, day.values, 0, slots);
            day.filled = slots;
            days.put(date, day);
            return this;
        }

        /** One local day; complete when every slot has exactly one reading. */
        static final class Day {
            final long[] values;
            final boolean[] present;
            int filled;
            boolean ambiguous;

            Day(final int slots, final boolean fromReadings) {
                values = new long[slots];
                present = fromReadings ? new boolean[slots] : null;
            }

            /** A reading of a new instant for {@code slot}. */
            void put(final int slot, final long value) {
                if (present[slot]) {
                    // Two instants, one local slot: the clocks went back this day. Such a day is
                    // never 24 hours long, so it is never a candidate; keep the first reading.
                    ambiguous = true;
                    return;
                }
                present[slot] = true;
                values[slot] = value;
                filled++;
            }

            boolean complete() {
                return !ambiguous && filled == values.length;
            }
        }
    }

    /** A baseline: BL1's output. */
    public static final class Baseline {
        private final LocalDate target;
        private final DayType dayType;
        private final Method method;
        private final int x;
        private final long y;
        private final List<LocalDate> candidates;
        private final List<LocalDate> selected;
        private final long[] slots;

        Baseline(final LocalDate target, final DayType dayType, final Method method, final int x, final long y,
                final List<LocalDate> candidates, final List<LocalDate> selected, final long[] slots) {
            this.target = target;
            this.dayType = dayType;
            this.method = method;
            this.x = x;
            this.y = y;
            this.candidates = List.copyOf(candidates);
            this.selected = List.copyOf(selected);
            this.slots = slots;
        }

        public LocalDate target() {
            return target;
        }

        public DayType dayType() {
            return dayType;
        }

        public Method method() {
            return method;
        }

        /** The candidate days in the order the walk found them (most recent first). */
        public List<LocalDate> candidates() {
            return candidates;
        }

        /** The X days used, ascending. */
        public List<LocalDate> selected() {
            return selected;
        }

        public long[] slots() {
            return slots.clone();
        }

        public Map<String, Object> toMap() {
            final Map<String, Object> map = new LinkedHashMap<>();
            map.put("targetDate", target.toString());
            map.put("dayType", dayType.name());
            map.put("method", method.name());
            map.put("x", (long) x);
            map.put("y", y);
            map.put("candidates", dateStrings(candidates));
            map.put("selected", dateStrings(selected));
            final List<Object> values = new ArrayList<>(slots.length);
            for (final long v : slots) {
                values.add(v);
            }
            map.put("slots", values);
            return map;
        }

        private static List<Object> dateStrings(final List<LocalDate> dates) {
            final List<Object> out = new ArrayList<>(dates.size());
            for (final LocalDate d : dates) {
                out.add(d.toString());
            }
            return out;
        }
    }
}
