package energy.flexledger.client.cli;

import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.TokenLedger;
import energy.flexledger.spec.Json;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "token", description = "The channel's reward token (chaincode-market, decision 0016). Accounts: org:<MSP id> (moved by the "
        + "org's admins), id:<64 hex> (one identity's: 'token account' prints yours), escrow:<kind>:<id> (moved only by the market's rules). "
        + "Amounts are integers of the smallest unit. JSON on stdout.", footer = {"", "Actions:",
            "  info                         name, symbol, decimals",
            "  init --name N --symbol S --decimals D   name the token once (an issuer's admin)",
            "  account                      your identity account and its balance",
            "  balance [--account A]        an account's balance (default: yours)",
            "  supply                       minted, burned, supply",
            "  transfer --to A --amount N [--from A|org]   from your identity account (or your org's, as an admin)",
            "  approve --spender A --amount N [--from A|org]   let another account move up to N of yours (0 withdraws)",
            "  allowance --owner A --spender A",
            "  transfer-from --owner A --to A --amount N   as the spender the owner approved",
            "  mint --to A --amount N       new tokens (an admin of a member holding the ISSUER role)",
            "  burn --amount N [--from A|org]   destroy tokens of an account you control (an issuer's admin)",
            "  compact --account A          fold an account's rows into one (changes no balance)",
            "  audit                        the whole ledger summed: {minted, burned, balances, escrow, supply, ...}",
            "", "Examples:",
            "  flexledger --org dso --as admin token init --name 'FlexLedger Reward' --symbol FLEX --decimals 3",
            "  flexledger --org dso --as admin token mint --to org:AggregatorMSP --amount 100000",
            "  flexledger --org aggregator --as admin token transfer --from org --to org:CommunityMSP --amount 2500",
            "  flexledger token audit"})
final class TokenCommand extends Connected implements Callable<Integer> {
    @Parameters(index = "0", description = "info, init, account, balance, supply, transfer, approve, allowance, transfer-from, mint, burn, compact or audit")
    String action;

    @Option(names = "--account", description = "an account id (balance, compact)")
    String account;

    @Option(names = "--from", description = "the account to move from: an account id, or 'org' for your org's account (default: your identity account)")
    String from;

    @Option(names = "--to", description = "the account to pay")
    String to;

    @Option(names = "--owner", description = "the account that approved a spender")
    String owner;

    @Option(names = "--spender", description = "the account allowed to spend")
    String spender;

    @Option(names = "--amount", description = "an integer of the smallest unit")
    Long amount;

    @Option(names = "--name", description = "the token's name (init)")
    String name;

    @Option(names = "--symbol", description = "the token's symbol (init)")
    String symbol;

    @Option(names = "--decimals", description = "digits after the point (init; 0..18)")
    Long decimals;

    @Override
    public Integer call() throws IOException, LedgerException {
        try (LedgerConnection ledger = connect()) {
            final TokenLedger token = ledger.token(root().channel);
            final Map<String, Object> result = switch (action) {
                case "info" -> token.info();
                case "init" -> token.initialize(required(name, "--name"), required(symbol, "--symbol"), required(decimals, "--decimals"));
                case "account" -> token.myAccount();
                case "balance" -> token.balance(account != null ? account : (String) token.myAccount().get("account"));
                case "supply" -> token.supply();
                case "transfer" -> token.transfer(source(ledger, token), required(to, "--to"), required(amount, "--amount"));
                case "approve" -> token.approve(source(ledger, token), required(spender, "--spender"), required(amount, "--amount"));
                case "allowance" -> token.allowance(required(owner, "--owner"), required(spender, "--spender"));
                case "transfer-from" -> token.transferFrom(required(owner, "--owner"), required(to, "--to"), required(amount, "--amount"));
                case "mint" -> token.mint(required(to, "--to"), required(amount, "--amount"));
                case "burn" -> token.burn(source(ledger, token), required(amount, "--amount"));
                case "compact" -> token.compact(required(account, "--account"));
                case "audit" -> token.audit();
                default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(), "unknown action '" + action
                        + "': info, init, account, balance, supply, transfer, approve, allowance, transfer-from, mint, burn, compact or audit");
            };
            System.out.println(Json.write(result));
        }
        return 0;
    }

    /** --from: an account id, 'org' for the caller's org account, or (default) the caller's identity account. */
    private String source(final LedgerConnection ledger, final TokenLedger token) throws LedgerException {
        if (from == null) {
            return (String) token.myAccount().get("account");
        }
        return "org".equals(from) ? "org:" + ledger.profile().mspId() : from;
    }

    private <T> T required(final T v, final String option) {
        if (v == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), option + " is required for '" + action + "'");
        }
        return v;
    }
}
