package energy.flexledger.client.cli;

import energy.flexledger.client.AuctionLedger;
import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.spec.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(name = "auction", description = "The P2P double auction (DA1) of a zone and delivery interval, on the community channel unless "
        + "--channel says otherwise (chaincode-market, decision 0018). Orders are sealed until the gate closure (the order in your org's "
        + "own peer, its hash on the channel), revealed after it (a BUY locks ceil(quantityWh * price / 1000) of your identity account), "
        + "cleared by DA1 within the zone's capacity and settled in the channel's token. Times: epoch milliseconds or +N[s|m|h] from now. "
        + "JSON on stdout.", footer = {"", "Actions:",
            "  open --auction A --zone Z --gate-closure T --reveal-by T --capacity WH [--delivery-start T] [--delivery-end T]",
            "                               an auction (an admin of a member holding COMMUNITY); delivery defaults to the first",
            "                               quarter-hour from --reveal-by",
            "  order --auction A --id O --side BUY|SELL --quantity WH --price P   seal and submit an order (P: token units per kWh)",
            "  withdraw --auction A --id O  before the gate closure",
            "  reveal --auction A [--id O]  after the gate closure: the order (default: every sealed order of yours) read back from",
            "                               your own peer and checked against its hash",
            "  clear --auction A            DA1 and the settlement (any member, once the orders are revealed or revealBy passed)",
            "  show --auction A             a cleared auction: its clearing, with the exact DA1 input and output; before: the auction",
            "                               and its orders",
            "  orders --auction A           the orders (sealed ones show their hash only)",
            "  list                         every auction",
            "", "Examples:",
            "  flexledger --org community --as admin auction open --auction A-1 --zone zone-1 --gate-closure +60s --reveal-by +120s --capacity 5000",
            "  flexledger --org community --as client auction order --auction A-1 --id b1 --side BUY --quantity 1000 --price 120",
            "  flexledger --org aggregator auction order --auction A-1 --id s1 --side SELL --quantity 800 --price 90",
            "  flexledger --org community --as client auction reveal --auction A-1",
            "  flexledger auction clear --auction A-1",
            "  flexledger auction show --auction A-1 | jq .input | flexledger spec da1   # gives the stored .output"})
final class AuctionCommand extends Connected implements Callable<Integer> {
    /** The channel the auctions run on unless --channel names another. */
    static final String DEFAULT_CHANNEL = "community";
    private static final long QUARTER_HOUR = 900_000L;

    @Parameters(index = "0", description = "open, order, withdraw, reveal, clear, show, orders or list")
    String action;

    @Option(names = "--auction", description = "the auction's id")
    String auctionId;

    @Option(names = "--id", description = "an order's id (order, withdraw, reveal)")
    String orderId;

    @Option(names = "--side", description = "BUY or SELL (order)")
    String side;

    @Option(names = "--quantity", description = "Wh (order)")
    Long quantityWh;

    @Option(names = "--price", description = "limit price in token units per kWh (order)")
    Long price;

    @Option(names = "--zone", description = "the zone (open)")
    String zone;

    @Option(names = "--gate-closure", description = "orders until then (open)")
    String gateClosure;

    @Option(names = "--reveal-by", description = "reveals until then (open)")
    String revealBy;

    @Option(names = "--capacity", description = "the most Wh the zone's connection carries in the interval (open)")
    Long capacityWh;

    @Option(names = "--delivery-start", description = "the delivery interval's start, a whole quarter-hour (open)")
    String deliveryStart;

    @Option(names = "--delivery-end", description = "its end (open; default: start + 15 minutes)")
    String deliveryEnd;

    @Override
    public Integer call() throws IOException, LedgerException {
        try (LedgerConnection ledger = connect()) {
            final String channel = channel();
            final AuctionLedger auctions = ledger.auction(channel);
            final Object result = switch (action) {
                case "open" -> auctions.open(terms());
                case "order" -> auctions.order(AuctionLedger.sealedOrder(auction(), required(orderId, "--id", action), required(side, "--side", action),
                        required(quantityWh, "--quantity", action), required(price, "--price", action), AuctionLedger.salt()));
                case "withdraw" -> auctions.withdraw(auction(), required(orderId, "--id", action));
                case "reveal" -> orderId != null ? auctions.reveal(auction(), orderId) : revealMine(ledger, channel, auctions);
                case "clear" -> auctions.clear(auction(), AuctionLedger.endorsers(ledger, channel));   // both peers at once
                case "show" -> show(auctions);
                case "orders" -> auctions.orders(auction());
                case "list" -> Map.of("auctions", auctions.auctions());
                default -> throw new ParameterException(spec.commandLine(), "unknown action '" + action
                        + "': open, order, withdraw, reveal, clear, show, orders or list");
            };
            System.out.println(Json.write(result));
        }
        return 0;
    }

