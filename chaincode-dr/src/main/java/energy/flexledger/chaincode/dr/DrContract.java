package energy.flexledger.chaincode.dr;

import energy.flexledger.chaincode.Caller;
import energy.flexledger.chaincode.CanonicalSerializer;
import energy.flexledger.chaincode.CheckedContract;
import energy.flexledger.chaincode.Consortium;
import energy.flexledger.chaincode.Describe;
import energy.flexledger.chaincode.Failures;
import energy.flexledger.chaincode.KeyPolicy;
import energy.flexledger.chaincode.Member;
import energy.flexledger.chaincode.MemberRole;
import energy.flexledger.chaincode.StateStore;
import energy.flexledger.spec.Canonical;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Json;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.contract.annotation.Contract;
import org.hyperledger.fabric.contract.annotation.Default;
import org.hyperledger.fabric.contract.annotation.Info;
import org.hyperledger.fabric.contract.annotation.License;
import org.hyperledger.fabric.contract.annotation.Transaction;

/**
 * chaincode-dr: demand-response programs, enrolments, events, commitments, BL1 baselines and ST1
 * settlement (decision 0019). Baselines and delivered energy are computed here from chaincode-energy's
 * certified interval averages (read in the same transaction, as the caller: only the asset's readers
 * can); tokens move through chaincode-market's {@code escrow:Move} in the same transaction. Every
 * time is the transaction's; every figure of a settlement is stored with the exact BL1 and ST1 inputs.
 */
@Contract(
        name = "dr",
        transactionSerializer = CanonicalSerializer.NAME,
        info = @Info(title = "FlexLedger demand response", description = "Demand-response programs, events, BL1 baselines and ST1 settlement",
                version = "0.2.0", license = @License(name = "Apache-2.0")))
@Default
public final class DrContract extends CheckedContract {
    static final String PROGRAM = "dr.program";
    static final String ENROLMENT = "dr.enrolment";
    static final String EVENT = "dr.event";
    static final String COMMITMENT = "dr.commitment";
    static final String SETTLEMENT = "dr.settlement";
    /** {@code dr.day/<assetId>/<local date>}: the days an asset took part in an event (BL1 leaves them out). */
    static final String EVENT_DAY = "dr.day";
    static final String PENDING = "PENDING";
    static final String ACTIVE = "ACTIVE";
    static final String COMMITTED = "COMMITTED";
    static final String SETTLED = "SETTLED";
    static final int MAX_ASSETS = 1000;
    static final int MAX_PAGE = 200;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** What this chaincode is and which domain transactions it offers. */
    @Transaction(name = "Describe", intent = Transaction.TYPE.EVALUATE)
    public Describe describe(final Context ctx) {
        return Describe.of(ctx, "dr", "0.2.0", List.of("CreateProgram", "GetProgram", "ListPrograms", "Enrol", "AcceptEnrolment",
                "GetEnrolment", "CreateEvent", "GetEvent", "ListEvents", "Commit", "GetCommitment", "ListCommitments", "CloseEvent", "Settle",
                "GetSettlement", "GetSettlementDetail", "PreviewBaseline", "MeasureDelivery", "MeasureDeliveries", "CheckWindow", "SettleMany"));
    }

    // ------------------------------------------------------------------ programs

