package energy.flexledger.chaincode.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.chaincode.Consortium;
import energy.flexledger.chaincode.ContractCalls;
import energy.flexledger.chaincode.FakeLedger;
import energy.flexledger.chaincode.Member;
import energy.flexledger.spec.Json;
import java.util.Map;
import org.hyperledger.fabric.contract.Context;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token on a stubbed ledger, through Fabric's serializer; roles from a fixture consortium. */
class TokenContractTest {
    /** Fixture orgs: an issuer (also DSO), two aggregators, a community. No chaincode knows these names. */
    private static final String ISSUER = "GridOpMSP";
    private static final String AGG = "FlexAggMSP";
    private static final String AGG2 = "OtherAggMSP";
    private static final String COMMUNITY = "VillageMSP";

    private final TokenContract contract = new TokenContract();
    private final ContractCalls calls = new ContractCalls(contract);
    private final FakeLedger ledger = new FakeLedger();

    @BeforeEach
    void consortium() {
        ledger.withConsortium(new Consortium(new Member[] {
            FakeLedger.member(AGG, new String[] {"AGGREGATOR"}, new String[0], new String[] {COMMUNITY}),
            FakeLedger.member(ISSUER, new String[] {"DSO", "ISSUER"}, new String[] {"zone-1"}, new String[0]),
            FakeLedger.member(AGG2, new String[] {"AGGREGATOR"}, new String[0], new String[0]),
            FakeLedger.member(COMMUNITY, new String[] {"COMMUNITY"}, new String[0], new String[0]),
        }, 4, 0, "genesis"));
    }

    private Map<String, Object> call(final String method, final Context ctx, final String... args) {
        return Json.parseObject(calls.call(method, ctx, args));
    }

    /** Asserts the call fails with {@code code} and, as Fabric would, commits none of its writes. */
    private void refused(final String code, final String method, final Context ctx, final String... args) {
        final Map<String, String> before = ledger.snapshot();
        assertThatThrownBy(() -> calls.call(method, ctx, args)).hasMessageStartingWith(code + ":");
        ledger.abort();
        assertThat(ledger.snapshot()).isEqualTo(before);
    }

    private static String id(final String msp, final String ou, final String name) {
        return Accounts.identity(msp, FakeLedger.idOf(msp, ou, name));
    }

    private void initialized() {
        call("initialize", ledger.as(ISSUER, "admin").context(), "FlexLedger Reward", "FLEX", "3");
    }

    private long balance(final String account) {
        return (Long) call("balanceOf", ledger.as(COMMUNITY, "client").context(), account).get("balance");
    }

    @Test
    void onlyAnIssuersAdminInitializesTheTokenOnce() {
        refused("ACCESS_DENIED", "initialize", ledger.as(AGG, "admin").context(), "T", "T", "0");
        refused("ACCESS_DENIED", "initialize", ledger.as(ISSUER, "client").context(), "T", "T", "0");
        refused("BAD_REQUEST", "initialize", ledger.as(ISSUER, "admin").context(), "T", "T", "19");
        refused("NOT_FOUND", "tokenInfo", ledger.as(AGG, "client").context());
        initialized();
        assertThat(call("tokenInfo", ledger.as(AGG, "client").context())).containsEntry("symbol", "FLEX").containsEntry("decimals", 3L)
                .containsEntry("initializedBy", ISSUER);
        refused("ALREADY_EXISTS", "initialize", ledger.as(ISSUER, "admin").context(), "Other", "OTH", "0");
    }

