package energy.flexledger.client.cli;

import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.MarketLedger;
import energy.flexledger.spec.Json;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code flexledger market ...}: the flexibility marketplace (MK1) on the grid channel. */
@Command(name = "market", description = "The flexibility marketplace (chaincode-market's flex contract, MK1, decision 0017): a DSO's "
        + "request with its escrow, sealed offers, reveal, clearing. JSON on stdout.",
        subcommands = {MarketCommand.Request.class, MarketCommand.Offer.class, MarketCommand.Clear.class, MarketCommand.Pay.class,
            MarketCommand.Show.class},
        footer = {"", "A whole round (times: epoch ms, an ISO-8601 instant, or +N s|m|h from now):",
            "  flexledger --org dso --as admin market request create --id R1 --zone zone-1 --quantity-wh 3000 --max-price 200 \\",
            "      --deadline +2m --mode MERIT --payer org --baseline-program P1",
            "  flexledger --org cpo market offer submit --request R1 --id cpo-1 --quantity-wh 2000 --price 150 --assets CS-1",
            "  flexledger --org cpo market offer reveal --request R1 --id cpo-1      # after the deadline",
            "  flexledger market clear --request R1                               # anyone, once offers are revealed",
            "  flexledger --org dso market pay --request R1                       # after the window: pays metered delivery",
            "  flexledger market show --request R1 | jq .input | flexledger spec mk1  # recompute clearing and payment"})
