package energy.flexledger.chaincode.market;

import energy.flexledger.chaincode.Failures;
import energy.flexledger.chaincode.StateStore;
import energy.flexledger.spec.Canonical;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.SpecException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.hyperledger.fabric.shim.ChaincodeStub;
import org.hyperledger.fabric.shim.ledger.KeyValue;
import org.hyperledger.fabric.shim.ledger.QueryResultsIterator;

/**
 * The token's state without hot keys (decision 0016). An account is the set of its rows
 * ({@link Delta}, key {@code tok.delta/<account>/<txId>/<n>}); its balance is their sum. A credit
 * adds a row under the crediting transaction's own key, so any number of transactions may credit
 * one account at once without touching a common key. A debit reads all the account's rows (a
 * range, which Fabric re-checks at validation: a concurrent change of the account invalidates the
 * later transaction, so an overdraft cannot commit), refuses if they sum to less than the amount,
 * and folds them into one row: the first {@link #FOLD} rows (all of them, usually) are deleted and
 * one row holds their sum less the amount, which may be negative when more rows remain, so a debit
 * costs at most {@link #FOLD} deletions however many credits an account has received (an auction's
 * escrow holds one row per buyer's reveal). Every debit compacts what it folds; {@code Compact}
 * folds the rest. The supply is the sum of one row per mint or burn ({@code tok.supply/<txId>}).
 *
 * <p>Within one transaction an account may be debited once and is not read after it was written:
 * Fabric's reads do not see the transaction's own writes.
 */
final class TokenLedger {
    static final String INFO = "tok.info";
    static final String DELTA = "tok.delta";
    static final String SUPPLY = "tok.supply";
    static final String ALLOWANCE = "tok.allowance";

    /** The most rows one debit deletes (each deletion is one exchange with the peer). */
    static final int FOLD = 128;

    private final ChaincodeStub stub;
    private final StateStore store;
    private final String txId;
    private final long now;
    private final Set<String> touched = new HashSet<>();
    private int rowsWritten;

    TokenLedger(final ChaincodeStub stub) {
        this.stub = stub;
        this.store = new StateStore(stub);
        this.txId = stub.getTxId();
        this.now = stub.getTxTimestamp().toEpochMilli();
    }

    Optional<TokenInfo> info() {
        return store.read(INFO, TokenInfo.class);
    }

