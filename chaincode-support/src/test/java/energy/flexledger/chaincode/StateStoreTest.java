package energy.flexledger.chaincode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateStoreTest {
    @Test
    void sortableKeysOrderLikeTheNumbers() {
        final long[] values = {Long.MIN_VALUE, -1_000_000L, -1L, 0L, 1L, 1_767_225_600_000L, Long.MAX_VALUE};
        final List<String> encoded = new ArrayList<>();
        for (final long v : values) {
            encoded.add(StateStore.sortable(v));
        }
        assertThat(encoded).isSorted().allSatisfy(s -> assertThat(s).hasSize(20)).doesNotHaveDuplicates();
    }
}
