package energy.flexledger.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class Da1Test {
    private static void assertCode(final ThrowingCallable call, final ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    private static Da1.Order buy(final String id, final long q, final long p, final long t) {
        return new Da1.Order(id, Da1.Side.BUY, q, p, t);
    }

    private static Da1.Order sell(final String id, final long q, final long p, final long t) {
        return new Da1.Order(id, Da1.Side.SELL, q, p, t);
    }

    @Test
    void noCrossingMeansNoPrice() {
        final Da1.Result r = Da1.clear(List.of(buy("b", 10, 50, 1), sell("s", 10, 51, 1)), null);
        assertThat(r.clearingPrice()).isNull();
        assertThat(r.trades()).isEmpty();
        assertThat(r.toMap()).containsEntry("clearingPrice", null).containsEntry("volumeWh", 0L);
    }

    @Test
    void earlierOrdersAtTheSamePriceTradeFirstAndEmptyOrdersAreIgnored() {
        final Da1.Result r = Da1.clear(List.of(buy("late", 10, 50, 2), buy("early", 10, 50, 1), sell("s", 10, 40, 1), sell("z", 0, 1, 0),
                buy("neg", -5, 99, 0)), null);
        assertThat(r.trades()).extracting(Da1.Trade::buyId).containsExactly("early");
        assertThat(r.clearingPrice()).isEqualTo(45);
    }

    @Test
    void zeroCapacityTradesNothingAndThePriceRoundsDown() {
        assertThat(Da1.clear(List.of(buy("b", 10, 50, 1), sell("s", 10, 40, 1)), 0L).trades()).isEmpty();
        assertThat(Da1.clear(List.of(buy("b", 10, -3, 1), sell("s", 10, -4, 1)), 7L).clearingPrice()).isEqualTo(-4);
    }

    @Test
    void errors() {
        assertCode(() -> Da1.Side.parse("HOLD"), ErrorCode.BAD_REQUEST);
        assertCode(() -> Da1.clear(List.of(buy("x", 1, 1, 1), sell("x", 1, 1, 1)), null), ErrorCode.DUPLICATE);
        assertCode(() -> Da1.clear(List.of(), -1L), ErrorCode.BAD_REQUEST);
        assertCode(() -> Da1.clear(List.of(buy("b", 1, Long.MAX_VALUE, 1), sell("s", 1, Long.MAX_VALUE, 1)), null), ErrorCode.OVERFLOW);
    }
}
