package energy.flexledger.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** The invariants the specs promise, over generated inputs. */
class SpecPropertiesTest {
    private static final byte[] SALT = new byte[32];
    private static final long END = 900_000;

    // ------------------------------------------------------------------ FP1

    @Provide
    Arbitrary<long[][]> intervalSamples() {
        return Arbitraries.longs().between(1, END).set().ofMinSize(1).ofMaxSize(40).flatMap(times -> {
            final List<Long> sorted = new ArrayList<>(new TreeSet<>(times));
            return Arbitraries.longs().between(-5_000_000, 5_000_000).list().ofSize(sorted.size()).map(values -> {
                final long[][] out = new long[sorted.size()][];
                for (int i = 0; i < out.length; i++) {
                    out[i] = new long[] {sorted.get(i), values.get(i)};
                }
                return out;
            });
        });
    }

    private static byte[] fingerprint(final long[][] samples) {
        final Fp1.Accumulator acc = Fp1.interval(SALT, "M", 0, END);
        for (final long[] s : samples) {
            acc.add(s[0], s[1]);
        }
        return acc.digest().fingerprint();
    }

    @Property
    void changingAnySampleValueChangesTheFingerprint(@ForAll("intervalSamples") final long[][] samples, @ForAll final int which,
            @ForAll @LongRange(min = -1_000_000_000_000L, max = 1_000_000_000_000L) final long newValue) {
        final int i = Math.floorMod(which, samples.length);
        final long[][] changed = deepCopy(samples);
        changed[i][1] = newValue == samples[i][1] ? newValue + 1 : newValue;
        assertThat(fingerprint(changed)).isNotEqualTo(fingerprint(samples));
    }

    @Property
    void changingAnySampleTimeChangesTheFingerprint(@ForAll("intervalSamples") final long[][] samples, @ForAll final int which) {
        final int i = Math.floorMod(which, samples.length);
        final long lower = i == 0 ? 0 : samples[i - 1][0];
        final long upper = i == samples.length - 1 ? END + 1 : samples[i + 1][0];
        final long[][] changed = deepCopy(samples);
        // Move the time to any other free instant between its neighbours, if there is one.
        if (samples[i][0] - 1 > lower) {
            changed[i][0] = samples[i][0] - 1;
        } else if (samples[i][0] + 1 < upper) {
            changed[i][0] = samples[i][0] + 1;
        } else {
            return;
        }
        assertThat(fingerprint(changed)).isNotEqualTo(fingerprint(samples));
    }

    @Property
    void droppingAnySampleChangesTheFingerprint(@ForAll("intervalSamples") final long[][] samples, @ForAll final int which) {
        final int i = Math.floorMod(which, samples.length);
        final List<long[]> rest = new ArrayList<>(List.of(samples));
        rest.remove(i);
        assertThat(fingerprint(rest.toArray(new long[0][]))).isNotEqualTo(fingerprint(samples));
    }

    @Property
    void addingASampleChangesTheFingerprint(@ForAll("intervalSamples") final long[][] samples,
            @ForAll @LongRange(min = 1, max = END) final long time,
            @ForAll @LongRange(min = -1_000_000_000_000L, max = 1_000_000_000_000L) final long value) {
        final Set<Long> times = new HashSet<>();
        for (final long[] s : samples) {
            times.add(s[0]);
        }
        if (times.contains(time)) {
            return;
        }
        final List<long[]> more = new ArrayList<>(List.of(samples));
        more.add(new long[] {time, value});
        more.sort((a, b) -> Long.compare(a[0], b[0]));
        assertThat(fingerprint(more.toArray(new long[0][]))).isNotEqualTo(fingerprint(samples));
    }

