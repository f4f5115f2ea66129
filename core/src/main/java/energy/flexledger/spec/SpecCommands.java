package energy.flexledger.spec;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The specs as pure functions from a vector's {@code input} to its {@code expected} document: what
 * {@code flexledger spec NAME} runs. Only JSON mapping lives here; the algorithms are in
 * {@link Fp1}, {@link Fp1Verifier}, {@link Bl1}, {@link St1}, {@link Mk1} and {@link Da1}.
 *
 * <p>A document of the wrong shape (a member missing or of the wrong type) fails with
 * {@code BAD_JSON} and names the member, for example {@code input.offers[2].price}.
 */
public final class SpecCommands {
    private SpecCommands() {}

    /** Names accepted by {@link #run(String, Object)}. */
    public static List<String> names() {
        return List.of("fp1", "bl1", "st1", "mk1", "da1", "fp1-verify");
    }

    public static Map<String, Object> run(final String name, final Object input) {
        switch (name) {
            case "fp1":
                return fp1(input);
            case "bl1":
                return bl1(input);
            case "st1":
                return st1(input);
            case "mk1":
                return mk1(input);
            case "da1":
                return da1(input);
            case "fp1-verify":
                return fp1Verify(input);
            default:
                break;
        }
        throw new SpecException(ErrorCode.BAD_REQUEST, "unknown spec '" + name + "'; known: " + names());
    }

    /** FP1 vector: fingerprints and links every interval of the input, in order. */
    public static Map<String, Object> fp1(final Object inputValue) {
        final Json.Obj input = Json.Obj.of(inputValue, "input");
        final String meterId = input.getString("meterId");
        final byte[] salt = input.getHex("salt");
        Fp1.checkSalt(salt);
        final byte[] genesis = Fp1.genesis(meterId);
        byte[] link = input.has("previousLink") ? input.getHex("previousLink") : genesis;

        final List<Object> out = new ArrayList<>();
        Long previousEnd = null;
        int index = 0;
        for (final Object item : input.getList("intervals")) {
            final Json.Obj interval = Json.Obj.of(item, "input.intervals[" + index + "]");
            final long start = interval.getLong("start");
            final long end = interval.getLong("end");
            if (previousEnd != null && previousEnd != start) {
                throw new SpecException(ErrorCode.NOT_CONTIGUOUS,
                        "interval " + index + " starts at " + start + " but the previous one ended at " + previousEnd);
            }
            final Fp1.Accumulator acc = Fp1.interval(salt, meterId, start, end);
            int sampleIndex = 0;
            for (final Object sample : interval.getList("samples")) {
                final long[] tv = Json.pair(sample, interval.where() + ".samples[" + sampleIndex + "]", "[t, v]");
                acc.add(tv[0], tv[1]);
                sampleIndex++;
            }
            final IntervalDigest digest = acc.digest();
            link = Fp1.link(link, digest);
            final Map<String, Object> record = digest.toMap();
            record.put("link", Hex.encode(link));
            out.add(record);
            previousEnd = end;
            index++;
        }
        final Map<String, Object> result = new LinkedHashMap<>();
        result.put("meterId", meterId);
        result.put("genesis", Hex.encode(genesis));
        result.put("intervals", out);
        return result;
    }

    /**
     * FP1 audit: the {@code fp1} input (meter, salt, optional previousLink, intervals with raw
     * samples) plus {@code records}, the certified records to check them against (each
     * {@code start, end, count, sum, fingerprint, link}, as {@code fp1} prints them).
     */
    public static Map<String, Object> fp1Verify(final Object inputValue) {
        final Json.Obj input = Json.Obj.of(inputValue, "input");
        final String meterId = input.getString("meterId");
        final byte[] salt = input.getHex("salt");
        final byte[] previous = input.has("previousLink") ? input.getHex("previousLink") : Fp1.genesis(meterId);
        final List<Fp1Verifier.CertifiedInterval> records = new ArrayList<>();
        int index = 0;
        for (final Object item : input.getList("records")) {
            final Json.Obj r = Json.Obj.of(item, "input.records[" + index++ + "]");
            final IntervalDigest digest = new IntervalDigest(r.getLong("start"), r.getLong("end"), r.getLong("count"), r.getLong("sum"),
                    r.getHex("fingerprint"));
            records.add(new Fp1Verifier.CertifiedInterval(digest, r.getHex("link")));
        }
        final Fp1Verifier verifier = new Fp1Verifier(salt, meterId, previous, records);
        index = 0;
        for (final Object item : input.getList("intervals")) {
            final Json.Obj interval = Json.Obj.of(item, "input.intervals[" + index++ + "]");
            int sampleIndex = 0;
            for (final Object sample : interval.getList("samples")) {
                final long[] tv = Json.pair(sample, interval.where() + ".samples[" + sampleIndex++ + "]", "[t, v]");
                verifier.add(tv[0], tv[1]);
            }
        }
        return verifier.finish().toMap();
    }

