package energy.flexledger.chaincode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hyperledger.fabric.shim.ChaincodeException;
import org.junit.jupiter.api.Test;

class CallerTest {
    private final FakeLedger ledger = new FakeLedger();

    @Test
    void readsMspAndNodeOuRole() {
        final Caller caller = Caller.of(ledger.as("DsoMSP", "admin").context());
        assertThat(caller.mspId()).isEqualTo("DsoMSP");
        assertThat(caller.role()).isEqualTo(Role.ADMIN);
        assertThat(caller.memberOrg()).contains(MemberOrg.DSO);
    }

    @Test
    void peersMayReadButNotWrite() {
        final Caller peer = Caller.of(ledger.as("CpoMSP", "peer").context());
        assertThat(peer.requireMemberReader()).isSameAs(peer);
        assertThatThrownBy(() -> peer.requireMemberWriter("register meters"))
                .isInstanceOf(ChaincodeException.class).hasMessageStartingWith("ACCESS_DENIED");
    }

    @Test
    void unknownMspIsDeniedEvenAsAdmin() {
        final Caller stranger = Caller.of(ledger.as("OrdererMSP", "admin").context());
        assertThatThrownBy(stranger::requireMemberReader).hasMessageStartingWith("ACCESS_DENIED");
        assertThatThrownBy(() -> stranger.requireMemberWriter("x")).hasMessageStartingWith("ACCESS_DENIED");
    }

    @Test
    void writerOfAnotherOrgIsDeniedWithTheCodeAsPayload() {
        final Caller aggregator = Caller.of(ledger.as("AggregatorMSP", "client").context());
        assertThatThrownBy(() -> aggregator.requireWriterOf("CommunityMSP", "record intervals"))
                .isInstanceOfSatisfying(ChaincodeException.class,
                        e -> assertThat(new String(e.getPayload(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("ACCESS_DENIED"))
                .hasMessageContaining("CommunityMSP");
    }

    @Test
    void twoDifferentNodeOusGrantNoRole() {
        assertThat(Caller.of(ledger.as("DsoMSP", "client,OU=admin").context()).role()).isEqualTo(Role.NONE);
        assertThat(Caller.of(ledger.as("DsoMSP", "client,OU=department1").context()).role()).isEqualTo(Role.CLIENT);
    }

    @Test
    void certificateWithoutNodeOuHasNoRole() {
        assertThat(Caller.of(ledger.as("DsoMSP", "marketing").context()).role()).isEqualTo(Role.NONE);
    }
}
