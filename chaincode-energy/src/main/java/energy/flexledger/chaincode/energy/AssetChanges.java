package energy.flexledger.chaincode.energy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonRootName;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.SpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * The argument of {@code UpdateAsset}: the fields to change. A member given as {@code null} is a
 * change too ({@code "gatewayId": null} unbinds the gateway), so the record keeps which members
 * were given ({@link #given}) besides their values.
 */
@DataType
@JsonRootName("changes")
public record AssetChanges(
        @Property String zone,
        @Property String deviceId,
        @Property String gatewayId,
        @Property(schema = {"enum", "ACTIVE,INACTIVE"}) String status,
        @JsonIgnore List<String> given) {
    static final List<String> FIELDS = List.of("zone", "deviceId", "gatewayId", "status");
    /** The members whose null means something (unbind); a null zone or status is a malformed change. */
    private static final List<String> NULLABLE = List.of("deviceId", "gatewayId");

    public AssetChanges {
        given = List.copyOf(given);
    }

    /** Reads the members of a JSON object, in document order; every one must be a known field with a string or null. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static AssetChanges of(final Map<String, Object> members) {
        final List<String> given = new ArrayList<>();
        final String[] values = new String[FIELDS.size()];
        for (final Map.Entry<String, Object> e : members.entrySet()) {
            final int at = FIELDS.indexOf(e.getKey());
            if (at < 0) {
                throw new SpecException(ErrorCode.BAD_REQUEST, "field '" + e.getKey() + "' cannot change; fields that can: " + FIELDS);
            }
            if (e.getValue() != null && !(e.getValue() instanceof String)) {
                throw new SpecException(ErrorCode.BAD_JSON, e.getKey() + " must be a string" + (NULLABLE.contains(e.getKey()) ? " or null" : ""));
            }
            if (e.getValue() == null && !NULLABLE.contains(e.getKey())) {
                throw new SpecException(ErrorCode.BAD_JSON, e.getKey() + " must be a string; only deviceId and gatewayId may be null (unbound)");
            }
            values[at] = (String) e.getValue();
            given.add(e.getKey());
        }
        return new AssetChanges(values[0], values[1], values[2], values[3], given);
    }

    static AssetChanges status(final String status) {
        return new AssetChanges(null, null, null, status, List.of("status"));
    }
}
