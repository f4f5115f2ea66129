package energy.flexledger.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class St1Test {
    private static final St1.Terms TERMS = new St1.Terms(250, 400, 12_000, 8_000);

    private static void assertCode(final ThrowingCallable call, final ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void overDeliveryIsRewardedOnlyUpToTheCap() {
        // 4 MW reduction for one hour against a 1 MW commitment: 400 %, paid up to 120 %.
        final St1.Settlement s = St1.settle(60, new long[] {5_000_000}, new long[] {1_000_000}, 1_000_000, TERMS);
        assertThat(s.deliveredMilliWh()).isEqualTo(4_000_000);
        assertThat(s.performanceBps()).isEqualTo(40_000);
        assertThat(s.reward()).isEqualTo(300); // 1_200_000 mWh * 250 / 1e6
        assertThat(s.penalty()).isZero();
        assertThat(s.net()).isEqualTo(300);
    }

    @Test
    void loadAboveTheBaselineCountsAsNoReductionAndIsPenalised() {
        final St1.Settlement s = St1.settle(15, new long[] {1_000_000, 1_000_000}, new long[] {3_000_000, 1_000_000}, 2_000_000, TERMS);
        assertThat(s.slotReductions()).containsExactly(0, 0);
        assertThat(s.deliveredMilliWh()).isZero();
        assertThat(s.committedMilliWh()).isEqualTo(1_000_000);
        assertThat(s.reward()).isZero();
        assertThat(s.penalty()).isEqualTo(320); // 800_000 mWh short * 400 / 1e6
        assertThat(s.net()).isEqualTo(-320);
    }

    @Test
    void noCommitmentMeansNoPerformanceShare() {
        final St1.Settlement s = St1.settle(60, new long[] {10}, new long[] {0}, 0, TERMS);
        assertThat(s.performanceBps()).isZero();
        assertThat(s.reward()).isZero();
        assertThat(s.toMap()).containsEntry("committedMilliWh", 0L);
    }

    @Test
    void badWindowsAndTerms() {
        assertCode(() -> St1.settle(15, new long[0], new long[0], 1, TERMS), ErrorCode.BAD_WINDOW);
        assertCode(() -> St1.settle(15, new long[2], new long[3], 1, TERMS), ErrorCode.BAD_WINDOW);
        assertCode(() -> St1.settle(0, new long[1], new long[1], 1, TERMS), ErrorCode.BAD_SLOT_MINUTES);
        assertCode(() -> St1.settle(15, new long[1], new long[1], -1, TERMS), ErrorCode.BAD_REQUEST);
        assertCode(() -> new St1.Terms(-1, 0, 0, 0), ErrorCode.BAD_REQUEST);
        assertCode(() -> St1.settle(15, new long[] {Long.MAX_VALUE}, new long[] {-1}, 1, TERMS), ErrorCode.OVERFLOW);
        assertCode(() -> St1.settle(60, new long[] {Long.MAX_VALUE}, new long[] {0}, 1, TERMS), ErrorCode.OVERFLOW);
    }
}
