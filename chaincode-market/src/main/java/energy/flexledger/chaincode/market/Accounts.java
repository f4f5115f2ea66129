package energy.flexledger.chaincode.market;

import energy.flexledger.chaincode.Caller;
import energy.flexledger.chaincode.Failures;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Token account ids. Three kinds, told apart by their prefix:
 * <ul>
 *   <li>{@code org:<MSP id>}: a member org's account, moved by that org's admins;</li>
 *   <li>{@code id:<64 hex>}: an identity's account, the SHA-256 of its MSP id, a newline and its
 *       Fabric identity id (subject and issuer), moved by that identity alone (the MSP id is in the
 *       hash because two orgs' CAs may issue certificates with equal subject and issuer names);</li>
 *   <li>{@code escrow:<kind>:<id>}: an escrow account, moved only by the chaincode's own rules
 *       (a flexibility request's escrow, a DR event's budget), never by a transfer.</li>
 * </ul>
 */
final class Accounts {
    static final String ORG = "org:";
    static final String IDENTITY = "id:";
    static final String ESCROW = "escrow:";
    private static final Pattern MSP = Pattern.compile("[A-Za-z][A-Za-z0-9.-]{0,63}");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern ESCROW_NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}:[A-Za-z0-9._-]{1,128}");

    private Accounts() {}

    static String org(final String mspId) {
        return ORG + mspId;
    }

    /** The account of the identity of {@code mspId} with Fabric identity id {@code identityId}. */
    static String identity(final String mspId, final String identityId) {
        return IDENTITY + Hex.encode(Sha256.of((mspId + "\n" + identityId).getBytes(StandardCharsets.UTF_8)));
    }

    /** The caller's own identity account. */
    static String identity(final Caller caller) {
        return identity(caller.mspId(), caller.id());
    }

    static String escrow(final String kind, final String id) {
        return require(ESCROW + kind + ":" + id, "escrow");
    }

    static boolean isEscrow(final String account) {
        return account.startsWith(ESCROW);
    }

    /** {@code account} if it is a well-formed account id, else BAD_REQUEST naming {@code field}. */
    static String require(final String account, final String field) {
        if (account != null) {
            if (account.startsWith(ORG) && MSP.matcher(account.substring(ORG.length())).matches()
                    || account.startsWith(IDENTITY) && HEX64.matcher(account.substring(IDENTITY.length())).matches()
                    || account.startsWith(ESCROW) && ESCROW_NAME.matcher(account.substring(ESCROW.length())).matches()) {
                return account;
            }
        }
        throw Failures.fail(ErrorCode.BAD_REQUEST, field + " must be an account id: org:<MSP id>, id:<64 lower-case hex> (SHA-256 of an "
                + "identity id, as WhoAmI tells) or escrow:<kind>:<id>; was " + (account == null ? "missing" : "'" + account + "'"));
    }

    /**
     * Requires that the caller may move {@code account}: its own identity account, or (an admin) its
     * org's account. Escrow accounts are moved by the chaincode's rules only.
     */
    static void requireControl(final Caller caller, final String account, final String action) {
        if (isEscrow(account)) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "escrow account " + account + " is moved only by the market's rules, not by " + action);
        }
        if (account.equals(identity(caller))) {
            return;
        }
        if (account.equals(org(caller.mspId())) && caller.role() == energy.flexledger.chaincode.Role.ADMIN) {
            return;
        }
        throw Failures.fail(ErrorCode.ACCESS_DENIED, "identity of " + caller.mspId() + " with role "
                + caller.role().name().toLowerCase(java.util.Locale.ROOT) + " may not " + action + " from " + account
                + ": an identity moves its own account (" + identity(caller) + "), an org's admin the org's (" + org(caller.mspId()) + ")");
    }
}
