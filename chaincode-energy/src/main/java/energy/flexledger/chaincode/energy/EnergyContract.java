package energy.flexledger.chaincode.energy;

import energy.flexledger.chaincode.Caller;
import energy.flexledger.chaincode.CheckedContract;
import energy.flexledger.chaincode.StateStore;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Results and events are canonical JSON.
 */
@Contract(
        name = "energy",
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
     * Registers an asset owned by the caller's org: {@code {"assetId", "type": METER|EMS|BMS|
     * CHARGING_STATION|EV, "zone", "deviceId"?, "gatewayId"?, "saltCommitment"? (required for
     * METER), "quantity"?, "intervalMs"?}}. The gateway identity defaults to the caller. The same
     * registration again returns the stored asset; a different one for a taken id is
     * {@code ALREADY_EXISTS}.
     */
    @Transaction(name = "RegisterAsset", intent = Transaction.TYPE.SUBMIT)
    public String registerAsset(final Context ctx, final String assetJson) {
        final Map<String, Object> asset = Registry.register(ctx.getStub(), Caller.of(ctx), Args.object("asset", assetJson));
        return emitIfChanged(ctx.getStub(), EVENT_ASSET_REGISTERED, asset, "updatedTx");
    }

    /** A METER with the defaults (15-minute intervals, quantity ACTIVE_POWER), bound to the caller as gateway. */
    @Transaction(name = "RegisterMeter", intent = Transaction.TYPE.SUBMIT)
    public String registerMeter(final Context ctx, final String meterId, final String zone, final String saltCommitment) {
        final Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("assetId", meterId);
        spec.put("type", "METER");
        spec.put("zone", zone);
        spec.put("saltCommitment", saltCommitment);
        final Map<String, Object> asset = Registry.register(ctx.getStub(), Caller.of(ctx), new Json.Obj(spec, "meter"));
        return emitIfChanged(ctx.getStub(), EVENT_ASSET_REGISTERED, asset, "updatedTx");
    }

    /** Changes {@code zone}, {@code deviceId}, {@code gatewayId} (null unbinds) or {@code status}. */
    @Transaction(name = "UpdateAsset", intent = Transaction.TYPE.SUBMIT)
    public String updateAsset(final Context ctx, final String assetId, final String changesJson) {
        final Map<String, Object> asset = Registry.update(ctx.getStub(), Caller.of(ctx), assetId, Args.object("changes", changesJson));
        return emitIfChanged(ctx.getStub(), EVENT_ASSET_UPDATED, asset, "updatedTx");
    }

    /** Status INACTIVE: no more intervals until the owner sets it ACTIVE again. */
    @Transaction(name = "DeactivateAsset", intent = Transaction.TYPE.SUBMIT)
    public String deactivateAsset(final Context ctx, final String assetId) {
        final Map<String, Object> changes = new LinkedHashMap<>();
        changes.put("status", Registry.INACTIVE);
        final Map<String, Object> asset = Registry.update(ctx.getStub(), Caller.of(ctx), assetId, new Json.Obj(changes, "changes"));
        return emitIfChanged(ctx.getStub(), EVENT_ASSET_UPDATED, asset, "updatedTx");
    }

    /** The asset, with its chain head when it certifies intervals. */
    @Transaction(name = "GetAsset", intent = Transaction.TYPE.EVALUATE)
    public String getAsset(final Context ctx, final String assetId) {
        final Caller caller = Caller.of(ctx).requireMemberReader();
        final StateStore state = new StateStore(ctx.getStub());
        return Json.write(Registry.withHead(state, caller, Registry.read(state, Args.id("assetId", assetId))));
    }

    /** {@link #getAsset} under the name of the first version. */
    @Transaction(name = "GetMeter", intent = Transaction.TYPE.EVALUATE)
    public String getMeter(final Context ctx, final String meterId) {
        return getAsset(ctx, meterId);
    }

    /** A page of assets {@code by} owner (MSP id), zone or type; {@code bookmark} continues a page. */
    @Transaction(name = "QueryAssets", intent = Transaction.TYPE.EVALUATE)
    public String queryAssets(final Context ctx, final String by, final String value, final String pageSize, final String bookmark) {
        Caller.of(ctx).requireMemberReader();
        return Json.write(Registry.query(new StateStore(ctx.getStub()), by, value, Args.pageSize(pageSize), Args.bookmark(bookmark)));
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
    public String recordIntervals(final Context ctx) {
        final List<?> batch = Args.spec(() -> {
            final Object parsed = Json.parse(Args.transientText(ctx, "records"));
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
    public String recordInterval(final Context ctx) {
        final Object record = Args.spec(() -> Json.parse(Args.transientText(ctx, "record")));
        final Intervals.Outcome outcome = Intervals.record(ctx.getStub(), Caller.of(ctx), java.util.Collections.singletonList(record));
        return intervalsEvent(ctx.getStub(), outcome);
    }

    /** The certified interval of a meter that starts at {@code start}. */
    @Transaction(name = "GetInterval", intent = Transaction.TYPE.EVALUATE)
    public String getInterval(final Context ctx, final String meterId, final String start) {
        final Caller caller = Caller.of(ctx).requireMemberReader();
        return Json.write(Intervals.get(new StateStore(ctx.getStub()), caller, Args.id("meterId", meterId), Args.parseLong("start", start)));
    }

    /** Certified intervals with {@code from <= start < to}, oldest first, paged, with the meter's head. */
    @Transaction(name = "GetIntervals", intent = Transaction.TYPE.EVALUATE)
    public String getIntervals(final Context ctx, final String meterId, final String from, final String to, final String pageSize,
            final String bookmark) {
        final Caller caller = Caller.of(ctx).requireMemberReader();
        return Json.write(Intervals.range(new StateStore(ctx.getStub()), caller, Args.id("meterId", meterId), Args.parseLong("from", from),
                Args.parseLong("to", to), Args.pageSize(pageSize), Args.bookmark(bookmark)));
    }

    /**
     * The SHA-256 that the channel keeps of a certified record, for members outside the record's
     * collection: given the record (canonical JSON), they check it without seeing anyone else's.
     */
    @Transaction(name = "GetIntervalHash", intent = Transaction.TYPE.EVALUATE)
    public String getIntervalHash(final Context ctx, final String meterId, final String start) {
        Caller.of(ctx).requireMemberReader();
        return Json.write(Intervals.hash(new StateStore(ctx.getStub()), Args.id("meterId", meterId), Args.parseLong("start", start)));
    }

    /** A meter's chain head: {@code intervals}, {@code lastEnd}, {@code headLink}. */
    @Transaction(name = "GetHead", intent = Transaction.TYPE.EVALUATE)
    public String getHead(final Context ctx, final String meterId) {
        final Caller caller = Caller.of(ctx).requireMemberReader();
        final StateStore state = new StateStore(ctx.getStub());
        final Map<String, Object> asset = Registry.read(state, Args.id("meterId", meterId));
        Privacy.requireReader(caller, (String) asset.get("ownerMsp"), meterId);
        return Json.write(Registry.readHead(state, asset));
    }

    // ------------------------------------------------------------------ batch certification

    /** Certifies a data batch: {@code {"batchId", "topic", "periodStart", "periodEnd", "count", "merkleRoot"}}. */
    @Transaction(name = "CertifyBatch", intent = Transaction.TYPE.SUBMIT)
    public String certifyBatch(final Context ctx, final String batchJson) {
        final Map<String, Object> batch = Batches.certify(ctx.getStub(), Caller.of(ctx), Args.object("batch", batchJson));
        return emitIfChanged(ctx.getStub(), EVENT_BATCH_CERTIFIED, batch, "txId");
    }

    @Transaction(name = "GetBatch", intent = Transaction.TYPE.EVALUATE)
    public String getBatch(final Context ctx, final String batchId) {
        Caller.of(ctx).requireMemberReader();
        return Json.write(Batches.read(new StateStore(ctx.getStub()), batchId));
    }

    /** Whether {@code leaf} (an item's leaf hash) is item {@code index} of the batch, given its Merkle proof. */
    @Transaction(name = "VerifyBatchInclusion", intent = Transaction.TYPE.EVALUATE)
    public String verifyBatchInclusion(final Context ctx, final String batchId, final String leaf, final String index,
            final String proofJson) {
        Caller.of(ctx).requireMemberReader();
        return Json.write(Batches.verify(new StateStore(ctx.getStub()), batchId, leaf, Args.parseLong("index", index), proofJson));
    }

    /** A page of batches {@code by} topic or provider (MSP id). */
    @Transaction(name = "QueryBatches", intent = Transaction.TYPE.EVALUATE)
    public String queryBatches(final Context ctx, final String by, final String value, final String pageSize, final String bookmark) {
        Caller.of(ctx).requireMemberReader();
        return Json.write(Batches.query(new StateStore(ctx.getStub()), by, value, Args.pageSize(pageSize), Args.bookmark(bookmark)));
    }

    // ------------------------------------------------------------------ data-access subscriptions

    /** The caller's org asks {@code providerMsp} for access to {@code topic}: status REQUESTED. */
    @Transaction(name = "RequestAccess", intent = Transaction.TYPE.SUBMIT)
    public String requestAccess(final Context ctx, final String subscriptionId, final String providerMsp, final String topic) {
        return emitIfChanged(ctx.getStub(), EVENT_SUBSCRIPTION_CHANGED,
                Subscriptions.request(ctx.getStub(), Caller.of(ctx), subscriptionId, providerMsp, topic), "updatedTx");
    }

    @Transaction(name = "AcceptAccess", intent = Transaction.TYPE.SUBMIT)
    public String acceptAccess(final Context ctx, final String subscriptionId) {
        return emitIfChanged(ctx.getStub(), EVENT_SUBSCRIPTION_CHANGED,
                Subscriptions.decide(ctx.getStub(), Caller.of(ctx), subscriptionId, Subscriptions.ACCEPTED), "updatedTx");
    }

    @Transaction(name = "DeclineAccess", intent = Transaction.TYPE.SUBMIT)
    public String declineAccess(final Context ctx, final String subscriptionId) {
        return emitIfChanged(ctx.getStub(), EVENT_SUBSCRIPTION_CHANGED,
                Subscriptions.decide(ctx.getStub(), Caller.of(ctx), subscriptionId, Subscriptions.DECLINED), "updatedTx");
    }

    @Transaction(name = "RevokeAccess", intent = Transaction.TYPE.SUBMIT)
    public String revokeAccess(final Context ctx, final String subscriptionId) {
        return emitIfChanged(ctx.getStub(), EVENT_SUBSCRIPTION_CHANGED, Subscriptions.revoke(ctx.getStub(), Caller.of(ctx), subscriptionId),
                "updatedTx");
    }

    @Transaction(name = "GetSubscription", intent = Transaction.TYPE.EVALUATE)
    public String getSubscription(final Context ctx, final String subscriptionId) {
        Caller.of(ctx).requireMemberReader();
        return Json.write(Subscriptions.current(new StateStore(ctx.getStub()), subscriptionId));
    }

    /** A page of subscriptions {@code by} topic, provider or consumer (MSP id). */
    @Transaction(name = "QuerySubscriptions", intent = Transaction.TYPE.EVALUATE)
    public String querySubscriptions(final Context ctx, final String by, final String value, final String pageSize, final String bookmark) {
        Caller.of(ctx).requireMemberReader();
        return Json.write(Subscriptions.query(new StateStore(ctx.getStub()), by, value, Args.pageSize(pageSize), Args.bookmark(bookmark)));
    }

    // ------------------------------------------------------------------ identity and measurement

    /**
     * The caller as the chaincode sees it: MSP, NodeOU role and identity id. An org binds a device
     * by this id; asking the chaincode avoids re-deriving Fabric's id format elsewhere.
     */
    @Transaction(name = "WhoAmI", intent = Transaction.TYPE.EVALUATE)
    public String whoAmI(final Context ctx) {
        final Caller caller = Caller.of(ctx).requireMemberReader();
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("mspId", caller.mspId());
        out.put("role", caller.role().name().toLowerCase(java.util.Locale.ROOT));
        out.put("id", caller.id());
        return Json.write(out);
    }

    /**
     * Writes nothing and reads nothing: the cost of a transaction itself (endorsement, ordering,
     * validation, commit), for benchmarks to compare against.
     */
    @Transaction(name = "Noop", intent = Transaction.TYPE.SUBMIT)
    public String noop(final Context ctx) {
        Caller.of(ctx).requireMemberWriter("submit transactions");
        return "{}";
    }

    /** An asset, batch or subscription: announced only when this transaction wrote it ({@code txField} names it). */
    private static String emitIfChanged(final ChaincodeStub stub, final String event, final Map<String, Object> payload,
            final String txField) {
        return emit(stub, event, payload, stub.getTxId().equals(payload.get(txField)));
    }

    /** The public summary of a batch of intervals; announced only when the batch recorded something. */
    private static String intervalsEvent(final ChaincodeStub stub, final Intervals.Outcome outcome) {
        return emit(stub, EVENT_INTERVALS_RECORDED, outcome.summary(stub.getTxId()), outcome.recorded > 0);
    }

    /**
     * Returns {@code payload} as canonical JSON and, when {@code changed}, sets it as {@code event}:
     * a retry that changes nothing commits no second event for listeners to act on.
     */
    private static String emit(final ChaincodeStub stub, final String event, final Map<String, Object> payload, final boolean changed) {
        final String json = Json.write(payload);
        if (changed) {
            stub.setEvent(event, json.getBytes(StandardCharsets.UTF_8));
        }
        return json;
    }
}
