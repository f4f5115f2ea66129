package energy.flexledger.client.charts;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;

/**
 * Baseline against actual load for one event day, as an SVG document: the BL1 baseline and the
 * metered load as two lines (one point per slot, at the middle of the slot), the event window
 * shaded, hour ticks in local time, power in kW, and the delivered energy (ST1) written on it.
 *
 * <p>Pure rendering: the caller hands in the figures (from {@code dr baseline} and {@code dr
 * settlement show}, or from {@code spec bl1|st1}); nothing is computed here but the drawing. The
 * output is deterministic: the same input gives the same bytes. Elements carry ids ({@code
 * baseline}, {@code actual}, {@code event-window}, {@code delivered}, {@code payout}, {@code
 * x-axis}, {@code y-axis}, {@code legend}) for tests and style sheets.
 */
public final class BaselineChart {
    public static final int WIDTH = 960;
    public static final int HEIGHT = 540;
    static final double LEFT = 90;
    static final double RIGHT = 930;
    static final double TOP = 116;
    static final double BOTTOM = 440;

    static final String BASELINE_COLOUR = "#1f5fbf";
    static final String ACTUAL_COLOUR = "#c8324a";
    static final String WINDOW_COLOUR = "#f4a340";

    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

    private BaselineChart() {}

    /** Optional settlement figures to print beside the delivered energy: ST1's reward and penalty, token units. */
    public record Payout(long reward, long penalty) {
        public long net() {
            return Math.subtractExact(reward, penalty);
        }
    }

    /** {@link #render(String, LocalDate, ZoneId, int, long[], long[], long[], long, long, long, Payout)} without a payout. */
    public static String render(final String title, final LocalDate date, final ZoneId zone, final int slotMinutes,
            final long[] slotStarts, final long[] baselineMilliWatts, final long[] actualMilliWatts, final long windowStart,
            final long windowEnd, final long deliveredMilliWh) {
        return render(title, date, zone, slotMinutes, slotStarts, baselineMilliWatts, actualMilliWatts, windowStart, windowEnd,
                deliveredMilliWh, null);
    }

