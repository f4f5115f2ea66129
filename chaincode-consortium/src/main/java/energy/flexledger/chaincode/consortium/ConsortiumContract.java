package energy.flexledger.chaincode.consortium;

import energy.flexledger.chaincode.CanonicalSerializer;
import energy.flexledger.chaincode.Caller;
import energy.flexledger.chaincode.CheckedContract;
import energy.flexledger.chaincode.Consortium;
import energy.flexledger.chaincode.Describe;
import energy.flexledger.chaincode.Failures;
import energy.flexledger.chaincode.Member;
import energy.flexledger.chaincode.Membership;
import energy.flexledger.chaincode.Role;
import energy.flexledger.chaincode.StateStore;
import energy.flexledger.spec.Canonical;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.SpecException;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.contract.annotation.Contract;
import org.hyperledger.fabric.contract.annotation.Default;
import org.hyperledger.fabric.contract.annotation.Info;
import org.hyperledger.fabric.contract.annotation.License;
import org.hyperledger.fabric.contract.annotation.Transaction;
import org.hyperledger.fabric.shim.ChaincodeStub;

/**
 * chaincode-consortium: the member orgs of the consortium and their roles, zones and relations,
 * kept in one key ({@code consortium}) that every other chaincode reads ({@link Membership}).
 *
 * <p>Governance is Fabric's, not this code's: the chaincode is defined with the channel's
 * {@code /Channel/Application/Endorsement} policy, MAJORITY of the application orgs' Endorsement
 * policies, and its key carries no key-level policy. So a change commits only when a majority of
 * the channel's member orgs endorsed it, and the majority follows the channel's membership: an
 * org added to the channel configuration counts from that configuration block on, with no change
 * to any policy. This code only checks that the proposal comes from an admin of a member org
 * (of any org while the consortium is empty: the first admissions) and that the change is
 * consistent. Every endorsing peer runs the same checks.
 */
@Contract(
        name = "consortium",
        transactionSerializer = CanonicalSerializer.NAME,
        info = @Info(title = "FlexLedger consortium", description = "Member orgs, roles, zones and relations; changed by a majority of the members",
                version = "0.1.0", license = @License(name = "Apache-2.0")))
@Default
public final class ConsortiumContract extends CheckedContract {
    static final String KEY = "consortium";
    static final String EVENT = "ConsortiumChanged";

    /**
     * The consortium: every member, its roles, zones and represented orgs. Public to whoever the
     * channel lets propose (its ACLs admit only the channel's orgs): other chaincodes ask it on
     * behalf of their callers, members or not, and must learn that a caller is no member rather
     * than fail.
     */
    @Transaction(name = Membership.QUERY, intent = Transaction.TYPE.EVALUATE)
    public Consortium getConsortium(final Context ctx) {
        return read(ctx.getStub());
    }

    @Transaction(name = "GetMember", intent = Transaction.TYPE.EVALUATE)
    public Member getMember(final Context ctx, final String mspId) {
        return read(ctx.getStub()).member(mspId).orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "'" + mspId + "' is not a member"));
    }

    /** Admits an org with its roles (and zones, represented orgs); the same admission again changes nothing. */
    @Transaction(name = "AdmitMember", intent = Transaction.TYPE.SUBMIT)
    public Consortium admitMember(final Context ctx, final MemberSpec member) {
        final ChaincodeStub stub = ctx.getStub();
        final Consortium before = read(stub);
        governor(ctx, before, before.members().length == 0);
        return commit(stub, before, spec(() -> Members.admit(before, member, stub.getTxTimestamp().toEpochMilli(), stub.getTxId())));
    }

    /** Grants {@code role} (DSO, AGGREGATOR, COMMUNITY, CPO) to a member. */
    @Transaction(name = "GrantRole", intent = Transaction.TYPE.SUBMIT)
    public Consortium grantRole(final Context ctx, final String mspId, final String role) {
        return change(ctx, (c, at, tx) -> Members.grant(c, mspId, role, at, tx));
    }

    /** Withdraws {@code role}; withdrawing DSO also withdraws the zones, AGGREGATOR the represented orgs. */
    @Transaction(name = "WithdrawRole", intent = Transaction.TYPE.SUBMIT)
    public Consortium withdrawRole(final Context ctx, final String mspId, final String role) {
        return change(ctx, (c, at, tx) -> Members.withdraw(c, mspId, role, at, tx));
    }

    /** The zones a DSO operates (a JSON array of zone ids); no zone has two operators. */
    @Transaction(name = "SetZones", intent = Transaction.TYPE.SUBMIT)
    public Consortium setZones(final Context ctx, final String mspId, final String zones) {
        return change(ctx, (c, at, tx) -> Members.zones(c, mspId, Canonical.read(zones, String[].class, "zones"), at, tx));
    }

    /** The member orgs an aggregator represents (a JSON array of MSP ids). */
    @Transaction(name = "SetRepresented", intent = Transaction.TYPE.SUBMIT)
    public Consortium setRepresented(final Context ctx, final String mspId, final String represented) {
        return change(ctx, (c, at, tx) -> Members.represent(c, mspId, Canonical.read(represented, String[].class, "represented"), at, tx));
    }

    @Transaction(name = "Describe", intent = Transaction.TYPE.EVALUATE)
    public Describe describe(final Context ctx) {
        return new Describe("consortium", "0.1.0", ctx.getStub().getChannelId(),
                new String[] {"AdmitMember", "GrantRole", "WithdrawRole", "SetZones", "SetRepresented", Membership.QUERY, "GetMember"});
    }

    /** A change to the members, given the consortium before, the transaction time and id. */
    interface Change {
        Consortium apply(Consortium before, long at, String txId);
    }

    private static Consortium change(final Context ctx, final Change change) {
        final ChaincodeStub stub = ctx.getStub();
        final Consortium before = read(stub);
        governor(ctx, before, false);
        return commit(stub, before, spec(() -> change.apply(before, stub.getTxTimestamp().toEpochMilli(), stub.getTxId())));
    }

    /** Writes and announces the new consortium, unless nothing changed (a retry). */
    private static Consortium commit(final ChaincodeStub stub, final Consortium before, final Consortium after) {
        if (after == before) {
            return before;
        }
        new StateStore(stub).write(KEY, after);
        stub.setEvent(EVENT, Canonical.bytes(after));
        return after;
    }

    static Consortium read(final ChaincodeStub stub) {
        return new StateStore(stub).read(KEY, Consortium.class).orElse(Consortium.EMPTY);
    }

    /** An admin of a member org proposes governance changes; any admin while there is no member yet. */
    private static void governor(final Context ctx, final Consortium consortium, final boolean bootstrap) {
        final Caller caller = Caller.of(ctx);
        if (caller.role() != Role.ADMIN) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "only an org's admin proposes changes to the consortium");
        }
        if (!bootstrap && !consortium.isMember(caller.mspId())) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, caller.mspId() + " is not a member of the consortium");
        }
    }

    private static <T> T spec(final java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (SpecException e) {
            throw Failures.from(e);
        }
    }
}
