package energy.flexledger.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DA1: peer-to-peer energy double auction for one delivery interval, one uniform price, within the
 * zone's connection capacity (docs/spec/DA1.md).
 */
public final class Da1 {
    private Da1() {}

    public enum Side {
        BUY,
        SELL;

        /** @throws SpecException {@code BAD_REQUEST} for anything but BUY or SELL */
        public static Side parse(final String text) {
            if ("BUY".equals(text)) {
                return BUY;
            }
            if ("SELL".equals(text)) {
                return SELL;
            }
            throw new SpecException(ErrorCode.BAD_REQUEST, "side must be BUY or SELL, was '" + text + "'");
        }
    }

    /** A limit order; {@code submittedAt} is the order transaction's timestamp. */
    public static final class Order {
        final String id;
        final Side side;
        final long quantityWh;
        final long price;
        final long submittedAt;

        public Order(final String id, final Side side, final long quantityWh, final long price, final long submittedAt) {
            this.id = id;
            this.side = side;
            this.quantityWh = quantityWh;
            this.price = price;
            this.submittedAt = submittedAt;
        }
    }

    /** Bids: price descending, then submission time, then id. */
    static final Comparator<Order> BIDS = (a, b) -> {
        int c = Long.compare(b.price, a.price);
        if (c == 0) {
            c = Long.compare(a.submittedAt, b.submittedAt);
        }
        return c != 0 ? c : Ids.compare(a.id, b.id);
    };

    /** Asks: price ascending, then submission time, then id. */
    static final Comparator<Order> ASKS = (a, b) -> {
        int c = Long.compare(a.price, b.price);
        if (c == 0) {
            c = Long.compare(a.submittedAt, b.submittedAt);
        }
        return c != 0 ? c : Ids.compare(a.id, b.id);
    };

    /**
     * Clears the auction.
     *
     * @param capacityWh the most energy the zone can carry in the interval, or {@code null} for no limit
     * @throws SpecException {@code DUPLICATE} when two orders share an id, {@code BAD_REQUEST} for a
     *     negative capacity, {@code OVERFLOW}
     */
    public static Result clear(final List<Order> orders, final Long capacityWh) {
        if (capacityWh != null && capacityWh < 0) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "capacityWh must not be negative, was " + capacityWh);
        }
        final List<String> ids = new ArrayList<>(orders.size());
        final List<Order> bids = new ArrayList<>();
        final List<Order> asks = new ArrayList<>();
        for (final Order o : orders) {
            ids.add(o.id);
            if (o.quantityWh > 0) {
                (o.side == Side.BUY ? bids : asks).add(o);
            }
        }
        Ids.requireUnique(ids, "order");
        bids.sort(BIDS);
        asks.sort(ASKS);

        final List<Trade> trades = new ArrayList<>();
        long volume = 0;
        int b = 0;
        int a = 0;
        long bidLeft = bids.isEmpty() ? 0 : bids.get(0).quantityWh;
        long askLeft = asks.isEmpty() ? 0 : asks.get(0).quantityWh;
        long lastBid = 0;
        long lastAsk = 0;
        while (b < bids.size() && a < asks.size() && bids.get(b).price >= asks.get(a).price
                && (capacityWh == null || volume < capacityWh)) {
            long q = Math.min(bidLeft, askLeft);
            if (capacityWh != null) {
                q = Math.min(q, capacityWh - volume);
            }
            trades.add(new Trade(bids.get(b).id, asks.get(a).id, q));
            volume = Exact.add(volume, q);
            lastBid = bids.get(b).price;
            lastAsk = asks.get(a).price;
            bidLeft -= q;
            askLeft -= q;
            if (bidLeft == 0 && ++b < bids.size()) {
                bidLeft = bids.get(b).quantityWh;
            }
            if (askLeft == 0 && ++a < asks.size()) {
                askLeft = asks.get(a).quantityWh;
            }
        }
        final Long price = trades.isEmpty() ? null : Math.floorDiv(Exact.add(lastBid, lastAsk), 2);
        return new Result(price, volume, trades);
    }

    /** Energy moved from a seller to a buyer at the clearing price. */
    public static final class Trade {
        private final String buyId;
        private final String sellId;
        private final long quantityWh;

        Trade(final String buyId, final String sellId, final long quantityWh) {
            this.buyId = buyId;
            this.sellId = sellId;
            this.quantityWh = quantityWh;
        }

        public String buyId() {
            return buyId;
        }

        public String sellId() {
            return sellId;
        }

        public long quantityWh() {
            return quantityWh;
        }
    }

    /** DA1's output: the clearing price ({@code null} without trades), volume and trades in matching order. */
    public static final class Result {
        private final Long clearingPrice;
        private final long volumeWh;
        private final List<Trade> trades;

        Result(final Long clearingPrice, final long volumeWh, final List<Trade> trades) {
            this.clearingPrice = clearingPrice;
            this.volumeWh = volumeWh;
            this.trades = Collections.unmodifiableList(new ArrayList<>(trades));
        }

        public Long clearingPrice() {
            return clearingPrice;
        }

        public long volumeWh() {
            return volumeWh;
        }

        public List<Trade> trades() {
            return trades;
        }

        public Map<String, Object> toMap() {
            final Map<String, Object> map = new LinkedHashMap<>();
            map.put("clearingPrice", clearingPrice);
            map.put("volumeWh", volumeWh);
            final List<Object> list = new ArrayList<>(trades.size());
            for (final Trade t : trades) {
                final Map<String, Object> m = new LinkedHashMap<>();
                m.put("buyId", t.buyId);
                m.put("sellId", t.sellId);
                m.put("quantityWh", t.quantityWh);
                list.add(m);
            }
            map.put("trades", list);
            return map;
        }
    }
}