    /**
     * The chart as an SVG document (UTF-8, with an XML declaration).
     *
     * @param title the heading, for example the event and the asset (escaped)
     * @param date the local day shown; the time axis spans it (and any slot or window outside it)
     * @param zone the zone of the local day and of the hour ticks
     * @param slotMinutes the length of each slot
     * @param slotStarts each slot's start, UTC epoch ms, strictly ascending
     * @param baselineMilliWatts the baseline of each slot, mW
     * @param actualMilliWatts the metered average power of each slot, mW
     * @param windowStart the event window's start, UTC epoch ms
     * @param windowEnd the event window's end (exclusive), UTC epoch ms
     * @param deliveredMilliWh ST1's delivered energy, mWh; written in kWh with three decimals
     * @param payout ST1's reward and penalty, or {@code null} to leave them out
     * @throws IllegalArgumentException for arrays of different lengths or no slot, slots not
     *     ascending, a slot length outside 1..1440 minutes, or a window that ends before it starts
     */
    public static String render(final String title, final LocalDate date, final ZoneId zone, final int slotMinutes,
            final long[] slotStarts, final long[] baselineMilliWatts, final long[] actualMilliWatts, final long windowStart,
            final long windowEnd, final long deliveredMilliWh, final Payout payout) {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(zone, "zone");
        final int n = slotStarts.length;
        if (n == 0 || baselineMilliWatts.length != n || actualMilliWatts.length != n) {
            throw new IllegalArgumentException("slot starts, baseline and actual need the same number of values, at least one; got "
                    + n + ", " + baselineMilliWatts.length + " and " + actualMilliWatts.length);
        }
        if (slotMinutes < 1 || slotMinutes > 1440) {
            throw new IllegalArgumentException("slotMinutes must be 1..1440, was " + slotMinutes);
        }
        for (int i = 1; i < n; i++) {
            if (slotStarts[i] <= slotStarts[i - 1]) {
                throw new IllegalArgumentException("slot starts must ascend; slot " + i + " is not after slot " + (i - 1));
            }
        }
        if (windowEnd <= windowStart) {
            throw new IllegalArgumentException("the event window must end after it starts");
        }
        final long slotMs = slotMinutes * 60_000L;
        final long dayStart = date.atStartOfDay(zone).toInstant().toEpochMilli();
        final long dayEnd = date.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        final TimeScale xs = new TimeScale(Math.min(Math.min(dayStart, slotStarts[0]), windowStart),
                Math.max(Math.max(dayEnd, slotStarts[n - 1] + slotMs), windowEnd));
        final PowerScale ys = PowerScale.of(baselineMilliWatts, actualMilliWatts);

        final String delivered = "delivered " + kWh(deliveredMilliWh) + " kWh";
        final String window = clock(windowStart, zone, dayEnd) + "–" + clock(windowEnd, zone, dayEnd);
        final String dayLabel = date.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " " + date;

        final Svg svg = Svg.el("svg").attr("xmlns", Svg.NS).attr("width", WIDTH).attr("height", HEIGHT)
                .attr("viewBox", "0 0 " + WIDTH + " " + HEIGHT).attr("font-family", "DejaVu Sans, Helvetica, Arial, sans-serif")
                .attr("role", "img");
        svg.child("title").text(title);
        svg.child("desc").text("Baseline and actual load of " + dayLabel + " (" + zone.getId() + "), event window " + window
                + ", " + delivered + ".");
        svg.child("rect").attr("width", WIDTH).attr("height", HEIGHT).attr("fill", "#ffffff");

        svg.child("text").attr("id", "title").attr("x", LEFT).attr("y", 32).attr("font-size", 20).attr("font-weight", "bold")
                .text(title);
        svg.child("text").attr("id", "subtitle").attr("x", LEFT).attr("y", 60).attr("font-size", 13).attr("fill", "#555555")
                .text(dayLabel + " · " + zone.getId() + " · " + slotMinutes + "-minute averages");
        svg.child("text").attr("id", "delivered").attr("x", RIGHT).attr("y", 62).attr("font-size", 18).attr("font-weight", "bold")
                .attr("text-anchor", "end").text(delivered);
        if (payout != null) {
            svg.child("text").attr("id", "payout").attr("x", RIGHT).attr("y", 84).attr("font-size", 13).attr("fill", "#555555")
                    .attr("text-anchor", "end")
                    .text("reward " + payout.reward() + " · penalty " + payout.penalty() + " · net " + payout.net() + " tokens");
        }

        // The event window under everything else.
        final double wx0 = xs.x(windowStart);
        final double wx1 = xs.x(windowEnd);
        final Svg win = svg.child("g").attr("id", "event-window");
        win.child("rect").attr("x", wx0).attr("y", TOP).attr("width", wx1 - wx0).attr("height", BOTTOM - TOP)
                .attr("fill", WINDOW_COLOUR).attr("fill-opacity", "0.25").attr("data-start", windowStart)
                .attr("data-end", windowEnd);
        win.child("text").attr("x", (wx0 + wx1) / 2).attr("y", TOP - 8).attr("font-size", 12).attr("text-anchor", "middle")
                .attr("fill", "#8a5a12").text("event " + window);

        yAxis(svg.child("g").attr("id", "y-axis"), ys);
        xAxis(svg.child("g").attr("id", "x-axis"), xs, zone, dayEnd);

        svg.add(line("baseline", xs, ys, slotStarts, slotMs, baselineMilliWatts, BASELINE_COLOUR, "7 4"));
        svg.add(line("actual", xs, ys, slotStarts, slotMs, actualMilliWatts, ACTUAL_COLOUR, null));

        legend(svg.child("g").attr("id", "legend"));
        return svg.document();
    }

    /** mWh as kWh with three decimals, rounded half up (to the watt-hour). */
    static String kWh(final long milliWh) {
        return BigDecimal.valueOf(milliWh, 6).setScale(3, RoundingMode.HALF_UP).toPlainString();
    }

    private static String clock(final long t, final ZoneId zone, final long dayEnd) {
        return t == dayEnd ? "24:00" : HH_MM.format(Instant.ofEpochMilli(t).atZone(zone));
    }

    private static Svg line(final String id, final TimeScale xs, final PowerScale ys, final long[] starts, final long slotMs,
            final long[] values, final String colour, final String dash) {
        final StringBuilder points = new StringBuilder();
        for (int i = 0; i < starts.length; i++) {
            if (i > 0) {
                points.append(' ');
            }
            points.append(Svg.num(xs.x(starts[i] + slotMs / 2.0))).append(',').append(Svg.num(ys.y(values[i])));
        }
        final Svg p = Svg.el("polyline").attr("id", id).attr("points", points).attr("fill", "none").attr("stroke", colour)
                .attr("stroke-width", 2).attr("stroke-linejoin", "round");
        if (dash != null) {
            p.attr("stroke-dasharray", dash);
        }
        return p;
    }

    private static void yAxis(final Svg g, final PowerScale ys) {
        for (long v = ys.min; v <= ys.max; v += ys.step) {
            final double y = ys.y(v);
            g.child("line").attr("x1", LEFT).attr("x2", RIGHT).attr("y1", y).attr("y2", y)
                    .attr("stroke", v == 0 ? "#888888" : "#e3e3e3").attr("stroke-width", 1);
            g.child("text").attr("x", LEFT - 8).attr("y", y + 4).attr("font-size", 12).attr("text-anchor", "end")
                    .text(BigDecimal.valueOf(v, 6).stripTrailingZeros().toPlainString() + " kW");
        }
        g.child("text").attr("x", 18).attr("y", (TOP + BOTTOM) / 2).attr("font-size", 13).attr("text-anchor", "middle")
                .attr("transform", "rotate(-90 18 " + Svg.num((TOP + BOTTOM) / 2) + ")").text("average power");
    }

