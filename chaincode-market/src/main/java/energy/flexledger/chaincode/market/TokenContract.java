package energy.flexledger.chaincode.market;

import energy.flexledger.chaincode.Caller;
import energy.flexledger.chaincode.CanonicalSerializer;
import energy.flexledger.chaincode.CheckedContract;
import energy.flexledger.chaincode.Failures;
import energy.flexledger.chaincode.MemberRole;
import energy.flexledger.chaincode.Role;
import energy.flexledger.spec.ErrorCode;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.contract.annotation.Contract;
import org.hyperledger.fabric.contract.annotation.Info;
import org.hyperledger.fabric.contract.annotation.License;
import org.hyperledger.fabric.contract.annotation.Transaction;

/**
 * The channel's reward token, ERC-20 semantics on Fabric identities (decision 0016), called as
 * {@code token:<Transaction>}. Accounts are org accounts ({@code org:<MSP>}, moved by the org's
 * admins), identity accounts ({@code id:<SHA-256 of the identity id>}, moved by that identity) and
 * escrow accounts that only the market's rules move ({@link Accounts}). Minting and burning need
 * the ISSUER role granted by governance (the consortium on the ledger); no MSP id appears here.
 * Amounts are positive integers of the smallest unit; balances and the supply are sums of rows, so
 * there is no hot key ({@link TokenLedger}).
 */
@Contract(
        name = "token",
        transactionSerializer = CanonicalSerializer.NAME,
        info = @Info(title = "FlexLedger token", description = "Reward token without hot keys: ERC-20 semantics on Fabric identities",
                version = "0.1.0", license = @License(name = "Apache-2.0")))
public final class TokenContract extends CheckedContract {
    private static final int MAX_TEXT = 64;