    @Test
    void mintAndBurnNeedTheIssuerRoleOnTheLedger() {
        initialized();
        refused("ACCESS_DENIED", "mint", ledger.as(AGG, "admin").context(), Accounts.org(AGG), "100");
        refused("ACCESS_DENIED", "mint", ledger.as(ISSUER, "client").context(), Accounts.org(AGG), "100");
        call("mint", ledger.as(ISSUER, "admin").context(), Accounts.org(ISSUER), "1000");
        assertThat(ledger.lastEventName()).isEqualTo("Transfer");
        assertThat(Json.parseObject(ledger.lastEventPayload())).containsEntry("from", "").containsEntry("amount", 1000L);
        call("burn", ledger.as(ISSUER, "admin").context(), Accounts.org(ISSUER), "300");
        assertThat(call("totalSupply", ledger.as(AGG, "client").context())).containsEntry("minted", 1000L).containsEntry("burned", 300L)
                .containsEntry("supply", 700L);
        refused("ACCESS_DENIED", "burn", ledger.as(AGG, "admin").context(), Accounts.org(AGG), "1");
        refused("INSUFFICIENT_FUNDS", "burn", ledger.as(ISSUER, "admin").context(), Accounts.org(ISSUER), "701");

        // Governance grants the role to another member: from then on its admin mints.
        refused("ACCESS_DENIED", "mint", ledger.as(AGG2, "admin").context(), Accounts.org(AGG2), "5");
        ledger.withConsortium(new Consortium(new Member[] {
            FakeLedger.member(AGG2, new String[] {"AGGREGATOR", "ISSUER"}, new String[0], new String[0]),
        }, 5, 0, "granted"));
        call("mint", ledger.as(AGG2, "admin").context(), Accounts.org(AGG2), "5");
    }

    @Test
    void anAccountIsMovedByItsIdentityOrItsOrgsAdminAndNoOneElse() {
        initialized();
        call("mint", ledger.as(ISSUER, "admin").context(), Accounts.org(AGG), "500");
        final String alice = id(AGG, "client", "alice");
        refused("ACCESS_DENIED", "transfer", ledger.as(AGG, "client", "alice").context(), Accounts.org(AGG), alice, "10");
        refused("ACCESS_DENIED", "transfer", ledger.as(COMMUNITY, "admin").context(), Accounts.org(AGG), alice, "10");
        call("transfer", ledger.as(AGG, "admin").context(), Accounts.org(AGG), alice, "120");
        assertThat(balance(alice)).isEqualTo(120);
        refused("ACCESS_DENIED", "transfer", ledger.as(AGG, "client", "bob").context(), alice, Accounts.org(COMMUNITY), "1");
        final Map<String, Object> t = call("transfer", ledger.as(AGG, "client", "alice").context(), alice, Accounts.org(COMMUNITY), "20");
        assertThat(t).containsEntry("from", alice).containsEntry("to", Accounts.org(COMMUNITY)).containsEntry("amount", 20L);
        assertThat(balance(alice)).isEqualTo(100);
        assertThat(balance(Accounts.org(COMMUNITY))).isEqualTo(20);
        assertThat(call("myAccount", ledger.as(AGG, "client", "alice").context())).containsEntry("account", alice).containsEntry("balance", 100L);
    }

    @Test
    void anOverdraftIsRefusedAndChangesNothing() {
        initialized();
        call("mint", ledger.as(ISSUER, "admin").context(), Accounts.org(AGG), "50");
        refused("INSUFFICIENT_FUNDS", "transfer", ledger.as(AGG, "admin").context(), Accounts.org(AGG), Accounts.org(COMMUNITY), "51");
        refused("BAD_REQUEST", "transfer", ledger.as(AGG, "admin").context(), Accounts.org(AGG), Accounts.org(COMMUNITY), "0");
        refused("BAD_REQUEST", "transfer", ledger.as(AGG, "admin").context(), Accounts.org(AGG), Accounts.org(COMMUNITY), "-5");
        refused("BAD_REQUEST", "transfer", ledger.as(AGG, "admin").context(), Accounts.org(AGG), "nobody", "5");
        refused("BAD_REQUEST", "transfer", ledger.as(AGG, "admin").context(), Accounts.org(AGG), Accounts.org(AGG), "5");
        call("transfer", ledger.as(AGG, "admin").context(), Accounts.org(AGG), Accounts.org(COMMUNITY), "50");
        assertThat(balance(Accounts.org(AGG))).isZero();
        assertThat(call("balanceOf", ledger.as(AGG, "client").context(), Accounts.org(AGG))).containsEntry("rows", 0L);
    }