    private static void xAxis(final Svg g, final TimeScale xs, final ZoneId zone, final long dayEnd) {
        g.child("line").attr("x1", LEFT).attr("x2", RIGHT).attr("y1", BOTTOM).attr("y2", BOTTOM).attr("stroke", "#444444");
        g.child("line").attr("x1", LEFT).attr("x2", LEFT).attr("y1", TOP).attr("y2", BOTTOM).attr("stroke", "#444444");
        ZonedDateTime h = Instant.ofEpochMilli(xs.t0).atZone(zone).truncatedTo(ChronoUnit.HOURS);
        if (h.toInstant().toEpochMilli() < xs.t0) {
            h = h.plusHours(1);
        }
        for (; h.toInstant().toEpochMilli() <= xs.t1; h = h.plusHours(1)) {
            final long t = h.toInstant().toEpochMilli();
            final double x = xs.x(t);
            final boolean labelled = h.getMinute() == 0 && h.getHour() % 3 == 0;
            g.child("line").attr("class", "hour").attr("data-t", t).attr("x1", x).attr("x2", x).attr("y1", BOTTOM)
                    .attr("y2", BOTTOM + (labelled ? 7 : 4)).attr("stroke", "#444444");
            if (labelled) {
                g.child("text").attr("x", x).attr("y", BOTTOM + 22).attr("font-size", 12).attr("text-anchor", "middle")
                        .text(clock(t, zone, dayEnd));
            }
        }
        g.child("text").attr("x", (LEFT + RIGHT) / 2).attr("y", BOTTOM + 44).attr("font-size", 13).attr("text-anchor", "middle")
                .text("local time (" + zone.getId() + ")");
    }

    private static void legend(final Svg g) {
        final double y = HEIGHT - 28;
        double x = LEFT;
        g.child("line").attr("x1", x).attr("x2", x + 30).attr("y1", y).attr("y2", y).attr("stroke", BASELINE_COLOUR)
                .attr("stroke-width", 2).attr("stroke-dasharray", "7 4");
        g.child("text").attr("x", x + 38).attr("y", y + 4).attr("font-size", 13).text("baseline (BL1)");
        x += 190;
        g.child("line").attr("x1", x).attr("x2", x + 30).attr("y1", y).attr("y2", y).attr("stroke", ACTUAL_COLOUR)
                .attr("stroke-width", 2);
        g.child("text").attr("x", x + 38).attr("y", y + 4).attr("font-size", 13).text("actual (metered)");
        x += 190;
        g.child("rect").attr("x", x).attr("y", y - 8).attr("width", 30).attr("height", 16).attr("fill", WINDOW_COLOUR)
                .attr("fill-opacity", "0.25");
        g.child("text").attr("x", x + 38).attr("y", y + 4).attr("font-size", 13).text("event window");
    }

    /** UTC epoch ms to x. */
    static final class TimeScale {
        final long t0;
        final long t1;

        TimeScale(final long t0, final long t1) {
            this.t0 = t0;
            this.t1 = t1;
        }

        double x(final double t) {
            return LEFT + (t - t0) * (RIGHT - LEFT) / (t1 - t0);
        }
    }

    /** mW to y, with round ticks: min and max are multiples of step, and 0 is always shown. */
    static final class PowerScale {
        final long min;
        final long max;
        final long step;

        private PowerScale(final long min, final long max, final long step) {
            this.min = min;
            this.max = max;
            this.step = step;
        }

        static PowerScale of(final long[]... series) {
            long lo = 0;
            long hi = 0;
            for (final long[] s : series) {
                for (final long v : s) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            if (hi == lo) {
                hi = lo + 1_000_000; // all zero: show 0..1 kW
            }
            final long step = niceStep(Math.subtractExact(hi, lo) / 5.0);
            return new PowerScale(Math.floorDiv(lo, step) * step, -Math.floorDiv(-hi, step) * step, step);
        }

        /** The smallest of 1, 2, 2.5, 5 times a power of ten (mW, at least 1) that is at least {@code raw}. */
        static long niceStep(final double raw) {
            for (long p = 1; p > 0 && p <= Long.MAX_VALUE / 10; p *= 10) {
                for (final long m : new long[] {10, 20, 25, 50}) {
                    final long candidate = p * m / 10;
                    if (candidate >= 1 && candidate >= raw) {
                        return candidate;
                    }
                }
            }
            throw new IllegalArgumentException("power range too large: " + raw);
        }

        double y(final long v) {
            return BOTTOM - (double) (v - min) * (BOTTOM - TOP) / (max - min);
        }
    }
}
