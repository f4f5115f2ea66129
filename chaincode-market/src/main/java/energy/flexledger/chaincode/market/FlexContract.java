package energy.flexledger.chaincode.market;

import energy.flexledger.chaincode.Caller;
import energy.flexledger.chaincode.CanonicalSerializer;
import energy.flexledger.chaincode.CheckedContract;
import energy.flexledger.chaincode.Failures;
import energy.flexledger.chaincode.Member;
import energy.flexledger.chaincode.MemberRole;
import energy.flexledger.chaincode.Role;
import energy.flexledger.chaincode.StateStore;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Mk1;
import energy.flexledger.spec.SpecException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.contract.annotation.Contract;
import org.hyperledger.fabric.contract.annotation.Info;
import org.hyperledger.fabric.contract.annotation.License;
import org.hyperledger.fabric.contract.annotation.Transaction;

/**
 * The flexibility marketplace (MK1, decision 0017), called as {@code flex:<Transaction>}. A DSO posts a
 * request for a zone it operates and locks its escrow in the same transaction; providers (members
 * holding CPO or AGGREGATOR) seal offers before the deadline and reveal them after it; anyone clears
 * once the offers are in, which fixes the awards and returns the unused escrow at once. Every time is
 * the transaction's timestamp; every figure of a clearing is stored with the exact MK1 input.
 */
@Contract(
        name = "flex",
        transactionSerializer = CanonicalSerializer.NAME,
        info = @Info(title = "FlexLedger flexibility marketplace", description = "DSO requests, sealed offers, MK1 clearing, escrow",
                version = "0.1.0", license = @License(name = "Apache-2.0")))
public final class FlexContract extends CheckedContract {
    static final String REQUEST = "flex.request";
    static final String OFFER = "flex.offer";
    static final String CLEARING = "flex.clearing";
    static final String PAYMENT = "flex.payment";
    static final String PAID = "PAID";
    /** The chaincode that measures delivered energy. */
    static final String DR = "dr";
    static final String OPEN = "OPEN";
    /** Reveals have begun: from the first reveal on, the request takes no more offers, whatever a proposal's time says. */
    static final String REVEALING = "REVEALING";
    /** After the window, data not certified within this time counts as nothing delivered (so a payment cannot be blocked for ever). */
    static final long GRACE_MS = 7 * 86_400_000L;
    static final String CLEARED = "CLEARED";
    static final String SEALED = "SEALED";
    static final String REVEALED = "REVEALED";
    static final String WITHDRAWN = "WITHDRAWN";
    /** The escrow kind of a request: {@code escrow:flex:<requestId>}. */
    static final String ESCROW_KIND = "flex";
    /** Delivery windows are whole quarter-hours: the finest interval the meters certify. */
    static final long WINDOW_STEP_MS = 15 * 60_000L;
    static final int MAX_ASSETS = 16;
    static final int MAX_PAGE = 200;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    // ------------------------------------------------------------------ requests

