package energy.flexledger.chaincode.energy;

import energy.flexledger.chaincode.Caller;
import energy.flexledger.chaincode.Failures;
import energy.flexledger.chaincode.KeyPolicy;
import energy.flexledger.chaincode.Member;
import energy.flexledger.chaincode.Role;
import energy.flexledger.chaincode.StateStore;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hyperledger.fabric.shim.ChaincodeStub;

/**
 * The asset registry: meters, EMS/BMS, charging stations and EVs, each owned by the org that
 * registered it and bound to the identities that may write for it.
 *
 * <p>State: {@code asset/<id>} (the asset), {@code meterhead/<id>} (the FP1 chain head of an asset
 * that certifies intervals), and index entries {@code asset~owner/<msp>/<type>/<id>},
 * {@code asset~zone/<zone>/<type>/<id>}, {@code asset~type/<type>/<id>} and
 * {@code asset~device/<owner msp>/<identity id>/<id>}. Every one of them carries a state-based
 * endorsement policy naming the owner org. The device index names the owner's MSP because an
 * identity id names no MSP: two orgs whose CAs use the same names (Fabric CA's default CSR) give
 * their identities equal ids, and one org's binding must not make another org's identity a device.
 */
final class Registry {
    static final String ASSET = "asset";
    static final String HEAD = "meterhead";
    static final String BY_OWNER = "asset~owner";
    static final String BY_ZONE = "asset~zone";
    static final String BY_TYPE = "asset~type";
    static final String BY_DEVICE = "asset~device";
    static final long DEFAULT_INTERVAL_MS = 15 * 60_000L;
    static final String DEFAULT_QUANTITY = "ACTIVE_POWER";
    static final String ACTIVE = "ACTIVE";
    static final String INACTIVE = "INACTIVE";
    private static final long DAY_MS = 86_400_000L;
    /** How far before its registration a meter's first interval may start, unless it says otherwise. */
    static final long DEFAULT_BACKFILL_MS = 31 * DAY_MS;
    static final long MAX_BACKFILL_MS = 366 * DAY_MS;
    /** The default bound on a sample's magnitude (10^12: a terawatt in W, a gigawatt in mW). */
    static final long DEFAULT_MAX_ABS_VALUE = 1_000_000_000_000L;

    private Registry() {}

