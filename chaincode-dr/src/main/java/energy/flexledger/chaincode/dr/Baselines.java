package energy.flexledger.chaincode.dr;

import energy.flexledger.chaincode.Failures;
import energy.flexledger.spec.Bl1;
import energy.flexledger.spec.Canonical;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Exact;
import energy.flexledger.spec.SpecCommands;
import energy.flexledger.spec.SpecException;
import energy.flexledger.spec.St1;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Baselines and delivered energy from certified data (decision 0019): the BL1 input is built from the
 * asset's certified interval averages, passed through the spec's own code ({@link SpecCommands}) and
 * stored with its output, so {@code flexledger spec bl1} on the stored input gives the stored output.
 * {@link #measure} is the one measurement of delivered energy that settlements and the market's
 * payments use.
 */
final class Baselines {
    private static final long MINUTE = 60_000L;

    private Baselines() {}

    static ZoneId zone(final BaselineTerms terms) {
        return spec(() -> Bl1.zone(terms.timezone()));
    }

    /** Checks a program's baseline terms as BL1 will use them. */
    static void check(final BaselineTerms terms) {
        if (terms == null || !"BL1".equals(terms.method())) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "baseline.method must be BL1 (the only method so far)");
        }
        if (terms.weekday() == null || terms.weekend() == null) {
            throw Failures.fail(ErrorCode.BAD_X_Y, "baseline.weekday and baseline.weekend need {x, y}");
        }
        spec(() -> new Bl1.Rules(zone(terms), terms.slotMinutes(), new Bl1.XofY(terms.weekday().x(), terms.weekday().y()),
                new Bl1.XofY(terms.weekend().x(), terms.weekend().y()), terms.lookbackDays(), dates(terms.holidays(), "holidays")));
        // A settlement reads the look-back window and the event day in one call to energy, which answers at most 9,600 intervals.
        if ((terms.lookbackDays() + 1) * (1440 / terms.slotMinutes()) > 9_600) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "lookbackDays must be at most " + (9_600 / (1440 / terms.slotMinutes()) - 1) + " with "
                    + terms.slotMinutes() + "-minute slots");
        }
        for (final XofY xy : List.of(terms.weekday(), terms.weekend())) {
            if (xy.x() < 1 || xy.x() > xy.y()) {
                throw Failures.fail(ErrorCode.BAD_X_Y, "x and y must satisfy 1 <= x <= y, were " + xy.x() + " and " + xy.y());
            }
        }
    }

    static List<LocalDate> dates(final String[] texts, final String field) {
        final List<LocalDate> out = new ArrayList<>();
        for (final String t : texts) {
            try {
                out.add(LocalDate.parse(t));
            } catch (DateTimeParseException e) {
                throw new SpecException(ErrorCode.BAD_REQUEST, field + " must be ISO dates, had '" + t + "'");
            }
        }
        return out;
    }

    static long slotMs(final BaselineTerms terms) {
        return terms.slotMinutes() * MINUTE;
    }

    /** The local day of an instant in the program's zone. */
    static LocalDate localDate(final BaselineTerms terms, final long epochMs) {
        return Instant.ofEpochMilli(epochMs).atZone(zone(terms)).toLocalDate();
    }

    static long startOfDay(final BaselineTerms terms, final LocalDate date) {
        return date.atStartOfDay(zone(terms)).toInstant().toEpochMilli();
    }

    /** Requires [start, end) to lie on local slot boundaries within one local day. */
    static void requireWindow(final BaselineTerms terms, final long start, final long end) {
        if (end <= start) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "the window must end after it starts");
        }
        for (final long t : new long[] {start, end}) {
            final ZonedDateTime local = Instant.ofEpochMilli(t).atZone(zone(terms));
            if (t % MINUTE != 0 || (local.getHour() * 60 + local.getMinute()) % terms.slotMinutes() != 0) {
                throw Failures.fail(ErrorCode.MISALIGNED, "window bound " + t + " is not on a " + terms.slotMinutes() + "-minute slot boundary in "
                        + terms.timezone());
            }
        }
        final LocalDate day = localDate(terms, start);
        if (end > startOfDay(terms, day.plusDays(1))) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "the window must lie within one local day in " + terms.timezone());
        }
    }

    /** Where a baseline for {@code target} reads from: the start of its look-back window. */
    static long lookbackFrom(final BaselineTerms terms, final LocalDate target) {
        return startOfDay(terms, target.minusDays(terms.lookbackDays()));
    }

    /**
     * BL1 for {@code assetId} on {@code target}, from its certified averages ({@code readings}, any
     * range that covers the look-back window: only those before the target day are BL1's input);
     * {@code excluded}: the customer's earlier event days.
     */
    static Baseline baseline(final String assetId, final List<long[]> readings, final BaselineTerms terms, final LocalDate target,
            final Collection<String> excluded) {
        final long from = lookbackFrom(terms, target);
        final long to = startOfDay(terms, target);
        final List<long[]> history = new ArrayList<>();
        for (final long[] r : readings) {
            if (r[0] >= from && r[0] < to) {
                history.add(r);
            }
        }
        final Bl1Input input = new Bl1Input(terms.timezone(), terms.slotMinutes(), history.toArray(new long[0][]), target.toString(),
                terms.weekday(), terms.weekend(), terms.lookbackDays(), terms.holidays(), excluded.toArray(new String[0]));
        final Map<String, Object> output = spec(() -> SpecCommands.bl1(Canonical.tree(input)));
        return new Baseline(assetId, input, Canonical.fromTree(output, Bl1Output.class, "bl1 output"));
    }

    /**
     * Delivered energy in [start, end): BL1's slots of that day against the certified averages of the
     * window, ST1's {@code delivered}. {@code readings} must cover the look-back window and the window
     * ({@link #lookbackFrom} to {@code end}). INCOMPLETE_DATA names every interval of the window not
     * certified yet.
     */
    static Delivery measure(final String assetId, final List<long[]> readings, final BaselineTerms terms, final long start, final long end,
            final Collection<String> excluded) {
        requireWindow(terms, start, end);
        final LocalDate target = localDate(terms, start);
        final Map<Long, Long> actualByStart = new TreeMap<>();
        for (final long[] r : readings) {
            if (r[0] >= start && r[0] < end) {
                actualByStart.put(r[0], r[1]);
            }
        }
        final List<Long> missing = new ArrayList<>();
        final int slots = (int) ((end - start) / slotMs(terms));
        final long[] actual = new long[slots];
        final long[] windowBaseline = new long[slots];
        for (int i = 0; i < slots; i++) {
            final long t = start + i * slotMs(terms);
            final Long value = actualByStart.get(t);
            if (value == null) {
                missing.add(t);
            } else {
                actual[i] = value;
            }
        }
        if (!missing.isEmpty()) {
            throw Failures.fail(ErrorCode.INCOMPLETE_DATA, "asset " + assetId + " has no certified interval starting at " + missing
                    + " (epoch ms; " + missing.size() + " of " + slots + " in the window): certify them first");
        }
        final Baseline baseline = baseline(assetId, readings, terms, target, excluded);
        final long[] slotsOfDay = baseline.output().slots();
        for (int i = 0; i < slots; i++) {
            final ZonedDateTime local = Instant.ofEpochMilli(start + i * slotMs(terms)).atZone(zone(terms));
            windowBaseline[i] = slotsOfDay[(int) ((local.getHour() * 60L + local.getMinute()) / terms.slotMinutes())];
        }
        long reductions = 0;
        for (int i = 0; i < slots; i++) {
            reductions = Exact.add(reductions, Math.max(0, windowBaseline[i] - actual[i]));
        }
        final long milliWh = Math.floorDiv(Exact.multiply(reductions, terms.slotMinutes()), 60);
        return new Delivery(assetId, start, end, milliWh, milliWh / 1000, windowBaseline, actual, baseline);
    }

    /** ST1 through the spec's own code, on the stored input. */
    static St1Output settle(final St1Input input) {
        final Map<String, Object> out = spec(() -> SpecCommands.st1(Canonical.tree(input)));
        return Canonical.fromTree(out, St1Output.class, "st1 output");
    }

    /** ST1's committed energy (mWh) for an average reduction over a window of {@code slots}. */
    static long committedMilliWh(final long committedPower, final long slotMinutes, final long slots) {
        return spec(() -> Math.floorDiv(Exact.multiply(Exact.multiply(committedPower, slotMinutes), slots), 60));
    }

    /** The largest reward ST1 can pay for a commitment: delivery capped at {@code capBps} of it. */
    static long maxReward(final long committedMilliWh, final Program p) {
        return spec(() -> Math.floorDiv(Exact.multiply(Math.floorDiv(Exact.multiply(committedMilliWh, p.capBps()), 10_000), p.rewardRate()),
                1_000_000));
    }

    /** The largest penalty ST1 can charge: nothing delivered. */
    static long maxPenalty(final long committedMilliWh, final Program p) {
        return spec(() -> Math.floorDiv(Exact.multiply(Math.floorDiv(Exact.multiply(committedMilliWh, p.thresholdBps()), 10_000),
                p.penaltyRate()), 1_000_000));
    }

    static St1.Terms terms(final Program p) {
        return spec(() -> new St1.Terms(p.rewardRate(), p.penaltyRate(), p.capBps(), p.thresholdBps()));
    }

    static <T> T spec(final java.util.function.Supplier<T> computation) {
        try {
            return computation.get();
        } catch (SpecException e) {
            throw Failures.from(e);
        }
    }
}
