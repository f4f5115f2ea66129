package energy.flexledger.client;

import energy.flexledger.spec.Json;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.client.Contract;

/**
 * chaincode-consortium through the Fabric Gateway: the members, their roles, zones and relations,
 * and the governance transactions that change them. Each change call by an org admin is that
 * org's vote and answers the ballot ({@code applied}, {@code votes}, {@code needed}); the gateway
 * collects the endorsements of a majority of the channel's orgs that each vote needs.
 */
public final class ConsortiumLedger {
    private final Contract contract;

    ConsortiumLedger(final Contract contract) {
        this.contract = contract;
    }

    public Map<String, Object> consortium() throws LedgerException {
        return evaluate("GetConsortium");
    }

    public Map<String, Object> member(final String mspId) throws LedgerException {
        return evaluate("GetMember", mspId);
    }

    /** {@code spec}: {@code {"mspId", "roles": [...], "zones"?: [...], "represents"?: [...]}}. */
    public Map<String, Object> admit(final Map<String, Object> spec) throws LedgerException {
        return submit("AdmitMember", Json.write(spec));
    }

    public Map<String, Object> grant(final String mspId, final String role) throws LedgerException {
        return submit("GrantRole", mspId, role);
    }

    public Map<String, Object> withdraw(final String mspId, final String role) throws LedgerException {
        return submit("WithdrawRole", mspId, role);
    }

    public Map<String, Object> zones(final String mspId, final List<String> zones) throws LedgerException {
        return submit("SetZones", mspId, Json.write(List.copyOf(zones)));
    }

    public Map<String, Object> represent(final String mspId, final List<String> represented) throws LedgerException {
        return submit("SetRepresented", mspId, Json.write(List.copyOf(represented)));
    }

    private Map<String, Object> evaluate(final String name, final String... args) throws LedgerException {
        return ChaincodeCalls.evaluate(contract, name, args);
    }

    private Map<String, Object> submit(final String name, final String... args) throws LedgerException {
        return ChaincodeCalls.submit(contract, name, args);
    }
}