    /** Registers an asset for the caller's org; the same registration again returns the stored asset. */
    static Asset register(final ChaincodeStub stub, final Caller caller, final AssetSpec spec) {
        final Member owner = caller.requireMemberWriter("register assets");
        final StateStore state = new StateStore(stub);
        requireNotDevice(state, caller, "register assets");
        final String assetId = Args.id("assetId", spec.assetId());
        final AssetType type = AssetType.parse(Args.required("type", spec.type()));
        final String zone = Args.id("zone", spec.zone());
        final String device = binding(caller, "deviceId", spec.deviceId());
        // A client that registers becomes the gateway; an admin names one (or none).
        final String gateway = binding(caller, "gatewayId",
                spec.gatewayId() != null ? spec.gatewayId() : caller.role() == Role.ADMIN ? null : caller.id());
        if (device != null && device.equals(gateway)) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "deviceId and gatewayId must be different identities");
        }
        final String salt = spec.saltCommitment();
        if (type == AssetType.METER && salt == null) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "a METER needs saltCommitment (SHA-256 of its FP1 salt, 64 lowercase hex digits)");
        }
        final long now = stub.getTxTimestamp().toEpochMilli();
        String quantity = null;
        Long intervalMs = null;
        Long maxAbs = null;
        Long earliest = null;
        if (salt != null) {
            if (!Hex.isLowerHex(salt, Fp1.HASH_BYTES)) {
                throw Failures.fail(ErrorCode.BAD_REQUEST, "saltCommitment must be 64 lowercase hex digits (SHA-256 of the salt)");
            }
            quantity = spec.quantity() == null ? DEFAULT_QUANTITY : checkQuantity(spec.quantity());
            intervalMs = intervalMs(spec.intervalMs() == null ? DEFAULT_INTERVAL_MS : spec.intervalMs());
            maxAbs = maxAbsValue(spec.maxAbsValue(), intervalMs);
            if (spec.earliestStart() != null) {
                // Declared outright (a meter whose history is loaded from an archive): a deliberate choice, not a typo.
                if (spec.backfillMs() != null) {
                    throw Failures.fail(ErrorCode.BAD_REQUEST, "give earliestStart or backfillMs, not both");
                }
                earliest = spec.earliestStart();
                if (earliest < 0 || earliest > now || Math.floorMod(earliest, intervalMs) != 0) {
                    throw Failures.fail(ErrorCode.BAD_REQUEST, "earliestStart must be a multiple of intervalMs (" + intervalMs
                            + "), at least 0 and not after the registration, was " + earliest);
                }
            }
        } else {
            final List<String> given = new ArrayList<>();
            if (spec.quantity() != null) {
                given.add("quantity");
            }
            if (spec.intervalMs() != null) {
                given.add("intervalMs");
            }
            if (spec.maxAbsValue() != null) {
                given.add("maxAbsValue");
            }
            if (spec.backfillMs() != null) {
                given.add("backfillMs");
            }
            if (spec.earliestStart() != null) {
                given.add("earliestStart");
            }
            if (!given.isEmpty()) {
                throw Failures.fail(ErrorCode.BAD_REQUEST, given.get(0) + " needs a saltCommitment: it describes certified intervals");
            }
        }
        final Asset proposed = new Asset(assetId, type.name(), owner.mspId(), zone, device, gateway, quantity, intervalMs, salt, maxAbs,
                earliest, null, null, null, null, null, null, null);

        final String key = state.key(ASSET, assetId);
        final Optional<Asset> existing = state.read(key, Asset.class);
        if (existing.isPresent()) {
            // The same registration sent again (a retry after a lost answer) is a no-op.
            if (existing.get().sameRegistrationAs(proposed, earliest != null)) {
                return existing.get();
            }
            throw Failures.fail(ErrorCode.ALREADY_EXISTS, "asset '" + assetId + "' is already registered by " + existing.get().ownerMsp());
        }
        if (salt != null && earliest == null) {
            // A chain never restarts: the first record must not lie before the meter could have
            // measured it, or a typo (seconds for milliseconds, a zero) pins the meter in 1970.
            final long backfill = spec.backfillMs() == null ? DEFAULT_BACKFILL_MS : spec.backfillMs();
            if (backfill < 0 || backfill > MAX_BACKFILL_MS) {
                throw Failures.fail(ErrorCode.BAD_REQUEST, "backfillMs must be 0.." + MAX_BACKFILL_MS + " (366 days), was " + backfill);
            }
            final long from = now - backfill;
            earliest = from - Math.floorMod(from, intervalMs);
        }
        // The custody of a metering asset's data is fixed here, when its chain starts: the DSO of its
        // zone now. Later reads and writes take it from the asset, so they find the same collection
        // even after the zone (or the asset) moves to another DSO (decision 0014).
        final String dso = salt == null ? null : Privacy.custodianOf(caller.consortium(), owner.mspId(), zone);
        final Asset asset = proposed.withRegistration(earliest == null ? 0L : earliest, dso, now, stub.getTxId());
        final KeyPolicy policy = Privacy.endorsement(caller.consortium(), asset);
        state.write(key, asset);
        state.requireEndorsement(key, policy);
        writeIndexes(state, asset, policy);
        if (asset.metering()) {
            final ChainHead head = new ChainHead(assetId, 0L, null, Hex.encode(Fp1.genesis(assetId)));
            final String headKey = state.key(HEAD, assetId);
            final String collection = asset.dataCollection();
            state.writePrivate(collection, headKey, head);
            // The head link commits to the meter's whole history: the owner and a party with a
            // separate interest move it together, never one member alone.
            state.requirePrivateEndorsement(collection, headKey, policy);
        }
        // The result and the event go into the block: the asset only, never its private chain head.
        return asset;
    }

    /** Changes zone, bound identities or status; by the owner org's admin or the asset's gateway. */
    static Asset update(final ChaincodeStub stub, final Caller caller, final String assetId, final AssetChanges changes) {
        final StateStore state = new StateStore(stub);
        final Asset asset = read(state, Args.id("assetId", assetId));
        requireManager(caller, asset, "update asset '" + assetId + "'");
        if (changes.given().isEmpty()) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "no change given; fields that can change: " + AssetChanges.FIELDS);
        }
        Asset updated = asset;
        for (final String field : changes.given()) {
            switch (field) {
                case "zone":
                    updated = updated.withZone(Args.id("zone", changes.zone()));
                    break;
                case "deviceId":
                case "gatewayId":
                    if (caller.role() != Role.ADMIN) {
                        throw Failures.fail(ErrorCode.ACCESS_DENIED, "only an admin of " + asset.ownerMsp() + " may change an asset's " + field);
                    }
                    updated = "deviceId".equals(field) ? updated.withDevice(binding(caller, field, changes.deviceId()))
                            : updated.withGateway(binding(caller, field, changes.gatewayId()));
                    break;
                default: // status: AssetChanges admits no other field
                    final String status = Args.required("status", changes.status());
                    if (!ACTIVE.equals(status) && !INACTIVE.equals(status)) {
                        throw Failures.fail(ErrorCode.BAD_REQUEST, "status must be ACTIVE or INACTIVE");
                    }
                    updated = updated.withStatus(status);
                    break;
            }
        }
        if (updated.deviceId() != null && updated.deviceId().equals(updated.gatewayId())) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "deviceId and gatewayId must be different identities");
        }
        if (updated.equals(asset)) {
            return asset;
        }
        updated = updated.updated(stub.getTxTimestamp().toEpochMilli(), stub.getTxId());
        removeIndexes(state, asset);
        final String key = state.key(ASSET, assetId);
        state.write(key, updated);
        // Set again on every write (idempotent): Fabric validates against the policy already
        // committed, and the policy of a key never depends on how it was first written.
        // A metering asset keeps the custody of its registration: a new zone changes no reader.
        final KeyPolicy policy = Privacy.endorsement(caller.consortium(), asset);
        state.requireEndorsement(key, policy);
        writeIndexes(state, updated, policy);
        // The result and the event go into the block: the asset only, never its private chain head.
        return updated;
    }

    static Asset read(final StateStore state, final String assetId) {
        return state.read(state.key(ASSET, assetId), Asset.class)
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "asset '" + assetId + "' is not registered"));
    }

    /** The chain head of a metering asset, from its custody's private data collection. */
    static ChainHead readHead(final StateStore state, final Asset asset) {
        if (!asset.metering()) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "asset '" + asset.assetId() + "' does not certify intervals (no saltCommitment)");
        }
        return state.readPrivate(asset.dataCollection(), state.key(HEAD, asset.assetId()), ChainHead.class)
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "the chain head of asset '" + asset.assetId() + "' is not on this peer"));
    }

    /**
     * The asset with {@code dataReaders}, the orgs that may read its intervals (clients name them
     * as endorsers when the gateway finds no plan), and its chain head when the caller is one.
     */
    static AssetView withHead(final StateStore state, final Caller caller, final Asset asset) {
        if (!asset.metering()) {
            return AssetView.of(asset, null, null);
        }
        final String[] readers = Privacy.readersOf(caller.consortium(), asset).toArray(new String[0]);
        if (Privacy.mayRead(caller, asset)) {
            return AssetView.of(asset, readHead(state, asset), readers);
        }
        return AssetView.of(asset, null, readers);
    }

    /** An admin of the owner org, or the asset's bound gateway identity. */
    static void requireManager(final Caller caller, final Asset asset, final String action) {
        caller.requireMemberWriter(action);
        final boolean ownerAdmin = caller.mspId().equals(asset.ownerMsp()) && caller.role() == Role.ADMIN;
        final boolean gateway = caller.mspId().equals(asset.ownerMsp()) && caller.id().equals(asset.gatewayId());
        if (!ownerAdmin && !gateway) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "only an admin of " + asset.ownerMsp() + " or the asset's gateway identity may " + action);
        }
    }

    /** The asset's bound device or its owner's bound gateway identity. */
    static void requireDataWriter(final Caller caller, final Asset asset) {
        caller.requireMemberWriter("record data");
        if (caller.role() == Role.ADMIN) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "an admin signs policy, not data: only the device or the gateway identity bound to asset '"
                    + asset.assetId() + "' may record its data");
        }
        final boolean owner = caller.mspId().equals(asset.ownerMsp());
        if (!owner || !(caller.id().equals(asset.deviceId()) || caller.id().equals(asset.gatewayId()))) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "only the device or the gateway identity bound to asset '" + asset.assetId()
                    + "' (" + asset.ownerMsp() + ") may record its data");
        }
    }

    /** Identities bound as a device to any asset act only for it: no registrations, batches or subscriptions. */
    static void requireNotDevice(final StateStore state, final Caller caller, final String action) {
        if (caller.role() != Role.ADMIN && !state.indexed(BY_DEVICE, caller.mspId(), caller.id()).isEmpty()) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "a device identity may not " + action);
        }
    }

    /** A page of assets by {@code owner} (MSP id), {@code zone} or {@code type}. */
    static AssetPage query(final StateStore state, final String by, final String value, final int pageSize, final String bookmark) {
        final String index;
        switch (by == null ? "" : by) {
            case "owner":
                index = BY_OWNER;
                break;
            case "zone":
                index = BY_ZONE;
                break;
            case "type":
                index = BY_TYPE;
                AssetType.parse(value);
                break;
            default:
                throw Failures.fail(ErrorCode.BAD_REQUEST, "assets can be queried by owner, zone or type, not '" + by + "'");
        }
        final StateStore.Page<List<String>> page = state.indexedPage(pageSize, bookmark, index, Args.id(by, value));
        final List<Asset> assets = new ArrayList<>();
        for (final List<String> parts : page.items()) {
            final String assetId = parts.get(parts.size() - 1);
            // The index only points; the asset record decides (an entry left by a stale index is skipped).
            state.read(state.key(ASSET, assetId), Asset.class).filter(a -> value.equals(field(a, by))).ifPresent(assets::add);
        }
        return new AssetPage(assets, page.bookmark());
    }

    private static String field(final Asset asset, final String by) {
        switch (by) {
            case "owner":
                return asset.ownerMsp();
            case "zone":
                return asset.zone();
            default:
                return asset.type();
        }
    }

    private static void writeIndexes(final StateStore state, final Asset asset, final KeyPolicy policy) {
        final String owner = asset.ownerMsp();
        final String id = asset.assetId();
        final String type = asset.type();
        indexGuarded(state, policy, BY_OWNER, owner, type, id);
        indexGuarded(state, policy, BY_ZONE, asset.zone(), type, id);
        indexGuarded(state, policy, BY_TYPE, type, id);
        if (asset.deviceId() != null) {
            indexGuarded(state, policy, BY_DEVICE, owner, asset.deviceId(), id);
        }
    }

    private static void removeIndexes(final StateStore state, final Asset asset) {
        final String id = asset.assetId();
        final String type = asset.type();
        state.unindex(BY_OWNER, asset.ownerMsp(), type, id);
        state.unindex(BY_ZONE, asset.zone(), type, id);
        state.unindex(BY_TYPE, type, id);
        if (asset.deviceId() != null) {
            state.unindex(BY_DEVICE, asset.ownerMsp(), asset.deviceId(), id);
        }
    }

    private static void indexGuarded(final StateStore state, final KeyPolicy policy, final String type, final String... parts) {
        state.index(type, parts);
        state.requireEndorsement(state.key(type, parts), policy);
    }

    /**
     * An identity to bind: an X.509 identity id issued by the caller's own CA, or null. Only an admin
     * of the org binds identities other than the caller itself: a binding changes what that
     * identity may do (a device acts only for its assets), so it is the org's decision, not any
     * client's.
     */
    private static String binding(final Caller caller, final String name, final String identityId) {
        if (identityId == null) {
            return null;
        }
        if (caller.role() != Role.ADMIN && !identityId.equals(caller.id())) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "only an admin of " + caller.mspId() + " may bind another identity as " + name);
        }
        if (!caller.sameIssuerAs(identityId)) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, name + " must be the identity id (x509::<subject>::<issuer>) of an identity of "
                    + caller.mspId() + ", issued by " + caller.issuer());
        }
        return identityId;
    }

    /**
     * The largest magnitude a sample of the meter may have ({@code maxAbsValue}): the member store
     * quarantines samples beyond it instead of fingerprinting them, and the chaincode refuses a
     * record whose sum exceeds count x bound (the product is computed exactly). The default,
     * min(10^12, Long.MAX_VALUE / intervalMs), guarantees that no interval of plausible samples (at
     * most one per millisecond) can overflow its sum; a larger bound may be declared, up to
     * Long.MAX_VALUE, and then FP1's SUM_OVERFLOW rule applies as before.
     */
    private static long maxAbsValue(final Long declared, final long intervalMs) {
        final long value = declared != null ? declared : Math.min(DEFAULT_MAX_ABS_VALUE, Long.MAX_VALUE / intervalMs);
        if (value < 1) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "maxAbsValue must be 1.." + Long.MAX_VALUE + ", was " + value);
        }
        return value;
    }

    private static String checkQuantity(final String quantity) {
        if (!quantity.matches("[A-Z][A-Z0-9_]{0,31}")) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "quantity must be 1..32 of A-Z, 0-9 and _ starting with a letter, was '" + quantity + "'");
        }
        return quantity;
    }

    private static long intervalMs(final long value) {
        if (value < 60_000L || value > DAY_MS || DAY_MS % value != 0) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "intervalMs must divide a day and be 1 minute to 1 day, was " + value);
        }
        return value;
    }
}
