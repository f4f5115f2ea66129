package energy.flexledger.chaincode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which chaincode a transaction's signed proposal invoked, and the values of a partial key. */
class InvocationTest {
    private final FakeLedger ledger = new FakeLedger();

    @Test
    void aCalleeTellsWhichChaincodeTheClientInvoked() {
        ledger.proposing("dr");
        final var stub = ledger.as("DsoMSP", "client").context().getStub();
        assertThat(Invocation.proposedChaincode(stub)).isEqualTo("dr");
        Invocation.requireProposedBy(stub, "dr", "moving escrow");
        assertThatThrownBy(() -> Invocation.requireProposedBy(stub, "market", "moving escrow"))
                .hasMessageStartingWith("ACCESS_DENIED: moving escrow is done only by chaincode 'market'").hasMessageContaining("invoked 'dr'");
    }

    @Test
    void valuesAreReadInKeyOrderAndByPage() {
        final var stub = ledger.as("DsoMSP", "client").context().getStub();
        final StateStore state = new StateStore(stub);
        for (final String id : List.of("b", "a", "c")) {
            state.write(state.key("thing", "x", id), new Member("M" + id, new String[0], new String[0], new String[0], 0, "", 0, ""));
        }
        state.write(state.key("thing", "y", "z"), new Member("Other", new String[0], new String[0], new String[0], 0, "", 0, ""));
        final StateStore read = new StateStore(ledger.context().getStub());
        assertThat(read.values(Member.class, "thing", "x")).extracting(Member::mspId).containsExactly("Ma", "Mb", "Mc");
        final StateStore.Page<Member> first = read.valuesPage(Member.class, 2, "", "thing", "x");
        assertThat(first.items()).extracting(Member::mspId).containsExactly("Ma", "Mb");
        assertThat(read.valuesPage(Member.class, 2, first.bookmark(), "thing", "x").items()).extracting(Member::mspId).containsExactly("Mc");
        assertThatThrownBy(() -> read.valuesPage(Member.class, 2, "elsewhere", "thing", "x")).hasMessageStartingWith("BAD_REQUEST:");
    }
}
