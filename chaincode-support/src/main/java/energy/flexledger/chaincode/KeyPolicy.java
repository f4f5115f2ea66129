package energy.flexledger.chaincode;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hyperledger.fabric.protos.common.MSPPrincipal;
import org.hyperledger.fabric.protos.common.MSPRole;
import org.hyperledger.fabric.protos.common.SignaturePolicy;
import org.hyperledger.fabric.protos.common.SignaturePolicyEnvelope;

/**
 * A key-level (state-based) endorsement policy over the peers of member orgs, as an expression:
 * {@code peer(A)}, {@code all(p, q, ...)}, {@code anyOf(p, q, ...)}. The Java shim's
 * {@code StateBasedEndorsement} can only say "all of these orgs"; certification needs "the owner
 * and one of the parties with a separate interest", which this class encodes as Fabric's
 * {@code SignaturePolicyEnvelope} ({@code NOutOf} over {@code SignedBy} of {@code MSPRole.PEER}
 * principals).
 *
 * <p>Encoding is deterministic: principals are listed in the order they first appear in the
 * expression, so equal expressions give equal bytes on every endorsing peer.
 */
public final class KeyPolicy {
    private final int n;
    private final List<KeyPolicy> rules;
    private final String mspId;

    private KeyPolicy(final int n, final List<KeyPolicy> rules, final String mspId) {
        this.n = n;
        this.rules = rules;
        this.mspId = mspId;
    }

    /** Signed by a peer of {@code mspId}. */
    public static KeyPolicy peer(final String mspId) {
        return new KeyPolicy(0, List.of(), Objects.requireNonNull(mspId, "mspId"));
    }

    /** Every one of {@code parts}. */
    public static KeyPolicy all(final KeyPolicy... parts) {
        return outOf(parts.length, List.of(parts));
    }

    /** At least one of {@code parts}. */
    public static KeyPolicy anyOf(final List<KeyPolicy> parts) {
        return outOf(1, parts);
    }

    /** At least one peer of the given orgs. */
    public static KeyPolicy anyPeerOf(final List<String> mspIds) {
        final List<KeyPolicy> parts = new ArrayList<>();
        for (final String msp : mspIds) {
            parts.add(peer(msp));
        }
        return anyOf(parts);
    }

    private static KeyPolicy outOf(final int n, final List<KeyPolicy> parts) {
        if (parts.isEmpty() || n < 1 || n > parts.size()) {
            throw new IllegalArgumentException("a policy needs 1.." + parts.size() + " of its parts, not " + n);
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return new KeyPolicy(n, List.copyOf(parts), null);
    }

    /** The serialised {@code SignaturePolicyEnvelope}: what {@code setStateValidationParameter} takes. */
    public byte[] toBytes() {
        final Map<String, Integer> principals = new LinkedHashMap<>();
        collect(principals);
        final SignaturePolicyEnvelope.Builder envelope = SignaturePolicyEnvelope.newBuilder().setVersion(0).setRule(rule(principals));
        for (final String msp : principals.keySet()) {
            envelope.addIdentities(MSPPrincipal.newBuilder()
                    .setPrincipalClassification(MSPPrincipal.Classification.ROLE)
                    .setPrincipal(MSPRole.newBuilder().setMspIdentifier(msp).setRole(MSPRole.MSPRoleType.PEER).build().toByteString()));
        }
        return envelope.build().toByteArray();
    }

    private void collect(final Map<String, Integer> principals) {
        if (mspId != null) {
            principals.putIfAbsent(mspId, principals.size());
            return;
        }
        for (final KeyPolicy rule : rules) {
            rule.collect(principals);
        }
    }

    private SignaturePolicy rule(final Map<String, Integer> principals) {
        if (mspId != null) {
            return SignaturePolicy.newBuilder().setSignedBy(principals.get(mspId)).build();
        }
        final SignaturePolicy.NOutOf.Builder outOf = SignaturePolicy.NOutOf.newBuilder().setN(n);
        for (final KeyPolicy rule : rules) {
            outOf.addRules(rule.rule(principals));
        }
        return SignaturePolicy.newBuilder().setNOutOf(outOf).build();
    }

    /** Fabric's policy language for this expression, e.g. {@code AND('A.peer', OR('B.peer', 'C.peer'))}. */
    @Override
    public String toString() {
        if (mspId != null) {
            return "'" + mspId + ".peer'";
        }
        final StringBuilder sb = new StringBuilder(n == rules.size() ? "AND(" : n == 1 ? "OR(" : "OutOf(" + n + ", ");
        for (int i = 0; i < rules.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(rules.get(i));
        }
        return sb.append(')').toString();
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof KeyPolicy && toString().equals(o.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** Reads a serialised envelope back into Fabric's policy language (for tests and diagnostics). */
    public static String describe(final byte[] envelopeBytes) {
        try {
            final SignaturePolicyEnvelope envelope = SignaturePolicyEnvelope.parseFrom(envelopeBytes);
            final List<String> names = new ArrayList<>();
            for (final MSPPrincipal principal : envelope.getIdentitiesList()) {
                final MSPRole role = MSPRole.parseFrom(principal.getPrincipal());
                names.add("'" + role.getMspIdentifier() + "." + role.getRole().name().toLowerCase(java.util.Locale.ROOT) + "'");
            }
            return describe(envelope.getRule(), names);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not a SignaturePolicyEnvelope", e);
        }
    }

    private static String describe(final SignaturePolicy rule, final List<String> names) {
        if (rule.hasSignedBy()) {
            return names.get(rule.getSignedBy());
        }
        final SignaturePolicy.NOutOf outOf = rule.getNOutOf();
        final int count = outOf.getRulesCount();
        final StringBuilder sb = new StringBuilder(outOf.getN() == count ? "AND(" : outOf.getN() == 1 ? "OR(" : "OutOf(" + outOf.getN() + ", ");
        for (int i = 0; i < count; i++) {
            sb.append(i == 0 ? "" : ", ").append(describe(outOf.getRules(i), names));
        }
        return sb.append(')').toString();
    }
}
