package energy.flexledger.client.loads;

import energy.flexledger.spec.Bl1;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;

/**
 * One asset's load: consecutive slots of {@code slotMinutes}, each with its start (UTC epoch ms)
 * and its average power in mW, as FP1 intervals certify it. Immutable; the arrays handed out are
 * copies.
 */
public final class LoadSeries {
    private final String asset;
    private final String profile;
    private final long annualKWh;
    private final String description;
    private final ZoneId zone;
    private final int slotMinutes;
    private final long[] slotStarts;
    private final long[] milliWatts;

    LoadSeries(final String asset, final String profile, final long annualKWh, final String description, final ZoneId zone,
            final int slotMinutes, final long[] slotStarts, final long[] milliWatts) {
        if (slotStarts.length != milliWatts.length) {
            throw new IllegalArgumentException("slot starts and values differ in length");
        }
        this.asset = asset;
        this.profile = profile;
        this.annualKWh = annualKWh;
        this.description = description;
        this.zone = zone;
        this.slotMinutes = slotMinutes;
        this.slotStarts = slotStarts;
        this.milliWatts = milliWatts;
    }

    /** The asset's id in the data file, for example {@code hh-1}. */
    public String asset() {
        return asset;
    }

    /** The standard load profile it was derived from, for example {@code H25}. */
    public String profile() {
        return profile;
    }

    /** The annual consumption the profile was scaled to, kWh. */
    public long annualKWh() {
        return annualKWh;
    }

    /** What the asset stands for, for example {@code household, 3 persons}. */
    public String description() {
        return description;
    }

    public ZoneId zone() {
        return zone;
    }

    public int slotMinutes() {
        return slotMinutes;
    }

    public int size() {
        return slotStarts.length;
    }

    /** The slots' starts, UTC epoch ms, ascending. */
    public long[] slotStarts() {
        return slotStarts.clone();
    }

    /** The slots' average power, mW. */
    public long[] milliWatts() {
        return milliWatts.clone();
    }

    public long slotStart(final int i) {
        return slotStarts[i];
    }

    public long milliWatts(final int i) {
        return milliWatts[i];
    }

    /** The sum of all slot values, mW (energy in mWh is this times slotMinutes / 60). */
    public long total() {
        long sum = 0;
        for (final long v : milliWatts) {
            sum = Math.addExact(sum, v);
        }
        return sum;
    }

    /** The slots that start in {@code [from, to)}, UTC epoch ms. */
    public LoadSeries between(final long from, final long to) {
        final int a = lowerBound(from);
        final int b = Math.max(a, lowerBound(to));
        return new LoadSeries(asset, profile, annualKWh, description, zone, slotMinutes, Arrays.copyOfRange(slotStarts, a, b),
                Arrays.copyOfRange(milliWatts, a, b));
    }

    /** The slots of one local day in the series' zone: 96 quarter-hours, or 92 / 100 when the clocks change. */
    public LoadSeries day(final LocalDate date) {
        return between(date.atStartOfDay(zone).toInstant().toEpochMilli(), date.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli());
    }

    /** Every slot as a BL1 reading, ready for {@link Bl1.Plan#baseline}. */
    public Bl1.History history() {
        final Bl1.History history = new Bl1.History(zone, slotMinutes);
        for (int i = 0; i < slotStarts.length; i++) {
            history.add(slotStarts[i], milliWatts[i]);
        }
        return history;
    }

    private int lowerBound(final long t) {
        final int i = Arrays.binarySearch(slotStarts, t);
        return i >= 0 ? i : -i - 1;
    }

    @Override
    public String toString() {
        return "LoadSeries[" + asset + ", " + profile + ", " + slotStarts.length + " slots]";
    }
}
