package energy.flexledger.client;

import java.util.Map;
import org.hyperledger.fabric.client.Contract;

/**
 * The channel's token (chaincode-market's {@code token} contract) through the Fabric Gateway.
 * Amounts are integers of the smallest unit. Submissions that the ledger invalidates because a
 * concurrent transaction changed an account they read (a debit racing another debit of the same
 * account), or whose endorsers disagreed because one had not committed the newest block yet, are
 * submitted again, up to {@link #ATTEMPTS} times, so none is lost to a conflict; a refusal by the
 * chaincode (INSUFFICIENT_FUNDS, ACCESS_DENIED, ...) is never retried.
 */
public final class TokenLedger {
    /** Submissions of one call at most (the first and the retries after read conflicts). */
    public static final int ATTEMPTS = 20;

    private final Contract contract;

    TokenLedger(final Contract contract) {
        this.contract = contract;
    }

    public Map<String, Object> initialize(final String name, final String symbol, final long decimals) throws LedgerException {
        return ChaincodeCalls.submit(contract, "Initialize", name, symbol, Long.toString(decimals));
    }

    public Map<String, Object> info() throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "TokenInfo");
    }

    public Map<String, Object> balance(final String account) throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "BalanceOf", account);
    }

    /** The caller's own identity account and its balance. */
    public Map<String, Object> myAccount() throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "MyAccount");
    }

    public Map<String, Object> supply() throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "TotalSupply");
    }

    public Map<String, Object> transfer(final String from, final String to, final long amount) throws LedgerException {
        return ChaincodeCalls.submitRetrying(ATTEMPTS, contract, "Transfer", from, to, Long.toString(amount));
    }

    public Map<String, Object> approve(final String owner, final String spender, final long amount) throws LedgerException {
        return ChaincodeCalls.submitRetrying(ATTEMPTS, contract, "Approve", owner, spender, Long.toString(amount));
    }

    public Map<String, Object> allowance(final String owner, final String spender) throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "Allowance", owner, spender);
    }

    public Map<String, Object> transferFrom(final String owner, final String to, final long amount) throws LedgerException {
        return ChaincodeCalls.submitRetrying(ATTEMPTS, contract, "TransferFrom", owner, to, Long.toString(amount));
    }

    public Map<String, Object> mint(final String to, final long amount) throws LedgerException {
        return ChaincodeCalls.submitRetrying(ATTEMPTS, contract, "Mint", to, Long.toString(amount));
    }

    public Map<String, Object> burn(final String from, final long amount) throws LedgerException {
        return ChaincodeCalls.submitRetrying(ATTEMPTS, contract, "Burn", from, Long.toString(amount));
    }

    public Map<String, Object> compact(final String account) throws LedgerException {
        return ChaincodeCalls.submitRetrying(ATTEMPTS, contract, "Compact", account);
    }

    /** The whole ledger summed: {@code minted, burned, balances, escrow, supply, accounts, rows, consistent}. */
    public Map<String, Object> audit() throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "Audit");
    }
}