    @Property
    void reorderingSamplesIsRejectedAndReorderingValuesChangesTheFingerprint(@ForAll("intervalSamples") final long[][] samples,
            @ForAll final int a, @ForAll final int b) {
        final int i = Math.floorMod(a, samples.length);
        final int j = Math.floorMod(b, samples.length);
        if (i == j) {
            return;
        }
        final long[][] swapped = deepCopy(samples);
        final long[] tmp = swapped[i];
        swapped[i] = swapped[j];
        swapped[j] = tmp;
        assertThatThrownBy(() -> fingerprint(swapped)).isInstanceOfSatisfying(SpecException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.SAMPLES_NOT_INCREASING));
        if (samples[i][1] != samples[j][1]) {
            final long[][] values = deepCopy(samples);
            values[i][1] = samples[j][1];
            values[j][1] = samples[i][1];
            assertThat(fingerprint(values)).isNotEqualTo(fingerprint(samples));
        }
    }

    private static long[][] deepCopy(final long[][] samples) {
        final long[][] out = new long[samples.length][];
        for (int i = 0; i < samples.length; i++) {
            out[i] = samples[i].clone();
        }
        return out;
    }

    // ------------------------------------------------------------------ MK1

    @Provide
    Arbitrary<List<Mk1.Offer>> offers() {
        final Arbitrary<Mk1.Offer> offer = Combinators.combine(
                Arbitraries.longs().between(-10, 5_000),
                Arbitraries.longs().between(-5, 120),
                Arbitraries.longs().between(0, 2_000)).as((q, p, t) -> new Mk1.Offer("", q, p, t));
        return offer.list().ofMaxSize(30).map(list -> {
            final List<Mk1.Offer> named = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                final Mk1.Offer o = list.get(i);
                named.add(new Mk1.Offer("o" + i, o.quantityWh, o.price, o.submittedAt));
            }
            return named;
        });
    }

    @Property
    void mk1ConservesTokensAtClearingAndAtDelivery(@ForAll("offers") final List<Mk1.Offer> offers,
            @ForAll @LongRange(min = 1, max = 20_000) final long quantity, @ForAll @LongRange(min = 0, max = 100) final long maxPrice,
            @ForAll final boolean merit, @ForAll @Size(max = 30) final List<@LongRange(min = 0, max = 6_000) Long> delivered) {
        final Mk1.Request request = new Mk1.Request("r", quantity, maxPrice, 1_000, merit ? Mk1.Mode.MERIT : Mk1.Mode.SINGLE);
        final Mk1.Clearing c = Mk1.clear(request, offers);
        assertThat(c.escrow()).isEqualTo(c.reserved() + c.refundAtClearing());
        assertThat(c.refundAtClearing()).isNotNegative();
        assertThat(c.awardedWh()).isBetween(0L, quantity);
        final Map<String, Long> d = new HashMap<>();
        for (int i = 0; i < delivered.size(); i++) {
            d.put("o" + i, delivered.get(i));
        }
        final Mk1.Delivery delivery = c.pay(d);
        long paid = 0;
        for (final Mk1.Payment p : delivery.payments()) {
            assertThat(p.paid()).isNotNegative();
            paid += p.paid();
        }
        assertThat(c.reserved()).isEqualTo(paid + delivery.refundAtDelivery());
        assertThat(delivery.refundAtDelivery()).isNotNegative();
    }

    // ------------------------------------------------------------------ DA1

    @Provide
    Arbitrary<List<Da1.Order>> orders() {
        final Arbitrary<Da1.Order> order = Combinators.combine(
                Arbitraries.of(Da1.Side.BUY, Da1.Side.SELL),
                Arbitraries.longs().between(-5, 1_000),
                Arbitraries.longs().between(-50, 200),
                Arbitraries.longs().between(0, 50)).as((s, q, p, t) -> new Da1.Order("", s, q, p, t));
        return order.list().ofMaxSize(40).map(list -> {
            final List<Da1.Order> named = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                final Da1.Order o = list.get(i);
                named.add(new Da1.Order("d" + i, o.side, o.quantityWh, o.price, o.submittedAt));
            }
            return named;
        });
    }

    @Property
    void da1RespectsLimitPricesQuantitiesAndCapacity(@ForAll("orders") final List<Da1.Order> orders, @ForAll final boolean limited,
            @ForAll @LongRange(min = 0, max = 3_000) final long capacity) {
        final Long cap = limited ? capacity : null;
        final Da1.Result r = Da1.clear(orders, cap);
        final Map<String, Da1.Order> byId = new HashMap<>();
        orders.forEach(o -> byId.put(o.id, o));
        final Map<String, Long> traded = new HashMap<>();
        long volume = 0;
        for (final Da1.Trade t : r.trades()) {
            final Da1.Order bid = byId.get(t.buyId());
            final Da1.Order ask = byId.get(t.sellId());
            assertThat(bid.side).isEqualTo(Da1.Side.BUY);
            assertThat(ask.side).isEqualTo(Da1.Side.SELL);
            assertThat(t.quantityWh()).isPositive();
            assertThat(r.clearingPrice()).isLessThanOrEqualTo(bid.price).isGreaterThanOrEqualTo(ask.price);
            traded.merge(t.buyId(), t.quantityWh(), Long::sum);
            traded.merge(t.sellId(), t.quantityWh(), Long::sum);
            volume += t.quantityWh();
        }
        traded.forEach((id, q) -> assertThat(q).isLessThanOrEqualTo(byId.get(id).quantityWh));
        assertThat(r.volumeWh()).isEqualTo(volume);
        if (cap != null) {
            assertThat(volume).isLessThanOrEqualTo(cap);
        }
        assertThat(r.clearingPrice() == null).isEqualTo(r.trades().isEmpty());
    }

    // ------------------------------------------------------------------ BL1

    private static final ZoneId ROME = ZoneId.of("Europe/Rome");
    private static final LocalDate MONDAY = LocalDate.parse("2026-06-15"); // 45 days back are far from DST changes

    /**
     * For every day of the week as the target (weekdays: High X of Y; Saturdays, Sundays and
     * holidays: Low X of Y), with excluded days and holidays: the selected days are candidates of
     * the target's day type, none excluded; HIGH selects no candidate scoring below one it leaves
     * out (LOW: above); each slot lies between the selected days' minimum and maximum. When fewer
     * than x days qualify, the error is INSUFFICIENT_HISTORY and there really are fewer.
     */
    @Property
    void everyBl1SlotLiesBetweenTheSelectedDaysMinimumAndMaximum(
            @ForAll @Size(min = 45, max = 45) final List<@Size(min = 24, max = 24) List<@LongRange(min = -2_000_000, max = 9_000_000) Long>> days,
            @ForAll @IntRange(min = 0, max = 6) final int weekday, @ForAll final boolean targetIsHoliday,
            @ForAll @IntRange(min = 1, max = 5) final int x, @ForAll @IntRange(min = 0, max = 5) final int extra,
            @ForAll @Size(max = 10) final Set<@IntRange(min = 1, max = 45) Integer> excludedBack,
            @ForAll @Size(max = 6) final Set<@IntRange(min = 1, max = 45) Integer> holidaysBack) {
        final LocalDate target = MONDAY.plusDays(weekday);
        final Bl1.History history = new Bl1.History(ROME, 60);
        final Map<LocalDate, long[]> byDate = new HashMap<>();
        for (int back = 1; back <= 45; back++) {
            final long[] values = days.get(back - 1).stream().mapToLong(Long::longValue).toArray();
            final LocalDate date = target.minusDays(back);
            history.putDay(date, values);
            byDate.put(date, values);
        }
        final Set<LocalDate> excluded = new HashSet<>();
        excludedBack.forEach(b -> excluded.add(target.minusDays(b)));
        final List<LocalDate> holidays = new ArrayList<>();
        holidaysBack.forEach(b -> holidays.add(target.minusDays(b)));
        if (targetIsHoliday) {
            holidays.add(target);
        }
        final Bl1.XofY xy = new Bl1.XofY(x, x + extra);
        final Bl1.Rules rules = new Bl1.Rules(ROME, 60, xy, xy, 45, holidays);
        final Bl1.DayType type = rules.dayType(target);
        assertThat(type).isEqualTo(weekday >= 5 || targetIsHoliday ? Bl1.DayType.WEEKEND : Bl1.DayType.WEEKDAY);
        long qualifying = 0;
        for (int back = 1; back <= 45; back++) {
            final LocalDate d = target.minusDays(back);
            if (rules.dayType(d) == type && !excluded.contains(d)) {
                qualifying++;
            }
        }
        final Bl1.Baseline b;
        try {
            b = rules.plan(target).baseline(history, excluded);
        } catch (SpecException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_HISTORY);
            assertThat(qualifying).isLessThan(x);
            return;
        }
        assertThat(b.selected()).hasSize(x).noneMatch(excluded::contains).allMatch(d -> rules.dayType(d) == type);
        assertThat(b.candidates()).containsAll(b.selected()).hasSize((int) Math.min(qualifying, x + extra));
        final boolean high = type == Bl1.DayType.WEEKDAY;
        for (final LocalDate left : b.candidates()) {
            if (b.selected().contains(left)) {
                continue;
            }
            for (final LocalDate taken : b.selected()) {
                final long leftScore = java.util.Arrays.stream(byDate.get(left)).sum();
                final long takenScore = java.util.Arrays.stream(byDate.get(taken)).sum();
                if (high) {
                    assertThat(takenScore).isGreaterThanOrEqualTo(leftScore);
                } else {
                    assertThat(takenScore).isLessThanOrEqualTo(leftScore);
                }
            }
        }
        final long[] slots = b.slots();
        for (int h = 0; h < 24; h++) {
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (final LocalDate d : b.selected()) {
                min = Math.min(min, byDate.get(d)[h]);
                max = Math.max(max, byDate.get(d)[h]);
            }
            assertThat(slots[h]).isBetween(min, max);
        }
    }
}
