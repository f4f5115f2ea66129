package energy.flexledger.chaincode.market;

import energy.flexledger.chaincode.Caller;
import energy.flexledger.chaincode.CanonicalSerializer;
import energy.flexledger.chaincode.CheckedContract;
import energy.flexledger.chaincode.Failures;
import energy.flexledger.chaincode.MemberRole;
import energy.flexledger.chaincode.Role;
import energy.flexledger.chaincode.StateStore;
import energy.flexledger.spec.Canonical;
import energy.flexledger.spec.Da1;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.SpecException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.contract.annotation.Contract;
import org.hyperledger.fabric.contract.annotation.Info;
import org.hyperledger.fabric.contract.annotation.License;
import org.hyperledger.fabric.contract.annotation.Transaction;

/**
 * The P2P double auction (DA1, decision 0018), called as {@code auction:<Transaction>}. An auction is
 * one zone and one delivery interval: an admin of a member holding COMMUNITY opens it with the
 * zone's capacity for the interval; traders (clients and admins of members) seal buy and sell
 * orders until the gate closure and reveal them after it — a BUY locks its limit value in the
 * auction's escrow when revealed, so the seal shows nothing before the gate closes; anyone clears
 * once the orders are in, which runs DA1 on the revealed orders within the capacity and settles
 * every trade at the clearing price in the channel's token. Every time is the transaction's
 * timestamp; the clearing stores the exact DA1 input and output.
 */
@Contract(
        name = "auction",
        transactionSerializer = CanonicalSerializer.NAME,
        info = @Info(title = "FlexLedger P2P double auction", description = "Sealed buy and sell orders per zone and delivery interval, DA1 "
                + "clearing within the zone's capacity, settlement in the channel's token", version = "0.1.0",
                license = @License(name = "Apache-2.0")))
public final class AuctionContract extends CheckedContract {
    static final String AUCTION = "auc.auction";
    static final String ORDER = "auc.order";
    static final String CLEARING = "auc.clearing";
    /** The kind of a sealed order under {@link Seals#KEY}. */
    static final String SEAL_KIND = "auction";
    static final String OPEN = "OPEN";
    static final String CLEARED = "CLEARED";
    static final String SEALED = "SEALED";
    static final String REVEALED = "REVEALED";
    static final String WITHDRAWN = "WITHDRAWN";
    /** The escrow kind of an auction: {@code escrow:auction:<auctionId>}. */
    static final String ESCROW_KIND = "auction";
    /** Delivery intervals are whole quarter-hours: the finest interval the meters certify. */
    static final long INTERVAL_STEP_MS = 15 * 60_000L;
    static final int MAX_PAGE = 200;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    // ------------------------------------------------------------------ auctions

