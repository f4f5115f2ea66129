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
        assertThat(caller.member()).hasValueSatisfying(m -> assertThat(m.has(MemberRole.DSO)).isTrue());
        assertThat(caller.requireRole(MemberRole.DSO, "operate zones").mspId()).isEqualTo("DsoMSP");
        assertThatThrownBy(() -> caller.requireRole(MemberRole.AGGREGATOR, "represent communities"))
                .hasMessage("ACCESS_DENIED: DsoMSP may not represent communities: it does not hold the role AGGREGATOR in the consortium (roles: [DSO])");
    }

    @Test
    void membershipComesFromTheLedgerOncePerTransaction() {
        // An org the consortium has not admitted is no member, whatever its certificate says.
        ledger.withConsortium(Consortium.EMPTY);
        assertThatThrownBy(() -> Caller.of(ledger.as("DsoMSP", "admin").context()).requireMemberReader()).hasMessageStartingWith("ACCESS_DENIED");
        ledger.withConsortium(FakeLedger.fixtureConsortium());
        final int before = ledger.consortiumReads();
        final Caller caller = Caller.of(ledger.as("DsoMSP", "client").context());
        caller.requireMemberReader();
        caller.requireMemberWriter("x");
        caller.requireRole(MemberRole.DSO, "y");
        assertThat(ledger.consortiumReads() - before).isEqualTo(1);
        // Identities without a NodeOU role never cause a read.
        Caller.of(ledger.as("DsoMSP", "marketing").context()).member();
        assertThat(ledger.consortiumReads() - before).isEqualTo(1);
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
