package energy.flexledger.chaincode;

import energy.flexledger.spec.ErrorCode;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.contract.ContractInterface;
import org.hyperledger.fabric.contract.annotation.Transaction;
import org.hyperledger.fabric.shim.ChaincodeStub;

/**
 * Checks every transaction's arguments before Fabric's contract routing converts them: the routing
 * reads as many arguments as the method has parameters, so one too few ended as Fabric's
 * {@code "Unexpected error"} and one too many was silently ignored (and committed). Each argument
 * must also be valid UTF-8: Java decodes a broken sequence into U+FFFD, so two different byte
 * strings would name the same asset.
 *
 * <p>A contract calls {@link #check} from its {@code createContext}, which Fabric runs before it
 * converts the arguments.
 */
public final class Arguments {
    private static final Map<Class<?>, Map<String, Integer>> COUNTS = new HashMap<>();

    private Arguments() {}

    /** Refuses a call whose argument count differs from its transaction's, or whose arguments are not UTF-8. */
    public static void check(final ContractInterface contract, final ChaincodeStub stub) {
        final List<byte[]> args = stub.getArgs();
        if (args == null || args.isEmpty()) {
            return;
        }
        final String function = new String(args.get(0), StandardCharsets.UTF_8);
        final String name = function.substring(function.indexOf(':') + 1);
        final Integer expected = countsOf(contract.getClass()).get(name);
        if (expected == null) {
            return; // not one of ours (Fabric's system contract, or unknown: Fabric answers that)
        }
        // A chaincode of this transaction may hand its consortium down as one extra, last argument
        // (Membership): it is no argument of the function, and only a handing chaincode may add it.
        final boolean handOff = Membership.hasHandOff(args);
        if (handOff) {
            Membership.requireHandedByChaincode(stub);
        }
        final int given = args.size() - 1 - (handOff ? 1 : 0);
        if (given != expected) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, name + " takes " + expected + " argument" + (expected == 1 ? "" : "s") + ", got " + given);
        }
        for (int i = 1; i < args.size(); i++) {
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(args.get(i)));
            } catch (CharacterCodingException e) {
                throw Failures.fail(ErrorCode.BAD_REQUEST, name + ": argument " + i + " is not valid UTF-8 (" + e.getClass().getSimpleName() + ")");
            }
        }
    }

    private static synchronized Map<String, Integer> countsOf(final Class<?> type) {
        return COUNTS.computeIfAbsent(type, t -> {
            final Map<String, Integer> counts = new HashMap<>();
            for (final Method method : t.getMethods()) {
                final Transaction tx = method.getAnnotation(Transaction.class);
                if (tx != null) {
                    final String txName = tx.name().isEmpty() ? method.getName() : tx.name();
                    counts.put(txName, method.getParameterCount() - 1); // the Context comes first
                }
            }
            return counts;
        });
    }
}