    /** A program run by the caller's org: a member holding DSO, or AGGREGATOR (for its own customers). */
    @Transaction(name = "CreateProgram", intent = Transaction.TYPE.SUBMIT)
    public Program createProgram(final Context ctx, final ProgramSpec spec) {
        final Caller caller = Caller.of(ctx);
        final Member org = caller.requireMemberWriter("create a demand-response program");
        if (!org.has(MemberRole.DSO) && !org.has(MemberRole.AGGREGATOR)) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, caller.mspId() + " holds neither DSO nor AGGREGATOR (roles: " + org.roleList() + ")");
        }
        if (spec == null) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "the program's terms are missing");
        }
        id(spec.id(), "id");
        for (final long v : new long[] {spec.rewardRate(), spec.penaltyRate(), spec.capBps(), spec.thresholdBps()}) {
            if (v < 0) {
                throw Failures.fail(ErrorCode.BAD_REQUEST, "rates, cap and threshold must not be negative");
            }
        }
        Baselines.check(spec.baseline());
        final StateStore state = new StateStore(ctx.getStub());
        final String key = state.key(PROGRAM, spec.id());
        if (state.read(key, Program.class).isPresent()) {
            throw Failures.fail(ErrorCode.ALREADY_EXISTS, "program " + spec.id() + " already exists");
        }
        final long now = now(ctx);
        final Program program = new Program(spec.id(), caller.mspId(), spec.rewardRate(), spec.penaltyRate(), spec.capBps(), spec.thresholdBps(),
                spec.baseline(), now, ctx.getStub().getTxId());
        state.write(key, program);
        ctx.getStub().setEvent("DrProgramCreated", Canonical.bytes(program));
        return program;
    }

    @Transaction(name = "GetProgram", intent = Transaction.TYPE.EVALUATE)
    public Program getProgram(final Context ctx, final String programId) {
        Caller.of(ctx).requireMemberReader();
        return program(new StateStore(ctx.getStub()), programId);
    }

    @Transaction(name = "ListPrograms", intent = Transaction.TYPE.EVALUATE)
    public ProgramPage listPrograms(final Context ctx, final long pageSize, final String bookmark) {
        Caller.of(ctx).requireMemberReader();
        final StateStore.Page<Program> page = new StateStore(ctx.getStub()).valuesPage(Program.class, pageSize(pageSize), bookmark, PROGRAM);
        return new ProgramPage(page.items().toArray(new Program[0]), page.bookmark());
    }

    // ------------------------------------------------------------------ enrolment

    /**
     * The asset's owner asks to enrol a metering asset whose intervals match the program's slots; the
     * program must be run by the DSO that keeps the asset's data or by an aggregator that represents
     * its owner. Active at once when the owner runs the program.
     */
    @Transaction(name = "Enrol", intent = Transaction.TYPE.SUBMIT)
    public Enrolment enrol(final Context ctx, final String programId, final String assetId) {
        final Caller caller = Caller.of(ctx);
        caller.requireMemberWriter("enrol an asset");
        final StateStore state = new StateStore(ctx.getStub());
        final Program program = program(state, programId);
        final Map<String, Object> asset = new OtherChaincodes(ctx.getStub()).asset(id(assetId, "assetId"));
        final String owner = String.valueOf(asset.get("ownerMsp"));
        if (!owner.equals(caller.mspId())) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "asset " + assetId + " is " + owner + "'s: only its owner enrols it");
        }
        if (asset.get("saltCommitment") == null || !"ACTIVE".equals(asset.get("status"))) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "asset " + assetId + " must be an active metering asset (it certifies intervals)");
        }
        final long intervalMs = ((Number) asset.get("intervalMs")).longValue();
        if (intervalMs != Baselines.slotMs(program.baseline())) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "asset " + assetId + " certifies " + intervalMs / 60_000 + "-minute intervals; program "
                    + programId + " uses " + program.baseline().slotMinutes() + "-minute slots");
        }
        requireRunsFor(caller.consortium(), program, owner, String.valueOf(asset.get("dataDso")));
        final String key = state.key(ENROLMENT, programId, assetId);
        final Optional<Enrolment> existing = state.read(key, Enrolment.class);
        if (existing.isPresent()) {
            return existing.get();
        }
        final long now = now(ctx);
        final String txId = ctx.getStub().getTxId();
        final String status = program.owner().equals(owner) ? ACTIVE : PENDING;
        final Enrolment enrolment = new Enrolment(programId, assetId, owner, String.valueOf(asset.get("zone")), status, now, txId, now, txId);
        state.write(key, enrolment);
        return enrolment;
    }

    /** The program's owner accepts an enrolment. */
    @Transaction(name = "AcceptEnrolment", intent = Transaction.TYPE.SUBMIT)
    public Enrolment acceptEnrolment(final Context ctx, final String programId, final String assetId) {
        final Caller caller = Caller.of(ctx);
        final StateStore state = new StateStore(ctx.getStub());
        final Program program = program(state, programId);
        caller.requireWriterOf(program.owner(), "accept enrolments into program " + programId);
        final Enrolment enrolment = enrolment(state, programId, assetId);
        if (ACTIVE.equals(enrolment.status())) {
            return enrolment;
        }
        final Enrolment accepted = enrolment.accepted(now(ctx), ctx.getStub().getTxId());
        state.write(state.key(ENROLMENT, programId, assetId), accepted);
        return accepted;
    }

    @Transaction(name = "GetEnrolment", intent = Transaction.TYPE.EVALUATE)
    public Enrolment getEnrolment(final Context ctx, final String programId, final String assetId) {
        Caller.of(ctx).requireMemberReader();
        return enrolment(new StateStore(ctx.getStub()), programId, assetId);
    }

    // ------------------------------------------------------------------ events

    /**
     * The program's owner calls an event on enrolled assets for a window on the program's slots that
     * starts after this transaction; the reward budget moves from {@code payer} (an account the caller
     * controls) into {@code escrow:dr-budget:<id>} in this transaction. Members' gateways receive the
     * chaincode event {@code DrEventCreated}.
     */
    @Transaction(name = "CreateEvent", intent = Transaction.TYPE.SUBMIT)
    public DrEvent createEvent(final Context ctx, final EventSpec spec) {
        final Caller caller = Caller.of(ctx);
        final StateStore state = new StateStore(ctx.getStub());
        if (spec == null) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "the event's terms are missing");
        }
        id(spec.id(), "id");
        final Program program = program(state, spec.programId());
        caller.requireWriterOf(program.owner(), "call events of program " + program.id());
        final long now = now(ctx);
        Baselines.requireWindow(program.baseline(), spec.windowStart(), spec.windowEnd());
        if (spec.windowStart() <= now) {
            throw Failures.fail(ErrorCode.DEADLINE_PASSED, "the window must start after this transaction (" + now + "): participants commit before it");
        }
        if (spec.assets().length == 0 || spec.assets().length > MAX_ASSETS) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "an event calls 1.." + MAX_ASSETS + " assets");
        }
        final Set<String> assets = new LinkedHashSet<>();
        for (final String a : spec.assets()) {
            if (!assets.add(id(a, "asset"))) {
                throw Failures.fail(ErrorCode.BAD_REQUEST, "asset " + a + " is listed twice");
            }
            if (!ACTIVE.equals(enrolment(state, program.id(), a).status())) {
                throw Failures.fail(ErrorCode.INVALID_STATE, "asset " + a + " is not (yet) an active participant of program " + program.id());
            }
        }
        if (spec.budget() < 0) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "budget must not be negative");
        }
        final String key = state.key(EVENT, spec.id());
        if (state.read(key, DrEvent.class).isPresent()) {
            throw Failures.fail(ErrorCode.ALREADY_EXISTS, "event " + spec.id() + " already exists");
        }
        // The payer is the caller's own account, checked here whatever the budget: Settle and CloseEvent pay back into it.
        requireOwnAccount(caller, spec.payer());
        final String budgetAccount = "escrow:dr-budget:" + spec.id();
        if (spec.budget() > 0) {
            new OtherChaincodes(ctx.getStub()).move(List.of(new OtherChaincodes.Leg(spec.payer(), spec.budget(), "dr budget")),
                    List.of(new OtherChaincodes.Leg(budgetAccount, spec.budget(), "dr budget")));
        }
        final DrEvent event = new DrEvent(spec.id(), program.id(), program.owner(), spec.windowStart(), spec.windowEnd(),
                Baselines.localDate(program.baseline(), spec.windowStart()).toString(), assets.toArray(new String[0]), spec.budget(),
                spec.payer(), budgetAccount, now, ctx.getStub().getTxId());
        state.write(key, event);
        ctx.getStub().setEvent("DrEventCreated", Canonical.bytes(event));
        return event;
    }

    @Transaction(name = "GetEvent", intent = Transaction.TYPE.EVALUATE)
    public DrEvent getEvent(final Context ctx, final String eventId) {
        Caller.of(ctx).requireMemberReader();
        return event(new StateStore(ctx.getStub()), eventId);
    }

    @Transaction(name = "ListEvents", intent = Transaction.TYPE.EVALUATE)
    public EventPage listEvents(final Context ctx, final long pageSize, final String bookmark) {
        Caller.of(ctx).requireMemberReader();
        final StateStore.Page<DrEvent> page = new StateStore(ctx.getStub()).valuesPage(DrEvent.class, pageSize(pageSize), bookmark, EVENT);
        return new EventPage(page.items().toArray(new DrEvent[0]), page.bookmark());
    }

    /**
     * A participant commits an average reduction (mW over the window) for an asset the event calls:
     * the asset's owner, or an aggregator that represents it, before the window starts. Its
     * collateral — the largest penalty ST1 can charge — moves from {@code collateralFrom} (an account
     * the caller controls) and the largest reward ST1 can pay moves from the event's budget, both into
     * {@code escrow:dr-part:<event>.<asset>}; a participant that cannot lock its collateral cannot commit.
     */
    @Transaction(name = "Commit", intent = Transaction.TYPE.SUBMIT)
    public Commitment commit(final Context ctx, final String eventId, final String assetId, final long committedPower,
            final String collateralFrom) {
        final Caller caller = Caller.of(ctx);
        caller.requireMemberWriter("commit to an event");
        final StateStore state = new StateStore(ctx.getStub());
        final DrEvent event = event(state, eventId);
        final Program program = program(state, event.programId());
        final long now = now(ctx);
        if (now >= event.windowStart()) {
            throw Failures.fail(ErrorCode.DEADLINE_PASSED, "event " + eventId + " took commitments until its window started at " + event.windowStart());
        }
        if (!List.of(event.assets()).contains(id(assetId, "assetId"))) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "event " + eventId + " does not call asset " + assetId);
        }
        if (committedPower <= 0) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "committedPower must be a positive average reduction in mW");
        }
        requireOwnAccount(caller, collateralFrom);
        final OtherChaincodes others = new OtherChaincodes(ctx.getStub());
        // One energy call: the asset's facts, and whether any interval of the window is certified already — a commitment is
        // ordered before the data by state too, not only by the proposal's time (which its client sets).
        final OtherChaincodes.Meter asset = others.meter(assetId, event.windowStart(), event.windowEnd());
        if (!asset.readings().isEmpty()) {
            throw Failures.fail(ErrorCode.DEADLINE_PASSED, "asset " + assetId + " has certified data of the window already: too late to commit");
        }
        final String owner = asset.ownerMsp();
        final Consortium consortium = caller.consortium();
        if (!caller.mspId().equals(owner) && !consortium.representativesOf(owner).contains(caller.mspId())) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, caller.mspId() + " neither owns asset " + assetId + " nor represents its owner " + owner);
        }
        final String key = state.key(COMMITMENT, eventId, assetId);
        final Optional<Commitment> existing = state.read(key, Commitment.class);
        if (existing.isPresent()) {
            throw Failures.fail(ErrorCode.ALREADY_EXISTS, "asset " + assetId + " is already committed to event " + eventId + " by "
                    + existing.get().committer());
        }
        final long slots = (event.windowEnd() - event.windowStart()) / Baselines.slotMs(program.baseline());
        final long committedMilliWh = Baselines.committedMilliWh(committedPower, program.baseline().slotMinutes(), slots);
        final long maxReward = Baselines.maxReward(committedMilliWh, program);
        final long collateral = Baselines.maxPenalty(committedMilliWh, program);
        final String escrow = participantEscrow(eventId, assetId);
        final List<OtherChaincodes.Leg> debits = new ArrayList<>();
        OtherChaincodes.Leg.of(collateralFrom, collateral, "dr collateral").ifPresent(debits::add);
        OtherChaincodes.Leg.of(event.budgetAccount(), maxReward, "dr reward reserve").ifPresent(debits::add);
        if (!debits.isEmpty()) {
            others.move(debits, List.of(new OtherChaincodes.Leg(escrow, collateral + maxReward, "dr commitment")));
        }
        final String txId = ctx.getStub().getTxId();
        // The account that put up the collateral is the one paid: it is the committer's (the market checked control).
        final Commitment commitment = new Commitment(eventId, assetId, caller.mspId(), collateralFrom, committedPower, committedMilliWh,
                collateral, maxReward, collateralFrom, escrow, COMMITTED, now, txId, now, txId);
        state.write(key, commitment);
        // Settling it (the only later change) needs the DSO that keeps the asset's data and the owner or its aggregator.
        state.requireEndorsement(key, settlementPolicy(consortium, owner, asset.dataDso()));
        state.index(EVENT_DAY, assetId, event.localDate());
        ctx.getStub().setEvent("DrCommitted", Canonical.bytes(commitment));
        return commitment;
    }

    @Transaction(name = "GetCommitment", intent = Transaction.TYPE.EVALUATE)
    public Commitment getCommitment(final Context ctx, final String eventId, final String assetId) {
        Caller.of(ctx).requireMemberReader();
        final StateStore state = new StateStore(ctx.getStub());
        return state.read(state.key(COMMITMENT, eventId, assetId), Commitment.class)
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "asset " + assetId + " has no commitment to event " + eventId));
    }

    @Transaction(name = "ListCommitments", intent = Transaction.TYPE.EVALUATE)
    public CommitmentList listCommitments(final Context ctx, final String eventId) {
        Caller.of(ctx).requireMemberReader();
        final StateStore state = new StateStore(ctx.getStub());
        event(state, eventId);
        return new CommitmentList(eventId, state.values(Commitment.class, COMMITMENT, eventId).toArray(new Commitment[0]));
    }

    /** After the window started, returns the budget no commitment reserved to the event's payer (any member; once there is any). */
    @Transaction(name = "CloseEvent", intent = Transaction.TYPE.SUBMIT)
    public DrEvent closeEvent(final Context ctx, final String eventId) {
        final Caller caller = Caller.of(ctx);
        caller.requireMemberWriter("close an event");
        final StateStore state = new StateStore(ctx.getStub());
        final DrEvent event = event(state, eventId);
        if (now(ctx) < event.windowStart()) {
            throw Failures.fail(ErrorCode.TOO_EARLY, "event " + eventId + " takes commitments until " + event.windowStart());
        }
        new OtherChaincodes(ctx.getStub()).drain(event.budgetAccount(), event.payer(), "dr budget unused");
        return event;
    }

    // ------------------------------------------------------------------ baselines and settlement

    /**
     * Settles one participant once the window is over and every interval of it is certified: BL1 from
     * the asset's certified history (its earlier event days left out), ST1 against the window's certified
     * averages; the reward and the unused collateral go to the participant, the penalty and the unused
     * reserve back to the program owner's payer, in this transaction. A second call returns the stored
     * settlement and moves nothing. The program's owner, the DSO keeping the asset's data, the owner
     * or its aggregator may settle; the commitment's key-level policy makes the DSO's peer and the
     * owner's or aggregator's endorse it.
     */
    @Transaction(name = "Settle", intent = Transaction.TYPE.SUBMIT)
    public Settlement settle(final Context ctx, final String eventId, final String assetId) {
        return settleAll(ctx, eventId, List.of(id(assetId, "assetId"))).get(0);
    }

    /**
     * {@link #settle} for up to {@value #MAX_BATCH} participants of one event in one transaction (one
     * call to energy for all their data, one balanced movement in the market): how a DSO settles an
     * event with a thousand participants in a few transactions. Participants settled before are
     * returned as stored; the others must all be settleable, or nothing is.
     */
    @Transaction(name = "SettleMany", intent = Transaction.TYPE.SUBMIT)
    public SettlementList settleMany(final Context ctx, final String eventId, final String assetIds) {
        final Object parsed;
        try {
            parsed = Json.parse(assetIds);
        } catch (energy.flexledger.spec.SpecException e) {
            throw Failures.from(e);
        }
        if (!(parsed instanceof List<?> ids) || ids.isEmpty() || ids.size() > MAX_BATCH) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "assetIds must be a JSON array of 1.." + MAX_BATCH + " asset ids");
        }
        final List<String> assets = new ArrayList<>();
        for (final Object id : ids) {
            if (assets.contains(String.valueOf(id))) {
                throw Failures.fail(ErrorCode.BAD_REQUEST, "asset " + id + " is listed twice");
            }
            assets.add(id(String.valueOf(id), "asset"));
        }
        return new SettlementList(eventId, settleAll(ctx, eventId, assets).toArray(new Settlement[0]));
    }

    /** The participants a batch settles at most: what one call to energy answers. */
    static final int MAX_BATCH = 100;

    private List<Settlement> settleAll(final Context ctx, final String eventId, final List<String> assetIds) {
        final Caller caller = Caller.of(ctx);
        caller.requireMemberWriter("settle an event");
        final StateStore state = new StateStore(ctx.getStub());
        final DrEvent event = event(state, eventId);
        final Settlement[] out = new Settlement[assetIds.size()];
        final List<String> open = new ArrayList<>();
        for (int i = 0; i < assetIds.size(); i++) {
            final Optional<Settlement> done = state.read(state.key(SETTLEMENT, eventId, assetIds.get(i)), Settlement.class);
            if (done.isPresent()) {
                out[i] = done.get();
            } else {
                open.add(assetIds.get(i));
            }
        }
        if (open.isEmpty()) {
            return List.of(out);
        }
        final Program program = program(state, event.programId());
        final long now = now(ctx);
        final java.util.Map<String, Commitment> commitments = new java.util.HashMap<>();
        for (final String assetId : open) {
            commitments.put(assetId, state.read(state.key(COMMITMENT, eventId, assetId), Commitment.class)
                    .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "asset " + assetId + " has no commitment to event " + eventId)));
        }
        // One call to energy: the assets' facts and their averages from the look-back window to the window's end.
        final OtherChaincodes others = new OtherChaincodes(ctx.getStub());
        final LocalDate target = LocalDate.parse(event.localDate());
        final List<OtherChaincodes.Meter> meters = others.meters(open, Baselines.lookbackFrom(program.baseline(), target), event.windowEnd());
        final Consortium consortium = caller.consortium();
        final List<OtherChaincodes.Leg> debits = new ArrayList<>();
        final java.util.Map<String, Long> credits = new java.util.TreeMap<>();
        final String txId = ctx.getStub().getTxId();
        for (final OtherChaincodes.Meter meter : meters) {
            final String assetId = meter.meterId();
            if (meter.error() != null) {
                throw Failures.fail(codeOf(meter.error()), "asset " + assetId + ": " + meter.message());
            }
            final Commitment commitment = commitments.get(assetId);
            final String owner = meter.ownerMsp();
            final Set<String> allowed = new LinkedHashSet<>(List.of(program.owner(), owner, String.valueOf(meter.dataDso())));
            allowed.addAll(consortium.representativesOf(owner));
            if (!allowed.contains(caller.mspId())) {
                throw Failures.fail(ErrorCode.ACCESS_DENIED, caller.mspId() + " takes no part in settling asset " + assetId + " (who may: " + allowed
                        + ")");
            }
            final List<String> excluded = earlierEventDays(state, assetId, event.localDate());
            final Delivery delivery = Baselines.measure(assetId, meter.readings(), program.baseline(), event.windowStart(), event.windowEnd(),
                    excluded);
            if (now < event.windowEnd()) {
                throw Failures.fail(ErrorCode.TOO_EARLY, "event " + eventId + "'s window ends at " + event.windowEnd() + "; now is " + now);
            }
            final St1Input input = new St1Input(program.baseline().slotMinutes(), delivery.windowBaseline(), delivery.actual(),
                    commitment.committedPower(), program.rewardRate(), program.penaltyRate(), program.capBps(), program.thresholdBps());
            final St1Output output = Baselines.settle(input);
            if (output.reward() > commitment.maxReward() || output.penalty() > commitment.collateral()) {
                throw Failures.fail(ErrorCode.INVALID_STATE, "ST1 gives reward " + output.reward() + " and penalty " + output.penalty()
                        + ", beyond what commitment locked (" + commitment.maxReward() + ", " + commitment.collateral() + ")");
            }
            final long toParticipant = output.reward() + (commitment.collateral() - output.penalty());
            final long toOwner = (commitment.maxReward() - output.reward()) + output.penalty();
            OtherChaincodes.Leg.of(commitment.escrowAccount(), toParticipant + toOwner, "dr settlement").ifPresent(debits::add);
            if (toParticipant > 0) {
                credits.merge(commitment.payTo(), toParticipant, Math::addExact);
            }
            if (toOwner > 0) {
                credits.merge(event.payer(), toOwner, Math::addExact);
            }
            final Settlement settlement = new Settlement(eventId, assetId, program.id(), commitment.committedPower(), output.deliveredMilliWh(),
                    output.committedMilliWh(), output.performanceBps(), output.reward(), output.penalty(), commitment.payTo(), toParticipant,
                    event.payer(), toOwner, excluded.toArray(new String[0]), hash(delivery.baseline().input()),
                    keyedHash(delivery.baseline().input(), delivery.baseline().output()), keyedHash(delivery.baseline().input(), input),
                    keyedHash(delivery.baseline().input(), output), caller.mspId(), now, txId);
            state.write(state.key(SETTLEMENT, eventId, assetId), settlement);
            state.write(state.key(COMMITMENT, eventId, assetId), commitment.settled(now, txId));
            out[assetIds.indexOf(assetId)] = settlement;
        }
        if (!debits.isEmpty()) {
            final List<OtherChaincodes.Leg> legs = new ArrayList<>();
            credits.forEach((account, amount) -> legs.add(new OtherChaincodes.Leg(account, amount, "dr settlement")));
            others.move(debits, legs);
        }
        // One event per transaction (Fabric keeps the last): the settlement alone, or the batch's summary.
        if (assetIds.size() == 1) {
            ctx.getStub().setEvent("DrSettled", Canonical.bytes(out[0]));
        } else {
            ctx.getStub().setEvent("DrSettledMany", Canonical.bytes(new SettlementList(eventId, new Settlement[0])));
        }
        return List.of(out);
    }

    private static ErrorCode codeOf(final String name) {
        for (final ErrorCode c : ErrorCode.values()) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return ErrorCode.INVALID_STATE;
    }

    /** The public record of a settlement: the figures that moved tokens and the hashes of its exact inputs and outputs. */
    @Transaction(name = "GetSettlement", intent = Transaction.TYPE.EVALUATE)
    public Settlement getSettlement(final Context ctx, final String eventId, final String assetId) {
        Caller.of(ctx).requireMemberReader();
        return settlement(new StateStore(ctx.getStub()), eventId, assetId);
    }

    /**
     * A settlement with its exact BL1 and ST1 inputs and outputs, recomputed from the certified data
     * (for the asset's readers only: energy refuses everyone else) and checked against the hashes
     * stored when it was settled; INVALID_STATE if they differ.
     */
    @Transaction(name = "GetSettlementDetail", intent = Transaction.TYPE.EVALUATE)
    public SettlementDetail getSettlementDetail(final Context ctx, final String eventId, final String assetId) {
        Caller.of(ctx).requireMemberReader();
        final StateStore state = new StateStore(ctx.getStub());
        final Settlement settlement = settlement(state, eventId, assetId);
        final DrEvent event = event(state, eventId);
        final Program program = program(state, settlement.programId());
        final LocalDate target = LocalDate.parse(event.localDate());
        final OtherChaincodes.Meter meter = new OtherChaincodes(ctx.getStub()).meter(assetId, Baselines.lookbackFrom(program.baseline(), target),
                event.windowEnd());
        final Delivery delivery = Baselines.measure(assetId, meter.readings(), program.baseline(), event.windowStart(), event.windowEnd(),
                List.of(settlement.excludedDates()));
        final St1Input input = new St1Input(program.baseline().slotMinutes(), delivery.windowBaseline(), delivery.actual(),
                settlement.committedPower(), program.rewardRate(), program.penaltyRate(), program.capBps(), program.thresholdBps());
        final St1Output output = Baselines.settle(input);
        final Bl1Input bl1 = delivery.baseline().input();
        if (!hash(bl1).equals(settlement.baselineInputHash()) || !keyedHash(bl1, delivery.baseline().output()).equals(settlement.baselineOutputHash())
                || !keyedHash(bl1, input).equals(settlement.st1InputHash()) || !keyedHash(bl1, output).equals(settlement.st1OutputHash())) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "the certified data no longer give the inputs settlement " + eventId + "/" + assetId
                    + " hashed: this peer's copy differs from the one it was settled on");
        }
        return new SettlementDetail(settlement, delivery.baseline(), input, output);
    }

    private static Settlement settlement(final StateStore state, final String eventId, final String assetId) {
        return state.read(state.key(SETTLEMENT, id(eventId, "eventId"), id(assetId, "assetId")), Settlement.class)
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "asset " + assetId + " is not settled for event " + eventId));
    }

    /** The hex SHA-256 of a value's canonical JSON. */
    static String hash(final Object value) {
        return energy.flexledger.spec.Hex.encode(energy.flexledger.spec.Sha256.of(Canonical.bytes(value)));
    }

    /**
     * The hex SHA-256 of a key and a value's canonical JSON, the key derived from the BL1 input (weeks
     * of a meter's certified averages: only the asset's readers can compute it). A short window's ST1
     * input or output has few unknowns; unkeyed, its public hash would let anyone find them by trying.
     */
    static String keyedHash(final Bl1Input keySource, final Object value) {
        final byte[] key = energy.flexledger.spec.Sha256.of(("flexledger dr settlement key\n" + Canonical.write(keySource))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        final byte[] body = Canonical.bytes(value);
        final byte[] all = new byte[key.length + body.length];
        System.arraycopy(key, 0, all, 0, key.length);
        System.arraycopy(body, 0, all, key.length, body.length);
        return energy.flexledger.spec.Hex.encode(energy.flexledger.spec.Sha256.of(all));
    }

    /** A participant's escrow account: a hash of event and asset, so that no two pairs share one and the name fits. */
    static String participantEscrow(final String eventId, final String assetId) {
        return "escrow:dr-part:" + energy.flexledger.spec.Hex.encode(energy.flexledger.spec.Sha256.of((eventId + "\n" + assetId)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 40);
    }

    /** BL1 for an asset and a local date under a program's terms, as a settlement would compute it (an evaluate: stores nothing). */
    @Transaction(name = "PreviewBaseline", intent = Transaction.TYPE.EVALUATE)
    public Baseline previewBaseline(final Context ctx, final String assetId, final String date, final String programId) {
        Caller.of(ctx).requireMemberReader();
        final StateStore state = new StateStore(ctx.getStub());
        final Program program = program(state, programId);
        final LocalDate target;
        try {
            target = LocalDate.parse(date);
        } catch (DateTimeParseException e) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "date must be an ISO date (2026-12-03), was '" + date + "'");
        }
        final OtherChaincodes.Meter meter = new OtherChaincodes(ctx.getStub()).meter(id(assetId, "assetId"),
                Baselines.lookbackFrom(program.baseline(), target), Baselines.startOfDay(program.baseline(), target));
        return Baselines.baseline(assetId, meter.readings(), program.baseline(), target, earlierEventDays(state, assetId, target.toString()));
    }

    /**
     * Energy an asset delivered in [windowStart, windowEnd) against its BL1 baseline under
     * {@code terms} (JSON {@link BaselineTerms}): the one measurement that DR settlements and the
     * market's payments share (the market calls it in its own transactions).
     */
    @Transaction(name = "MeasureDelivery", intent = Transaction.TYPE.EVALUATE)
    public Delivery measureDelivery(final Context ctx, final String assetId, final long windowStart, final long windowEnd,
            final BaselineTerms terms) {
        Caller.of(ctx).requireMemberReader();
        Baselines.check(terms);
        final StateStore state = new StateStore(ctx.getStub());
        Baselines.requireWindow(terms, windowStart, windowEnd);
        final LocalDate target = Baselines.localDate(terms, windowStart);
        final OtherChaincodes.Meter meter = new OtherChaincodes(ctx.getStub()).meter(id(assetId, "assetId"),
                Baselines.lookbackFrom(terms, target), windowEnd);
        return Baselines.measure(assetId, meter.readings(), terms, windowStart, windowEnd, earlierEventDays(state, assetId, target.toString()));
    }

    /**
     * Whether program {@code programId} can measure delivery in [windowStart, windowEnd): its slots,
     * one local day of its time zone. chaincode-market asks before it locks a request's escrow.
     */
    @Transaction(name = "CheckWindow", intent = Transaction.TYPE.EVALUATE)
    public Program checkWindow(final Context ctx, final String programId, final long windowStart, final long windowEnd) {
        Caller.of(ctx).requireMemberReader();
        final Program program = program(new StateStore(ctx.getStub()), programId);
        Baselines.requireWindow(program.baseline(), windowStart, windowEnd);
        return program;
    }

    /**
     * Delivered energy of several assets (a JSON array of at most 100 ids) in [windowStart, windowEnd)
     * against their BL1 baselines under program {@code programId}'s terms, with whose assets they are:
     * what chaincode-market pays flexibility for, in its own transactions (one energy call; the caller
     * must read every asset's data). Only figures and the baseline input's hash leave this chaincode.
     */
    @Transaction(name = "MeasureDeliveries", intent = Transaction.TYPE.EVALUATE)
    public DeliveryList measureDeliveries(final Context ctx, final String programId, final String assetIds, final long windowStart,
            final long windowEnd) {
        Caller.of(ctx).requireMemberReader();
        final StateStore state = new StateStore(ctx.getStub());
        final Program program = program(state, programId);
        final Object parsed;
        try {
            parsed = Json.parse(assetIds);
        } catch (energy.flexledger.spec.SpecException e) {
            throw Failures.from(e);
        }
        if (!(parsed instanceof List<?> ids) || ids.isEmpty() || ids.size() > 100) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "assetIds must be a JSON array of 1..100 asset ids");
        }
        final List<String> assets = new ArrayList<>();
        for (final Object id : ids) {
            assets.add(id(String.valueOf(id), "asset"));
        }
        Baselines.requireWindow(program.baseline(), windowStart, windowEnd);
        final LocalDate target = Baselines.localDate(program.baseline(), windowStart);
        final List<OtherChaincodes.Meter> meters = new OtherChaincodes(ctx.getStub()).meters(assets, Baselines.lookbackFrom(program.baseline(), target),
                windowEnd);
        final List<AssetDelivery> out = new ArrayList<>();
        for (final OtherChaincodes.Meter m : meters) {
            if (m.error() != null) {
                out.add(new AssetDelivery(m.meterId(), null, null, 0, 0, null, m.error(), m.message()));
                continue;
            }
            try {
                final Delivery d = Baselines.measure(m.meterId(), m.readings(), program.baseline(), windowStart, windowEnd,
                        earlierEventDays(state, m.meterId(), target.toString()));
                out.add(new AssetDelivery(m.meterId(), m.ownerMsp(), m.zone(), d.deliveredMilliWh(), d.deliveredWh(), hash(d.baseline().input()),
                        null, null));
            } catch (org.hyperledger.fabric.shim.ChaincodeException e) {
                // This asset cannot be measured (history or window data missing): the others still are, and the caller decides.
                out.add(new AssetDelivery(m.meterId(), m.ownerMsp(), m.zone(), 0, 0, null, new String(e.getPayload(),
                        java.nio.charset.StandardCharsets.UTF_8), e.getMessage()));
            }
        }
        return new DeliveryList(programId, windowStart, windowEnd, out.toArray(new AssetDelivery[0]));
    }

    // ------------------------------------------------------------------ rules

    /** The asset's event days before {@code targetDate} (ISO dates sort as text). */
    private static List<String> earlierEventDays(final StateStore state, final String assetId, final String targetDate) {
        final List<String> out = new ArrayList<>();
        for (final List<String> parts : state.indexed(EVENT_DAY, assetId)) {
            if (parts.get(0).compareTo(targetDate) < 0) {
                out.add(parts.get(0));
            }
        }
        return out;
    }

    /**
     * The account a participant locks collateral from and is paid in must be its own — its identity's
     * ({@code id:} the SHA-256 of its MSP id, a newline and its identity id, as the token names it) or,
     * for an admin, its org's — also when the program charges no penalty and nothing is locked.
     */
    private static void requireOwnAccount(final Caller caller, final String account) {
        final String identity = "id:" + energy.flexledger.spec.Hex.encode(energy.flexledger.spec.Sha256.of(
                (caller.mspId() + "\n" + caller.id()).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        if (identity.equals(account) || ("org:" + caller.mspId()).equals(account) && caller.role() == energy.flexledger.chaincode.Role.ADMIN) {
            return;
        }
        throw Failures.fail(ErrorCode.ACCESS_DENIED, "collateralFrom must be an account of yours: " + identity
                + (caller.role() == energy.flexledger.chaincode.Role.ADMIN ? " or org:" + caller.mspId() : "") + "; was " + account);
    }

    /** A program runs for an asset when its owner is the DSO that keeps the asset's data or an aggregator representing the asset's owner. */
    private static void requireRunsFor(final Consortium consortium, final Program program, final String owner, final String dataDso) {
        if (program.owner().equals(owner) || program.owner().equals(dataDso) || consortium.representativesOf(owner).contains(program.owner())) {
            return;
        }
        throw Failures.fail(ErrorCode.ACCESS_DENIED, "program " + program.id() + " is run by " + program.owner() + ", which neither keeps this "
                + "asset's data as its zone's DSO (" + dataDso + ") nor represents its owner " + owner);
    }

    /** The zone's DSO and the owner or one of its aggregators: who must endorse a settlement. */
    static KeyPolicy settlementPolicy(final Consortium consortium, final String owner, final String dataDso) {
        final List<String> ownerSide = new ArrayList<>();
        ownerSide.add(owner);
        ownerSide.addAll(consortium.representativesOf(owner));
        if (dataDso == null || "null".equals(dataDso) || dataDso.equals(owner)) {
            return KeyPolicy.anyPeerOf(ownerSide);
        }
        return KeyPolicy.all(KeyPolicy.peer(dataDso), KeyPolicy.anyPeerOf(ownerSide));
    }

    private static Program program(final StateStore state, final String programId) {
        return state.read(state.key(PROGRAM, id(programId, "programId")), Program.class)
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "no program " + programId));
    }

    private static Enrolment enrolment(final StateStore state, final String programId, final String assetId) {
        return state.read(state.key(ENROLMENT, id(programId, "programId"), id(assetId, "assetId")), Enrolment.class)
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "asset " + assetId + " is not enrolled in program " + programId));
    }

    private static DrEvent event(final StateStore state, final String eventId) {
        return state.read(state.key(EVENT, id(eventId, "eventId")), DrEvent.class)
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "no event " + eventId));
    }

    private static long now(final Context ctx) {
        return ctx.getStub().getTxTimestamp().toEpochMilli();
    }

    private static int pageSize(final long pageSize) {
        if (pageSize < 1 || pageSize > MAX_PAGE) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "pageSize must be 1.." + MAX_PAGE + ", was " + pageSize);
        }
        return (int) pageSize;
    }

    static String id(final String value, final String field) {
        if (value == null || !ID.matcher(value).matches()) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, field + " must be 1..64 letters, digits, '.', '_' or '-' (starting with a letter or digit), was "
                    + (value == null ? "missing" : "'" + value + "'"));
        }
        return value;
    }

    static String json(final Object value) {
        return Json.write(value);
    }
}
