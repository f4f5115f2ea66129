package energy.flexledger.chaincode.market;

import energy.flexledger.chaincode.Failures;
import energy.flexledger.spec.Canonical;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Sha256;
import energy.flexledger.spec.SpecException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.shim.ChaincodeStub;

/**
 * Sealed bids (decision 0017): a bidder first writes its bid into its own org's implicit private
 * data collection ({@code _implicit_org_<MSP>}) in a transaction its own peer alone endorses — Fabric
 * validates writes to an org's implicit collection against that org's {@code Endorsement} policy,
 * so no other org's peer sees the bid. A second transaction, endorsed like any other, puts the
 * bid's hash on the channel: any peer reads the SHA-256 of a private value without holding the
 * value. After the deadline the bidder reveals the bid (transient data); the chaincode hashes it
 * and compares it with the hash sealed on the channel. The bid's canonical JSON carries a salt of
 * at least 128 bits, so the hash does not let anyone guess a price by trying them.
 */
final class Seals {
    /** The transient field that carries a bid, when sealed and when revealed. */
    static final String TRANSIENT = "sealed";
    static final String KEY = "mkt.seal";
    private static final Pattern SALT = Pattern.compile("[0-9a-f]{32,128}");

    private final ChaincodeStub stub;

    Seals(final ChaincodeStub stub) {
        this.stub = stub;
    }

    /** The org's implicit collection: its peers alone hold it, and its own Endorsement policy governs writes. */
    static String collection(final String mspId) {
        return "_implicit_org_" + mspId;
    }

    String key(final String kind, final String scope, final String id) {
        return stub.createCompositeKey(KEY, kind, scope, id).toString();
    }

    /** The bid in the transient field {@link #TRANSIENT}, read as a {@code type}; BAD_JSON or BAD_REQUEST when it is missing or not one. */
    static <T> T input(final Context ctx, final Class<T> type) {
        final Map<String, byte[]> transientData = ctx.getStub().getTransient();
        final byte[] bytes = transientData == null ? null : transientData.get(TRANSIENT);
        if (bytes == null || bytes.length == 0) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "the bid comes as transient data '" + TRANSIENT + "' (never as an argument: "
                    + "arguments are written into the block), and there is none");
        }
        try {
            return Canonical.read(bytes, type, Canonical.nameOf(type));
        } catch (SpecException e) {
            throw Failures.from(e);
        }
    }

    static void requireSalt(final String salt) {
        if (salt == null || !SALT.matcher(salt).matches()) {
            throw Failures.fail(ErrorCode.BAD_SALT, "a sealed bid needs a salt of 32 to 128 lower-case hex digits (128 bits or more), so that its "
                    + "hash cannot be inverted by trying prices");
        }
    }

    /** The hex SHA-256 of the bid's canonical JSON: what the channel records, and what a reveal must hash to. */
    static String hashOf(final Object bid) {
        return Hex.encode(Sha256.of(Canonical.write(bid).getBytes(StandardCharsets.UTF_8)));
    }

    /** Writes the bid, canonically, into {@code mspId}'s implicit collection; returns its hash. */
    String seal(final String mspId, final String key, final Object bid) {
        final String json = Canonical.write(bid);
        stub.putPrivateData(collection(mspId), key, json.getBytes(StandardCharsets.UTF_8));
        return Hex.encode(Sha256.of(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** The hash of what {@code mspId} sealed under {@code key}, as every peer of the channel knows it, or empty. */
    Optional<String> sealedHash(final String mspId, final String key) {
        final byte[] hash = stub.getPrivateDataHash(collection(mspId), key);
        return hash == null || hash.length == 0 ? Optional.empty() : Optional.of(Hex.encode(hash));
    }

    /** The bid itself: only a peer of {@code mspId} can answer (evaluate on the org's own peer). */
    <T> Optional<T> read(final String mspId, final String key, final Class<T> type) {
        final byte[] bytes;
        try {
            bytes = stub.getPrivateData(collection(mspId), key);
        } catch (RuntimeException e) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "only a peer of " + mspId + " holds its sealed bids; ask your own org's peer");
        }
        if (bytes == null || bytes.length == 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(Canonical.read(bytes, type, Canonical.nameOf(type)));
        } catch (SpecException e) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "the sealed bid under " + key.replace('\u0000', '/') + " is not a valid " + Canonical.nameOf(type));
        }
    }

    /** Requires that {@code bid} hashes to {@code sealedHash}; SEAL_MISMATCH naming {@code what} otherwise. */
    static void requireMatch(final Object bid, final String sealedHash, final String what) {
        final String hash = hashOf(bid);
        if (!hash.equals(sealedHash)) {
            throw Failures.fail(ErrorCode.SEAL_MISMATCH, what + " revealed hashes to " + hash + ", but " + sealedHash
                    + " was sealed on the channel: it is not the bid that was submitted");
        }
    }
}