    /** --channel when given (before or after the subcommand), else the community channel. */
    String channel() {
        return channel(spec, root());
    }

    /** The channel of an auction command: --channel when given (before or after the subcommand), else the community channel. */
    static String channel(final picocli.CommandLine.Model.CommandSpec spec, final FlexLedgerCli root) {
        final boolean given = spec.commandLine().getParseResult().hasMatchedOption("--channel")
                || spec.root().commandLine().getParseResult() != null && spec.root().commandLine().getParseResult().hasMatchedOption("--channel");
        return given ? root.channel : DEFAULT_CHANNEL;
    }

    private String auction() {
        return required(auctionId, "--auction", action);
    }

    private Map<String, Object> terms() {
        final long now = System.currentTimeMillis();
        final long gate = time(required(gateClosure, "--gate-closure", action), now, "--gate-closure");
        final long reveal = time(required(revealBy, "--reveal-by", action), now, "--reveal-by");
        final long start = deliveryStart != null ? time(deliveryStart, now, "--delivery-start") : Math.floorDiv(reveal + QUARTER_HOUR - 1, QUARTER_HOUR)
                * QUARTER_HOUR;
        final long end = deliveryEnd != null ? time(deliveryEnd, now, "--delivery-end") : start + QUARTER_HOUR;
        final Map<String, Object> terms = new LinkedHashMap<>();
        terms.put("id", auction());
        terms.put("zone", required(zone, "--zone", action));
        terms.put("deliveryStart", start);
        terms.put("deliveryEnd", end);
        terms.put("gateClosure", gate);
        terms.put("revealBy", reveal);
        terms.put("capacityWh", required(capacityWh, "--capacity", action));
        return terms;
    }

    /** Epoch milliseconds, or +N with s, m or h (seconds by default) from {@code now}. */
    long time(final String text, final long now, final String option) {
        try {
            if (text.startsWith("+")) {
                final char unit = text.charAt(text.length() - 1);
                final long factor = switch (unit) {
                    case 'h' -> 3_600_000L;
                    case 'm' -> 60_000L;
                    case 's' -> 1_000L;
                    default -> Character.isDigit(unit) ? 1_000L : -1L;
                };
                if (factor < 0) {
                    throw new NumberFormatException(text);
                }
                final String digits = Character.isDigit(unit) ? text.substring(1) : text.substring(1, text.length() - 1);
                return now + Long.parseLong(digits) * factor;
            }
            return Long.parseLong(text);
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new ParameterException(spec.commandLine(), option + " must be epoch milliseconds or +N[s|m|h], was '" + text + "'");
        }
    }

    /** Every order of the caller's identity account still sealed, revealed one after the other. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> revealMine(final LedgerConnection ledger, final String channel, final AuctionLedger auctions)
            throws LedgerException {
        final String mine = (String) ledger.token(channel).myAccount().get("account");
        final List<Object> revealed = new ArrayList<>();
        for (final Object o : (List<Object>) auctions.orders(auction()).get("orders")) {
            final Map<String, Object> order = (Map<String, Object>) o;
            if (mine.equals(order.get("account")) && "SEALED".equals(order.get("status"))) {
                revealed.add(auctions.reveal(auction(), (String) order.get("orderId")));
            }
        }
        return Map.of("revealed", revealed);
    }

    private Map<String, Object> show(final AuctionLedger auctions) throws LedgerException {
        final Map<String, Object> auction = auctions.auction(auction());
        if ("CLEARED".equals(auction.get("status"))) {
            return auctions.clearing(auction());
        }
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("auction", auction);
        out.put("orders", auctions.orders(auction()).get("orders"));
        return out;
    }
}