    @Test
    void creditsToOneAccountWriteKeysOfTheirOwnAndTheNextDebitFoldsThem() {
        initialized();
        final String hot = Accounts.org(COMMUNITY);
        call("mint", ledger.as(ISSUER, "admin").context(), Accounts.org(AGG), "30");
        call("mint", ledger.as(ISSUER, "admin").context(), Accounts.org(AGG2), "30");
        int before = ledger.snapshot().size();
        for (int i = 0; i < 3; i++) {
            call("transfer", ledger.as(AGG, "admin").context(), Accounts.org(AGG), hot, "5");
            call("transfer", ledger.as(AGG2, "admin").context(), Accounts.org(AGG2), hot, "5");
        }
        assertThat(call("balanceOf", ledger.as(AGG, "client").context(), hot)).containsEntry("balance", 30L).containsEntry("rows", 6L);
        // Each credit added a row under its own transaction's key; no key was written twice.
        assertThat(ledger.snapshot().keySet().stream().filter(k -> k.contains(hot)).count()).isEqualTo(6);
        assertThat(ledger.snapshot().size()).isGreaterThan(before);
        call("transfer", ledger.as(COMMUNITY, "admin").context(), hot, Accounts.org(AGG), "1");
        assertThat(call("balanceOf", ledger.as(AGG, "client").context(), hot)).containsEntry("balance", 29L).containsEntry("rows", 1L);
    }

    /**
     * A debit deletes at most FOLD rows however many an account holds (an auction's escrow holds one
     * per buyer's reveal): the folded rows become one row of their sum less the amount, negative
     * when rows remain, and the balance, an overdraft check and the audit still count every row.
     */
    @Test
    void aDebitFoldsAtMostFoldRowsAndTheBalanceStaysExact() {
        initialized();
        final String many = Accounts.org(COMMUNITY);
        final int credits = TokenLedger.FOLD + 22;
        for (int i = 0; i < credits; i++) {
            call("mint", ledger.as(ISSUER, "admin").context(), many, "2");
        }
        final long keysBefore = ledger.snapshot().keySet().stream().filter(k -> k.contains(many)).count();
        assertThat(keysBefore).isEqualTo(credits);
        refused("INSUFFICIENT_FUNDS", "transfer", ledger.as(COMMUNITY, "admin").context(), many, Accounts.org(AGG), Long.toString(2L * credits + 1));
        call("transfer", ledger.as(COMMUNITY, "admin").context(), many, Accounts.org(AGG), Long.toString(2L * credits - 10));
        // 128 rows (256) folded into one row of 256 - 290 = -34; 22 rows (44) remain: 10 in all.
        assertThat(call("balanceOf", ledger.as(AGG, "client").context(), many)).containsEntry("balance", 10L).containsEntry("rows", 23L);
        assertThat(ledger.snapshot().entrySet().stream().filter(e -> e.getKey().contains(many))
                .filter(e -> e.getValue().contains("\"amount\":-34")).count()).isEqualTo(1);
        refused("INSUFFICIENT_FUNDS", "transfer", ledger.as(COMMUNITY, "admin").context(), many, Accounts.org(AGG), "11");
        // The next debit folds all 23 (fewer than FOLD) and leaves one row.
        call("transfer", ledger.as(COMMUNITY, "admin").context(), many, Accounts.org(AGG), "4");
        assertThat(call("balanceOf", ledger.as(AGG, "client").context(), many)).containsEntry("balance", 6L).containsEntry("rows", 1L);
        assertThat(call("audit", ledger.as(AGG, "client").context())).containsEntry("supply", 2L * credits).containsEntry("consistent", true);
    }

