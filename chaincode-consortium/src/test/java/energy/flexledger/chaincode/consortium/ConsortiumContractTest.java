package energy.flexledger.chaincode.consortium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.chaincode.ContractCalls;
import energy.flexledger.chaincode.FakeLedger;
import energy.flexledger.spec.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.shim.ChaincodeException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fixture orgs A, B, C: no MSP id of a real deployment appears here or in the contract. */
@SuppressWarnings("unchecked")
class ConsortiumContractTest {
    private final FakeLedger ledger = new FakeLedger();
    private final ContractCalls calls = new ContractCalls(new ConsortiumContract());

    private String call(final String method, final Context ctx, final String... args) {
        return calls.call(method, ctx, args);
    }

    private Context admin(final String msp) {
        return ledger.as(msp, "admin", "admin").context();
    }

    private void rejects(final String code, final ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ChaincodeException.class, e -> {
            assertThat(e).hasMessageStartingWith(code + ": ");
            assertThat(new String(e.getPayload(), StandardCharsets.UTF_8)).isEqualTo(code);
        });
        ledger.abort();
    }

    private static final String GENESIS = "{\"members\":[{\"mspId\":\"OrgA\",\"roles\":[\"DSO\"],\"zones\":[\"z-2\",\"z-1\",\"z-1\"]},"
            + "{\"mspId\":\"OrgB\",\"roles\":[\"COMMUNITY\"]},"
            + "{\"mspId\":\"OrgC\",\"roles\":[\"CPO\",\"AGGREGATOR\"],\"represents\":[\"OrgB\"]}]}";

    @BeforeEach
    void bootstrap() {
        // Founded by the votes of every founder.
        assertThat(Json.parseObject(call("genesis", admin("OrgA"), GENESIS))).containsEntry("applied", false);
        assertThat(Json.parseObject(call("genesis", admin("OrgB"), GENESIS))).containsEntry("applied", false);
        assertThat(Json.parseObject(call("genesis", admin("OrgC"), GENESIS))).containsEntry("applied", true);
    }

    /** Each org in {@code orgs} votes for the same change; returns the last ballot. */
    private Map<String, Object> votes(final String method, final List<String> orgs, final String... args) {
        Map<String, Object> ballot = null;
        for (final String org : orgs) {
            ballot = Json.parseObject(call(method, admin(org), args));
        }
        return ballot;
    }

    @Test
    void noSingleOrgFoundsOrChangesTheConsortium() {
        // A lone org's genesis, or one it alone votes for, never applies.
        final FakeLedger fresh = new FakeLedger();
        final ContractCalls other = new ContractCalls(new ConsortiumContract());
        assertThatThrownBy(() -> other.call("genesis", fresh.as("OrgZ", "admin", "a").context(), "{\"members\":[{\"mspId\":\"OrgZ\",\"roles\":[\"DSO\"]}]}"))
                .hasMessageStartingWith("BAD_REQUEST: a consortium is founded by at least 2 orgs");
        assertThat(Json.parseObject(other.call("genesis", fresh.as("OrgZ", "admin", "a").context(), GENESIS.replace("OrgA", "OrgZ"))))
                .containsEntry("applied", false);
        assertThatThrownBy(() -> other.call("genesis", fresh.as("OrgY", "admin", "a").context(), GENESIS))
                .hasMessageStartingWith("ACCESS_DENIED: OrgY is not among the founders");
        fresh.abort();
        assertThat(Json.parseObject(other.call("getConsortium", fresh.context()))).containsEntry("version", 0L);
        // With three members, one vote (or the same org voting twice) is not a majority; two are.
        Map<String, Object> ballot = votes("grantRole", List.of("OrgC", "OrgC"), "OrgC", "DSO");
        assertThat(ballot).containsEntry("applied", false).containsEntry("needed", 2L).containsEntry("votes", List.of("OrgC"));
        assertThat(ledger.lastEventName()).isEqualTo(ConsortiumContract.EVENT_VOTE);
        ballot = votes("grantRole", List.of("OrgA"), "OrgC", "DSO");
        assertThat(ballot).containsEntry("applied", true).containsEntry("votes", List.of("OrgA", "OrgC"));
        assertThat(ledger.lastEventName()).isEqualTo(ConsortiumContract.EVENT);
        rejects("INVALID_STATE", () -> call("genesis", admin("OrgA"), GENESIS));
    }

    @Test
    void votesForAnOlderVersionLapse() {
        final Map<String, Object> first = votes("grantRole", List.of("OrgA"), "OrgB", "CPO");
        // Another change applies in between: the pending vote was for version 1, so OrgB's vote starts afresh.
        votes("setZones", List.of("OrgA", "OrgB"), "OrgA", "[\"z-9\"]");
        final Map<String, Object> second = votes("grantRole", List.of("OrgB"), "OrgB", "CPO");
        assertThat(second.get("changeId")).isNotEqualTo(first.get("changeId"));
        assertThat(second).containsEntry("applied", false).containsEntry("votes", List.of("OrgB"));
    }

    @Test
    void membersAreKeptSortedWithTheirRolesZonesAndRelations() {
        final Map<String, Object> consortium = Json.parseObject(call("getConsortium", ledger.as("OrgB", "client").context()));
        assertThat(consortium).containsEntry("version", 3L);
        final List<?> members = (List<?>) consortium.get("members");
        assertThat(members).hasSize(3);
        assertThat((Map<Object, Object>) (Map<?, ?>) members.get(0)).containsEntry("mspId", "OrgA").containsEntry("zones", List.of("z-1", "z-2"));
        assertThat((Map<Object, Object>) (Map<?, ?>) members.get(2)).containsEntry("roles", List.of("AGGREGATOR", "CPO"))
                .containsEntry("represents", List.of("OrgB"));
        assertThat(Json.parseObject(call("getMember", ledger.context(), "OrgB"))).containsEntry("roles", List.of("COMMUNITY"));
        rejects("NOT_FOUND", () -> call("getMember", ledger.context(), "OrgZ"));
        assertThat(Json.parseObject(call("describe", ledger.context()))).containsEntry("chaincode", "consortium");
    }

    @Test
    void onlyAMembersAdminVotes() {
        rejects("ACCESS_DENIED", () -> call("admitMember", admin("OrgZ"), "{\"mspId\":\"OrgZ\",\"roles\":[\"DSO\"]}"));
        rejects("ACCESS_DENIED", () -> call("grantRole", ledger.as("OrgA", "client").context(), "OrgB", "CPO"));
        rejects("ACCESS_DENIED", () -> call("grantRole", ledger.as("OrgA", "peer").context(), "OrgB", "CPO"));
        assertThat(votes("admitMember", List.of("OrgB", "OrgC"), "{\"mspId\":\"OrgD\",\"roles\":[\"AGGREGATOR\"]}"))
                .containsEntry("applied", true);
    }

    @Test
    void rolesAreGrantedAndWithdrawnAndRetriesChangeNothing() {
        votes("grantRole", List.of("OrgA", "OrgB"), "OrgB", "CPO");
        final String after = call("getConsortium", ledger.context());
        assertThat(Json.parseObject(call("grantRole", admin("OrgA"), "OrgB", "CPO"))).containsEntry("applied", true).containsEntry("votes", List.of());
        assertThat(call("getConsortium", ledger.context())).isEqualTo(after);
        assertThat(ledger.eventOf(ledger.lastTxId())).isNull();
        votes("withdrawRole", List.of("OrgA", "OrgB"), "OrgC", "AGGREGATOR");
        final Map<Object, Object> c = (Map<Object, Object>) (Map<?, ?>) ((List<?>) Json.parseObject(call("getConsortium", ledger.context())).get("members")).get(2);
        assertThat(c).containsEntry("roles", List.of("CPO")).containsEntry("represents", List.of());
        votes("withdrawRole", List.of("OrgA", "OrgB"), "OrgA", "DSO");
        assertThat((Map<Object, Object>) (Map<?, ?>) ((List<?>) Json.parseObject(call("getConsortium", ledger.context())).get("members")).get(0))
                .containsEntry("zones", List.of());
    }

    @Test
    void inconsistentChangesAreRefusedWithCodesAndGetNoVote() {
        rejects("CONFLICT", () -> call("admitMember", admin("OrgA"), "{\"mspId\":\"OrgD\",\"roles\":[\"DSO\"],\"zones\":[\"z-1\"]}"));
        rejects("BAD_REQUEST", () -> call("admitMember", admin("OrgA"), "{\"mspId\":\"OrgD\",\"roles\":[\"COMMUNITY\"],\"zones\":[\"z-9\"]}"));
        rejects("BAD_REQUEST", () -> call("admitMember", admin("OrgA"), "{\"mspId\":\"OrgD\",\"roles\":[\"CPO\"],\"represents\":[\"OrgB\"]}"));
        rejects("NOT_FOUND", () -> call("setRepresented", admin("OrgA"), "OrgC", "[\"OrgZ\"]"));
        rejects("BAD_REQUEST", () -> call("setRepresented", admin("OrgA"), "OrgC", "[\"OrgC\"]"));
        rejects("BAD_REQUEST", () -> call("admitMember", admin("OrgA"), "{\"mspId\":\"Org.D\",\"roles\":[\"CPO\"]}"));
        rejects("BAD_REQUEST", () -> call("admitMember", admin("OrgA"), "{\"mspId\":\"OrgD\",\"roles\":[\"MINER\"]}"));
        rejects("BAD_REQUEST", () -> call("admitMember", admin("OrgA"), "{\"mspId\":\"OrgD\",\"roles\":[]}"));
        rejects("BAD_JSON", () -> call("admitMember", admin("OrgA"), "{\"mspId\":\"OrgD\"}"));
        rejects("BAD_REQUEST", () -> call("admitMember", admin("OrgA"), "{\"mspId\":\"OrgD\",\"roles\":[\"CPO\"],\"colour\":1}"));
        rejects("ALREADY_EXISTS", () -> call("admitMember", admin("OrgA"), "{\"mspId\":\"OrgB\",\"roles\":[\"CPO\"]}"));
        rejects("BAD_REQUEST", () -> call("setZones", admin("OrgA"), "OrgA", "[\"\"]"));
        rejects("BAD_JSON", () -> call("setZones", admin("OrgA"), "OrgA", "\"z\""));
        rejects("NOT_FOUND", () -> call("grantRole", admin("OrgA"), "OrgZ", "CPO"));
        rejects("BAD_REQUEST", () -> call("grantRole", admin("OrgA"), "OrgB", "dso"));
        // The same admission again is already so; zones are a set.
        assertThat(Json.parseObject(call("admitMember", admin("OrgA"), "{\"mspId\":\"OrgA\",\"roles\":[\"DSO\",\"DSO\"],\"zones\":[\"z-1\",\"z-2\"]}")))
                .containsEntry("applied", true);
        votes("setZones", List.of("OrgB", "OrgC"), "OrgA", "[\"z-3\"]");
        votes("setRepresented", List.of("OrgB", "OrgA"), "OrgC", "[\"OrgA\",\"OrgB\"]");
        assertThat(Json.parseObject(call("setRepresented", admin("OrgA"), "OrgC", "[\"OrgB\",\"OrgA\"]"))).containsEntry("applied", true);
        assertThat(Json.parseObject(call("getConsortium", ledger.context()))).containsEntry("version", 5L);
    }
}
