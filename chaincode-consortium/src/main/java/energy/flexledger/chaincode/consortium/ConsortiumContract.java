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
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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
 * <p><b>Governance is by the members' own votes.</b> Every change is a ballot: each call of a
 * change transaction by an admin of a member org is that org's vote for exactly that change
 * against the current consortium version (a {@link Vote} keyed by the change's id and the org).
 * Fabric has verified the creator's signature, so an org's vote can only come from that org's
 * admin. The change applies in the transaction that brings its votes to more than half of the
 * current members; votes for an older version lapse, since the change id includes the version.
 * The consortium's first members come from a {@code Genesis} ballot, which applies once every
 * founding member it names (at least two) has voted for it: no single org founds a consortium
 * alone. The endorsement policy adds the second line of defence against altered chaincode: the
 * chaincode is defined with the channel's {@code /Channel/Application/Endorsement} (MAJORITY of
 * the application orgs' peers), which follows the channel's membership as orgs are added.
 */
@Contract(
        name = "consortium",
        transactionSerializer = CanonicalSerializer.NAME,
        info = @Info(title = "FlexLedger consortium", description = "Member orgs, roles, zones and relations; changed by the votes of a majority of the members",
                version = "0.2.0", license = @License(name = "Apache-2.0")))
@Default
public final class ConsortiumContract extends CheckedContract {
    static final String KEY = "consortium";
    static final String VOTE = "vote";
    static final String EVENT = "ConsortiumChanged";
    static final String EVENT_VOTE = "ConsortiumVote";
    static final int MIN_FOUNDERS = 2;

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

    /** The caller's org votes for founding the consortium with these members (only while it has none; the caller must be one of them). */
    @Transaction(name = "Genesis", intent = Transaction.TYPE.SUBMIT)
    public Ballot genesis(final Context ctx, final GenesisSpec genesis) {
        final ChaincodeStub stub = ctx.getStub();
        final Consortium before = read(stub);
        final Caller caller = admin(ctx);
        if (before.members().length > 0) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "the consortium has members already; admit new ones with AdmitMember");
        }
        final MemberSpec[] founders = genesis.members();
        final java.util.List<String> names = new java.util.ArrayList<>();
        for (final MemberSpec m : founders) {
            names.add(m.mspId());
        }
        if (new java.util.TreeSet<>(names).size() < MIN_FOUNDERS) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "a consortium is founded by at least " + MIN_FOUNDERS + " orgs, each voting for it");
        }
        if (!names.contains(caller.mspId())) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, caller.mspId() + " is not among the founders it would vote for: " + names);
        }
        final long at = stub.getTxTimestamp().toEpochMilli();
        return vote(stub, caller, before, Map.of("kind", "GENESIS", "members", Canonical.tree(genesis.members())), names, names.size(),
                () -> {
                    Consortium c = before;
                    // Represented orgs first: an aggregator represents only members.
                    final java.util.List<MemberSpec> pending = new java.util.ArrayList<>(java.util.List.of(founders));
                    while (!pending.isEmpty()) {
                        final Consortium now = c;
                        final MemberSpec next = pending.stream().filter(m -> m.represents() == null
                                || java.util.Arrays.stream(m.represents()).allMatch(now::isMember)).findFirst()
                                .orElseThrow(() -> new SpecException(ErrorCode.BAD_REQUEST, "founders represent orgs that are not founders, or each other"));
                        pending.remove(next);
                        c = Members.admit(c, next, at, stub.getTxId());
                    }
                    return c;
                });
    }

    /** The caller's org votes to admit an org with its roles (and zones, represented orgs). */
    @Transaction(name = "AdmitMember", intent = Transaction.TYPE.SUBMIT)
    public Ballot admitMember(final Context ctx, final MemberSpec member) {
        return change(ctx, Map.of("kind", "ADMIT", "member", Canonical.tree(member)), (c, at, tx) -> Members.admit(c, member, at, tx));
    }

    /** The caller's org votes to grant {@code role} (DSO, AGGREGATOR, COMMUNITY, CPO, ISSUER) to a member. */
    @Transaction(name = "GrantRole", intent = Transaction.TYPE.SUBMIT)
    public Ballot grantRole(final Context ctx, final String mspId, final String role) {
        return change(ctx, Map.of("kind", "GRANT", "mspId", mspId, "role", role), (c, at, tx) -> Members.grant(c, mspId, role, at, tx));
    }

    /** The caller's org votes to withdraw {@code role}; withdrawing DSO also withdraws the zones, AGGREGATOR the represented orgs. */
    @Transaction(name = "WithdrawRole", intent = Transaction.TYPE.SUBMIT)
    public Ballot withdrawRole(final Context ctx, final String mspId, final String role) {
        return change(ctx, Map.of("kind", "WITHDRAW", "mspId", mspId, "role", role), (c, at, tx) -> Members.withdraw(c, mspId, role, at, tx));
    }

    /** The caller's org votes for the zones a DSO operates (a JSON array of zone ids); no zone has two operators. */
    @Transaction(name = "SetZones", intent = Transaction.TYPE.SUBMIT)
    public Ballot setZones(final Context ctx, final String mspId, final String zones) {
        final String[] list = spec(() -> Canonical.read(zones, String[].class, "zones"));
        return change(ctx, Map.of("kind", "ZONES", "mspId", mspId, "zones", Canonical.tree(list)),
                (c, at, tx) -> Members.zones(c, mspId, list, at, tx));
    }

    /** The caller's org votes for the member orgs an aggregator represents (a JSON array of MSP ids). */
    @Transaction(name = "SetRepresented", intent = Transaction.TYPE.SUBMIT)
    public Ballot setRepresented(final Context ctx, final String mspId, final String represented) {
        final String[] list = spec(() -> Canonical.read(represented, String[].class, "represented"));
        return change(ctx, Map.of("kind", "REPRESENT", "mspId", mspId, "represents", Canonical.tree(list)),
                (c, at, tx) -> Members.represent(c, mspId, list, at, tx));
    }

    @Transaction(name = "Describe", intent = Transaction.TYPE.EVALUATE)
    public Describe describe(final Context ctx) {
        return new Describe("consortium", "0.2.0", ctx.getStub().getChannelId(), new String[] {"Genesis", "AdmitMember", "GrantRole",
            "WithdrawRole", "SetZones", "SetRepresented", Membership.QUERY, "GetMember"});
    }

    /** A change to the members, given the consortium before, the transaction time and id. */
    interface Change {
        Consortium apply(Consortium before, long at, String txId);
    }

    private static Ballot change(final Context ctx, final Map<String, Object> what, final Change change) {
        final ChaincodeStub stub = ctx.getStub();
        final Consortium before = read(stub);
        final Caller caller = admin(ctx);
        if (!before.isMember(caller.mspId())) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, caller.mspId() + " is not a member of the consortium and has no vote");
        }
        final java.util.List<String> electorate = new java.util.ArrayList<>();
        for (final Member m : before.members()) {
            electorate.add(m.mspId());
        }
        final long at = stub.getTxTimestamp().toEpochMilli();
        return vote(stub, caller, before, what, electorate, electorate.size() / 2 + 1, () -> change.apply(before, at, stub.getTxId()));
    }

    /**
     * Records the caller's org's vote for {@code what} against the current version, and applies the
     * change once {@code needed} orgs of {@code electorate} voted for it. The change is checked
     * before the vote is recorded: an inconsistent change gets no votes.
     */
    private static Ballot vote(final ChaincodeStub stub, final Caller caller, final Consortium before, final Map<String, Object> what,
            final java.util.List<String> electorate, final int needed, final java.util.function.Supplier<Consortium> apply) {
        final Consortium after = spec(apply);
        final Map<String, Object> change = new java.util.TreeMap<>(what);
        change.put("version", before.version());
        final String changeJson = Canonical.write(change);
        final String changeId = Hex.encode(Sha256.of(changeJson.getBytes(StandardCharsets.UTF_8)));
        if (after == before) {
            // Already so (a retry, or a change that changes nothing): no vote needed.
            return new Ballot(changeId, changeJson, new String[0], needed, true, before);
        }
        final StateStore state = new StateStore(stub);
        final java.util.TreeSet<String> votes = new java.util.TreeSet<>();
        for (final java.util.List<String> parts : state.indexed(VOTE, changeId)) {
            votes.add(parts.get(0));
        }
        final long at = stub.getTxTimestamp().toEpochMilli();
        if (!votes.contains(caller.mspId())) {
            state.write(state.key(VOTE, changeId, caller.mspId()), new Vote(changeId, caller.mspId(), changeJson, at, stub.getTxId()));
            votes.add(caller.mspId());
        }
        votes.retainAll(electorate);
        if (votes.size() >= needed) {
            state.write(KEY, after);
            stub.setEvent(EVENT, Canonical.bytes(after));
            return new Ballot(changeId, changeJson, votes.toArray(new String[0]), needed, true, after);
        }
        final Ballot pending = new Ballot(changeId, changeJson, votes.toArray(new String[0]), needed, false, before);
        stub.setEvent(EVENT_VOTE, Canonical.bytes(pending));
        return pending;
    }

    static Consortium read(final ChaincodeStub stub) {
        return new StateStore(stub).read(KEY, Consortium.class).orElse(Consortium.EMPTY);
    }

    /** Votes are cast by org admins (NodeOU admin, certificate verified by Fabric). */
    private static Caller admin(final Context ctx) {
        final Caller caller = Caller.of(ctx);
        if (caller.role() != Role.ADMIN) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "only an org's admin votes on the consortium");
        }
        return caller;
    }

    private static <T> T spec(final java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (SpecException e) {
            throw Failures.from(e);
        }
    }
}
