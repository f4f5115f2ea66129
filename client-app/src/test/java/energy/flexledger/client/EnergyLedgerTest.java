package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import energy.flexledger.spec.ErrorCode;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.hyperledger.fabric.client.Contract;
import org.hyperledger.fabric.client.EndorseException;
import org.junit.jupiter.api.Test;

class EnergyLedgerTest {
    private final Contract contract = mock(Contract.class);

    private static EndorseException endorseFailure(final Status status) {
        return new EndorseException("tx1", status.asRuntimeException());
    }

    @Test
    void retriesWhileNoPeerCombinationCanEndorse() throws Exception {
        when(contract.submitTransaction(eq("GetNothing"), any(String[].class)))
                .thenThrow(endorseFailure(Status.FAILED_PRECONDITION.withDescription(
                        "no combination of peers can be derived which satisfy the endorsement policy")))
                .thenReturn("{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
        final EnergyLedger ledger = new EnergyLedger(contract, Duration.ofSeconds(5));
        assertThat(ledger.submitRaw("GetNothing")).containsEntry("ok", true);
        verify(contract, times(2)).submitTransaction(eq("GetNothing"), any(String[].class));
    }

    @Test
    void aChaincodeRefusalIsNotRetried() throws Exception {
        when(contract.submitTransaction(eq("GetNothing"), any(String[].class)))
                .thenThrow(endorseFailure(Status.ABORTED.withDescription("chaincode response 500, ACCESS_DENIED: no")));
        final EnergyLedger ledger = new EnergyLedger(contract, Duration.ofSeconds(5));
        assertThatThrownBy(() -> ledger.submitRaw("GetNothing"))
                .isInstanceOfSatisfying(LedgerException.class, e -> assertThat(e.code()).contains(ErrorCode.ACCESS_DENIED));
        verify(contract, times(1)).submitTransaction(eq("GetNothing"), any(String[].class));
    }

    @Test
    void givesUpWhenTheWaitIsOverAndSaysTheFailureIsTransient() throws Exception {
        when(contract.submitTransaction(eq("GetNothing"), any(String[].class)))
                .thenThrow(endorseFailure(Status.UNAVAILABLE.withDescription("io exception")));
        final EnergyLedger ledger = new EnergyLedger(contract, Duration.ZERO);
        assertThatThrownBy(() -> ledger.submitRaw("GetNothing"))
                .isInstanceOfSatisfying(LedgerException.class, e -> {
                    assertThat(e.code()).isEmpty();
                    assertThat(e.retryable()).isTrue();
                });
        verify(contract, times(1)).submitTransaction(eq("GetNothing"), any(String[].class));
    }

    @Test
    void aChaincodeOnAnotherChannelOrAnUnknownChannelFailsAtOnceAndSaysWhy() throws Exception {
        when(contract.submitTransaction(eq("GetNothing"), any(String[].class)))
                .thenThrow(endorseFailure(Status.FAILED_PRECONDITION.withDescription("no combination of peers can be derived which satisfy"
                        + " the endorsement policy: No metadata was found for chaincode energy in channel community")));
        final EnergyLedger ledger = new EnergyLedger(contract, Duration.ofMinutes(5));
        assertThatThrownBy(() -> ledger.submitRaw("GetNothing")).isInstanceOfSatisfying(LedgerException.class, e -> {
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains("not deployed on this channel").contains("--channel");
        });
        verify(contract, times(1)).submitTransaction(eq("GetNothing"), any(String[].class));

        when(contract.submitTransaction(eq("Other"), any(String[].class))).thenThrow(endorseFailure(Status.UNAVAILABLE.withDescription(
                "failed to get config for channel [nochannel]: could not get last config for channel nochannel")));
        assertThatThrownBy(() -> ledger.submitRaw("Other")).isInstanceOfSatisfying(LedgerException.class, e -> {
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains("no such channel");
        });
        verify(contract, times(1)).submitTransaction(eq("Other"), any(String[].class));
    }
}
