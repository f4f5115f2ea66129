package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.hyperledger.fabric.client.ChaincodeEvent;
import org.junit.jupiter.api.Test;

class ChaincodeEventFeedTest {
    private static ChaincodeEvent event(final String payload) {
        final ChaincodeEvent e = mock(ChaincodeEvent.class);
        when(e.getBlockNumber()).thenReturn(42L);
        when(e.getTransactionId()).thenReturn("tx1");
        when(e.getChaincodeName()).thenReturn("dr");
        when(e.getEventName()).thenReturn("DrEventCreated");
        when(e.getPayload()).thenReturn(payload.getBytes(StandardCharsets.UTF_8));
        return e;
    }

    @Test
    void anEventIsDescribedWithItsJsonPayloadParsed() {
        assertThat(ChaincodeEventFeed.describe(event("{\"id\":\"E1\",\"budget\":5000}"))).containsEntry("block", 42L).containsEntry("txId", "tx1")
                .containsEntry("chaincode", "dr").containsEntry("event", "DrEventCreated")
                .containsEntry("payload", Map.of("id", "E1", "budget", 5000L));
        // A payload that is not JSON stays text; an empty one is null.
        assertThat(ChaincodeEventFeed.describe(event("not json"))).containsEntry("payload", "not json");
        assertThat(ChaincodeEventFeed.describe(event(""))).containsEntry("payload", null);
    }
}
