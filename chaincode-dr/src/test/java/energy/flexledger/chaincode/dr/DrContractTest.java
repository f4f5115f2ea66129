package energy.flexledger.chaincode.dr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.chaincode.ContractCalls;
import energy.flexledger.chaincode.FakeLedger;
import energy.flexledger.spec.Json;
import org.junit.jupiter.api.Test;

class DrContractTest {
    private final DrContract contract = new DrContract();
    private final FakeLedger ledger = new FakeLedger();

    @Test
    void describesItselfToMembers() {
        assertThat(Json.parseObject(new ContractCalls(contract).call("describe", ledger.as("DsoMSP", "peer").context())))
                .containsEntry("chaincode", "dr").containsEntry("channel", "grid");
    }

    @Test
    void refusesIdentitiesOutsideTheConsortium() {
        assertThatThrownBy(() -> contract.describe(ledger.as("OrdererMSP", "admin").context())).hasMessageStartingWith("ACCESS_DENIED");
    }

    @Test
    void aWrongArgumentCountIsBadRequestBeforeRouting() {
        assertThatThrownBy(() -> contract.createContext(FakeLedger.argsStub("Describe", "extra")))
                .hasMessage("BAD_REQUEST: Describe takes 0 arguments, got 1");
    }
}
