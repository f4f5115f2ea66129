package energy.flexledger.chaincode.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.chaincode.ContractCalls;
import energy.flexledger.chaincode.FakeLedger;
import energy.flexledger.spec.Json;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** escrow:Move on a stubbed ledger: only inside dr's transactions, balanced, from DR escrow or the creator's own accounts. */
class EscrowContractTest {
    private static final String DSO = "DsoMSP";
    private final FakeLedger ledger = new FakeLedger();
    private final ContractCalls escrow = new ContractCalls(new EscrowContract());
    private final ContractCalls token = new ContractCalls(new TokenContract());

    @BeforeEach
    void token() {
        ledger.withConsortium(new energy.flexledger.chaincode.Consortium(new energy.flexledger.chaincode.Member[] {
            FakeLedger.member(DSO, new String[] {"DSO", "ISSUER"}, new String[] {"zone-1"}, new String[0]),
            FakeLedger.member("CpoMSP", new String[] {"CPO"}, new String[0], new String[0]),
        }, 2, 0, "genesis"));
        token.call("initialize", ledger.as(DSO, "admin").context(), "Reward", "FLEX", "0");
        token.call("mint", ledger.as(DSO, "admin").context(), "org:" + DSO, "1000");
        ledger.proposing("dr");
    }

    private static String move(final String from, final long out, final String to, final long in) {
        return "{\"debits\":[{\"account\":\"" + from + "\",\"amount\":" + out + ",\"reason\":\"r\"}],\"credits\":[{\"account\":\"" + to
                + "\",\"amount\":" + in + ",\"reason\":\"r\"}],\"txId\":\"\"}";
    }

    private void refused(final String code, final String json) {
        final Map<String, String> before = ledger.snapshot();
        assertThatThrownBy(() -> escrow.call("move", ledger.as(DSO, "admin").context(), json)).hasMessageStartingWith(code + ":");
        ledger.abort();
        assertThat(ledger.snapshot()).isEqualTo(before);
    }

    private long balance(final String account) {
        return (Long) Json.parseObject(token.call("balanceOf", ledger.context(), account)).get("balance");
    }

    @Test
    void drLocksAndPaysOutBalancedMovements() {
        escrow.call("move", ledger.as(DSO, "admin").context(), move("org:" + DSO, 300, "escrow:dr-budget:E1", 300));
        assertThat(balance("escrow:dr-budget:E1")).isEqualTo(300);
        escrow.call("move", ledger.as(DSO, "client").context(), move("escrow:dr-budget:E1", 100, "org:CpoMSP", 100));
        assertThat(balance("org:CpoMSP")).isEqualTo(100);
        refused("BAD_REQUEST", move("escrow:dr-budget:E1", 10, "org:CpoMSP", 11));
        refused("BAD_REQUEST", move("escrow:dr-budget:E1", 0, "org:CpoMSP", 0));
        refused("BAD_REQUEST", move("escrow:dr-budget:E1", 10, "escrow:dr-budget:E1", 10));
        refused("BAD_REQUEST", "{\"debits\":[],\"credits\":[],\"txId\":\"\"}");
        refused("ACCESS_DENIED", move("org:CpoMSP", 10, "org:" + DSO, 10));
        refused("ACCESS_DENIED", move("escrow:flex:R1", 10, "org:" + DSO, 10));
        refused("ACCESS_DENIED", move("org:" + DSO, 10, "escrow:flex:R1", 10));
        refused("INSUFFICIENT_FUNDS", move("escrow:dr-budget:E1", 1000, "org:CpoMSP", 1000));
        // Not asking the consortium again (dr did, in this transaction): a peer identity still moves nothing.
        final int consortiumReads = ledger.consortiumReads();
        assertThatThrownBy(() -> escrow.call("move", ledger.as(DSO, "peer").context(), move("escrow:dr-budget:E1", 10, "org:CpoMSP", 10)))
                .hasMessageStartingWith("ACCESS_DENIED:");
        ledger.abort();
        escrow.call("move", ledger.as(DSO, "client").context(), move("escrow:dr-budget:E1", 10, "org:CpoMSP", 10));
        assertThat(ledger.consortiumReads()).isEqualTo(consortiumReads);
        escrow.call("drain", ledger.as(DSO, "client").context(), "escrow:dr-budget:E1", "org:" + DSO, "unused");
        assertThat(balance("escrow:dr-budget:E1")).isZero();
        assertThat(Json.parseObject(escrow.call("drain", ledger.as(DSO, "client").context(), "escrow:dr-budget:E1", "org:" + DSO, "unused")))
                .containsEntry("amount", 0L);
        assertThatThrownBy(() -> escrow.call("drain", ledger.as(DSO, "admin").context(), "org:CpoMSP", "org:" + DSO, "x"))
                .hasMessageStartingWith("ACCESS_DENIED:");
        ledger.abort();
        escrow.call("move", ledger.as(DSO, "admin").context(), move("org:" + DSO, 200, "escrow:dr-budget:E2", 200));
        ledger.proposing("market");
        refused("ACCESS_DENIED", move("escrow:dr-budget:E2", 10, "org:CpoMSP", 10));
        assertThat(Json.parseObject(token.call("audit", ledger.context()))).containsEntry("consistent", true).containsEntry("escrow", 200L);
    }
}