    /** BL1 vector: one customer's baseline for the target date. */
    public static Map<String, Object> bl1(final Object inputValue) {
        final Json.Obj input = Json.Obj.of(inputValue, "input");
        final ZoneId zone = Bl1.zone(input.getString("timezone"));
        final long slotMinutes = input.getLong("slotMinutes");
        final LocalDate target = date(input.getString("targetDate"), "input.targetDate");
        final Bl1.Rules rules = new Bl1.Rules(zone, slotMinutes, xOfY(input.getObj("weekday")), xOfY(input.getObj("weekend")),
                input.getLong("lookbackDays", Bl1.DEFAULT_LOOKBACK_DAYS), dates(input, "holidays"));
        final Bl1.History history = new Bl1.History(zone, slotMinutes);
        int index = 0;
        for (final Object reading : input.getList("readings")) {
            final long[] tv = Json.pair(reading, "input.readings[" + index++ + "]", "[slotStart, avgPower_mW]");
            history.add(tv[0], tv[1]);
        }
        return rules.plan(target).baseline(history, new HashSet<>(dates(input, "excludedDates"))).toMap();
    }

    /** ST1 vector: one participant's settlement for one event. */
    public static Map<String, Object> st1(final Object inputValue) {
        final Json.Obj input = Json.Obj.of(inputValue, "input");
        final St1.Terms terms = new St1.Terms(input.getLong("rewardRate"), input.getLong("penaltyRate"), input.getLong("capBps"),
                input.getLong("thresholdBps"));
        return St1.settle(input.getLong("slotMinutes"), longs(input, "baseline"), longs(input, "actual"), input.getLong("committedPower"),
                terms).toMap();
    }

    /** MK1 vector: clearing, and payment when {@code delivered} is given. */
    public static Map<String, Object> mk1(final Object inputValue) {
        final Json.Obj input = Json.Obj.of(inputValue, "input");
        final Json.Obj r = input.getObj("request");
        final Mk1.Request request = new Mk1.Request(r.getString("id"), r.getLong("quantityWh"), r.getLong("maxPrice"),
                r.getLong("deadline"), Mk1.Mode.parse(r.getString("mode")));
        final List<Mk1.Offer> offers = new ArrayList<>();
        int index = 0;
        for (final Object item : input.getList("offers")) {
            final Json.Obj o = Json.Obj.of(item, "input.offers[" + index++ + "]");
            offers.add(new Mk1.Offer(o.getString("id"), o.getLong("quantityWh"), o.getLong("price"), o.getLong("submittedAt")));
        }
        final Mk1.Clearing clearing = Mk1.clear(request, offers);
        final Map<String, Object> out = clearing.toMap();
        if (input.has("delivered")) {
            final Json.Obj d = input.getObj("delivered");
            final Map<String, Long> delivered = new HashMap<>();
            for (final Mk1.Award award : clearing.awards()) {
                if (d.has(award.offerId())) {
                    delivered.put(award.offerId(), d.getLong(award.offerId()));
                }
            }
            clearing.pay(delivered).addTo(out);
        }
        return out;
    }

    /** DA1 vector: the double auction's price, volume and trades. */
    public static Map<String, Object> da1(final Object inputValue) {
        final Json.Obj input = Json.Obj.of(inputValue, "input");
        final List<Da1.Order> orders = new ArrayList<>();
        int index = 0;
        for (final Object item : input.getList("orders")) {
            final Json.Obj o = Json.Obj.of(item, "input.orders[" + index++ + "]");
            orders.add(new Da1.Order(o.getString("id"), Da1.Side.parse(o.getString("side")), o.getLong("quantityWh"), o.getLong("price"),
                    o.getLong("submittedAt")));
        }
        return Da1.clear(orders, input.has("capacityWh") ? input.getLong("capacityWh") : null).toMap();
    }

    private static long[] longs(final Json.Obj input, final String name) {
        final List<?> list = input.getList(name);
        final long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long)) {
                throw new SpecException(ErrorCode.BAD_JSON, input.where() + "." + name + "[" + i + "] must be an integer");
            }
            out[i] = (Long) list.get(i);
        }
        return out;
    }

    private static Bl1.XofY xOfY(final Json.Obj xy) {
        return new Bl1.XofY(xy.getLong("x"), xy.getLong("y"));
    }

    private static LocalDate date(final Object value, final String where) {
        if (value instanceof String) {
            try {
                return LocalDate.parse((String) value);
            } catch (DateTimeParseException e) {
                // fall through to the shape error
            }
        }
        throw new SpecException(ErrorCode.BAD_JSON, where + " must be an ISO date (YYYY-MM-DD)");
    }

    private static List<LocalDate> dates(final Json.Obj input, final String name) {
        final List<LocalDate> out = new ArrayList<>();
        int i = 0;
        for (final Object item : input.getListOrEmpty(name)) {
            out.add(date(item, input.where() + "." + name + "[" + i++ + "]"));
        }
        return out;
    }
}
