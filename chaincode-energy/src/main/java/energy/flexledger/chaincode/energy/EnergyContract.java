package energy.flexledger.chaincode.energy;

import energy.flexledger.chaincode.Caller;
import energy.flexledger.chaincode.CanonicalSerializer;
import energy.flexledger.chaincode.CheckedContract;
import energy.flexledger.chaincode.Nothing;
import energy.flexledger.chaincode.StateStore;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Canonical;
import energy.flexledger.spec.SpecException;
import java.util.List;
import java.util.ArrayList;
import energy.flexledger.chaincode.Failures;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.contract.annotation.Contact;
import org.hyperledger.fabric.contract.annotation.Contract;
import org.hyperledger.fabric.contract.annotation.Default;
import org.hyperledger.fabric.contract.annotation.Info;
import org.hyperledger.fabric.contract.annotation.License;
import org.hyperledger.fabric.contract.annotation.Transaction;
import org.hyperledger.fabric.shim.ChaincodeStub;

/**
 * chaincode-energy: the asset registry, FP1 certification of metering intervals (eDREAM
 * second-tier storage), batch certification and data-access subscriptions (Platone).
 *
 * <p>This class only maps transactions to {@link Registry}, {@link Intervals}, {@link Batches} and
 * {@link Subscriptions}, which hold the rules. Who may call what is in chaincode-energy/README.md
 * ("Role table"); each transaction checks it from the caller's identity, never from arguments.
 * Arguments that are JSON objects and every result are records ({@link Asset}, {@link AssetSpec},
 * ...), written as canonical JSON by {@link CanonicalSerializer}; the contract metadata
 * ({@code org.hyperledger.fabric:GetMetadata}) describes them. Events carry the same JSON.
 */
@Contract(
        name = "energy",
        transactionSerializer = CanonicalSerializer.NAME,
        info = @Info(
                title = "FlexLedger energy",
                description = "Asset registry, FP1 certification of metering data, batch certification, data-access subscriptions",
                version = "0.2.0",
                license = @License(name = "Apache-2.0"),
                contact = @Contact(name = "FlexLedger")))
@Default
public final class EnergyContract extends CheckedContract {
    static final String EVENT_ASSET_REGISTERED = "AssetRegistered";
    static final String EVENT_ASSET_UPDATED = "AssetUpdated";
    static final String EVENT_INTERVALS_RECORDED = "IntervalsRecorded";
    static final String EVENT_BATCH_CERTIFIED = "BatchCertified";
    static final String EVENT_SUBSCRIPTION_CHANGED = "SubscriptionChanged";

    // ------------------------------------------------------------------ registry

    /**
     * Registers an asset owned by the caller's org ({@link AssetSpec}). The gateway identity
     * defaults to the caller. The same registration again returns the stored asset; a different one
     * for a taken id is {@code ALREADY_EXISTS}.
     */
    @Transaction(name = "RegisterAsset", intent = Transaction.TYPE.SUBMIT)
    public Asset registerAsset(final Context ctx, final AssetSpec asset) {
        return emitIfChanged(ctx.getStub(), EVENT_ASSET_REGISTERED, Registry.register(ctx.getStub(), Caller.of(ctx), asset));
    }

    /** A METER with the defaults (15-minute intervals, quantity ACTIVE_POWER), bound to the caller as gateway. */
    @Transaction(name = "RegisterMeter", intent = Transaction.TYPE.SUBMIT)
    public Asset registerMeter(final Context ctx, final String meterId, final String zone, final String saltCommitment) {
        return emitIfChanged(ctx.getStub(), EVENT_ASSET_REGISTERED,
                Registry.register(ctx.getStub(), Caller.of(ctx), AssetSpec.meter(meterId, zone, saltCommitment)));
    }

    /** Changes {@code zone}, {@code deviceId}, {@code gatewayId} (null unbinds) or {@code status}. */
    @Transaction(name = "UpdateAsset", intent = Transaction.TYPE.SUBMIT)
    public Asset updateAsset(final Context ctx, final String assetId, final AssetChanges changes) {
        return emitIfChanged(ctx.getStub(), EVENT_ASSET_UPDATED, Registry.update(ctx.getStub(), Caller.of(ctx), assetId, changes));
    }

    /** Status INACTIVE: no more intervals until the owner sets it ACTIVE again. */
    @Transaction(name = "DeactivateAsset", intent = Transaction.TYPE.SUBMIT)
    public Asset deactivateAsset(final Context ctx, final String assetId) {
        return emitIfChanged(ctx.getStub(), EVENT_ASSET_UPDATED,
                Registry.update(ctx.getStub(), Caller.of(ctx), assetId, AssetChanges.status(Registry.INACTIVE)));
    }

