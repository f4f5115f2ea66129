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

    @BeforeEach
    void bootstrap() {
        // The first admissions: no member yet, so any admin proposes; the channel's MAJORITY policy decides.
        call("admitMember", admin("OrgA"), "{\"mspId\":\"OrgA\",\"roles\":[\"DSO\"],\"zones\":[\"z-2\",\"z-1\",\"z-1\"]}");
        call("admitMember", admin("OrgA"), "{\"mspId\":\"OrgB\",\"roles\":[\"COMMUNITY\"]}");
        call("admitMember", admin("OrgB"), "{\"mspId\":\"OrgC\",\"roles\":[\"CPO\",\"AGGREGATOR\"],\"represents\":[\"OrgB\"]}");
    }

    @Test
    void membersAreKeptSortedWithTheirRolesZonesAndRelations() {
        final Map<String, Object> consortium = Json.parseObject(call("getConsortium", ledger.as("OrgB", "client").context()));
        assertThat(consortium).containsEntry("version", 3L);
        final List<?> members = (List<?>) consortium.get("members");
        assertThat(members).hasSize(3);
        assertThat((Map<Object, Object>) (Map<?, ?>) members.get(0)).containsEntry("mspId", "OrgA").containsEntry("zones", List.of("z-1", "z-2"));
        assertThat((Map<Object, Object>) (Map<?, ?>) members.get(2)).containsEntry("roles", List.of("AGGREGATOR", "CPO")).containsEntry("represents", List.of("OrgB"));
        assertThat(ledger.lastEventName()).isEqualTo(ConsortiumContract.EVENT);
        assertThat(Json.parseObject(call("getMember", ledger.context(), "OrgB"))).containsEntry("roles", List.of("COMMUNITY"));
        rejects("NOT_FOUND", () -> call("getMember", ledger.context(), "OrgZ"));
        assertThat(Json.parseObject(call("describe", ledger.context()))).containsEntry("chaincode", "consortium");
    }

    @Test
    void onlyAMembersAdminProposesOnceThereAreMembers() {
        rejects("ACCESS_DENIED", () -> call("admitMember", admin("OrgZ"), "{\"mspId\":\"OrgZ\",\"roles\":[\"DSO\"]}"));
        rejects("ACCESS_DENIED", () -> call("grantRole", ledger.as("OrgA", "client").context(), "OrgB", "CPO"));
        rejects("ACCESS_DENIED", () -> call("grantRole", ledger.as("OrgA", "peer").context(), "OrgB", "CPO"));
        call("admitMember", admin("OrgB"), "{\"mspId\":\"OrgD\",\"roles\":[\"AGGREGATOR\"]}");
    }

    @Test
    void rolesAreGrantedAndWithdrawnAndRetriesChangeNothing() {
        call("grantRole", admin("OrgA"), "OrgB", "CPO");
        final String after = call("getConsortium", ledger.context());
        final String txBefore = ledger.lastTxId();
        assertThat(call("grantRole", admin("OrgA"), "OrgB", "CPO")).isEqualTo(after);
        assertThat(ledger.eventOf(ledger.lastTxId())).isNull();
        assertThat(txBefore).isNotEqualTo(ledger.lastTxId());
        call("withdrawRole", admin("OrgA"), "OrgC", "AGGREGATOR");
        final Map<Object, Object> c = (Map<Object, Object>) (Map<?, ?>) ((List<?>) Json.parseObject(call("getConsortium", ledger.context())).get("members")).get(2);
        assertThat(c).containsEntry("roles", List.of("CPO")).containsEntry("represents", List.of());
        call("withdrawRole", admin("OrgA"), "OrgA", "DSO");
        assertThat((Map<Object, Object>) (Map<?, ?>) ((List<?>) Json.parseObject(call("getConsortium", ledger.context())).get("members")).get(0))
                .containsEntry("zones", List.of());
        assertThat(call("withdrawRole", admin("OrgA"), "OrgA", "DSO")).isEqualTo(call("getConsortium", ledger.context()));
    }

    @Test
    void inconsistentChangesAreRefusedWithCodes() {
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
        // The same admission again is a retry, not a conflict; zones are a set.
        call("admitMember", admin("OrgA"), "{\"mspId\":\"OrgA\",\"roles\":[\"DSO\",\"DSO\"],\"zones\":[\"z-1\",\"z-2\"]}");
        assertThat(ledger.eventOf(ledger.lastTxId())).isNull();
        call("setZones", admin("OrgB"), "OrgA", "[\"z-3\"]");
        call("setZones", admin("OrgB"), "OrgA", "[\"z-3\"]");
        call("setRepresented", admin("OrgB"), "OrgC", "[\"OrgA\",\"OrgB\"]");
        call("setRepresented", admin("OrgB"), "OrgC", "[\"OrgB\",\"OrgA\"]");
        assertThat(Json.parseObject(call("getConsortium", ledger.context()))).containsEntry("version", 5L);
    }
}