    /**
     * An escrow debited whole by the market's rules keeps the rows a debit did not fold (they sum to
     * zero): any member sweeps them with Compact once the escrow is empty, FOLD rows a call; nobody
     * may compact an escrow still in use.
     */
    @Test
    void anEmptyEscrowIsSweptByAnyMemberAndAnEscrowInUseByNone() {
        initialized();
        final String escrow = "escrow:auction:A1";
        final int credits = TokenLedger.FOLD + 5;
        for (int i = 0; i < credits; i++) {
            new TokenLedger(ledger.as(AGG, "admin").context().getStub()).credit(escrow, 3, "auction bid", "");
        }
        refused("ACCESS_DENIED", "compact", ledger.as(COMMUNITY, "client").context(), escrow);
        new TokenLedger(ledger.as(AGG, "admin").context().getStub()).debit(escrow, 3L * credits, "auction clearing", "");
        assertThat(call("balanceOf", ledger.as(AGG, "client").context(), escrow)).containsEntry("balance", 0L).containsEntry("rows", 6L);
        // Not a controller of the escrow, any member: the five rows left and the fold row (sum 0) go.
        assertThat(call("compact", ledger.as(COMMUNITY, "client").context(), escrow)).containsEntry("balance", 0L).containsEntry("rows", 0L);
        assertThat(ledger.snapshot().keySet().stream().filter(k -> k.contains(escrow)).count()).isZero();
        refused("ACCESS_DENIED", "compact", ledger.as(COMMUNITY, "client").context(), Accounts.org(AGG));
    }

    @Test
    void compactionFoldsRowsAndChangesNoBalance() {
        initialized();
        final String target = id(COMMUNITY, "client", "meter-owner");
        for (int i = 0; i < 4; i++) {
            call("mint", ledger.as(ISSUER, "admin").context(), target, "7");
        }
        refused("ACCESS_DENIED", "compact", ledger.as(AGG, "client").context(), target);
        assertThat(call("compact", ledger.as(COMMUNITY, "client", "meter-owner").context(), target)).containsEntry("balance", 28L)
                .containsEntry("rows", 1L);
        assertThat(call("balanceOf", ledger.as(AGG, "client").context(), target)).containsEntry("balance", 28L).containsEntry("rows", 1L);
        assertThat(call("audit", ledger.as(AGG, "client").context())).containsEntry("supply", 28L).containsEntry("balances", 28L)
                .containsEntry("consistent", true);
    }

    @Test
    void aSpenderMovesNoMoreThanItsAllowance() {
        initialized();
        call("mint", ledger.as(ISSUER, "admin").context(), Accounts.org(COMMUNITY), "100");
        final String spender = id(AGG, "client", "gateway");
        call("approve", ledger.as(COMMUNITY, "admin").context(), Accounts.org(COMMUNITY), spender, "40");
        assertThat(ledger.lastEventName()).isEqualTo("Approval");
        assertThat(call("allowance", ledger.as(AGG, "client").context(), Accounts.org(COMMUNITY), spender)).containsEntry("amount", 40L);
        call("transferFrom", ledger.as(AGG, "client", "gateway").context(), Accounts.org(COMMUNITY), Accounts.org(AGG), "25");
        refused("INSUFFICIENT_FUNDS", "transferFrom", ledger.as(AGG, "client", "gateway").context(), Accounts.org(COMMUNITY), Accounts.org(AGG), "16");
        refused("INSUFFICIENT_FUNDS", "transferFrom", ledger.as(AGG, "client", "other").context(), Accounts.org(COMMUNITY), Accounts.org(AGG), "1");
        call("transferFrom", ledger.as(AGG, "client", "gateway").context(), Accounts.org(COMMUNITY), Accounts.org(AGG), "15");
        assertThat(call("allowance", ledger.as(AGG, "client").context(), Accounts.org(COMMUNITY), spender)).containsEntry("amount", 0L);
        assertThat(balance(Accounts.org(COMMUNITY))).isEqualTo(60);
        assertThat(balance(Accounts.org(AGG))).isEqualTo(40);
    }

