package energy.flexledger.bench;

import energy.flexledger.spec.Da1;
import energy.flexledger.spec.Mk1;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * MK1 clearing and payment of one request against 10,000 offers (merit order, half of the supply
 * needed), and DA1 with 10,000 orders (5,000 bids, 5,000 asks, overlapping prices, a capacity limit).
 * The score is milliseconds per clearing.
 */
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MarketBench {
    static final int ENTRIES = 10_000;

    private Mk1.Request request;
    private List<Mk1.Offer> offers;
    private Map<String, Long> delivered;
    private List<Da1.Order> orders;

    @Setup
    public void setup() {
        long state = 42;
        offers = new ArrayList<>(ENTRIES);
        delivered = new HashMap<>();
        long supply = 0;
        for (int i = 0; i < ENTRIES; i++) {
            state = state * 6364136223846793005L + 1442695040888963407L;
            final long q = 100 + Math.floorMod(state >>> 20, 5_000L);
            final long p = 10 + Math.floorMod(state >>> 40, 90L);
            offers.add(new Mk1.Offer("offer-" + i, q, p, 1_000 + i));
            delivered.put("offer-" + i, q - Math.floorMod(state, 50L));
            supply += q;
        }
        request = new Mk1.Request("request-1", supply / 2, 80, 1_000_000, Mk1.Mode.MERIT);
        orders = new ArrayList<>(ENTRIES);
        for (int i = 0; i < ENTRIES; i++) {
            state = state * 6364136223846793005L + 1442695040888963407L;
            final Da1.Side side = i % 2 == 0 ? Da1.Side.BUY : Da1.Side.SELL;
            final long q = 50 + Math.floorMod(state >>> 20, 2_000L);
            final long p = 60 + Math.floorMod(state >>> 40, 120L);
            orders.add(new Da1.Order("order-" + i, side, q, p, i));
        }
    }

    @Benchmark
    public Mk1.Delivery mk1ClearAndPay() {
        return Mk1.clear(request, offers).pay(delivered);
    }

    @Benchmark
    public Da1.Result da1Clear() {
        return Da1.clear(orders, 2_000_000L);
    }
}
