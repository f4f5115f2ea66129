package energy.flexledger.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class Mk1Test {
    private static void assertCode(final ThrowingCallable call, final ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    private static Mk1.Request request(final long quantity, final Mk1.Mode mode) {
        return new Mk1.Request("r", quantity, 50, 1000, mode);
    }

    @Test
    void escrowRoundsUp() {
        assertThat(new Mk1.Request("r", 1001, 1, 0, Mk1.Mode.SINGLE).escrow()).isEqualTo(2);
        assertThat(new Mk1.Request("r", 1000, 1, 0, Mk1.Mode.SINGLE).escrow()).isEqualTo(1);
    }

    @Test
    void singleWithoutALargeEnoughOfferIsUnfilledAndRefundsEverything() {
        final Mk1.Clearing c = Mk1.clear(request(1000, Mk1.Mode.SINGLE), List.of(new Mk1.Offer("a", 999, 10, 1)));
        assertThat(c.status()).isEqualTo(Mk1.Status.UNFILLED);
        assertThat(c.refundAtClearing()).isEqualTo(c.escrow()).isEqualTo(50);
        assertThat(c.pay(Map.of()).refundAtDelivery()).isZero();
    }

    @Test
    void meritWithTooLittleSupplyIsPartial() {
        final Mk1.Clearing c = Mk1.clear(request(1000, Mk1.Mode.MERIT),
                List.of(new Mk1.Offer("a", 300, 10, 1), new Mk1.Offer("b", 0, 1, 1), new Mk1.Offer("c", 200, -1, 1)));
        assertThat(c.status()).isEqualTo(Mk1.Status.PARTIAL);
        assertThat(c.awardedWh()).isEqualTo(300);
        assertThat(c.awards()).extracting(Mk1.Award::offerId).containsExactly("a");
    }

    @Test
    void offersAfterTheDeadlineOrAboveTheMaximumPriceAreIgnored() {
        final Mk1.Clearing c = Mk1.clear(request(100, Mk1.Mode.MERIT),
                List.of(new Mk1.Offer("late", 100, 1, 1001), new Mk1.Offer("dear", 100, 51, 1), new Mk1.Offer("ok", 100, 50, 1000)));
        assertThat(c.awards()).extracting(Mk1.Award::offerId).containsExactly("ok");
    }

    @Test
    void equalPriceAndTimeAreOrderedByCodePointNotUtf16() {
        // U+FF61 sorts before U+1F600 by code point, after it by UTF-16 unit (0xD83D < 0xFF61).
        final String halfwidth = "\uFF61";
        final String emoji = new String(Character.toChars(0x1F600));
        final Mk1.Clearing c = Mk1.clear(request(100, Mk1.Mode.MERIT),
                List.of(new Mk1.Offer(emoji, 100, 5, 1), new Mk1.Offer(halfwidth, 100, 5, 1)));
        assertThat(c.awards()).extracting(Mk1.Award::offerId).containsExactly(halfwidth);
        assertThat(Ids.compare("ab", "a")).isPositive();
        assertThat(Ids.compare("a", "ab")).isNegative();
        assertThat(Ids.compare("ab", "ab")).isZero();
    }

    @Test
    void deliveryShortOfTheAwardIsPaidPerWhAndTheRestRefunded() {
        final Mk1.Clearing c = Mk1.clear(request(1000, Mk1.Mode.SINGLE), List.of(new Mk1.Offer("a", 2000, 40, 1)));
        final Mk1.Delivery d = c.pay(Map.of("a", 5000L, "stranger", 7L));
        assertThat(d.payments()).extracting(Mk1.Payment::paid).containsExactly(40L); // capped at the award
        assertThat(d.refundAtDelivery()).isZero();
        assertCode(() -> c.pay(Map.of("a", -1L)), ErrorCode.BAD_REQUEST);
    }

    @Test
    void errors() {
        assertCode(() -> Mk1.Mode.parse("DUTCH"), ErrorCode.BAD_MODE);
        assertCode(() -> request(0, Mk1.Mode.MERIT), ErrorCode.BAD_REQUEST);
        assertCode(() -> new Mk1.Request("r", 1, -1, 0, Mk1.Mode.MERIT), ErrorCode.BAD_REQUEST);
        assertCode(() -> Mk1.clear(request(10, Mk1.Mode.MERIT), List.of(new Mk1.Offer("a", 1, 1, 1), new Mk1.Offer("a", 2, 2, 2))),
                ErrorCode.DUPLICATE);
        assertCode(() -> Mk1.clear(request(10, Mk1.Mode.MERIT), List.of(new Mk1.Offer("", 1, 1, 1))), ErrorCode.BAD_REQUEST);
        assertCode(() -> new Mk1.Request("r", Long.MAX_VALUE, 2, 0, Mk1.Mode.MERIT).escrow(), ErrorCode.OVERFLOW);
    }
}