    /**
     * Opens an auction (an admin of a member holding COMMUNITY: the community runs its local market and
     * knows its connection's capacity; the DSO is not on this channel). The gate closure must be
     * ahead of this transaction's time, the reveal deadline after it, and the delivery interval (whole
     * quarter-hours) no earlier than the reveal deadline.
     */
    @Transaction(name = "OpenAuction", intent = Transaction.TYPE.SUBMIT)
    public Auction openAuction(final Context ctx, final AuctionSpec spec) {
        final Caller caller = Caller.of(ctx);
        caller.requireRole(MemberRole.COMMUNITY, "open an auction");
        if (caller.role() != Role.ADMIN) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "only an admin of " + caller.mspId() + " opens auctions and sets the zone's capacity");
        }
        final StateStore state = new StateStore(ctx.getStub());
        final long now = ctx.getStub().getTxTimestamp().toEpochMilli();
        final String txId = ctx.getStub().getTxId();
        if (spec == null) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "the auction's terms are missing");
        }
        id(spec.id(), "id");
        id(spec.zone(), "zone");
        if (spec.capacityWh() < 0) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "capacityWh must not be negative, was " + spec.capacityWh());
        }
        if (spec.gateClosure() <= now) {
            throw Failures.fail(ErrorCode.DEADLINE_PASSED, "the gate closure " + spec.gateClosure() + " is not after this transaction's time " + now);
        }
        if (spec.revealBy() <= spec.gateClosure()) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "revealBy must be after the gate closure (orders are revealed between the two)");
        }
        if (spec.deliveryStart() < spec.revealBy() || spec.deliveryEnd() <= spec.deliveryStart()) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "the delivery interval must start at or after revealBy and end after it starts");
        }
        if (spec.deliveryStart() % INTERVAL_STEP_MS != 0 || spec.deliveryEnd() % INTERVAL_STEP_MS != 0) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "the delivery interval must start and end on whole quarter-hours (UTC epoch ms divisible by "
                    + INTERVAL_STEP_MS + ")");
        }
        final String key = state.key(AUCTION, spec.id());
        if (state.read(key, Auction.class).isPresent()) {
            throw Failures.fail(ErrorCode.ALREADY_EXISTS, "auction " + spec.id() + " already exists");
        }
        final Auction auction = new Auction(spec.id(), spec.zone(), spec.deliveryStart(), spec.deliveryEnd(), spec.gateClosure(), spec.revealBy(),
                spec.capacityWh(), caller.mspId(), Accounts.escrow(ESCROW_KIND, spec.id()), OPEN, now, txId, now, txId);
        state.write(key, auction);
        ctx.getStub().setEvent("AuctionOpened", Canonical.bytes(auction));
        return auction;
    }

    @Transaction(name = "GetAuction", intent = Transaction.TYPE.EVALUATE)
    public Auction getAuction(final Context ctx, final String auctionId) {
        Caller.of(ctx).requireMemberReader();
        return auction(new StateStore(ctx.getStub()), auctionId);
    }

    /** The auctions in id order, one page at a time ({@code pageSize} 1..200; bookmark from the previous page). */
    @Transaction(name = "ListAuctions", intent = Transaction.TYPE.EVALUATE)
    public AuctionPage listAuctions(final Context ctx, final long pageSize, final String bookmark) {
        Caller.of(ctx).requireMemberReader();
        if (pageSize < 1 || pageSize > MAX_PAGE) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "pageSize must be 1.." + MAX_PAGE + ", was " + pageSize);
        }
        final StateStore.Page<Auction> page = new StateStore(ctx.getStub()).valuesPage(Auction.class, (int) pageSize, bookmark, AUCTION);
        return new AuctionPage(page.items(), page.bookmark());
    }

    // ------------------------------------------------------------------ orders

    /**
     * Seals an order: it (transient {@code sealed}: {@link SealedOrder}) goes into the caller's org's
     * implicit collection. Endorse it by the caller's own peer only, so that no other org sees it;
     * then {@link #submitOrder} puts its hash on the channel. Sealing again before submitting
     * replaces the order.
     */
    @Transaction(name = "SealOrder", intent = Transaction.TYPE.SUBMIT)
    public OrderSealReceipt sealOrder(final Context ctx, final String auctionId, final String orderId) {
        final Caller caller = Caller.of(ctx);
        caller.requireMemberWriter("trade in an auction");
        final StateStore state = new StateStore(ctx.getStub());
        final long now = ctx.getStub().getTxTimestamp().toEpochMilli();
        open(state, auctionId, now);
        id(orderId, "orderId");
        final SealedOrder order = Seals.input(ctx, SealedOrder.class);
        terms(order, auctionId, orderId);
        Seals.requireSalt(order.salt());
        final Seals seals = new Seals(ctx.getStub());
        final String hash = seals.seal(caller.mspId(), seals.key(SEAL_KIND, auctionId, orderId), order);
        return new OrderSealReceipt(auctionId, orderId, caller.mspId(), Seals.collection(caller.mspId()), hash);
    }

    /**
     * Submits a sealed order: its hash, read from the channel, becomes the order's public record, paid
     * from or to the caller's identity account; its DA1 {@code submittedAt} is this transaction's time,
     * which must not be after the gate closure. Sending the same order again is a no-op.
     */
    @Transaction(name = "SubmitOrder", intent = Transaction.TYPE.SUBMIT)
    public AuctionOrder submitOrder(final Context ctx, final String auctionId, final String orderId) {
        final Caller caller = Caller.of(ctx);
        caller.requireMemberWriter("trade in an auction");
        final StateStore state = new StateStore(ctx.getStub());
        final long now = ctx.getStub().getTxTimestamp().toEpochMilli();
        open(state, auctionId, now);
        id(orderId, "orderId");
        final Seals seals = new Seals(ctx.getStub());
        final String hash = seals.sealedHash(caller.mspId(), seals.key(SEAL_KIND, auctionId, orderId)).orElseThrow(() -> Failures.fail(
                ErrorCode.NOT_FOUND, caller.mspId() + " has sealed no order " + orderId + " for auction " + auctionId
                        + " (auction:SealOrder, endorsed by its own peer, comes first)"));
        final String account = Accounts.identity(caller);
        final String key = state.key(ORDER, auctionId, orderId);
        final Optional<AuctionOrder> existing = state.read(key, AuctionOrder.class);
        if (existing.isPresent()) {
            if (existing.get().account().equals(account) && existing.get().sealHash().equals(hash)) {
                return existing.get();
            }
            throw Failures.fail(ErrorCode.ALREADY_EXISTS, "order " + orderId + " of auction " + auctionId + " already exists");
        }
        final String txId = ctx.getStub().getTxId();
        final AuctionOrder order = new AuctionOrder(auctionId, orderId, caller.mspId(), account, hash, SEALED, now, txId, null, null, null, null,
                now, txId);
        state.write(key, order);
        ctx.getStub().setEvent("AuctionOrderSubmitted", Canonical.bytes(order));
        return order;
    }

    /** Withdraws an order before the gate closure: it takes no part in the clearing. */
    @Transaction(name = "WithdrawOrder", intent = Transaction.TYPE.SUBMIT)
    public AuctionOrder withdrawOrder(final Context ctx, final String auctionId, final String orderId) {
        final Caller caller = Caller.of(ctx);
        final StateStore state = new StateStore(ctx.getStub());
        final long now = ctx.getStub().getTxTimestamp().toEpochMilli();
        open(state, auctionId, now);
        final AuctionOrder order = ownOrder(caller, state, auctionId, orderId, "withdraw");
        if (!SEALED.equals(order.status())) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "order " + orderId + " is " + order.status());
        }
        final AuctionOrder withdrawn = order.withdrawn(now, ctx.getStub().getTxId());
        state.write(state.key(ORDER, auctionId, orderId), withdrawn);
        return withdrawn;
    }

    /**
     * Reveals an order after the gate closure and until {@code revealBy}: it comes again as transient
     * {@code sealed} and must hash to what was sealed on the channel (SEAL_MISMATCH otherwise). A BUY
     * locks {@code ceilDiv(quantityWh * price, 1000)} from the order's account in the auction's escrow
     * in this transaction (INSUFFICIENT_FUNDS: a buyer who cannot pay cannot reveal).
     */
    @Transaction(name = "RevealOrder", intent = Transaction.TYPE.SUBMIT)
    public AuctionOrder revealOrder(final Context ctx, final String auctionId, final String orderId) {
        final Caller caller = Caller.of(ctx);
        final StateStore state = new StateStore(ctx.getStub());
        final TokenLedger tokens = new TokenLedger(ctx.getStub());
        final long now = tokens.now();
        final Auction auction = auction(state, auctionId);
        if (!OPEN.equals(auction.status())) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "auction " + auctionId + " is " + auction.status() + ": reveals are closed");
        }
        if (now <= auction.gateClosure()) {
            throw Failures.fail(ErrorCode.TOO_EARLY, "orders stay sealed until the gate closure " + auction.gateClosure() + "; now is " + now);
        }
        if (now > auction.revealBy()) {
            throw Failures.fail(ErrorCode.DEADLINE_PASSED, "orders had to be revealed by " + auction.revealBy() + "; now is " + now);
        }
        final AuctionOrder order = ownOrder(caller, state, auctionId, orderId, "reveal");
        if (!SEALED.equals(order.status())) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "order " + orderId + " is " + order.status());
        }
        final SealedOrder sealed = Seals.input(ctx, SealedOrder.class);
        Seals.requireMatch(sealed, order.sealHash(), "order " + orderId);
        // Checked again: the seal was endorsed by the trader's own peer alone, which may run anything.
        final long lock = terms(sealed, auctionId, orderId);
        if (lock > 0) {
            tokens.move(order.account(), auction.escrowAccount(), lock, "auction bid");
        }
        final AuctionOrder revealed = order.revealed(sealed, lock, now, tokens.txId());
        state.write(state.key(ORDER, auctionId, orderId), revealed);
        return revealed;
    }

    /** The orders of an auction: sealed ones show only their hash until revealed. */
    @Transaction(name = "ListOrders", intent = Transaction.TYPE.EVALUATE)
    public AuctionOrderList listOrders(final Context ctx, final String auctionId) {
        Caller.of(ctx).requireMemberReader();
        final StateStore state = new StateStore(ctx.getStub());
        auction(state, auctionId);
        return new AuctionOrderList(auctionId, state.values(AuctionOrder.class, ORDER, auctionId));
    }

    /** The caller's org's own sealed order (answered by its own org's peer only): what a reveal sends back. */
    @Transaction(name = "MySealedOrder", intent = Transaction.TYPE.EVALUATE)
    public SealedOrder mySealedOrder(final Context ctx, final String auctionId, final String orderId) {
        final Caller caller = Caller.of(ctx);
        caller.requireMemberWriter("read its sealed orders");
        final Seals seals = new Seals(ctx.getStub());
        return seals.read(caller.mspId(), seals.key(SEAL_KIND, auctionId, orderId), SealedOrder.class).orElseThrow(() -> Failures.fail(
                ErrorCode.NOT_FOUND, "this peer holds no order " + orderId + " sealed by " + caller.mspId() + " for auction " + auctionId));
    }

    // ------------------------------------------------------------------ clearing

    /**
     * Clears an auction by DA1 (any member, after the gate closure; before {@code revealBy} only once
     * every order not withdrawn is revealed), within the zone's capacity. Stores the exact DA1 input
     * and output; settles every trade at the clearing price: the escrow is debited once for all it
     * holds, and each account is credited once with what it sold plus the unspent part of what it
     * locked. Once only.
     */
    @Transaction(name = "ClearAuction", intent = Transaction.TYPE.SUBMIT)
    public AuctionCleared clearAuction(final Context ctx, final String auctionId) {
        final Caller caller = Caller.of(ctx);
        caller.requireMemberWriter("clear an auction");
        final StateStore state = new StateStore(ctx.getStub());
        final TokenLedger tokens = new TokenLedger(ctx.getStub());
        final long now = tokens.now();
        final Auction auction = auction(state, auctionId);
        if (!OPEN.equals(auction.status())) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "auction " + auctionId + " is already " + auction.status());
        }
        if (now <= auction.gateClosure()) {
            throw Failures.fail(ErrorCode.TOO_EARLY, "auction " + auctionId + " takes orders until " + auction.gateClosure() + "; now is " + now);
        }
        final List<Da1Order> inputOrders = new ArrayList<>();
        final List<Da1.Order> orders = new ArrayList<>();
        final Map<String, AuctionOrder> revealed = new HashMap<>();
        final List<String> unrevealed = new ArrayList<>();
        long escrow = 0;
        for (final AuctionOrder o : state.values(AuctionOrder.class, ORDER, auctionId)) {
            if (REVEALED.equals(o.status())) {
                inputOrders.add(new Da1Order(o.orderId(), o.side(), o.quantityWh(), o.price(), o.submittedAt()));
                orders.add(new Da1.Order(o.orderId(), spec(() -> Da1.Side.parse(o.side())), o.quantityWh(), o.price(), o.submittedAt()));
                revealed.put(o.orderId(), o);
                escrow = add(escrow, o.locked());
            } else if (SEALED.equals(o.status())) {
                unrevealed.add(o.orderId());
            }
        }
        if (!unrevealed.isEmpty() && now <= auction.revealBy()) {
            throw Failures.fail(ErrorCode.TOO_EARLY, unrevealed.size() + " orders (" + head(unrevealed) + ") may still be revealed until "
                    + auction.revealBy() + "; clear after that, or once every order is revealed");
        }
        final Da1.Result result = spec(() -> Da1.clear(orders, auction.capacityWh()));
        if (result.volumeWh() > auction.capacityWh()) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "DA1 matched " + result.volumeWh() + " Wh, more than the capacity " + auction.capacityWh());
        }

        // Settlement: sellers paid per trade at the clearing price, buyers refunded the rest of their lock.
        final Map<String, Long> spent = new HashMap<>();
        final Map<String, long[]> byAccount = new TreeMap<>();   // account -> {paid, refund}
        final List<Da1Trade> trades = new ArrayList<>(result.trades().size());
        for (final Da1.Trade t : result.trades()) {
            trades.add(new Da1Trade(t.buyId(), t.sellId(), t.quantityWh()));
            final long cost = Math.floorDiv(multiply(t.quantityWh(), result.clearingPrice()), 1000L);
            spent.merge(t.buyId(), cost, AuctionContract::add);
            final long[] seller = byAccount.computeIfAbsent(revealed.get(t.sellId()).account(), a -> new long[2]);
            seller[0] = add(seller[0], cost);
        }
        for (final AuctionOrder o : revealed.values()) {
            if (o.locked() > 0) {
                final long refund = o.locked() - spent.getOrDefault(o.orderId(), 0L);
                if (refund < 0) {
                    throw Failures.fail(ErrorCode.INVALID_STATE, "order " + o.orderId() + " locked " + o.locked() + " but its trades cost more");
                }
                final long[] buyer = byAccount.computeIfAbsent(o.account(), a -> new long[2]);
                buyer[1] = add(buyer[1], refund);
            }
        }
        final List<AuctionCredit> credits = new ArrayList<>();
        long credited = 0;
        for (final Map.Entry<String, long[]> e : byAccount.entrySet()) {
            final long amount = add(e.getValue()[0], e.getValue()[1]);
            if (amount > 0) {
                credits.add(new AuctionCredit(e.getKey(), e.getValue()[0], e.getValue()[1]));
                credited = add(credited, amount);
            }
        }
        if (credited != escrow) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "auction " + auctionId + " would release " + credited + " of the " + escrow + " it holds");
        }
        if (escrow > 0) {
            // One debit of the escrow (its rows compact), one credit per account: an account changes once.
            tokens.debit(auction.escrowAccount(), escrow, "auction clearing", "");
            for (final AuctionCredit c : credits) {
                tokens.credit(c.account(), c.paid() + c.refund(), c.paid() > 0 ? "auction sale" : "auction refund", auction.escrowAccount());
            }
        }
        final Da1Output output = new Da1Output(result.clearingPrice(), result.volumeWh(), trades.toArray(new Da1Trade[0]));
        final AuctionClearing record = new AuctionClearing(auctionId, new Da1Input(inputOrders.toArray(new Da1Order[0]), auction.capacityWh()),
                output, unrevealed.toArray(new String[0]), escrow, credits.toArray(new AuctionCredit[0]), caller.mspId(), now, tokens.txId());
        state.write(state.key(CLEARING, auctionId), record);
        state.write(state.key(AUCTION, auctionId), auction.cleared(now, tokens.txId()));
        final AuctionCleared summary = new AuctionCleared(auctionId, result.clearingPrice(), result.volumeWh(), trades.size(), inputOrders.size(),
                unrevealed.size(), escrow, now, tokens.txId());
        tokens.emit("AuctionCleared", summary);
        return summary;
    }

    @Transaction(name = "GetClearing", intent = Transaction.TYPE.EVALUATE)
    public AuctionClearing getClearing(final Context ctx, final String auctionId) {
        Caller.of(ctx).requireMemberReader();
        final StateStore state = new StateStore(ctx.getStub());
        auction(state, auctionId);
        return state.read(state.key(CLEARING, auctionId), AuctionClearing.class)
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "auction " + auctionId + " is not cleared yet"));
    }

    // ------------------------------------------------------------------ rules

    private static Auction auction(final StateStore state, final String auctionId) {
        id(auctionId, "auctionId");
        return state.read(state.key(AUCTION, auctionId), Auction.class)
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "no auction " + auctionId));
    }

    /** The auction, taking orders at {@code now}: OPEN and not past its gate closure. */
    private static Auction open(final StateStore state, final String auctionId, final long now) {
        final Auction auction = auction(state, auctionId);
        if (!OPEN.equals(auction.status())) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "auction " + auctionId + " is " + auction.status());
        }
        if (now > auction.gateClosure()) {
            throw Failures.fail(ErrorCode.DEADLINE_PASSED, "auction " + auctionId + " took orders until its gate closure " + auction.gateClosure()
                    + "; now is " + now);
        }
        return auction;
    }

    /**
     * Checks a sealed order's terms: it names this auction and order, a side, a positive quantity and
     * price, and its value fits a long. Returns what a BUY locks, {@code ceilDiv(quantityWh * price,
     * 1000)} (price per kWh, quantity in Wh), or 0 for a SELL.
     */
    private static long terms(final SealedOrder order, final String auctionId, final String orderId) {
        if (!auctionId.equals(order.auctionId()) || !orderId.equals(order.orderId())) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "the sealed order names auction " + order.auctionId() + " order " + order.orderId()
                    + ", not " + auctionId + " " + orderId);
        }
        final Da1.Side side = spec(() -> Da1.Side.parse(order.side()));
        if (order.quantityWh() <= 0 || order.price() <= 0) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "an order's quantityWh and price (token units per kWh) must be positive, were "
                    + order.quantityWh() + " and " + order.price());
        }
        final long value = multiply(order.quantityWh(), order.price());
        return side == Da1.Side.BUY ? -Math.floorDiv(-value, 1000L) : 0;
    }

    /** The caller's own order: only the identity whose account it is (an admin or client) withdraws or reveals it. */
    private static AuctionOrder ownOrder(final Caller caller, final StateStore state, final String auctionId, final String orderId,
            final String action) {
        caller.requireMemberWriter(action + " an order");
        id(orderId, "orderId");
        final AuctionOrder order = state.read(state.key(ORDER, auctionId, orderId), AuctionOrder.class)
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "auction " + auctionId + " has no order " + orderId));
        if (!order.account().equals(Accounts.identity(caller))) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "order " + orderId + " belongs to account " + order.account() + " of " + order.trader()
                    + ": only the identity that submitted it may " + action + " it");
        }
        return order;
    }

    private static long multiply(final long a, final long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw Failures.fail(ErrorCode.OVERFLOW, a + " × " + b + " does not fit a 64-bit integer");
        }
    }

    private static long add(final long a, final long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw Failures.fail(ErrorCode.OVERFLOW, a + " + " + b + " does not fit a 64-bit integer");
        }
    }

    private static String head(final List<String> ids) {
        return ids.size() <= 5 ? String.join(", ", ids) : String.join(", ", ids.subList(0, 5)) + ", …";
    }

    private static String id(final String value, final String field) {
        if (value == null || !ID.matcher(value).matches()) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, field + " must be 1..64 letters, digits, '.', '_' or '-' (starting with a letter or digit), was "
                    + (value == null ? "missing" : "'" + value + "'"));
        }
        return value;
    }

    private static <T> T spec(final java.util.function.Supplier<T> computation) {
        try {
            return computation.get();
        } catch (SpecException e) {
            throw Failures.from(e);
        }
    }
}
