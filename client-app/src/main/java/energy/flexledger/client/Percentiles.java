package energy.flexledger.client;

/** Latency percentiles as the benchmarks and the gateway's summaries report them. */
public final class Percentiles {
    private Percentiles() {}

    /**
     * The nearest-rank {@code q}-quantile (0 &lt; q &lt;= 1) of {@code sorted} (ascending, not empty): the
     * smallest value that at least {@code q} of the values do not exceed.
     */
    public static long nearestRank(final long[] sorted, final double q) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        final int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
        return sorted[index];
    }
}
