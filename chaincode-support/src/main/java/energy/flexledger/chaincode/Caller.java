package energy.flexledger.chaincode;

import energy.flexledger.spec.ErrorCode;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.hyperledger.fabric.contract.ClientIdentity;
import org.hyperledger.fabric.contract.Context;

/**
 * Who submitted the transaction: MSP, NodeOU role and the unique identity id, and what the
 * consortium on the ledger says of the caller's org ({@link Membership}: read once per transaction,
 * when first needed, or handed down by the chaincode that called this one). Rights come only from here, never from argument values, and never from MSP ids
 * written into code.
 */
public final class Caller {
    private final String mspId;
    private final Role role;
    private final String id;
    private final java.util.function.Supplier<Consortium> source;
    private Consortium consortium;

    Caller(final String mspId, final Role role, final String id, final java.util.function.Supplier<Consortium> source) {
        this.mspId = mspId;
        this.role = role;
        this.id = id;
        this.source = source;
    }

    public static Caller of(final Context ctx) {
        final ClientIdentity identity = ctx.getClientIdentity();
        return new Caller(identity.getMSPID(), roleOf(identity.getX509Certificate()), identity.getId(),
                () -> Membership.load(ctx.getStub()));
    }

    /** The consortium as this transaction reads it (at most one chaincode-to-chaincode query per transaction, on first use). */
    public Consortium consortium() {
        if (consortium == null) {
            consortium = source.get();
        }
        return consortium;
    }

    static Role roleOf(final X509Certificate certificate) {
        if (certificate == null) {
            return Role.NONE;
        }
        try {
            final LdapName name = new LdapName(certificate.getSubjectX500Principal().getName());
            // Fabric's MSP accepts exactly one NodeOU per identity; anything else grants no role.
            Role found = Role.NONE;
            for (final Rdn rdn : name.getRdns()) {
                if ("OU".equalsIgnoreCase(rdn.getType())) {
                    final Role role = Role.ofOrganizationalUnit(String.valueOf(rdn.getValue()));
                    if (role != Role.NONE) {
                        if (found != Role.NONE && found != role) {
                            return Role.NONE;
                        }
                        found = role;
                    }
                }
            }
            return found;
        } catch (InvalidNameException e) {
            return Role.NONE;
        }
    }

    public String mspId() {
        return mspId;
    }

    public Role role() {
        return role;
    }

    public String id() {
        return id;
    }

    /** The issuer part of the identity id ({@code x509::<subject>::<issuer>}): the CA that signed it. */
    public String issuer() {
        return issuerOf(id);
    }

    /** The issuer part of an X.509 identity id, or empty if it is not one. */
    public static String issuerOf(final String identityId) {
        if (identityId == null || !identityId.startsWith("x509::")) {
            return "";
        }
        final int at = identityId.lastIndexOf("::");
        return at <= "x509".length() ? "" : identityId.substring(at + 2);
    }

    /** True when {@code identityId} is an X.509 identity issued by the same CA as the caller's. */
    public boolean sameIssuerAs(final String identityId) {
        final String mine = issuer();
        return !mine.isEmpty() && mine.equals(issuerOf(identityId)) && identityId.length() <= MAX_IDENTITY_ID_LENGTH;
    }

    /** The longest identity id accepted as a binding. */
    public static final int MAX_IDENTITY_ID_LENGTH = 1024;

    /** The caller's org as a member of the consortium, or empty when it is none. */
    public Optional<Member> member() {
        if (!(role == Role.ADMIN || role == Role.CLIENT || role == Role.PEER)) {
            return Optional.empty(); // no need to ask the ledger about an identity that has no role
        }
        return consortium().member(mspId);
    }

    /** Any identity of a member organisation (admin, client or peer) may read. */
    public Caller requireMemberReader() {
        if (member().isEmpty()) {
            throw denied("read");
        }
        return this;
    }

    /** Admins and clients of a member organisation submit transactions. */
    public Member requireMemberWriter(final String action) {
        final Optional<Member> org = member();
        if (org.isEmpty() || !(role == Role.ADMIN || role == Role.CLIENT)) {
            throw denied(action);
        }
        return org.get();
    }

    /** An admin or client of a member holding {@code memberRole}. */
    public Member requireRole(final MemberRole memberRole, final String action) {
        final Member org = requireMemberWriter(action);
        if (!org.has(memberRole)) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, mspId + " may not " + action + ": it does not hold the role " + memberRole
                    + " in the consortium (roles: " + org.roleList() + ")");
        }
        return org;
    }

    /** An admin or client of exactly {@code ownerMspId}. */
    public void requireWriterOf(final String ownerMspId, final String action) {
        requireMemberWriter(action);
        if (!mspId.equals(ownerMspId)) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED,
                    mspId + " may not " + action + ": it belongs to " + ownerMspId);
        }
    }

    private RuntimeException denied(final String action) {
        return Failures.fail(ErrorCode.ACCESS_DENIED,
                "identity of " + mspId + " with role " + role.name().toLowerCase(java.util.Locale.ROOT) + " may not " + action);
    }
}
