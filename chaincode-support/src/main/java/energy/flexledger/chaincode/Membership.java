package energy.flexledger.chaincode;

import energy.flexledger.spec.Canonical;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.SpecException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import org.hyperledger.fabric.shim.Chaincode;
import org.hyperledger.fabric.shim.ChaincodeStub;

/**
 * Reads the consortium from the {@code consortium} chaincode on the same channel (a chaincode-to-
 * chaincode query: its key enters this transaction's read set, so a transaction endorsed under
 * one membership does not commit after governance changed it) — <em>once per transaction</em>.
 *
 * <p>Why once: the Java shim keys a chaincode's running tasks by channel and transaction id and
 * removes a finished task by that key after it answered, so a second call of the same chaincode in
 * the same transaction can arrive before the first is removed and lose its task ("Task map missing
 * entry", then "Failed to send response to task", and a thread parked for good; decision 0019). A
 * transaction of dr or market that calls energy or dr therefore hands the consortium it read down
 * as one extra, last argument ({@link #HAND_OFF} + its canonical JSON, as the consortium chaincode
 * answered it) instead of letting every callee ask again. A callee trusts a handed consortium only
 * when the client's signed proposal invoked one of {@link #HANDING} on this same channel and carries
 * no hand-off itself: then the argument was written in this transaction, on this peer, by the
 * chaincode the channel defined under that name (as installed by this peer's org: the same trust as
 * every other step of the transaction, which the endorsement policy checks across orgs), from its own
 * read (which is in the read set). Arguments starting with {@link #HAND_OFF} are reserved: a client
 * that sends one is refused.
 */
public final class Membership {
    /** The chaincode that keeps the consortium. */
    public static final String CHAINCODE = "consortium";
    /** Its query that answers the whole {@link Consortium}. */
    public static final String QUERY = "GetConsortium";
    /** How a handed-down consortium argument starts (no id, number or JSON value starts so). */
    public static final String HAND_OFF = "#consortium ";
    /** The chaincodes whose transactions may hand the consortium down to the chaincodes they call. */
    public static final Set<String> HANDING = Set.of("dr", "market");

    /** The consortium as read in one transaction, with the exact text the consortium chaincode answered. */
    public record Snapshot(Consortium consortium, String json) {}

    /** One snapshot per invocation (the shim makes one stub per invocation; weak: gone with it). */
    private static final Map<ChaincodeStub, Snapshot> READ = Collections.synchronizedMap(new WeakHashMap<>());

    private Membership() {}

    /** The consortium of this transaction: handed down by the calling chaincode, or read once. */
    public static Consortium load(final ChaincodeStub stub) {
        return snapshot(stub).consortium();
    }

    /** {@link #load}, with its text, for handing it down. */
    public static Snapshot snapshot(final ChaincodeStub stub) {
        final Snapshot known = READ.get(stub);
        if (known != null) {
            return known;
        }
        final Snapshot read = handedDown(stub).orElseGet(() -> query(stub));
        READ.put(stub, read);
        return read;
    }

    /** The argument that hands this transaction's consortium to a chaincode it calls. */
    public static String handOff(final ChaincodeStub stub) {
        return HAND_OFF + snapshot(stub).json();
    }

    /** True when the invocation's last argument is a hand-off. */
    public static boolean hasHandOff(final List<byte[]> args) {
        return args != null && args.size() > 1 && startsWithHandOff(args.get(args.size() - 1));
    }

    private static boolean startsWithHandOff(final byte[] arg) {
        final byte[] prefix = HAND_OFF.getBytes(StandardCharsets.UTF_8);
        if (arg == null || arg.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (arg[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Refuses a hand-off that did not come from a handing chaincode within this transaction:
     * ACCESS_DENIED when the client sent one itself, or the proposal invoked another chaincode.
     */
    public static void requireHandedByChaincode(final ChaincodeStub stub) {
        final String proposed = Invocation.proposedChaincode(stub);
        if (!HANDING.contains(proposed)) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "a consortium is handed down only within transactions of " + new java.util.TreeSet<>(HANDING)
                    + "; this transaction invoked '" + proposed + "'");
        }
        final String channel = Invocation.proposedChannel(stub);
        if (!channel.equals(stub.getChannelId())) {
            // A chaincode-to-chaincode call from another channel only reads: it reads this channel's consortium itself.
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "a consortium is handed down only within one channel; this call comes from channel '"
                    + channel + "' into '" + stub.getChannelId() + "'");
        }
        for (final byte[] arg : Invocation.proposedArgs(stub)) {
            if (startsWithHandOff(arg)) {
                throw Failures.fail(ErrorCode.ACCESS_DENIED, "the consortium is read from the ledger, never taken from the client's arguments");
            }
        }
    }

    private static Optional<Snapshot> handedDown(final ChaincodeStub stub) {
        final List<byte[]> args = stub.getArgs();
        if (!hasHandOff(args)) {
            return Optional.empty();
        }
        requireHandedByChaincode(stub);
        final byte[] arg = args.get(args.size() - 1);
        final String json = new String(arg, HAND_OFF.length(), arg.length - HAND_OFF.length(), StandardCharsets.UTF_8);
        return Optional.of(new Snapshot(parse(json.getBytes(StandardCharsets.UTF_8), "the handed-down consortium"), json));
    }

    private static Snapshot query(final ChaincodeStub stub) {
        final Chaincode.Response response;
        try {
            response = stub.invokeChaincodeWithStringArgs(CHAINCODE, List.of(QUERY), stub.getChannelId());
        } catch (RuntimeException e) {
            // The shim throws (rather than answers) when the peer refuses the call: no such chaincode
            // on this channel, or an ACL that refuses chaincode-to-chaincode calls.
            throw Failures.fail(ErrorCode.INVALID_STATE, "the consortium chaincode '" + CHAINCODE + "' on channel " + stub.getChannelId()
                    + " could not be asked for " + QUERY + " (" + e.getMessage() + "); it must be deployed on every channel whose chaincodes check roles");
        }
        if (response == null || response.getStatus() != Chaincode.Response.Status.SUCCESS) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "the consortium chaincode '" + CHAINCODE + "' on channel " + stub.getChannelId()
                    + " did not answer " + QUERY + (response == null ? "" : ": " + response.getMessage())
                    + "; it must be deployed on every channel whose chaincodes check roles");
        }
        final byte[] payload = response.getPayload() == null ? new byte[0] : response.getPayload();
        return new Snapshot(parse(payload, "the consortium chaincode's answer"), new String(payload, StandardCharsets.UTF_8));
    }

    private static Consortium parse(final byte[] payload, final String what) {
        try {
            return Canonical.read(payload, Consortium.class, "consortium");
        } catch (SpecException e) {
            throw Failures.fail(ErrorCode.INVALID_STATE, what + " is not a consortium: " + e.detail()
                    + " (" + new String(payload, StandardCharsets.UTF_8).length() + " characters)");
        }
    }
}
