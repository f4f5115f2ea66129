package energy.flexledger.chaincode;

import energy.flexledger.spec.Canonical;
import energy.flexledger.spec.SpecException;
import java.nio.charset.StandardCharsets;
import org.hyperledger.fabric.contract.annotation.Serializer;
import org.hyperledger.fabric.contract.execution.SerializerInterface;
import org.hyperledger.fabric.contract.metadata.TypeSchema;
import org.hyperledger.fabric.contract.routing.TypeRegistry;

/**
 * The transaction serializer of every FlexLedger contract ({@code @Contract(transactionSerializer
 * = ...)}): results are the canonical JSON of their record types ({@link Canonical}), so every
 * endorsing peer returns the same bytes; arguments typed as records are read strictly, and a bad
 * one fails with {@code BAD_REQUEST} or {@code BAD_JSON} naming the member, before the
 * transaction runs. Fabric's own serializer would write records through org.json, which knows
 * neither records nor a canonical member order.
 */
@Serializer(target = Serializer.TARGET.TRANSACTION)
public final class CanonicalSerializer implements SerializerInterface {
    /** The name the contracts give in {@code @Contract(transactionSerializer = ...)}. */
    public static final String NAME = "energy.flexledger.chaincode.CanonicalSerializer";

    @Override
    public byte[] toBuffer(final Object value, final TypeSchema schema) {
        if (value == null) {
            return new byte[0];
        }
        if (value instanceof String) {
            return ((String) value).getBytes(StandardCharsets.UTF_8);
        }
        return Canonical.bytes(value);
    }

    @Override
    public Object fromBuffer(final byte[] buffer, final TypeSchema schema) {
        final Class<?> type = schema.getTypeClass(TypeRegistry.getRegistry());
        final String text = new String(buffer, StandardCharsets.UTF_8);
        if (type == String.class) {
            return text;
        }
        try {
            return Canonical.read(text, type, null);
        } catch (SpecException e) {
            throw Failures.from(e);
        }
    }
}