    /**
     * A DSO's request for flexibility in a zone it operates; its escrow, MK1's
     * {@code ceilDiv(quantityWh * maxPrice, 1000)}, moves from {@code payer} (an account the caller
     * controls) into {@code escrow:flex:<id>} in this transaction.
     */
    @Transaction(name = "PostRequest", intent = Transaction.TYPE.SUBMIT)
    public FlexRequest postRequest(final Context ctx, final FlexRequestSpec spec) {
        final Caller caller = Caller.of(ctx);
        final Member dso = caller.requireRole(MemberRole.DSO, "post a flexibility request");
        final TokenLedger tokens = new TokenLedger(ctx.getStub());
        final StateStore state = new StateStore(ctx.getStub());
        final long now = tokens.now();
        if (spec == null) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "the request's terms are missing");
        }
        id(spec.id(), "id");
        id(spec.zone(), "zone");
        if (!dso.operates(spec.zone())) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, caller.mspId() + " does not operate zone " + spec.zone() + " (zones on the ledger: "
                    + Arrays.toString(dso.zones()) + ")");
        }
        if (spec.maxPrice() <= 0) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "maxPrice must be a positive number of token units per kWh, was " + spec.maxPrice());
        }
        final Mk1.Mode mode = spec(() -> Mk1.Mode.parse(spec.mode()));
        final Mk1.Request mk1 = spec(() -> new Mk1.Request(spec.id(), spec.quantityWh(), spec.maxPrice(), spec.deadline(), mode));
        if (spec.deadline() <= now) {
            throw Failures.fail(ErrorCode.DEADLINE_PASSED, "the deadline " + spec.deadline() + " is not after this transaction's time " + now);
        }
        if (spec.revealBy() <= spec.deadline()) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "revealBy must be after the deadline (offers are revealed between the two)");
        }
        if (spec.windowStart() < spec.revealBy() || spec.windowEnd() <= spec.windowStart()) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "the delivery window must start at or after revealBy and end after it starts");
        }
        if (spec.windowStart() % WINDOW_STEP_MS != 0 || spec.windowEnd() % WINDOW_STEP_MS != 0) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "the delivery window must start and end on whole quarter-hours (UTC epoch ms divisible by "
                    + WINDOW_STEP_MS + ")");
        }
        Accounts.require(spec.payer(), "payer");
        Accounts.requireControl(caller, spec.payer(), "lock escrow");
        tokens.requireInfo();
        id(spec.baselineProgram(), "baselineProgram");
        // chaincode-dr must be able to measure this window under the program's terms (its slots, one local day), or the
        // escrow could never be paid out: it says so now (MISALIGNED, BAD_REQUEST, NOT_FOUND).
        callDr(ctx, "CheckWindow", spec.baselineProgram(), Long.toString(spec.windowStart()), Long.toString(spec.windowEnd()));
        final String key = state.key(REQUEST, spec.id());
        if (state.read(key, FlexRequest.class).isPresent()) {
            throw Failures.fail(ErrorCode.ALREADY_EXISTS, "flexibility request " + spec.id() + " already exists");
        }
        final long escrow = spec(mk1::escrow);
        final String escrowAccount = Accounts.escrow(ESCROW_KIND, spec.id());
        tokens.move(spec.payer(), escrowAccount, escrow, "escrow");
        final FlexRequest request = new FlexRequest(spec.id(), spec.zone(), spec.quantityWh(), spec.maxPrice(), spec.deadline(), spec.revealBy(),
                spec.windowStart(), spec.windowEnd(), mode.name(), caller.mspId(), spec.payer(), escrowAccount, spec.baselineProgram(), escrow, OPEN, now, tokens.txId(),
                now, tokens.txId());
        state.write(key, request);
        tokens.emit("FlexRequestPosted", request);
        return request;
    }

    @Transaction(name = "GetRequest", intent = Transaction.TYPE.EVALUATE)
    public FlexRequest getRequest(final Context ctx, final String requestId) {
        Caller.of(ctx).requireMemberReader();
        return request(new StateStore(ctx.getStub()), requestId);
    }

    /** The requests in id order, one page at a time ({@code pageSize} 1..200; bookmark from the previous page). */
    @Transaction(name = "ListRequests", intent = Transaction.TYPE.EVALUATE)
    public FlexRequestPage listRequests(final Context ctx, final long pageSize, final String bookmark) {
        Caller.of(ctx).requireMemberReader();
        if (pageSize < 1 || pageSize > MAX_PAGE) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "pageSize must be 1.." + MAX_PAGE + ", was " + pageSize);
        }
        final StateStore.Page<FlexRequest> page = new StateStore(ctx.getStub()).valuesPage(FlexRequest.class, (int) pageSize, bookmark, REQUEST);
        return new FlexRequestPage(page.items(), page.bookmark());
    }

    // ------------------------------------------------------------------ offers

    /**
     * Seals an offer: the bid (transient {@code sealed}: {@link SealedOffer}) goes into the caller's
     * org's implicit collection. Endorse it by the caller's own peer only, so that no other org sees
     * the bid; then {@link #submitOffer} puts its hash on the channel. Sealing again before submitting
     * replaces the bid.
     */
    @Transaction(name = "SealOffer", intent = Transaction.TYPE.SUBMIT)
    public SealReceipt sealOffer(final Context ctx, final String requestId, final String offerId) {
        final Caller caller = Caller.of(ctx);
        provider(caller, "offer flexibility");
        final StateStore state = new StateStore(ctx.getStub());
        final long now = ctx.getStub().getTxTimestamp().toEpochMilli();
        final FlexRequest request = open(state, requestId, now);
        id(offerId, "offerId");
        final SealedOffer bid = Seals.input(ctx, SealedOffer.class);
        requireWellFormed(bid, requestId, offerId);
        notOwnRequest(caller, request);
        if (state.read(state.key(OFFER, requestId, offerId), FlexOffer.class).isPresent()) {
            // Its hash is on the channel: a new bid under the same id could never be revealed.
            throw Failures.fail(ErrorCode.ALREADY_EXISTS, "offer " + offerId + " of request " + requestId + " is already submitted");
        }
        final Seals seals = new Seals(ctx.getStub());
        final String hash = seals.seal(caller.mspId(), seals.key(OFFER, requestId, offerId), bid);
        return new SealReceipt(requestId, offerId, caller.mspId(), Seals.collection(caller.mspId()), hash);
    }

    /**
     * Submits a sealed offer: its hash, read from the channel (no other peer needs the bid), becomes
     * the offer's public record; its MK1 {@code submittedAt} is this transaction's time, which must
     * not be after the deadline. Sending the same offer again is a no-op.
     */
    @Transaction(name = "SubmitOffer", intent = Transaction.TYPE.SUBMIT)
    public FlexOffer submitOffer(final Context ctx, final String requestId, final String offerId) {
        final Caller caller = Caller.of(ctx);
        provider(caller, "offer flexibility");
        final StateStore state = new StateStore(ctx.getStub());
        final long now = ctx.getStub().getTxTimestamp().toEpochMilli();
        final FlexRequest request = open(state, requestId, now);
        id(offerId, "offerId");
        notOwnRequest(caller, request);
        final Seals seals = new Seals(ctx.getStub());
        final String hash = seals.sealedHash(caller.mspId(), seals.key(OFFER, requestId, offerId)).orElseThrow(() -> Failures.fail(
                ErrorCode.NOT_FOUND, caller.mspId() + " has sealed no offer " + offerId + " for request " + requestId
                        + " (flex:SealOffer, endorsed by its own peer, comes first)"));
        final String key = state.key(OFFER, requestId, offerId);
        final Optional<FlexOffer> existing = state.read(key, FlexOffer.class);
        if (existing.isPresent()) {
            if (existing.get().provider().equals(caller.mspId()) && existing.get().sealHash().equals(hash)) {
                return existing.get();
            }
            throw Failures.fail(ErrorCode.ALREADY_EXISTS, "offer " + offerId + " of request " + requestId + " already exists");
        }
        final String txId = ctx.getStub().getTxId();
        final FlexOffer offer = new FlexOffer(requestId, offerId, caller.mspId(), Accounts.org(caller.mspId()), hash, SEALED, now, txId, null,
                null, null, now, txId);
        state.write(key, offer);
        ctx.getStub().setEvent("FlexOfferSubmitted", energy.flexledger.spec.Canonical.bytes(offer));
        return offer;
    }

    /** Withdraws an offer before the deadline: it takes no part in the clearing. */
    @Transaction(name = "WithdrawOffer", intent = Transaction.TYPE.SUBMIT)
    public FlexOffer withdrawOffer(final Context ctx, final String requestId, final String offerId) {
        final Caller caller = Caller.of(ctx);
        final StateStore state = new StateStore(ctx.getStub());
        final long now = ctx.getStub().getTxTimestamp().toEpochMilli();
        open(state, requestId, now);
        final FlexOffer offer = ownOffer(caller, state, requestId, offerId, "withdraw");
        if (!SEALED.equals(offer.status())) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "offer " + offerId + " is " + offer.status());
        }
        final FlexOffer withdrawn = offer.withdrawn(now, ctx.getStub().getTxId());
        state.write(state.key(OFFER, requestId, offerId), withdrawn);
        return withdrawn;
    }

    /**
     * Reveals an offer after the deadline and until {@code revealBy}: the bid comes again as transient
     * {@code sealed} and must hash to what was sealed on the channel (SEAL_MISMATCH otherwise).
     */
    @Transaction(name = "RevealOffer", intent = Transaction.TYPE.SUBMIT)
    public FlexOffer revealOffer(final Context ctx, final String requestId, final String offerId) {
        final Caller caller = Caller.of(ctx);
        final StateStore state = new StateStore(ctx.getStub());
        final long now = ctx.getStub().getTxTimestamp().toEpochMilli();
        final FlexRequest request = request(state, requestId);
        if (!OPEN.equals(request.status()) && !REVEALING.equals(request.status())) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "request " + requestId + " is " + request.status() + ": reveals are closed");
        }
        if (now <= request.deadline()) {
            throw Failures.fail(ErrorCode.TOO_EARLY, "offers stay sealed until the deadline " + request.deadline() + "; now is " + now);
        }
        if (now > request.revealBy()) {
            throw Failures.fail(ErrorCode.DEADLINE_PASSED, "offers had to be revealed by " + request.revealBy() + "; now is " + now);
        }
        final FlexOffer offer = ownOffer(caller, state, requestId, offerId, "reveal");
        if (!SEALED.equals(offer.status())) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "offer " + offerId + " is " + offer.status());
        }
        final SealedOffer bid = Seals.input(ctx, SealedOffer.class);
        Seals.requireMatch(bid, offer.sealHash(), "offer " + offerId);
        requireWellFormed(bid, requestId, offerId);
        final FlexOffer revealed = offer.revealed(bid, now, ctx.getStub().getTxId());
        state.write(state.key(OFFER, requestId, offerId), revealed);
        if (OPEN.equals(request.status())) {
            // The first reveal closes the request to offers by state, not by time: a submission stamped before the deadline but
            // sent after prices became public reads this key and is refused (or invalidated, if endorsed before this commits).
            state.write(state.key(REQUEST, requestId), request.withStatus(REVEALING, now, ctx.getStub().getTxId()));
        }
        return revealed;
    }

    /** The offers of a request: sealed ones show only their hash until revealed. */
    @Transaction(name = "ListOffers", intent = Transaction.TYPE.EVALUATE)
    public FlexOfferList listOffers(final Context ctx, final String requestId) {
        Caller.of(ctx).requireMemberReader();
        final StateStore state = new StateStore(ctx.getStub());
        request(state, requestId);
        return new FlexOfferList(requestId, state.values(FlexOffer.class, OFFER, requestId));
    }

    /** The caller's own sealed bid (answered by its own org's peer only): what a reveal sends back. */
    @Transaction(name = "MySealedOffer", intent = Transaction.TYPE.EVALUATE)
    public SealedOffer mySealedOffer(final Context ctx, final String requestId, final String offerId) {
        final Caller caller = Caller.of(ctx);
        caller.requireMemberWriter("read its sealed offers");
        final Seals seals = new Seals(ctx.getStub());
        return seals.read(caller.mspId(), seals.key(OFFER, requestId, offerId), SealedOffer.class).orElseThrow(() -> Failures.fail(
                ErrorCode.NOT_FOUND, "this peer holds no offer " + offerId + " sealed by " + caller.mspId() + " for request " + requestId));
    }

    // ------------------------------------------------------------------ clearing

    /**
     * Clears a request by MK1 (any member, after the deadline; before {@code revealBy} only once every
     * offer not withdrawn is revealed). Stores the exact MK1 input and output and returns
     * {@code refundAtClearing} from the escrow to the payer in the same transaction. Once only.
     */
    @Transaction(name = "ClearRequest", intent = Transaction.TYPE.SUBMIT)
    public FlexClearing clearRequest(final Context ctx, final String requestId) {
        final Caller caller = Caller.of(ctx);
        caller.requireMemberWriter("clear a flexibility request");
        final StateStore state = new StateStore(ctx.getStub());
        final TokenLedger tokens = new TokenLedger(ctx.getStub());
        final long now = tokens.now();
        final FlexRequest request = request(state, requestId);
        if (!OPEN.equals(request.status()) && !REVEALING.equals(request.status())) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "request " + requestId + " is already " + request.status());
        }
        if (now <= request.deadline()) {
            throw Failures.fail(ErrorCode.TOO_EARLY, "request " + requestId + " takes offers until " + request.deadline() + "; now is " + now);
        }
        final List<Mk1Offer> revealed = new ArrayList<>();
        final List<Mk1.Offer> offers = new ArrayList<>();
        final List<String> unrevealed = new ArrayList<>();
        for (final FlexOffer o : state.values(FlexOffer.class, OFFER, requestId)) {
            if (REVEALED.equals(o.status())) {
                revealed.add(new Mk1Offer(o.offerId(), o.quantityWh(), o.price(), o.submittedAt()));
                offers.add(new Mk1.Offer(o.offerId(), o.quantityWh(), o.price(), o.submittedAt()));
            } else if (SEALED.equals(o.status())) {
                unrevealed.add(o.offerId());
            }
        }
        if (!unrevealed.isEmpty() && now <= request.revealBy()) {
            throw Failures.fail(ErrorCode.TOO_EARLY, "offers " + unrevealed + " may still be revealed until " + request.revealBy()
                    + "; clear after that, or once every offer is revealed");
        }
        final Mk1Request mk1Request = new Mk1Request(request.id(), request.quantityWh(), request.maxPrice(), request.deadline(), request.mode());
        final Mk1.Clearing clearing = spec(() -> Mk1.clear(new Mk1.Request(request.id(), request.quantityWh(), request.maxPrice(),
                request.deadline(), Mk1.Mode.parse(request.mode())), offers));
        if (clearing.escrow() != request.escrow()) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "request " + requestId + " locked " + request.escrow() + " but MK1 says " + clearing.escrow());
        }
        final List<Mk1Award> awards = new ArrayList<>();
        for (final Mk1.Award a : clearing.awards()) {
            awards.add(new Mk1Award(a.offerId(), a.quantityWh(), a.price(), a.cost()));
        }
        final Mk1Output output = new Mk1Output(clearing.status().name(), clearing.escrow(), clearing.reserved(), clearing.refundAtClearing(),
                clearing.awardedWh(), awards.toArray(new Mk1Award[0]));
        if (clearing.refundAtClearing() > 0) {
            tokens.move(request.escrowAccount(), request.payer(), clearing.refundAtClearing(), "refund");
        }
        final FlexClearing record = new FlexClearing(requestId, new Mk1Input(mk1Request, revealed.toArray(new Mk1Offer[0])), output,
                unrevealed.toArray(new String[0]), request.payer(), caller.mspId(), now, tokens.txId());
        state.write(state.key(CLEARING, requestId), record);
        state.write(state.key(REQUEST, requestId), request.withStatus(CLEARED, now, tokens.txId()));
        tokens.emit("FlexRequestCleared", record);
        return record;
    }

    @Transaction(name = "GetClearing", intent = Transaction.TYPE.EVALUATE)
    public FlexClearing getClearing(final Context ctx, final String requestId) {
        Caller.of(ctx).requireMemberReader();
        final StateStore state = new StateStore(ctx.getStub());
        request(state, requestId);
        return state.read(state.key(CLEARING, requestId), FlexClearing.class)
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "request " + requestId + " is not cleared yet"));
    }

    // ------------------------------------------------------------------ payment

    /**
     * Pays a cleared request after its delivery window, once (MK1 step 5): chaincode-dr measures what
     * every awarded offer's assets delivered against their BL1 baselines under the request's baseline
     * program (one call; the caller must read every awarded asset's data — the requester, as the DSO
     * that keeps its zone's meter data, always can); an asset counts when it lies in the request's
     * zone and its owner is the provider or is represented by it. The winners are paid from the escrow
     * and the rest returns to the payer, in this transaction; every figure is stored.
     */
    @Transaction(name = "PayRequest", intent = Transaction.TYPE.SUBMIT)
    public FlexPayment payRequest(final Context ctx, final String requestId) {
        final Caller caller = Caller.of(ctx);
        caller.requireMemberWriter("pay a flexibility request");
        final StateStore state = new StateStore(ctx.getStub());
        final TokenLedger tokens = new TokenLedger(ctx.getStub());
        final long now = tokens.now();
        final FlexRequest request = request(state, requestId);
        if (PAID.equals(request.status())) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "request " + requestId + " is already paid");
        }
        if (!CLEARED.equals(request.status())) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "request " + requestId + " is " + request.status() + ": clear it first");
        }
        if (now < request.windowEnd()) {
            throw Failures.fail(ErrorCode.TOO_EARLY, "request " + requestId + "'s delivery window ends at " + request.windowEnd() + "; now is " + now);
        }
        final FlexClearing clearing = state.read(state.key(CLEARING, requestId), FlexClearing.class)
                .orElseThrow(() -> Failures.fail(ErrorCode.INVALID_STATE, "request " + requestId + " is CLEARED but has no clearing"));
        final java.util.Map<String, FlexOffer> offers = new java.util.LinkedHashMap<>();
        final java.util.Set<String> assets = new java.util.TreeSet<>();
        for (final Mk1Award a : clearing.output().awards()) {
            final FlexOffer offer = state.read(state.key(OFFER, requestId, a.offerId()), FlexOffer.class)
                    .orElseThrow(() -> Failures.fail(ErrorCode.INVALID_STATE, "awarded offer " + a.offerId() + " is missing"));
            offers.put(a.offerId(), offer);
            assets.addAll(Arrays.asList(offer.assets()));
        }
        final java.util.Map<String, energy.flexledger.spec.Json.Obj> measured = new java.util.HashMap<>();
        if (!assets.isEmpty()) {
            for (final Object item : deliveries(ctx, request, new ArrayList<>(assets))) {
                final energy.flexledger.spec.Json.Obj d = energy.flexledger.spec.Json.Obj.of(item, "delivery");
                measured.put(d.getString("assetId"), d);
            }
        }
        // Data still missing: wait for it during the grace period; after it, what is missing counts as nothing delivered.
        for (final energy.flexledger.spec.Json.Obj d : measured.values()) {
            if (ErrorCode.INCOMPLETE_DATA.name().equals(d.toMap().get("error")) && now < request.windowEnd() + GRACE_MS) {
                throw Failures.fail(ErrorCode.INCOMPLETE_DATA, "asset " + d.getString("assetId") + " has not certified the whole window yet: "
                        + d.toMap().get("message") + "; after " + (request.windowEnd() + GRACE_MS) + " it counts as nothing delivered");
            }
        }
        final energy.flexledger.chaincode.Consortium consortium = caller.consortium();
        final java.util.Map<String, Long> delivered = new java.util.HashMap<>();
        final java.util.Map<String, String> countedFor = new java.util.HashMap<>();
        final List<OfferDelivery> deliveries = new ArrayList<>();
        for (final FlexOffer offer : offers.values()) {
            long wh = 0;
            final List<MeasuredAsset> measuredAssets = new ArrayList<>();
            for (final String assetId : offer.assets()) {
                final energy.flexledger.spec.Json.Obj d = measured.get(assetId);
                final java.util.Map<String, Object> m = d.toMap();
                final String owner = String.valueOf(m.getOrDefault("ownerMsp", ""));
                final String zone = String.valueOf(m.getOrDefault("zone", ""));
                final long assetWh = m.get("error") != null ? 0 : d.getLong("deliveredWh");
                final String note = m.get("error") != null ? "not measured: " + m.get("error") + " " + m.get("message")
                        : !zone.equals(request.zone()) ? "not in zone " + request.zone()
                        : !(owner.equals(offer.provider()) || consortium.representativesOf(owner).contains(offer.provider()))
                                ? "neither owned nor represented by " + offer.provider()
                        : countedFor.containsKey(assetId) ? "counted for offer " + countedFor.get(assetId) : "";
                final boolean counted = note.isEmpty();
                if (counted) {
                    wh = Math.addExact(wh, assetWh);
                    countedFor.put(assetId, offer.offerId());
                }
                measuredAssets.add(new MeasuredAsset(assetId, owner, zone, assetWh, counted, note,
                        String.valueOf(m.getOrDefault("baselineInputHash", ""))));
            }
            delivered.put(offer.offerId(), wh);
            deliveries.add(new OfferDelivery(offer.offerId(), wh, measuredAssets.toArray(new MeasuredAsset[0])));
        }
        final List<Mk1.Offer> mk1Offers = new ArrayList<>();
        for (final Mk1Offer o : clearing.input().offers()) {
            mk1Offers.add(new Mk1.Offer(o.id(), o.quantityWh(), o.price(), o.submittedAt()));
        }
        final Mk1Request r = clearing.input().request();
        final Mk1.Clearing recleared = spec(() -> Mk1.clear(new Mk1.Request(r.id(), r.quantityWh(), r.maxPrice(), r.deadline(), Mk1.Mode.parse(r.mode())),
                mk1Offers));
        final Mk1.Delivery delivery = spec(() -> recleared.pay(delivered));
        // One debit of the escrow (what the clearing reserved), one credit per account.
        final java.util.Map<String, Long> credits = new java.util.TreeMap<>();
        final List<Mk1Payment> payments = new ArrayList<>();
        long paidTotal = 0;
        for (final Mk1.Payment p : delivery.payments()) {
            payments.add(new Mk1Payment(p.offerId(), p.paid()));
            if (p.paid() > 0) {
                credits.merge(offers.get(p.offerId()).payTo(), p.paid(), Math::addExact);
            }
            paidTotal = Math.addExact(paidTotal, p.paid());
        }
        if (delivery.refundAtDelivery() > 0) {
            credits.merge(request.payer(), delivery.refundAtDelivery(), Math::addExact);
        }
        final long reserved = Math.addExact(paidTotal, delivery.refundAtDelivery());
        if (reserved != clearing.output().reserved()) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "payments and refund (" + reserved + ") differ from what clearing reserved ("
                    + clearing.output().reserved() + ")");
        }
        if (reserved > 0) {
            tokens.debit(request.escrowAccount(), reserved, "payment", "");
            for (final java.util.Map.Entry<String, Long> c : credits.entrySet()) {
                tokens.credit(c.getKey(), c.getValue(), c.getKey().equals(request.payer()) ? "refund" : "payment", request.escrowAccount());
            }
        }
        final FlexPayment payment = new FlexPayment(requestId, clearing.input(), deliveries.toArray(new OfferDelivery[0]),
                payments.toArray(new Mk1Payment[0]), delivery.refundAtDelivery(), request.payer(), request.baselineProgram(), caller.mspId(), now,
                tokens.txId());
        state.write(state.key(PAYMENT, requestId), payment);
        state.write(state.key(REQUEST, requestId), request.withStatus(PAID, now, tokens.txId()));
        tokens.emit("FlexRequestPaid", payment);
        return payment;
    }

    @Transaction(name = "GetPayment", intent = Transaction.TYPE.EVALUATE)
    public FlexPayment getPayment(final Context ctx, final String requestId) {
        Caller.of(ctx).requireMemberReader();
        final StateStore state = new StateStore(ctx.getStub());
        request(state, requestId);
        return state.read(state.key(PAYMENT, requestId), FlexPayment.class)
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "request " + requestId + " is not paid yet"));
    }

    /** chaincode-dr's measurement of the assets' delivery in the request's window (one call). */
    private static List<?> deliveries(final Context ctx, final FlexRequest request, final List<String> assets) {
        final energy.flexledger.spec.Json.Obj out = callDr(ctx, "MeasureDeliveries", request.baselineProgram(),
                energy.flexledger.spec.Json.write(assets), Long.toString(request.windowStart()), Long.toString(request.windowEnd()));
        return out.getList("assets");
    }

    private static energy.flexledger.spec.Json.Obj callDr(final Context ctx, final String... args) {
        return energy.flexledger.spec.Json.Obj.of(energy.flexledger.spec.Json.parse(
                energy.flexledger.chaincode.ChaincodeCall.call(ctx.getStub(), DR, args)), DR + " " + args[0]);
    }

    // ------------------------------------------------------------------ rules

    private static FlexRequest request(final StateStore state, final String requestId) {
        id(requestId, "requestId");
        return state.read(state.key(REQUEST, requestId), FlexRequest.class)
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "no flexibility request " + requestId));
    }

    /** The request, taking offers at {@code now}: OPEN and not past its deadline. */
    private static FlexRequest open(final StateStore state, final String requestId, final long now) {
        final FlexRequest request = request(state, requestId);
        if (!OPEN.equals(request.status())) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "request " + requestId + " is " + request.status());
        }
        if (now > request.deadline()) {
            throw Failures.fail(ErrorCode.DEADLINE_PASSED, "request " + requestId + " took offers until " + request.deadline() + "; now is " + now);
        }
        return request;
    }

    /** A writer of a member holding CPO or AGGREGATOR: the providers of flexibility. */
    private static Member provider(final Caller caller, final String action) {
        final Member org = caller.requireMemberWriter(action);
        if (!org.has(MemberRole.CPO) && !org.has(MemberRole.AGGREGATOR)) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, caller.mspId() + " may not " + action + ": it holds neither CPO nor AGGREGATOR in the "
                    + "consortium (roles: " + org.roleList() + ")");
        }
        return org;
    }

    /** A requester does not offer on its own request: it would pay itself out of its own escrow. */
    private static void notOwnRequest(final Caller caller, final FlexRequest request) {
        if (caller.mspId().equals(request.requester())) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, caller.mspId() + " posted request " + request.id() + " and may not offer on it");
        }
    }

    /** The caller's org's offer (a writer of the provider org). */
    private static FlexOffer ownOffer(final Caller caller, final StateStore state, final String requestId, final String offerId,
            final String action) {
        caller.requireMemberWriter(action + " an offer");
        id(offerId, "offerId");
        final FlexOffer offer = state.read(state.key(OFFER, requestId, offerId), FlexOffer.class)
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "request " + requestId + " has no offer " + offerId));
        if (!offer.provider().equals(caller.mspId()) || caller.role() == Role.PEER) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "offer " + offerId + " is " + offer.provider() + "'s: " + caller.mspId() + " may not "
                    + action + " it");
        }
        return offer;
    }

    private static void assets(final String[] assets) {
        if (assets == null || assets.length == 0 || assets.length > MAX_ASSETS) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "an offer names 1.." + MAX_ASSETS + " assets that will deliver, had "
                    + (assets == null ? 0 : assets.length));
        }
        final java.util.Set<String> seen = new java.util.HashSet<>();
        for (final String a : assets) {
            if (!seen.add(id(a, "asset"))) {
                throw Failures.fail(ErrorCode.BAD_REQUEST, "asset " + a + " is named twice in one offer");
            }
        }
    }

    /** What SealOffer checks, checked again at reveal: the provider's own peer alone wrote the sealed value. */
    private static void requireWellFormed(final SealedOffer bid, final String requestId, final String offerId) {
        if (!requestId.equals(bid.requestId()) || !offerId.equals(bid.offerId())) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "the bid names request " + bid.requestId() + " offer " + bid.offerId() + ", not "
                    + requestId + " " + offerId);
        }
        Seals.requireSalt(bid.salt());
        assets(bid.assets());
        if (bid.quantityWh() <= 0 || bid.price() < 0) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "an offer's quantityWh must be positive and its price not negative");
        }
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
