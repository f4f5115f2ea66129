package energy.flexledger.chaincode;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.contract.ContractInterface;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Transaction;
import org.hyperledger.fabric.contract.metadata.TypeSchema;
import org.hyperledger.fabric.contract.routing.TypeRegistry;

/**
 * Calls a contract's transactions as Fabric's routing does: every argument as text through the
 * contract's {@link CanonicalSerializer} (so record arguments are read, and refused, exactly as on
 * a peer), the result back through it as the bytes a client receives. Unit tests only.
 */
public final class ContractCalls {
    private final ContractInterface contract;
    private final CanonicalSerializer serializer = new CanonicalSerializer();

    public ContractCalls(final ContractInterface contract) {
        this.contract = contract;
    }

    /** Runs the transaction method {@code method} (its Java name) with text arguments; returns the result's text. */
    public String call(final String method, final Context ctx, final String... args) {
        final Method m = find(method, args.length);
        final List<Object> converted = new ArrayList<>();
        converted.add(ctx);
        final Class<?>[] types = m.getParameterTypes();
        for (int i = 0; i < args.length; i++) {
            register(types[i + 1]);
            converted.add(serializer.fromBuffer(args[i].getBytes(StandardCharsets.UTF_8), TypeSchema.typeConvert(types[i + 1])));
        }
        final Object result;
        try {
            result = m.invoke(contract, converted.toArray());
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        return new String(serializer.toBuffer(result, TypeSchema.typeConvert(m.getReturnType())), StandardCharsets.UTF_8);
    }

    /**
     * Runs the transaction Fabric knows as {@code transaction} (its {@code @Transaction} name, as a
     * client or another chaincode names it) and returns the result's bytes: what a chaincode-to-chaincode
     * call receives.
     */
    public byte[] invoke(final String transaction, final Context ctx, final String... given) {
        String[] args = given;
        if (args.length > 0 && args[args.length - 1].startsWith(Membership.HAND_OFF)) {
            // As on a peer: the routing ignores the handed-down consortium (Arguments allows it only from a handing chaincode).
            Membership.requireHandedByChaincode(ctx.getStub());
            args = java.util.Arrays.copyOf(args, args.length - 1);
        }
        for (final Method m : contract.getClass().getMethods()) {
            final Transaction t = m.getAnnotation(Transaction.class);
            if (t != null && transaction.equals(t.name()) && m.getParameterCount() == args.length + 1) {
                return call(m.getName(), ctx, args).getBytes(StandardCharsets.UTF_8);
            }
        }
        throw new IllegalArgumentException("no transaction " + transaction + " with " + args.length + " arguments");
    }

    private Method find(final String name, final int argCount) {
        for (final Method m : contract.getClass().getMethods()) {
            if (m.getName().equals(name) && m.getAnnotation(Transaction.class) != null && m.getParameterCount() == argCount + 1) {
                return m;
            }
        }
        throw new IllegalArgumentException("no transaction method " + name + " with " + argCount + " arguments");
    }

    private static void register(final Class<?> type) {
        final Class<?> component = type.isArray() ? type.getComponentType() : type;
        if (component.getAnnotation(DataType.class) != null
                && TypeRegistry.getRegistry().getDataType(component.getSimpleName()) == null) {
            TypeRegistry.getRegistry().addDataType(component);
        }
    }
}