    /** The asset, with its chain head when it certifies intervals. */
    @Transaction(name = "GetAsset", intent = Transaction.TYPE.EVALUATE)
    public AssetView getAsset(final Context ctx, final String assetId) {
        final Caller caller = Caller.of(ctx).requireMemberReader();
        final StateStore state = new StateStore(ctx.getStub());
        return Registry.withHead(state, caller, Registry.read(state, Args.id("assetId", assetId)));
    }

    /** {@link #getAsset} under the name of the first version. */
    @Transaction(name = "GetMeter", intent = Transaction.TYPE.EVALUATE)
    public AssetView getMeter(final Context ctx, final String meterId) {
        return getAsset(ctx, meterId);
    }

    /** A page of assets {@code by} owner (MSP id), zone or type; {@code bookmark} continues a page. */
    @Transaction(name = "QueryAssets", intent = Transaction.TYPE.EVALUATE)
    public AssetPage queryAssets(final Context ctx, final String by, final String value, final String pageSize, final String bookmark) {
        Caller.of(ctx).requireMemberReader();
        return Registry.query(new StateStore(ctx.getStub()), by, value, Args.pageSize(pageSize), Args.bookmark(bookmark));
    }

    // ------------------------------------------------------------------ intervals

    /**
     * Records a batch of FP1 interval records ({@code [{"meterId", "start", "end", "count", "sum",
     * "fingerprint"}, ...]}, up to 2,000, any meters) in one transaction, and returns the counts
     * and each meter's new position. One event per batch.
     *
     * <p>The records come as transient data under {@code records}, never as arguments: arguments
     * are written into the block for every channel member to read, and the records are private
     * (network-config/README.md). The result and the event hold no private field either.
     */
    @Transaction(name = "RecordIntervals", intent = Transaction.TYPE.SUBMIT)
    public IntervalsRecorded recordIntervals(final Context ctx) {
        final List<?> batch = Args.spec(() -> {
            final Object parsed = energy.flexledger.spec.Json.parse(Args.transientText(ctx, "records"));
            if (!(parsed instanceof List)) {
                throw new SpecException(ErrorCode.BAD_JSON, "transient 'records' must be a JSON array of interval records");
            }
            return (List<?>) parsed;
        });
        final Intervals.Outcome outcome = Intervals.record(ctx.getStub(), Caller.of(ctx), batch);
        return intervalsEvent(ctx.getStub(), outcome);
    }

    /**
     * One interval record, as transient data {@code record}: {@code {"meterId", "start", "end",
     * "count", "sum", "fingerprint"}}. Returns the same public summary as {@link #recordIntervals};
     * read the stored record with {@code GetInterval}.
     */
    @Transaction(name = "RecordInterval", intent = Transaction.TYPE.SUBMIT)
    public IntervalsRecorded recordInterval(final Context ctx) {
        final Object record = Args.spec(() -> energy.flexledger.spec.Json.parse(Args.transientText(ctx, "record")));
        final Intervals.Outcome outcome = Intervals.record(ctx.getStub(), Caller.of(ctx), java.util.Collections.singletonList(record));
        return intervalsEvent(ctx.getStub(), outcome);
    }

    /** The certified interval of a meter that starts at {@code start}. */
    @Transaction(name = "GetInterval", intent = Transaction.TYPE.EVALUATE)
    public IntervalRecord getInterval(final Context ctx, final String meterId, final String start) {
        final Caller caller = Caller.of(ctx).requireMemberReader();
        return Intervals.get(new StateStore(ctx.getStub()), caller, Args.id("meterId", meterId), Args.parseLong("start", start));
    }

