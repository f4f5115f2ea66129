package energy.flexledger.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** MK1: flexibility request clearing, escrow and payment (docs/spec/MK1.md). Pay-as-bid. */
public final class Mk1 {
    /** Prices are token units per kWh; quantities are Wh. */
    private static final long WH_PER_KWH = 1000;

    private Mk1() {}

    public enum Mode {
        /** One offer that covers the whole quantity wins it. */
        SINGLE,
        /** Offers are awarded in merit order until the quantity is covered; the last may be partial. */
        MERIT;

        /** @throws SpecException {@code BAD_MODE} for anything but SINGLE or MERIT */
        public static Mode parse(final String text) {
            if ("SINGLE".equals(text)) {
                return SINGLE;
            }
            if ("MERIT".equals(text)) {
                return MERIT;
            }
            throw new SpecException(ErrorCode.BAD_MODE, "mode must be SINGLE or MERIT, was '" + text + "'");
        }
    }

    public enum Status {
        UNFILLED,
        PARTIAL,
        FILLED
    }

    /** A DSO's request for flexibility. */
    public static final class Request {
        final String id;
        final long quantityWh;
        final long maxPrice;
        final long deadline;
        final Mode mode;

        /** @throws SpecException {@code BAD_REQUEST} unless quantity > 0 and maxPrice >= 0 */
        public Request(final String id, final long quantityWh, final long maxPrice, final long deadline, final Mode mode) {
            if (quantityWh <= 0) {
                throw new SpecException(ErrorCode.BAD_REQUEST, "request quantityWh must be positive, was " + quantityWh);
            }
            if (maxPrice < 0) {
                throw new SpecException(ErrorCode.BAD_REQUEST, "request maxPrice must not be negative, was " + maxPrice);
            }
            this.id = id;
            this.quantityWh = quantityWh;
            this.maxPrice = maxPrice;
            this.deadline = deadline;
            this.mode = mode;
        }

        /** What the requester locks when posting: {@code ceilDiv(quantityWh * maxPrice, 1000)}. */
        public long escrow() {
            return Exact.ceilDiv(Exact.multiply(quantityWh, maxPrice), WH_PER_KWH);
        }
    }

    /** A provider's offer; {@code submittedAt} is the offer transaction's timestamp. */
    public static final class Offer {
        final String id;
        final long quantityWh;
        final long price;
        final long submittedAt;

        public Offer(final String id, final long quantityWh, final long price, final long submittedAt) {
            this.id = id;
            this.quantityWh = quantityWh;
            this.price = price;
            this.submittedAt = submittedAt;
        }

        public String id() {
            return id;
        }
    }

    /** Merit order: price ascending, then submission time, then id. */
    static final Comparator<Offer> MERIT_ORDER = (a, b) -> {
        int c = Long.compare(a.price, b.price);
        if (c == 0) {
            c = Long.compare(a.submittedAt, b.submittedAt);
        }
        return c != 0 ? c : Ids.compare(a.id, b.id);
    };

    /**
     * Clears a request against its offers.
     *
     * @throws SpecException {@code DUPLICATE} when two offers share an id, {@code OVERFLOW}
     */
    public static Clearing clear(final Request request, final List<Offer> offers) {
        final List<String> ids = new ArrayList<>(offers.size());
        final List<Offer> eligible = new ArrayList<>(offers.size());
        for (final Offer o : offers) {
            ids.add(o.id);
            if (o.quantityWh > 0 && o.price >= 0 && o.price <= request.maxPrice && o.submittedAt <= request.deadline) {
                eligible.add(o);
            }
        }
        Ids.requireUnique(ids, "offer");
        eligible.sort(MERIT_ORDER);
        final List<Award> awards = new ArrayList<>();
        if (request.mode == Mode.SINGLE) {
            for (final Offer o : eligible) {
                if (o.quantityWh >= request.quantityWh) {
                    awards.add(new Award(o.id, request.quantityWh, o.price));
                    break;
                }
            }
        } else {
            long remaining = request.quantityWh;
            for (int i = 0; i < eligible.size() && remaining > 0; i++) {
                final Offer o = eligible.get(i);
                final long q = Math.min(remaining, o.quantityWh);
                awards.add(new Award(o.id, q, o.price));
                remaining -= q;
            }
        }
        long awarded = 0;
        long reserved = 0;
        for (final Award a : awards) {
            awarded = Exact.add(awarded, a.quantityWh);
            reserved = Exact.add(reserved, a.cost);
        }
        final long escrow = request.escrow();
        final Status status = awards.isEmpty() ? Status.UNFILLED : awarded == request.quantityWh ? Status.FILLED : Status.PARTIAL;
        return new Clearing(status, escrow, reserved, awarded, awards);
    }

