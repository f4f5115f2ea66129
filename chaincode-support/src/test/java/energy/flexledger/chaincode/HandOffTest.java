package energy.flexledger.chaincode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import energy.flexledger.spec.Canonical;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.contract.annotation.Transaction;
import org.hyperledger.fabric.shim.ChaincodeStub;
import org.junit.jupiter.api.Test;

/**
 * The consortium is read once per transaction, whichever chaincodes of it need it: a chaincode
 * hands what it read to the chaincodes it calls (the Java shim loses a second call of the same
 * chaincode in one transaction), and a callee takes a handed consortium only from a handing
 * chaincode, never from the client.
 */
class HandOffTest {
    private final FakeLedger ledger = new FakeLedger();

    /** A contract with one transaction {@code F(a)}, for the argument checks. */
    static final class OneArgument extends CheckedContract {
        @Transaction(name = "F")
        public String f(final Context ctx, final String a) {
            return a;
        }
    }

    @Test
    void aCalledChaincodeUsesTheConsortiumItsCallerRead() {
        ledger.proposing("market");
        final List<String> received = new ArrayList<>();
        ledger.withChaincode("dr", (args, ctx) -> {
            received.addAll(args);
            // The callee checks its caller's roles, and calls on in turn: still no second read.
            final Member member = Caller.of(ctx).requireMemberWriter("measure");
            ChaincodeCall.call(ctx.getStub(), "energy", "GetAverages", "[]");
            return member.mspId().getBytes(StandardCharsets.UTF_8);
        });
        final List<String> third = new ArrayList<>();
        ledger.withChaincode("energy", (args, ctx) -> {
            third.addAll(args);
            Caller.of(ctx).requireMemberReader();
            return "{}".getBytes(StandardCharsets.UTF_8);
        });
        final Context ctx = ledger.as("DsoMSP", "client").context();
        final int before = ledger.consortiumReads();
        Caller.of(ctx).requireMemberWriter("pay");
        assertThat(ChaincodeCall.call(ctx.getStub(), "dr", "MeasureDeliveries", "x")).isEqualTo("DsoMSP");
        assertThat(ledger.consortiumReads() - before).isEqualTo(1);
        assertThat(received).hasSize(3);
        assertThat(received.subList(0, 2)).containsExactly("MeasureDeliveries", "x");
        assertThat(received.get(2)).isEqualTo(Membership.HAND_OFF + new String(Canonical.bytes(FakeLedger.fixtureConsortium()), StandardCharsets.UTF_8));
        assertThat(third).hasSize(3).last().isEqualTo(received.get(2));

        // A callee whose caller never looked at the consortium still makes the transaction's only read.
        final Context fresh = ledger.as("DsoMSP", "client").context();
        final int again = ledger.consortiumReads();
        ChaincodeCall.call(fresh.getStub(), "energy", "GetAverages", "[]");
        assertThat(ledger.consortiumReads() - again).isEqualTo(1);
    }

    @Test
    void aHandOffFromTheClientIsRefused() {
        final String handOff = Membership.HAND_OFF + new String(Canonical.bytes(FakeLedger.fixtureConsortium()), StandardCharsets.UTF_8);
        // The client invoked the chaincode itself, a consortium of its own appended: refused, not believed.
        final ChaincodeStub direct = stub(List.of("F", "a", handOff), FakeLedger.signedProposal("market", "F", "a", handOff));
        assertThatThrownBy(() -> Membership.load(direct)).hasMessage("ACCESS_DENIED: the consortium is read from the ledger, never taken from the client's arguments");
        assertThatThrownBy(() -> new OneArgument().createContext(direct)).hasMessageStartingWith("ACCESS_DENIED: the consortium is read from the ledger");
        // A transaction of a chaincode that hands nothing down (energy, consortium, any other).
        final ChaincodeStub other = stub(List.of("F", "a", handOff), FakeLedger.signedProposal("energy", "F", "a"));
        assertThatThrownBy(() -> Membership.load(other))
                .hasMessage("ACCESS_DENIED: a consortium is handed down only within transactions of [dr, market]; this transaction invoked 'energy'");
        // Within a market transaction, from market's code: accepted, and no argument of the function.
        final ChaincodeStub nested = stub(List.of("F", "a", handOff), FakeLedger.signedProposal("market", "PayRequest", "R1"));
        assertThat(Membership.load(nested).withRole(MemberRole.CPO)).containsExactly("CpoMSP");
        org.mockito.Mockito.verify(nested, org.mockito.Mockito.never()).invokeChaincodeWithStringArgs(org.mockito.ArgumentMatchers.anyString(),
                org.mockito.ArgumentMatchers.<List<String>>any(), org.mockito.ArgumentMatchers.anyString());
        Arguments.check(new OneArgument(), nested); // the count check passes: the hand-off is no argument of F
        // One argument too many is still one too many when it is not a hand-off.
        assertThatThrownBy(() -> new OneArgument().createContext(stub(List.of("F", "a", "b"), FakeLedger.signedProposal("market", "F", "a", "b"))))
                .hasMessage("BAD_REQUEST: F takes 1 argument, got 2");
        // From a dr or market transaction on another channel (a cross-channel call only reads): refused too.
        final ChaincodeStub elsewhere = stub(List.of("F", "a", handOff), FakeLedger.signedProposal("market", "PayRequest", "R1"));
        when(elsewhere.getChannelId()).thenReturn("community");
        assertThatThrownBy(() -> Membership.load(elsewhere))
                .hasMessage("ACCESS_DENIED: a consortium is handed down only within one channel; this call comes from channel 'grid' into 'community'");
        // A broken hand-off is the calling chaincode's fault: INVALID_STATE, nothing read from it.
        assertThatThrownBy(() -> Membership.load(stub(List.of("F", "a", Membership.HAND_OFF + "[1]"), FakeLedger.signedProposal("dr", "Settle"))))
                .hasMessageStartingWith("INVALID_STATE: the handed-down consortium is not a consortium");
    }

    private static ChaincodeStub stub(final List<String> args, final org.hyperledger.fabric.protos.peer.SignedProposal proposal) {
        final ChaincodeStub stub = mock(ChaincodeStub.class);
        final List<byte[]> bytes = new ArrayList<>();
        args.forEach(a -> bytes.add(a.getBytes(StandardCharsets.UTF_8)));
        when(stub.getArgs()).thenReturn(bytes);
        when(stub.getSignedProposal()).thenReturn(proposal);
        when(stub.getChannelId()).thenReturn("grid");
        return stub;
    }
}