final class MarketCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "say what to do: request, offer, clear or show");
    }

    /** A time: epoch milliseconds, an ISO-8601 instant, or {@code +N} seconds/minutes/hours from {@code now}. */
    static long time(final String text, final long now, final String option, final picocli.CommandLine cmd) {
        try {
            if (text.startsWith("+")) {
                final long n = Long.parseLong(text.substring(1, text.length() - 1));
                return switch (text.charAt(text.length() - 1)) {
                    case 's' -> now + n * 1000;
                    case 'm' -> now + n * 60_000;
                    case 'h' -> now + n * 3_600_000;
                    default -> throw new NumberFormatException();
                };
            }
            if (text.chars().allMatch(Character::isDigit)) {
                return Long.parseLong(text);
            }
            return Instant.parse(text).toEpochMilli();
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new ParameterException(cmd, option + " must be epoch ms, an ISO-8601 instant or +N s|m|h, was '" + text + "'");
        }
    }

    static final long QUARTER_HOUR = 15 * 60_000L;

    @Command(name = "request", description = "create|show|list flexibility requests", footer = {"", "Actions:",
        "  create --id R --zone Z --quantity-wh Q --max-price P --deadline T [--reveal-by T] [--window-start T] [--window-minutes M]",
        "         [--mode SINGLE|MERIT] [--payer org|ACCOUNT] --baseline-program P   a DSO posts and locks the escrow",
        "  show --id R                  the request and its status",
        "  list [--page-size N] [--bookmark B]   requests in id order"})
    static final class Request extends Connected implements Callable<Integer> {
        @Parameters(index = "0", description = "create, show or list")
        String action;

        @Option(names = "--id", description = "the request id (1..64 letters, digits, . _ -)")
        String id;

        @Option(names = "--zone", description = "a grid zone your org operates")
        String zone;

        @Option(names = "--quantity-wh", description = "the flexibility asked for, in Wh")
        Long quantityWh;

        @Option(names = "--max-price", description = "the highest price, token units per kWh")
        Long maxPrice;

        @Option(names = "--deadline", description = "offers until then")
        String deadline;

        @Option(names = "--reveal-by", description = "offers revealed until then (default: deadline + 10 minutes)")
        String revealBy;

        @Option(names = "--window-start", description = "delivery starts (a whole quarter-hour; default: the first at or after --reveal-by)")
        String windowStart;

        @Option(names = "--window-minutes", defaultValue = "60", description = "delivery window length, a multiple of 15 (default ${DEFAULT-VALUE})")
        long windowMinutes;

        @Option(names = "--mode", defaultValue = "MERIT", description = "SINGLE (one offer covers all) or MERIT (cheapest first; default)")
        String mode;

        @Option(names = "--payer", description = "the account the escrow comes from: 'org' (your org's, as an admin) or an account id "
                + "(default: your identity account)")
        String payer;

        @Option(names = "--baseline-program", description = "the DR program whose BL1 terms measure delivery (flexledger dr program)")
        String baselineProgram;

        @Option(names = "--page-size", defaultValue = "50", description = "list: requests per page (1..200)")
        int pageSize;

        @Option(names = "--bookmark", description = "list: the bookmark a previous page printed")
        String bookmark;

        @Override
        public Integer call() throws IOException, LedgerException {
            try (LedgerConnection ledger = connect()) {
                final MarketLedger market = ledger.market(root().channel);
                final Map<String, Object> result = switch (action) {
                    case "create" -> market.postRequest(terms(ledger));
                    case "show" -> market.request(required(id, "--id", action));
                    case "list" -> market.requests(pageSize, bookmark);
                    default -> throw new ParameterException(spec.commandLine(), "unknown action '" + action + "': create, show or list");
                };
                System.out.println(Json.write(result));
            }
            return 0;
        }

        private Map<String, Object> terms(final LedgerConnection ledger) throws LedgerException {
            final long now = System.currentTimeMillis();
            final long deadlineMs = time(required(deadline, "--deadline", action), now, "--deadline", spec.commandLine());
            final long revealMs = revealBy == null ? deadlineMs + 10 * 60_000 : time(revealBy, now, "--reveal-by", spec.commandLine());
            final long startMs = windowStart == null ? energy.flexledger.spec.Exact.ceilDiv(revealMs, QUARTER_HOUR) * QUARTER_HOUR
                    : time(windowStart, now, "--window-start", spec.commandLine());
            if (windowMinutes <= 0 || windowMinutes % 15 != 0) {
                throw new ParameterException(spec.commandLine(), "--window-minutes must be a positive multiple of 15");
            }
            final Map<String, Object> terms = new LinkedHashMap<>();
            terms.put("id", required(id, "--id", action));
            terms.put("zone", required(zone, "--zone", action));
            terms.put("quantityWh", required(quantityWh, "--quantity-wh", action));
            terms.put("maxPrice", required(maxPrice, "--max-price", action));
            terms.put("deadline", deadlineMs);
            terms.put("revealBy", revealMs);
            terms.put("windowStart", startMs);
            terms.put("windowEnd", startMs + windowMinutes * 60_000);
            terms.put("mode", mode);
            terms.put("payer", payer == null ? (String) ledger.token(root().channel).myAccount().get("account")
                    : "org".equals(payer) ? "org:" + ledger.profile().mspId() : payer);
            terms.put("baselineProgram", required(baselineProgram, "--baseline-program", action));
            return terms;
        }
    }

    @Command(name = "offer", description = "submit|withdraw|reveal|list|sealed offers (a CPO or an aggregator)", footer = {"", "Actions:",
        "  submit --request R --id O --quantity-wh Q --price P --assets A[,A...]   seal (your own peer only) and submit the hash",
        "  withdraw --request R --id O       before the deadline",
        "  reveal --request R --id O         after the deadline: your peer gives the bid back, the chaincode checks its hash",
        "  sealed --request R --id O         your sealed bid, as your own peer holds it",
        "  list --request R                  the offers: hashes until revealed"})
    static final class Offer extends Connected implements Callable<Integer> {
        @Parameters(index = "0", description = "submit, withdraw, reveal, sealed or list")
        String action;

        @Option(names = "--request", description = "the request id")
        String request;

        @Option(names = "--id", description = "your offer's id")
        String id;

        @Option(names = "--quantity-wh", description = "the flexibility offered, in Wh")
        Long quantityWh;

        @Option(names = "--price", description = "token units per kWh")
        Long price;

        @Option(names = "--assets", split = ",", description = "the assets that will deliver (asset ids, comma-separated)")
        List<String> assets;

        @Override
        public Integer call() throws IOException, LedgerException {
            try (LedgerConnection ledger = connect()) {
                final MarketLedger market = ledger.market(root().channel);
                final String r = required(request, "--request", action);
                final Map<String, Object> result = switch (action) {
                    case "submit" -> market.submitOffer(r, required(id, "--id", action), required(quantityWh, "--quantity-wh", action),
                            required(price, "--price", action), required(assets, "--assets", action));
                    case "withdraw" -> market.withdrawOffer(r, required(id, "--id", action));
                    case "reveal" -> market.revealOffer(r, required(id, "--id", action));
                    case "sealed" -> market.sealedOffer(r, required(id, "--id", action));
                    case "list" -> market.offers(r);
                    default -> throw new ParameterException(spec.commandLine(), "unknown action '" + action
                            + "': submit, withdraw, reveal, sealed or list");
                };
                System.out.println(Json.write(result));
            }
            return 0;
        }
    }

    @Command(name = "clear", description = "clear a request by MK1 (any member; after the deadline, once every offer is revealed or "
            + "after --reveal-by): the awards are fixed and the unused escrow goes back to the payer")
    static final class Clear extends Connected implements Callable<Integer> {
        @Option(names = "--request", required = true, description = "the request id")
        String request;

        @Override
        public Integer call() throws IOException, LedgerException {
            try (LedgerConnection ledger = connect()) {
                System.out.println(Json.write(ledger.market(root().channel).clear(request)));
            }
            return 0;
        }
    }

    @Command(name = "pay", description = "pay a cleared request after its delivery window (MK1 step 5): chaincode-dr measures each "
            + "awarded asset's delivery against its BL1 baseline; the winners are paid from the escrow, the rest returns (a member that "
            + "reads the awarded assets' data: the requesting DSO)")
    static final class Pay extends Connected implements Callable<Integer> {
        @Option(names = "--request", required = true, description = "the request id")
        String request;

        @Override
        public Integer call() throws IOException, LedgerException {
            try (LedgerConnection ledger = connect()) {
                System.out.println(Json.write(ledger.market(root().channel).pay(request)));
            }
            return 0;
        }
    }

    @Command(name = "show", description = "a cleared (and paid) request: {input, output, clearing, payment} where input is the exact "
            + "MK1 input the chaincode used (with delivered Wh once paid) and output MK1's result: pipe .input to 'flexledger spec mk1'")
    static final class Show extends Connected implements Callable<Integer> {
        @Option(names = "--request", required = true, description = "the request id")
        String request;

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() throws IOException, LedgerException {
            try (LedgerConnection ledger = connect()) {
                final MarketLedger market = ledger.market(root().channel);
                final Map<String, Object> clearing = market.clearing(request);
                final Map<String, Object> input = new LinkedHashMap<>((Map<String, Object>) clearing.get("input"));
                final Map<String, Object> output = new LinkedHashMap<>((Map<String, Object>) clearing.get("output"));
                Map<String, Object> payment = null;
                if ("PAID".equals(market.request(request).get("status"))) {
                    payment = market.payment(request);
                    final Map<String, Object> delivered = new LinkedHashMap<>();
                    for (final Object d : (List<Object>) payment.get("delivered")) {
                        delivered.put((String) ((Map<String, Object>) d).get("offerId"), ((Map<String, Object>) d).get("deliveredWh"));
                    }
                    input.put("delivered", delivered);
                    output.put("payments", payment.get("payments"));
                    output.put("refundAtDelivery", payment.get("refundAtDelivery"));
                }
                final Map<String, Object> out = new LinkedHashMap<>();
                out.put("input", input);
                out.put("output", output);
                out.put("clearing", clearing);
                out.put("payment", payment);
                System.out.println(Json.write(out));
            }
            return 0;
        }
    }
}
