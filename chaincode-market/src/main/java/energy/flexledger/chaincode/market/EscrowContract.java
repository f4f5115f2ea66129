package energy.flexledger.chaincode.market;

import energy.flexledger.chaincode.Caller;
import energy.flexledger.chaincode.CanonicalSerializer;
import energy.flexledger.chaincode.CheckedContract;
import energy.flexledger.chaincode.Failures;
import energy.flexledger.chaincode.Invocation;
import energy.flexledger.spec.ErrorCode;
import java.util.HashSet;
import java.util.Set;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.contract.annotation.Contract;
import org.hyperledger.fabric.contract.annotation.Info;
import org.hyperledger.fabric.contract.annotation.License;
import org.hyperledger.fabric.contract.annotation.Transaction;

/**
 * Token movements that chaincode-dr's rules make (decision 0019), called as {@code escrow:Move} by
 * {@code dr} from within its own transactions only: the proposal the client signed must invoke
 * {@code dr}, so a client calling the market directly cannot use it. It moves tokens between the
 * DR escrow accounts ({@code escrow:dr-<kind>:<id>}) and accounts the creator controls (a budget or a
 * collateral locked from its own account) or anyone (payouts): the DR chaincode, whose definition the
 * members approved, decides what moves; this contract checks that the movement balances, that
 * every debit is DR escrow or the creator's own, and that no account is changed twice.
 */
@Contract(
        name = "escrow",
        transactionSerializer = CanonicalSerializer.NAME,
        info = @Info(title = "FlexLedger DR escrow", description = "Balanced token movements for demand-response rules", version = "0.1.0",
                license = @License(name = "Apache-2.0")))
public final class EscrowContract extends CheckedContract {
    /** The chaincode whose transactions may move DR escrow. */
    static final String DR_CHAINCODE = "dr";
    static final String DR_KIND_PREFIX = "dr-";

    /** Applies a balanced movement; one call per transaction (each account changes once). */
    @Transaction(name = "Move", intent = Transaction.TYPE.SUBMIT)
    public EscrowMove move(final Context ctx, final EscrowMove move) {
        Invocation.requireProposedBy(ctx.getStub(), DR_CHAINCODE, "moving DR escrow");
        // chaincode-dr checked in this transaction that the creator is a member's writer: no second consortium read (decision 0019).
        final Caller caller = Caller.of(ctx);
        requireWriterIdentity(caller);
        final TokenLedger tokens = new TokenLedger(ctx.getStub());
        tokens.requireInfo();
        if (move == null || move.debits().length == 0 || move.credits().length == 0) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "a movement needs at least one debit and one credit");
        }
        final Set<String> seen = new HashSet<>();
        long debited = 0;
        long credited = 0;
        for (final Leg d : move.debits()) {
            leg(d, seen);
            if (isDrEscrow(d.account())) {
                debited = Math.addExact(debited, d.amount());
            } else {
                Accounts.requireControl(caller, d.account(), "lock tokens");
                debited = Math.addExact(debited, d.amount());
            }
        }
        for (final Leg c : move.credits()) {
            leg(c, seen);
            if (Accounts.isEscrow(c.account()) && !isDrEscrow(c.account())) {
                throw Failures.fail(ErrorCode.ACCESS_DENIED, c.account() + " is another rule's escrow");
            }
            credited = Math.addExact(credited, c.amount());
        }
        if (debited != credited) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "a movement must balance: debits " + debited + ", credits " + credited);
        }
        for (final Leg d : move.debits()) {
            tokens.debit(d.account(), d.amount(), d.reason(), "");
        }
        for (final Leg c : move.credits()) {
            tokens.credit(c.account(), c.amount(), c.reason(), "");
        }
        return new EscrowMove(move.debits(), move.credits(), tokens.txId());
    }

    /** Moves the whole balance of a DR escrow account to {@code to} (nothing when it is empty); one call per transaction. */
    @Transaction(name = "Drain", intent = Transaction.TYPE.SUBMIT)
    public Leg drain(final Context ctx, final String account, final String to, final String reason) {
        Invocation.requireProposedBy(ctx.getStub(), DR_CHAINCODE, "moving DR escrow");
        requireWriterIdentity(Caller.of(ctx));
        final TokenLedger tokens = new TokenLedger(ctx.getStub());
        tokens.requireInfo();
        if (!isDrEscrow(Accounts.require(account, "account"))) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, account + " is not a DR escrow account");
        }
        Accounts.require(to, "to");
        if (Accounts.isEscrow(to)) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "a drained escrow goes back to an ordinary account, not to " + to);
        }
        final long balance = tokens.balance(account).balance();
        if (balance > 0) {
            tokens.move(account, to, balance, reason);
        }
        return new Leg(to, balance, reason);
    }

    /**
     * An admin or client identity (from its certificate). Membership itself was checked by chaincode-dr,
     * whose transaction this is: asking the consortium chaincode again in the same transaction is what
     * the Java shim's task bookkeeping can lose under load (decision 0019).
     */
    private static void requireWriterIdentity(final Caller caller) {
        if (caller.role() != energy.flexledger.chaincode.Role.ADMIN && caller.role() != energy.flexledger.chaincode.Role.CLIENT) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "identity of " + caller.mspId() + " with role "
                    + caller.role().name().toLowerCase(java.util.Locale.ROOT) + " may not move tokens");
        }
    }

    static boolean isDrEscrow(final String account) {
        return account.startsWith(Accounts.ESCROW + DR_KIND_PREFIX);
    }

    private static void leg(final Leg leg, final Set<String> seen) {
        if (leg == null) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "a movement's leg is missing");
        }
        Accounts.require(leg.account(), "account");
        if (leg.amount() <= 0) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "every leg moves a positive amount, " + leg.account() + " had " + leg.amount());
        }
        if (!seen.add(leg.account())) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "account " + leg.account() + " appears twice in one movement");
        }
    }
}
