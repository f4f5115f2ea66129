package energy.flexledger.chaincode;

import energy.flexledger.spec.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.hyperledger.fabric.shim.ChaincodeStub;
import org.hyperledger.fabric.shim.ext.sbe.StateBasedEndorsement;
import org.hyperledger.fabric.shim.ext.sbe.impl.StateBasedEndorsementFactory;

/**
 * World-state access in canonical JSON under composite keys. Numbers inside key parts are encoded
 * with {@link #sortable(long)} so that range scans return them in numeric order.
 */
public final class StateStore {
    private final ChaincodeStub stub;

    public StateStore(final ChaincodeStub stub) {
        this.stub = stub;
    }

    public String key(final String type, final String... parts) {
        return stub.createCompositeKey(type, parts).toString();
    }

    public Optional<Map<String, Object>> read(final String key) {
        final byte[] bytes = stub.getState(key);
        if (bytes == null || bytes.length == 0) {
            return Optional.empty();
        }
        return Optional.of(Json.parseObject(new String(bytes, StandardCharsets.UTF_8)));
    }

    /** Writes the value's canonical JSON and returns it. */
    public String write(final String key, final Map<String, Object> value) {
        final String json = Json.write(value);
        stub.putState(key, json.getBytes(StandardCharsets.UTF_8));
        return json;
    }

    /**
     * From the next transaction on, a change to {@code key} is valid only if a peer of
     * {@code mspId} endorsed it (state-based endorsement), whatever the chaincode's policy allows.
     */
    public void requireEndorsementBy(final String key, final String mspId) {
        final StateBasedEndorsement policy = StateBasedEndorsementFactory.getInstance().newStateBasedEndorsement(null);
        policy.addOrgs(StateBasedEndorsement.RoleType.RoleTypePeer, mspId);
        stub.setStateValidationParameter(key, policy.policy());
    }

    /**
     * A fixed-width (20 digit) text that sorts like the signed number: the sign bit is flipped and
     * the result printed as an unsigned decimal.
     */
    public static String sortable(final long value) {
        final String digits = Long.toUnsignedString(value ^ Long.MIN_VALUE);
        final StringBuilder sb = new StringBuilder(20);
        for (int i = digits.length(); i < 20; i++) {
            sb.append('0');
        }
        return sb.append(digits).toString();
    }
}