    @Test
    void escrowIsMovedByNoTransfer() {
        initialized();
        call("mint", ledger.as(ISSUER, "admin").context(), Accounts.org(AGG), "10");
        final String escrow = Accounts.escrow("request", "R-1");
        refused("ACCESS_DENIED", "transfer", ledger.as(AGG, "admin").context(), Accounts.org(AGG), escrow, "5");
        refused("ACCESS_DENIED", "transfer", ledger.as(AGG, "admin").context(), escrow, Accounts.org(AGG), "5");
        refused("ACCESS_DENIED", "mint", ledger.as(ISSUER, "admin").context(), escrow, "5");
        refused("ACCESS_DENIED", "approve", ledger.as(AGG, "admin").context(), Accounts.org(AGG), escrow, "5");
    }

    @Test
    void theAuditBalancesMintedAgainstBalancesAndEscrow() {
        initialized();
        call("mint", ledger.as(ISSUER, "admin").context(), Accounts.org(AGG), "1000");
        call("mint", ledger.as(ISSUER, "admin").context(), Accounts.org(ISSUER), "500");
        call("transfer", ledger.as(AGG, "admin").context(), Accounts.org(AGG), id(AGG, "client", "x"), "250");
        call("burn", ledger.as(ISSUER, "admin").context(), Accounts.org(ISSUER), "100");
        // Escrow is moved by the market's rules through the ledger itself.
        final TokenLedger rules = new TokenLedger(ledger.as(ISSUER, "admin").context().getStub());
        rules.move(Accounts.org(ISSUER), Accounts.escrow("request", "R-1"), 150, "escrow");
        final Map<String, Object> audit = call("audit", ledger.as(COMMUNITY, "client").context());
        assertThat(audit).containsEntry("minted", 1500L).containsEntry("burned", 100L).containsEntry("escrow", 150L)
                .containsEntry("balances", 1250L).containsEntry("supply", 1400L).containsEntry("consistent", true).containsEntry("accounts", 4L);
        refused("ACCESS_DENIED", "audit", ledger.as("OutsiderMSP", "admin").context());
    }

    @Test
    void anIdentityOfAnotherOrgWithTheSameNamesHasAnotherAccount() {
        initialized();
        // Two orgs' CAs may issue certificates with equal subject and issuer names: same identity id.
        final String sameId = "x509::CN=alice,OU=client,O=X::CN=ca,O=X";
        final String alices = Accounts.identity(AGG, sameId);
        assertThat(Accounts.identity(COMMUNITY, sameId)).isNotEqualTo(alices);
        call("mint", ledger.as(ISSUER, "admin").context(), alices, "100");
        refused("ACCESS_DENIED", "transfer", ledger.asId(COMMUNITY, "client", sameId).context(), alices, Accounts.org(COMMUNITY), "100");
        call("transfer", ledger.asId(AGG, "client", sameId).context(), alices, Accounts.org(COMMUNITY), "100");
        assertThat(balance(Accounts.org(COMMUNITY))).isEqualTo(100);
    }

    @Test
    void oneTransactionChangesAnAccountOnlyOnce() {
        initialized();
        call("mint", ledger.as(ISSUER, "admin").context(), Accounts.org(AGG), "10");
        final TokenLedger rules = new TokenLedger(ledger.as(AGG, "admin").context().getStub());
        rules.debit(Accounts.org(AGG), 1, "test", "");
        assertThatThrownBy(() -> rules.debit(Accounts.org(AGG), 1, "test", "")).hasMessageStartingWith("INVALID_STATE:");
    }
}
