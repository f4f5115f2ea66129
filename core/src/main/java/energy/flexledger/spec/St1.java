package energy.flexledger.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** ST1: settlement of one participant in one demand-response event (docs/spec/ST1.md). */
public final class St1 {
    private St1() {}

    /** A program's settlement terms. Rates are token units per kWh; shares are basis points. */
    public static final class Terms {
        private final long rewardRate;
        private final long penaltyRate;
        private final long capBps;
        private final long thresholdBps;

        /** @throws SpecException {@code BAD_REQUEST} when a rate or share is negative */
        public Terms(final long rewardRate, final long penaltyRate, final long capBps, final long thresholdBps) {
            requireNonNegative("rewardRate", rewardRate);
            requireNonNegative("penaltyRate", penaltyRate);
            requireNonNegative("capBps", capBps);
            requireNonNegative("thresholdBps", thresholdBps);
            this.rewardRate = rewardRate;
            this.penaltyRate = penaltyRate;
            this.capBps = capBps;
            this.thresholdBps = thresholdBps;
        }
    }

    /**
     * Settles one participant.
     *
     * @param baseline the BL1 baseline of each slot of the event window, mW
     * @param actual the metered average power of each slot, mW
     * @param committedPower the average reduction the participant committed to, mW
     * @throws SpecException {@code BAD_WINDOW} for an empty window or unequal lengths,
     *     {@code BAD_SLOT_MINUTES} unless the slot length is 1..1440 minutes, {@code BAD_REQUEST}
     *     for a negative commitment, {@code OVERFLOW}
     */
    public static Settlement settle(final long slotMinutes, final long[] baseline, final long[] actual, final long committedPower,
            final Terms terms) {
        if (baseline.length == 0 || baseline.length != actual.length) {
            throw new SpecException(ErrorCode.BAD_WINDOW, "baseline and actual must have the same number of slots, at least one; got "
                    + baseline.length + " and " + actual.length);
        }
        if (slotMinutes < 1 || slotMinutes > 1440) {
            throw new SpecException(ErrorCode.BAD_SLOT_MINUTES, "slotMinutes must be 1..1440, was " + slotMinutes);
        }
        requireNonNegative("committedPower", committedPower);
        final long[] reductions = new long[baseline.length];
        long sum = 0;
        for (int s = 0; s < baseline.length; s++) {
            reductions[s] = Math.max(0, Exact.subtract(baseline[s], actual[s]));
            sum = Exact.add(sum, reductions[s]);
        }
        final long delivered = Math.floorDiv(Exact.multiply(sum, slotMinutes), 60);
        final long committed = Math.floorDiv(Exact.multiply(Exact.multiply(committedPower, slotMinutes), baseline.length), 60);
        final long performanceBps = committed > 0 ? Math.floorDiv(Exact.multiply(delivered, 10_000), committed) : 0;
        final long cap = Math.floorDiv(Exact.multiply(committed, terms.capBps), 10_000);
        final long reward = Math.floorDiv(Exact.multiply(Math.min(delivered, cap), terms.rewardRate), 1_000_000);
        final long threshold = Math.floorDiv(Exact.multiply(committed, terms.thresholdBps), 10_000);
        final long shortfall = Math.max(0, Exact.subtract(threshold, delivered));
        final long penalty = Math.floorDiv(Exact.multiply(shortfall, terms.penaltyRate), 1_000_000);
        return new Settlement(delivered, committed, performanceBps, reward, penalty, Exact.subtract(reward, penalty), reductions);
    }

    private static void requireNonNegative(final String name, final long value) {
        if (value < 0) {
            throw new SpecException(ErrorCode.BAD_REQUEST, name + " must not be negative, was " + value);
        }
    }

    /** ST1's output. {@code net = reward - penalty}, in token units. */
    public static final class Settlement {
        private final long delivered;
        private final long committed;
        private final long performanceBps;
        private final long reward;
        private final long penalty;
        private final long net;
        private final long[] reductions;

        Settlement(final long delivered, final long committed, final long performanceBps, final long reward, final long penalty,
                final long net, final long[] reductions) {
            this.delivered = delivered;
            this.committed = committed;
            this.performanceBps = performanceBps;
            this.reward = reward;
            this.penalty = penalty;
            this.net = net;
            this.reductions = reductions;
        }

        public long deliveredMilliWh() {
            return delivered;
        }

        public long committedMilliWh() {
            return committed;
        }

        public long performanceBps() {
            return performanceBps;
        }

        public long reward() {
            return reward;
        }

        public long penalty() {
            return penalty;
        }

        public long net() {
            return net;
        }

        public long[] slotReductions() {
            return reductions.clone();
        }

        public Map<String, Object> toMap() {
            final Map<String, Object> map = new LinkedHashMap<>();
            map.put("deliveredMilliWh", delivered);
            map.put("committedMilliWh", committed);
            map.put("performanceBps", performanceBps);
            map.put("reward", reward);
            map.put("penalty", penalty);
            map.put("net", net);
            final List<Object> r = new ArrayList<>(reductions.length);
            for (final long v : reductions) {
                r.add(v);
            }
            map.put("slotReductions", r);
            return map;
        }
    }
}