    TokenInfo requireInfo() {
        return info().orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "the token of this channel is not initialized yet (token:Initialize, by an issuer's admin)"));
    }

    void initialize(final TokenInfo token) {
        store.write(INFO, token);
    }

    /** The rows of {@code account}, keyed by their state keys (sorted). */
    private Map<String, Delta> rows(final String account) {
        final Map<String, Delta> out = new TreeMap<>();
        scan(Delta.class, out::put, DELTA, account);
        return out;
    }

    /**
     * Every value under {@code objectType/attributes...}, in key order, to {@code each} (a range
     * read: in a submit, Fabric re-checks it at validation). Failures of {@code each} pass through.
     */
    private <T> void scan(final Class<T> type, final java.util.function.BiConsumer<String, T> each, final String objectType,
            final String... attributes) {
        try (QueryResultsIterator<KeyValue> it = stub.getStateByPartialCompositeKey(objectType, attributes)) {
            for (final KeyValue kv : it) {
                each.accept(kv.getKey(), decode(kv.getValue(), type, kv.getKey()));
            }
        } catch (SpecException | org.hyperledger.fabric.shim.ChaincodeException | ArithmeticException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("reading " + objectType + " failed", e);
        }
    }

    private static <T> T decode(final byte[] bytes, final Class<T> type, final String key) {
        try {
            return Canonical.read(bytes, type, Canonical.nameOf(type));
        } catch (SpecException e) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "the token row " + key.replace('\u0000', '/') + " is not a valid " + Canonical.nameOf(type));
        }
    }

    /**
     * The exact sum of rows (a fold may leave a negative row among positive ones, so partial sums
     * may leave a long where the total does not): INVALID_STATE only when the total itself does.
     */
    private static long sum(final Iterable<Delta> rows, final String account) {
        java.math.BigInteger total = java.math.BigInteger.ZERO;
        for (final Delta d : rows) {
            total = total.add(java.math.BigInteger.valueOf(d.amount()));
        }
        try {
            return total.longValueExact();
        } catch (ArithmeticException e) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "the rows of " + account + " overflow a long: the ledger is corrupt");
        }
    }

    Balance balance(final String account) {
        final Map<String, Delta> rows = rows(account);
        return new Balance(account, sum(rows.values(), account), rows.size());
    }

    private void touch(final String account) {
        if (!touched.add(account)) {
            // A second change of one account in one transaction would not see the first (Fabric
            // reads committed state only): a rule of this chaincode that does so is a bug.
            throw Failures.fail(ErrorCode.INVALID_STATE, "account " + account + " is changed twice in one transaction");
        }
    }

    private void writeRow(final String account, final long amount, final String reason, final String counterparty) {
        final String key = store.key(DELTA, account, txId, StateStore.sortable(rowsWritten++));
        store.write(key, new Delta(account, amount, reason, counterparty, txId, now));
    }

    /** Adds {@code amount} (> 0) to {@code account}: one new row, no read. */
    void credit(final String account, final long amount, final String reason, final String counterparty) {
        touch(account);
        writeRow(account, amount, reason, counterparty);
    }

    /**
     * Takes {@code amount} (> 0) from {@code account}, or INSUFFICIENT_FUNDS (checked against all its
     * rows); its first {@link #FOLD} rows become one row holding their sum less the amount (none when
     * that is zero). Returns the new balance.
     */
    long debit(final String account, final long amount, final String reason, final String counterparty) {
        touch(account);
        final Map<String, Delta> rows = rows(account);
        final long balance = sum(rows.values(), account);
        if (balance < amount) {
            throw Failures.fail(ErrorCode.INSUFFICIENT_FUNDS, account + " holds " + balance + ", less than the " + amount + " to " + reason);
        }
        final java.util.List<Delta> folded = deleteFirst(rows);
        final long kept;
        try {
            kept = Math.subtractExact(sum(folded, account), amount);
        } catch (ArithmeticException e) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "the rows of " + account + " overflow a long: the ledger is corrupt");
        }
        if (kept != 0) {
            writeRow(account, kept, rows.size() > folded.size() ? "fold" : "balance", reason + (counterparty.isEmpty() ? "" : " " + counterparty));
        }
        return balance - amount;
    }

    /** Deletes the first {@link #FOLD} of {@code rows} (in key order) and returns them. */
    private java.util.List<Delta> deleteFirst(final Map<String, Delta> rows) {
        final java.util.List<Delta> folded = new java.util.ArrayList<>();
        for (final Map.Entry<String, Delta> row : rows.entrySet()) {
            if (folded.size() == FOLD) {
                break;
            }
            stub.delState(row.getKey());
            folded.add(row.getValue());
        }
        return folded;
    }

    /**
     * Folds the account's first {@link #FOLD} rows into one row of their sum (none when it is zero);
     * changes no balance. Returns the balance and the rows left, so that a caller repeats while
     * more than one remains.
     */
    Balance compact(final String account) {
        touch(account);
        final Map<String, Delta> rows = rows(account);
        final long balance = sum(rows.values(), account);
        if (rows.size() <= 1 && balance != 0) {
            return new Balance(account, balance, rows.size());
        }
        final java.util.List<Delta> folded = deleteFirst(rows);
        final long kept = sum(folded, account);
        if (kept != 0) {
            writeRow(account, kept, "fold", "compacted");
        }
        return new Balance(account, balance, rows.size() - folded.size() + (kept != 0 ? 1 : 0));
    }

    Supply supply() {
        final long[] total = new long[2];   // minted, burned
        try {
            scan(SupplyChange.class, (key, c) -> {
                total[0] = Math.addExact(total[0], c.minted());
                total[1] = Math.addExact(total[1], c.burned());
            }, SUPPLY);
        } catch (ArithmeticException e) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "the supply rows overflow a long: the ledger is corrupt");
        }
        return new Supply(total[0], total[1], total[0] - total[1]);
    }

    /** New tokens into {@code to}; OVERFLOW when the supply would exceed a long. */
    void mint(final String to, final long amount) {
        final Supply s = supply();
        try {
            Math.addExact(s.minted(), amount);
        } catch (ArithmeticException e) {
            throw Failures.fail(ErrorCode.OVERFLOW, "minting " + amount + " would take the tokens ever minted past " + Long.MAX_VALUE);
        }
        credit(to, amount, "mint", "");
        store.write(store.key(SUPPLY, txId), new SupplyChange(amount, 0, txId, now));
    }

    void burn(final String from, final long amount) {
        debit(from, amount, "burn", "");
        store.write(store.key(SUPPLY, txId), new SupplyChange(0, amount, txId, now));
    }

    /** Moves {@code amount} from one account to another (no rule about who may: the caller checked). */
    void move(final String from, final String to, final long amount, final String reason) {
        if (from.equals(to)) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "from and to are the same account (" + from + ")");
        }
        debit(from, amount, reason, to);
        credit(to, amount, reason, from);
    }

    Optional<Allowance> allowance(final String owner, final String spender) {
        return store.read(store.key(ALLOWANCE, owner, spender), Allowance.class);
    }

    void setAllowance(final String owner, final String spender, final long amount) {
        final String key = store.key(ALLOWANCE, owner, spender);
        if (amount == 0) {
            stub.delState(key);
        } else {
            store.write(key, new Allowance(owner, spender, amount, txId));
        }
    }

    /** The whole ledger summed (an evaluate: it reads every row). */
    Audit audit() {
        final Map<String, java.math.BigInteger> exact = new TreeMap<>();
        final long[] rows = {0};
        scan(Delta.class, (key, d) -> {
            exact.merge(d.account(), java.math.BigInteger.valueOf(d.amount()), java.math.BigInteger::add);
            rows[0]++;
        }, DELTA);
        final Map<String, Long> perAccount = new TreeMap<>();
        try {
            exact.forEach((account, total) -> perAccount.put(account, total.longValueExact()));
        } catch (ArithmeticException e) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "the token rows overflow a long: the ledger is corrupt");
        }
        long balances = 0;
        long escrow = 0;
        final boolean consistent;
        final Supply s = supply();
        try {
            for (final Map.Entry<String, Long> e : perAccount.entrySet()) {
                if (Accounts.isEscrow(e.getKey())) {
                    escrow = Math.addExact(escrow, e.getValue());
                } else {
                    balances = Math.addExact(balances, e.getValue());
                }
            }
            consistent = s.supply() == Math.addExact(balances, escrow);
        } catch (ArithmeticException e) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "the token balances overflow a long: the ledger is corrupt");
        }
        return new Audit(s.minted(), s.burned(), balances, escrow, s.supply(), perAccount.size(), rows[0], consistent);
    }

    /** The chaincode event of this transaction (Fabric keeps one per transaction). */
    void emit(final String name, final Object payload) {
        stub.setEvent(name, Canonical.write(payload).getBytes(StandardCharsets.UTF_8));
    }

    String txId() {
        return txId;
    }

    long now() {
        return now;
    }
}