    /**
     * Certified averages {@code [start, avg]} of several meters (a JSON array of ids, at most 100) with
     * {@code from <= start < to}, and their registry facts, in one call and by single-key reads: what
     * chaincode-dr's baselines and settlements read, inside transactions that write. A meter that
     * cannot be answered (unknown, not readable by the caller, not metering) gets an entry with its
     * error code instead of failing the others.
     */
    @Transaction(name = "GetAverages", intent = Transaction.TYPE.EVALUATE)
    public AveragesList getAverages(final Context ctx, final String meterIds, final String from, final String to) {
        final Caller caller = Caller.of(ctx).requireMemberReader();
        final Object parsed = Args.spec(() -> energy.flexledger.spec.Json.parse(meterIds));
        if (!(parsed instanceof List<?> ids) || ids.isEmpty() || ids.size() > 100) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "meterIds must be a JSON array of 1..100 meter ids");
        }
        final StateStore state = new StateStore(ctx.getStub());
        final long fromMs = Args.parseLong("from", from);
        final long toMs = Args.parseLong("to", to);
        if (toMs <= fromMs) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "to (" + toMs + ") must be after from (" + fromMs + ")");
        }
        final List<Averages> out = new ArrayList<>();
        for (final Object id : ids) {
            final String meterId = Args.id("meterId", String.valueOf(id));
            try {
                out.add(Intervals.averages(state, caller, meterId, fromMs, toMs));
            } catch (org.hyperledger.fabric.shim.ChaincodeException e) {
                // One meter that cannot be answered does not hide the others: its entry says why (it read nothing).
                final String code = e.getPayload() == null ? ErrorCode.INVALID_STATE.name() : new String(e.getPayload(),
                        java.nio.charset.StandardCharsets.UTF_8);
                out.add(Averages.failed(meterId, code, e.getMessage()));
            }
        }
        return new AveragesList(out.toArray(new Averages[0]));
    }

    /** Certified intervals with {@code from <= start < to}, oldest first, paged, with the meter's head. */
    @Transaction(name = "GetIntervals", intent = Transaction.TYPE.EVALUATE)
    public IntervalPage getIntervals(final Context ctx, final String meterId, final String from, final String to, final String pageSize,
            final String bookmark) {
        final Caller caller = Caller.of(ctx).requireMemberReader();
        return Intervals.range(new StateStore(ctx.getStub()), caller, Args.id("meterId", meterId), Args.parseLong("from", from),
                Args.parseLong("to", to), Args.pageSize(pageSize), Args.bookmark(bookmark));
    }

    /**
     * The SHA-256 that the channel keeps of a certified record, for members outside the record's
     * collection: given the record (canonical JSON), they check it without seeing anyone else's.
     */
    @Transaction(name = "GetIntervalHash", intent = Transaction.TYPE.EVALUATE)
    public SegmentHash getIntervalHash(final Context ctx, final String meterId, final String start) {
        Caller.of(ctx).requireMemberReader();
        return Intervals.hash(new StateStore(ctx.getStub()), Args.id("meterId", meterId), Args.parseLong("start", start));
    }

    /** A meter's chain head: {@code intervals}, {@code lastEnd}, {@code headLink}. */
    @Transaction(name = "GetHead", intent = Transaction.TYPE.EVALUATE)
    public ChainHead getHead(final Context ctx, final String meterId) {
        final Caller caller = Caller.of(ctx).requireMemberReader();
        final StateStore state = new StateStore(ctx.getStub());
        final Asset asset = Registry.read(state, Args.id("meterId", meterId));
        Privacy.requireReader(caller, asset);
        return Registry.readHead(state, asset);
    }

    // ------------------------------------------------------------------ batch certification

    /** Certifies a data batch ({@link BatchSpec}). */
    @Transaction(name = "CertifyBatch", intent = Transaction.TYPE.SUBMIT)
    public Batch certifyBatch(final Context ctx, final BatchSpec batch) {
        final Batch certified = Batches.certify(ctx.getStub(), Caller.of(ctx), batch);
        return emit(ctx.getStub(), EVENT_BATCH_CERTIFIED, certified, ctx.getStub().getTxId().equals(certified.txId()));
    }

    @Transaction(name = "GetBatch", intent = Transaction.TYPE.EVALUATE)
    public Batch getBatch(final Context ctx, final String batchId) {
        Caller.of(ctx).requireMemberReader();
        return Batches.read(new StateStore(ctx.getStub()), batchId);
    }

    /** Whether {@code leaf} (an item's leaf hash) is item {@code index} of the batch, given its Merkle proof. */
    @Transaction(name = "VerifyBatchInclusion", intent = Transaction.TYPE.EVALUATE)
    public Inclusion verifyBatchInclusion(final Context ctx, final String batchId, final String leaf, final String index,
            final String proofJson) {
        Caller.of(ctx).requireMemberReader();
        return Batches.verify(new StateStore(ctx.getStub()), batchId, leaf, Args.parseLong("index", index), proofJson);
    }

    /** A page of batches {@code by} topic or provider (MSP id). */
    @Transaction(name = "QueryBatches", intent = Transaction.TYPE.EVALUATE)
    public BatchPage queryBatches(final Context ctx, final String by, final String value, final String pageSize, final String bookmark) {
        Caller.of(ctx).requireMemberReader();
        return Batches.query(new StateStore(ctx.getStub()), by, value, Args.pageSize(pageSize), Args.bookmark(bookmark));
    }

    // ------------------------------------------------------------------ data-access subscriptions

    /** The caller's org asks {@code providerMsp} for access to {@code topic}: status REQUESTED. */
    @Transaction(name = "RequestAccess", intent = Transaction.TYPE.SUBMIT)
    public Subscription requestAccess(final Context ctx, final String subscriptionId, final String providerMsp, final String topic) {
        return emitIfChanged(ctx.getStub(), EVENT_SUBSCRIPTION_CHANGED, Subscriptions.request(ctx.getStub(), Caller.of(ctx), subscriptionId, providerMsp, topic));
    }

    @Transaction(name = "AcceptAccess", intent = Transaction.TYPE.SUBMIT)
    public Subscription acceptAccess(final Context ctx, final String subscriptionId) {
        return emitIfChanged(ctx.getStub(), EVENT_SUBSCRIPTION_CHANGED, Subscriptions.decide(ctx.getStub(), Caller.of(ctx), subscriptionId, Subscriptions.ACCEPTED));
    }

    @Transaction(name = "DeclineAccess", intent = Transaction.TYPE.SUBMIT)
    public Subscription declineAccess(final Context ctx, final String subscriptionId) {
        return emitIfChanged(ctx.getStub(), EVENT_SUBSCRIPTION_CHANGED,
                Subscriptions.decide(ctx.getStub(), Caller.of(ctx), subscriptionId, Subscriptions.DECLINED));
    }

    @Transaction(name = "RevokeAccess", intent = Transaction.TYPE.SUBMIT)
    public Subscription revokeAccess(final Context ctx, final String subscriptionId) {
        return emitIfChanged(ctx.getStub(), EVENT_SUBSCRIPTION_CHANGED, Subscriptions.revoke(ctx.getStub(), Caller.of(ctx), subscriptionId));
    }

    @Transaction(name = "GetSubscription", intent = Transaction.TYPE.EVALUATE)
    public Subscription getSubscription(final Context ctx, final String subscriptionId) {
        Caller.of(ctx).requireMemberReader();
        return Subscriptions.current(new StateStore(ctx.getStub()), subscriptionId);
    }

    /** A page of subscriptions {@code by} topic, provider or consumer (MSP id). */
    @Transaction(name = "QuerySubscriptions", intent = Transaction.TYPE.EVALUATE)
    public SubscriptionPage querySubscriptions(final Context ctx, final String by, final String value, final String pageSize, final String bookmark) {
        Caller.of(ctx).requireMemberReader();
        return Subscriptions.query(new StateStore(ctx.getStub()), by, value, Args.pageSize(pageSize), Args.bookmark(bookmark));
    }

    // ------------------------------------------------------------------ identity and measurement

    /**
     * The caller as the chaincode sees it: MSP, NodeOU role and identity id. An org binds a device
     * by this id; asking the chaincode avoids re-deriving Fabric's id format elsewhere.
     */
    @Transaction(name = "WhoAmI", intent = Transaction.TYPE.EVALUATE)
    public Identity whoAmI(final Context ctx) {
        final Caller caller = Caller.of(ctx).requireMemberReader();
        return new Identity(caller.mspId(), caller.role().name().toLowerCase(java.util.Locale.ROOT), caller.id());
    }

    /**
     * Writes nothing and reads nothing: the cost of a transaction itself (endorsement, ordering,
     * validation, commit), for benchmarks to compare against.
     */
    @Transaction(name = "Noop", intent = Transaction.TYPE.SUBMIT)
    public Nothing noop(final Context ctx) {
        Caller.of(ctx).requireMemberWriter("submit transactions");
        return Nothing.INSTANCE;
    }

    /** An asset: announced only when this transaction wrote it. */
    private static Asset emitIfChanged(final ChaincodeStub stub, final String event, final Asset asset) {
        return emit(stub, event, asset, stub.getTxId().equals(asset.updatedTx()));
    }

    /** A subscription: announced only when this transaction changed it. */
    private static Subscription emitIfChanged(final ChaincodeStub stub, final String event, final Subscription subscription) {
        return emit(stub, event, subscription, stub.getTxId().equals(subscription.updatedTx()));
    }

    /** The public summary of a batch of intervals; announced only when the batch recorded something. */
    private static IntervalsRecorded intervalsEvent(final ChaincodeStub stub, final Intervals.Outcome outcome) {
        return emit(stub, EVENT_INTERVALS_RECORDED, outcome.summary(stub.getTxId()), outcome.recorded > 0);
    }

    /**
     * Returns {@code payload} and, when {@code changed}, sets its canonical JSON as {@code event}: a
     * retry that changes nothing commits no second event for listeners to act on.
     */
    private static <T> T emit(final ChaincodeStub stub, final String event, final T payload, final boolean changed) {
        if (changed) {
            stub.setEvent(event, Canonical.bytes(payload));
        }
        return payload;
    }
}
