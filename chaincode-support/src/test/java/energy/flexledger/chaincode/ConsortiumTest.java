package energy.flexledger.chaincode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import energy.flexledger.spec.Canonical;
import java.util.List;
import org.hyperledger.fabric.shim.ChaincodeStub;
import org.hyperledger.fabric.shim.ResponseUtils;
import org.junit.jupiter.api.Test;

class ConsortiumTest {
    private final Consortium consortium = FakeLedger.fixtureConsortium();

    @Test
    void answersWhoHoldsWhichRoleOperatesWhichZoneAndRepresentsWhom() {
        assertThat(consortium.withRole(MemberRole.DSO)).containsExactly("DsoMSP");
        assertThat(consortium.withRole(MemberRole.AGGREGATOR)).containsExactly("AggregatorMSP");
        assertThat(consortium.representativesOf("CommunityMSP")).containsExactly("AggregatorMSP");
        assertThat(consortium.representativesOf("DsoMSP")).isEmpty();
        assertThat(consortium.operatorsOf("zone-2")).containsExactly("DsoMSP");
        assertThat(consortium.operatorsOf("zone-9")).isEmpty();
        assertThat(consortium.isMember("CpoMSP")).isTrue();
        assertThat(consortium.isMember("OrdererMSP")).isFalse();
        final Member dso = consortium.member("DsoMSP").orElseThrow();
        dso.zones()[0] = "changed";
        dso.roles()[0] = "changed";
        dso.represents();
        assertThat(dso.zones()).containsExactly("zone-1", "zone-2");
        assertThat(dso.roleList()).containsExactly("DSO");
        consortium.members()[0] = null;
        assertThat(consortium.members()[0]).isNotNull();
    }

    @Test
    void isReadFromTheConsortiumChaincodeOrFailsWithInvalidState() {
        final ChaincodeStub stub = answering(ResponseUtils.newSuccessResponse(Canonical.bytes(consortium)));
        assertThat(Membership.load(stub).withRole(MemberRole.CPO)).containsExactly("CpoMSP");
        // Read once per invocation: asking again does not call the consortium chaincode again.
        assertThat(Membership.load(stub).withRole(MemberRole.CPO)).containsExactly("CpoMSP");
        org.mockito.Mockito.verify(stub, org.mockito.Mockito.times(1)).invokeChaincodeWithStringArgs(anyString(),
                org.mockito.ArgumentMatchers.<List<String>>any(), anyString());

        assertThatThrownBy(() -> Membership.load(answering(ResponseUtils.newErrorResponse("no chaincode"))))
                .hasMessageStartingWith("INVALID_STATE: the consortium chaincode 'consortium' on channel grid")
                .hasMessageContaining("no chaincode");
        // What shim 2.5 does when the peer refuses the call: it throws.
        final ChaincodeStub refusing = mock(ChaincodeStub.class);
        when(refusing.getChannelId()).thenReturn("grid");
        when(refusing.invokeChaincodeWithStringArgs(anyString(), org.mockito.ArgumentMatchers.<List<String>>any(), anyString()))
                .thenThrow(new RuntimeException("Unsuccessful response received."));
        assertThatThrownBy(() -> Membership.load(refusing)).hasMessageStartingWith("INVALID_STATE: the consortium chaincode 'consortium' on channel grid could not be asked")
                .hasMessageContaining("Unsuccessful response received.");
        assertThatThrownBy(() -> Membership.load(answering(ResponseUtils.newSuccessResponse("[1]".getBytes(java.nio.charset.StandardCharsets.UTF_8)))))
                .hasMessageStartingWith("INVALID_STATE: the consortium chaincode's answer is not a consortium");
    }

    private static ChaincodeStub answering(final org.hyperledger.fabric.shim.Chaincode.Response response) {
        final ChaincodeStub stub = mock(ChaincodeStub.class);
        when(stub.getChannelId()).thenReturn("grid");
        when(stub.invokeChaincodeWithStringArgs(anyString(), org.mockito.ArgumentMatchers.<List<String>>any(), anyString())).thenReturn(response);
        return stub;
    }
}