    /** Names the token once: an issuer's admin. */
    @Transaction(name = "Initialize", intent = Transaction.TYPE.SUBMIT)
    public TokenInfo initialize(final Context ctx, final String name, final String symbol, final long decimals) {
        final Caller caller = issuerAdmin(ctx, "initialize the token");
        final TokenLedger ledger = new TokenLedger(ctx.getStub());
        text(name, "name");
        text(symbol, "symbol");
        if (decimals < 0 || decimals > 18) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "decimals must be 0..18, was " + decimals);
        }
        if (ledger.info().isPresent()) {
            throw Failures.fail(ErrorCode.ALREADY_EXISTS, "the token of this channel is already initialized as " + ledger.info().get().symbol());
        }
        final TokenInfo info = new TokenInfo(name, symbol, decimals, caller.mspId(), ledger.now(), ledger.txId());
        ledger.initialize(info);
        ledger.emit("TokenInitialized", info);
        return info;
    }

    @Transaction(name = "TokenInfo", intent = Transaction.TYPE.EVALUATE)
    public TokenInfo tokenInfo(final Context ctx) {
        Caller.of(ctx).requireMemberReader();
        return new TokenLedger(ctx.getStub()).requireInfo();
    }

    @Transaction(name = "BalanceOf", intent = Transaction.TYPE.EVALUATE)
    public Balance balanceOf(final Context ctx, final String account) {
        Caller.of(ctx).requireMemberReader();
        return new TokenLedger(ctx.getStub()).balance(Accounts.require(account, "account"));
    }

    /** The caller's own identity account id (what to give others to be paid). */
    @Transaction(name = "MyAccount", intent = Transaction.TYPE.EVALUATE)
    public Balance myAccount(final Context ctx) {
        final Caller caller = Caller.of(ctx).requireMemberReader();
        return new TokenLedger(ctx.getStub()).balance(Accounts.identity(caller));
    }

    @Transaction(name = "TotalSupply", intent = Transaction.TYPE.EVALUATE)
    public Supply totalSupply(final Context ctx) {
        Caller.of(ctx).requireMemberReader();
        return new TokenLedger(ctx.getStub()).supply();
    }

    /** Moves {@code amount} from an account the caller controls to {@code to}. */
    @Transaction(name = "Transfer", intent = Transaction.TYPE.SUBMIT)
    public Transfer transfer(final Context ctx, final String from, final String to, final long amount) {
        final Caller caller = Caller.of(ctx);
        caller.requireMemberWriter("transfer tokens");
        final TokenLedger ledger = new TokenLedger(ctx.getStub());
        ledger.requireInfo();
        Accounts.require(from, "from");
        Accounts.require(to, "to");
        positive(amount);
        Accounts.requireControl(caller, from, "transfer");
        notEscrow(to, "to");
        ledger.move(from, to, amount, "transfer");
        return announced(ledger, from, to, amount, "transfer");
    }

    /** Lets {@code spender} move up to {@code amount} out of {@code owner} (an account the caller controls); 0 withdraws. */
    @Transaction(name = "Approve", intent = Transaction.TYPE.SUBMIT)
    public Allowance approve(final Context ctx, final String owner, final String spender, final long amount) {
        final Caller caller = Caller.of(ctx);
        caller.requireMemberWriter("approve a spender");
        final TokenLedger ledger = new TokenLedger(ctx.getStub());
        ledger.requireInfo();
        Accounts.require(owner, "owner");
        Accounts.require(spender, "spender");
        if (amount < 0) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "amount must be 0 or more, was " + amount);
        }
        Accounts.requireControl(caller, owner, "approve a spender");
        notEscrow(spender, "spender");
        ledger.setAllowance(owner, spender, amount);
        final Allowance a = new Allowance(owner, spender, amount, ledger.txId());
        ledger.emit("Approval", a);
        return a;
    }

    @Transaction(name = "Allowance", intent = Transaction.TYPE.EVALUATE)
    public Allowance allowance(final Context ctx, final String owner, final String spender) {
        Caller.of(ctx).requireMemberReader();
        final TokenLedger ledger = new TokenLedger(ctx.getStub());
        return ledger.allowance(Accounts.require(owner, "owner"), Accounts.require(spender, "spender"))
                .orElse(new Allowance(owner, spender, 0, ""));
    }

    /** The caller's identity account, as a spender {@code owner} approved, moves {@code amount} from {@code owner} to {@code to}. */
    @Transaction(name = "TransferFrom", intent = Transaction.TYPE.SUBMIT)
    public Transfer transferFrom(final Context ctx, final String owner, final String to, final long amount) {
        final Caller caller = Caller.of(ctx);
        caller.requireMemberWriter("transfer tokens");
        final TokenLedger ledger = new TokenLedger(ctx.getStub());
        ledger.requireInfo();
        Accounts.require(owner, "owner");
        Accounts.require(to, "to");
        positive(amount);
        notEscrow(owner, "owner");
        notEscrow(to, "to");
        final String spender = Accounts.identity(caller);
        final long allowed = ledger.allowance(owner, spender).map(Allowance::amount).orElse(0L);
        if (allowed < amount) {
            throw Failures.fail(ErrorCode.INSUFFICIENT_FUNDS, spender + " may move " + allowed + " out of " + owner + ", less than " + amount);
        }
        ledger.setAllowance(owner, spender, allowed - amount);
        ledger.move(owner, to, amount, "transfer");
        return announced(ledger, owner, to, amount, "transfer");
    }

    /** New tokens into {@code to}: an admin of a member holding the ISSUER role. */
    @Transaction(name = "Mint", intent = Transaction.TYPE.SUBMIT)
    public Transfer mint(final Context ctx, final String to, final long amount) {
        issuerAdmin(ctx, "mint tokens");
        final TokenLedger ledger = new TokenLedger(ctx.getStub());
        ledger.requireInfo();
        Accounts.require(to, "to");
        positive(amount);
        notEscrow(to, "to");
        ledger.mint(to, amount);
        return announced(ledger, "", to, amount, "mint");
    }

    /** Destroys {@code amount} from an account the caller controls: an admin of a member holding the ISSUER role. */
    @Transaction(name = "Burn", intent = Transaction.TYPE.SUBMIT)
    public Transfer burn(final Context ctx, final String from, final long amount) {
        final Caller caller = issuerAdmin(ctx, "burn tokens");
        final TokenLedger ledger = new TokenLedger(ctx.getStub());
        ledger.requireInfo();
        Accounts.require(from, "from");
        positive(amount);
        Accounts.requireControl(caller, from, "burn");
        ledger.burn(from, amount);
        return announced(ledger, from, "", amount, "burn");
    }

    /**
     * Folds up to {@link TokenLedger#FOLD} of an account's rows into one; changes no balance; the
     * answer's {@code rows} says how many remain (call again while more than one does). Only
     * whoever controls the account, since a fold invalidates that account's concurrent debits — or,
     * for an escrow account, any member once it is empty: a cleared auction's or a drained DR
     * escrow's zero-sum rows (a debit folds at most FOLD of them) are swept so, and an escrow still
     * in use cannot be disturbed by anyone.
     */
    @Transaction(name = "Compact", intent = Transaction.TYPE.SUBMIT)
    public Balance compact(final Context ctx, final String account) {
        final Caller caller = Caller.of(ctx);
        caller.requireMemberWriter("compact an account");
        Accounts.require(account, "account");
        final TokenLedger ledger = new TokenLedger(ctx.getStub());
        if (Accounts.isEscrow(account)) {
            final long balance = ledger.balance(account).balance();
            if (balance != 0) {
                throw Failures.fail(ErrorCode.ACCESS_DENIED, "escrow account " + account + " holds " + balance
                        + ": it is folded by the market's rules while in use, and swept by anyone once empty");
            }
        } else {
            Accounts.requireControl(caller, account, "compact");
        }
        return ledger.compact(account);
    }

    /** The whole ledger summed: minted, burned, balances, escrow, supply (evaluate; reads every row). */
    @Transaction(name = "Audit", intent = Transaction.TYPE.EVALUATE)
    public Audit audit(final Context ctx) {
        Caller.of(ctx).requireMemberReader();
        return new TokenLedger(ctx.getStub()).audit();
    }

    /** The Transfer event of this transaction, and its result. */
    private static Transfer announced(final TokenLedger ledger, final String from, final String to, final long amount, final String reason) {
        final Transfer t = new Transfer(from, to, amount, reason, ledger.txId());
        ledger.emit("Transfer", t);
        return t;
    }

    private static Caller issuerAdmin(final Context ctx, final String action) {
        final Caller caller = Caller.of(ctx);
        caller.requireRole(MemberRole.ISSUER, action);
        if (caller.role() != Role.ADMIN) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "only an admin of an issuer may " + action + ", not a " + caller.role().name().toLowerCase(java.util.Locale.ROOT));
        }
        return caller;
    }

    private static void positive(final long amount) {
        if (amount <= 0) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "amount must be a positive integer of the smallest unit, was " + amount);
        }
    }

    private static void notEscrow(final String account, final String field) {
        if (Accounts.isEscrow(account)) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, field + " " + account + " is an escrow account: only the market's rules move escrow");
        }
    }

    private static void text(final String value, final String field) {
        if (value == null || value.isBlank() || value.length() > MAX_TEXT) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, field + " must be 1.." + MAX_TEXT + " characters");
        }
    }
}
