package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PercentilesTest {
    @Test
    void nearestRank() {
        final long[] ten = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(Percentiles.nearestRank(ten, 0.5)).isEqualTo(5);
        assertThat(Percentiles.nearestRank(ten, 0.95)).isEqualTo(10);
        assertThat(Percentiles.nearestRank(ten, 0.91)).isEqualTo(10);
        assertThat(Percentiles.nearestRank(ten, 0.9)).isEqualTo(9);
        assertThat(Percentiles.nearestRank(new long[] {7}, 0.99)).isEqualTo(7);
        assertThat(Percentiles.nearestRank(new long[] {1, 2, 3}, 0.5)).isEqualTo(2);
        assertThatThrownBy(() -> Percentiles.nearestRank(new long[0], 0.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