    /** One winning offer's share: pay-as-bid at the offer's price. */
    public static final class Award {
        private final String offerId;
        private final long quantityWh;
        private final long price;
        private final long cost;

        Award(final String offerId, final long quantityWh, final long price) {
            this.offerId = offerId;
            this.quantityWh = quantityWh;
            this.price = price;
            this.cost = Math.floorDiv(Exact.multiply(quantityWh, price), WH_PER_KWH);
        }

        public String offerId() {
            return offerId;
        }

        public long quantityWh() {
            return quantityWh;
        }

        public long price() {
            return price;
        }

        public long cost() {
            return cost;
        }

        Map<String, Object> toMap() {
            final Map<String, Object> map = new LinkedHashMap<>();
            map.put("offerId", offerId);
            map.put("quantityWh", quantityWh);
            map.put("price", price);
            map.put("cost", cost);
            return map;
        }
    }

    /** The result of clearing. {@code escrow = reserved + refundAtClearing}. */
    public static final class Clearing {
        private final Status status;
        private final long escrow;
        private final long reserved;
        private final long awardedWh;
        private final List<Award> awards;

        Clearing(final Status status, final long escrow, final long reserved, final long awardedWh, final List<Award> awards) {
            this.status = status;
            this.escrow = escrow;
            this.reserved = reserved;
            this.awardedWh = awardedWh;
            this.awards = Collections.unmodifiableList(new ArrayList<>(awards));
        }

        public Status status() {
            return status;
        }

        public long escrow() {
            return escrow;
        }

        public long reserved() {
            return reserved;
        }

        public long refundAtClearing() {
            return escrow - reserved;
        }

        public long awardedWh() {
            return awardedWh;
        }

        public List<Award> awards() {
            return awards;
        }

        /**
         * Pays the winners for what they delivered: {@code floorDiv(min(delivered, awarded) * price, 1000)}
         * each, in award order; an award missing from {@code deliveredWh} delivered nothing.
         *
         * @throws SpecException {@code BAD_REQUEST} for a negative delivery
         */
        public Delivery pay(final Map<String, Long> deliveredWh) {
            final List<Payment> payments = new ArrayList<>(awards.size());
            long paid = 0;
            for (final Award a : awards) {
                final long delivered = deliveredWh.getOrDefault(a.offerId, 0L);
                if (delivered < 0) {
                    throw new SpecException(ErrorCode.BAD_REQUEST, "delivered Wh of offer " + a.offerId + " must not be negative");
                }
                final long amount = Math.floorDiv(Exact.multiply(Math.min(delivered, a.quantityWh), a.price), WH_PER_KWH);
                payments.add(new Payment(a.offerId, amount));
                paid = Exact.add(paid, amount);
            }
            return new Delivery(payments, reserved - paid);
        }

        public Map<String, Object> toMap() {
            final Map<String, Object> map = new LinkedHashMap<>();
            map.put("status", status.name());
            map.put("escrow", escrow);
            map.put("reserved", reserved);
            map.put("refundAtClearing", refundAtClearing());
            map.put("awardedWh", awardedWh);
            final List<Object> list = new ArrayList<>(awards.size());
            for (final Award a : awards) {
                list.add(a.toMap());
            }
            map.put("awards", list);
            return map;
        }
    }

    /** What a winner is paid after delivery. */
    public static final class Payment {
        private final String offerId;
        private final long paid;

        Payment(final String offerId, final long paid) {
            this.offerId = offerId;
            this.paid = paid;
        }

        public String offerId() {
            return offerId;
        }

        public long paid() {
            return paid;
        }
    }

    /** Payments after delivery. {@code reserved = sum(paid) + refundAtDelivery}. */
    public static final class Delivery {
        private final List<Payment> payments;
        private final long refundAtDelivery;

        Delivery(final List<Payment> payments, final long refundAtDelivery) {
            this.payments = Collections.unmodifiableList(new ArrayList<>(payments));
            this.refundAtDelivery = refundAtDelivery;
        }

        public List<Payment> payments() {
            return payments;
        }

        public long refundAtDelivery() {
            return refundAtDelivery;
        }

        /** Adds {@code payments} and {@code refundAtDelivery} to a clearing's JSON. */
        public void addTo(final Map<String, Object> map) {
            final List<Object> list = new ArrayList<>(payments.size());
            for (final Payment p : payments) {
                final Map<String, Object> m = new LinkedHashMap<>();
                m.put("offerId", p.offerId);
                m.put("paid", p.paid);
                list.add(m);
            }
            map.put("payments", list);
            map.put("refundAtDelivery", refundAtDelivery);
        }
    }
}
