package energy.flexledger.chaincode.energy;

import energy.flexledger.chaincode.Caller;
import energy.flexledger.chaincode.Failures;
import energy.flexledger.chaincode.MemberOrg;
import energy.flexledger.chaincode.Role;
import energy.flexledger.chaincode.StateStore;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    // Lists, not sets: they appear in error messages, which must not depend on hash order.
    private static final List<String> REGISTER_FIELDS =
            List.of("assetId", "type", "zone", "deviceId", "gatewayId", "quantity", "intervalMs", "saltCommitment", "maxAbsValue", "backfillMs", "earliestStart");
    private static final List<String> UPDATE_FIELDS = List.of("zone", "deviceId", "gatewayId", "status");

    private Registry() {}

    /** Registers an asset for the caller's org; the same registration again returns the stored asset. */
    static Map<String, Object> register(final ChaincodeStub stub, final Caller caller, final Json.Obj spec) {
        final MemberOrg owner = caller.requireMemberWriter("register assets");
        final StateStore state = new StateStore(stub);
        requireNotDevice(state, caller, "register assets");
        for (final String field : spec.names()) {
            if (!REGISTER_FIELDS.contains(field)) {
                throw Failures.fail(ErrorCode.BAD_REQUEST, "unknown asset field '" + field + "'; known: " + REGISTER_FIELDS);
            }
        }
        final String assetId = Args.id("assetId", string(spec, "assetId"));
        final AssetType type = AssetType.parse(string(spec, "type"));
        final Map<String, Object> asset = new LinkedHashMap<>();
        asset.put("assetId", assetId);
        asset.put("type", type.name());
        asset.put("ownerMsp", owner.mspId());
        asset.put("zone", Args.id("zone", string(spec, "zone")));
        asset.put("deviceId", binding(caller, "deviceId", optionalString(spec, "deviceId")));
        // A client that registers becomes the gateway; an admin names one (or none).
        final String gateway = optionalString(spec, "gatewayId");
        asset.put("gatewayId", binding(caller, "gatewayId", gateway != null ? gateway : caller.role() == Role.ADMIN ? null : caller.id()));
        if (asset.get("deviceId") != null && asset.get("deviceId").equals(asset.get("gatewayId"))) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "deviceId and gatewayId must be different identities");
        }
        final String salt = optionalString(spec, "saltCommitment");
        if (type == AssetType.METER && salt == null) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "a METER needs saltCommitment (SHA-256 of its FP1 salt, 64 lowercase hex digits)");
        }
        if (salt != null) {
            if (!Hex.isLowerHex(salt, Fp1.HASH_BYTES)) {
                throw Failures.fail(ErrorCode.BAD_REQUEST, "saltCommitment must be 64 lowercase hex digits (SHA-256 of the salt)");
            }
            final String quantity = optionalString(spec, "quantity");
            asset.put("quantity", quantity == null ? DEFAULT_QUANTITY : checkQuantity(quantity));
            asset.put("intervalMs", intervalMs(Args.spec(() -> spec.getLong("intervalMs", DEFAULT_INTERVAL_MS))));
            asset.put("saltCommitment", salt);
            asset.put("maxAbsValue", maxAbsValue(spec, (Long) asset.get("intervalMs")));
            if (spec.has("earliestStart")) {
                // Declared outright (a meter whose history is loaded from an archive): a deliberate choice, not a typo.
                if (spec.has("backfillMs")) {
                    throw Failures.fail(ErrorCode.BAD_REQUEST, "give earliestStart or backfillMs, not both");
                }
                final long earliest = Args.spec(() -> spec.getLong("earliestStart"));
                final long intervalMs = (Long) asset.get("intervalMs");
                if (earliest < 0 || earliest > stub.getTxTimestamp().toEpochMilli() || Math.floorMod(earliest, intervalMs) != 0) {
                    throw Failures.fail(ErrorCode.BAD_REQUEST, "earliestStart must be a multiple of intervalMs (" + intervalMs
                            + "), at least 0 and not after the registration, was " + earliest);
                }
                asset.put("earliestStart", earliest);
            }
        } else {
            for (final String field : List.of("quantity", "intervalMs", "maxAbsValue", "backfillMs", "earliestStart")) {
                if (spec.has(field)) {
                    throw Failures.fail(ErrorCode.BAD_REQUEST, field + " needs a saltCommitment: it describes certified intervals");
                }
            }
        }

        final String key = state.key(ASSET, assetId);
        final Optional<Map<String, Object>> existing = state.read(key);
        final long now = stub.getTxTimestamp().toEpochMilli();
        if (existing.isPresent()) {
            // The same registration sent again (a retry after a lost answer) is a no-op.
            if (Args.sameValues(existing.get(), asset)) {
                return existing.get();
            }
            throw Failures.fail(ErrorCode.ALREADY_EXISTS, "asset '" + assetId + "' is already registered by " + existing.get().get("ownerMsp"));
        }
        asset.put("status", ACTIVE);
        asset.put("registeredAt", now);
        asset.put("registeredTx", stub.getTxId());
        asset.put("updatedAt", now);
        asset.put("updatedTx", stub.getTxId());
        if (salt != null && !asset.containsKey("earliestStart")) {
            // A chain never restarts: the first record must not lie before the meter could have
            // measured it, or a typo (seconds for milliseconds, a zero) pins the meter in 1970.
            final long backfill = Args.spec(() -> spec.getLong("backfillMs", DEFAULT_BACKFILL_MS));
            if (backfill < 0 || backfill > MAX_BACKFILL_MS) {
                throw Failures.fail(ErrorCode.BAD_REQUEST, "backfillMs must be 0.." + MAX_BACKFILL_MS + " (366 days), was " + backfill);
            }
            final long intervalMs = (Long) asset.get("intervalMs");
            final long earliest = now - backfill;
            asset.put("earliestStart", earliest - Math.floorMod(earliest, intervalMs));
        }
        state.write(key, asset);
        state.requireEndorsement(key, Privacy.endorsement(owner.mspId()));
        writeIndexes(state, asset);
        if (isMetering(asset)) {
            final Map<String, Object> head = new LinkedHashMap<>();
            head.put("meterId", assetId);
            head.put("intervals", 0L);
            head.put("lastEnd", null);
            head.put("headLink", Hex.encode(Fp1.genesis(assetId)));
            final String headKey = state.key(HEAD, assetId);
            final String collection = Privacy.collectionOf(owner.mspId());
            state.writePrivate(collection, headKey, head);
            // The head link commits to the meter's whole history: the owner and a party with a
            // separate interest move it together, never one member alone.
            state.requirePrivateEndorsement(collection, headKey, Privacy.endorsement(owner.mspId()));
        }
        // The result and the event go into the block: the asset only, never its private chain head.
        return asset;
    }

    /** Changes zone, bound identities or status; by the owner org's admin or the asset's gateway. */
    static Map<String, Object> update(final ChaincodeStub stub, final Caller caller, final String assetId, final Json.Obj changes) {
        final StateStore state = new StateStore(stub);
        final Map<String, Object> asset = read(state, Args.id("assetId", assetId));
        requireManager(caller, asset, "update asset '" + assetId + "'");
        if (changes.names().isEmpty()) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "no change given; fields that can change: " + UPDATE_FIELDS);
        }
        final Map<String, Object> updated = new LinkedHashMap<>(asset);
        for (final String field : changes.names()) {
            switch (field) {
                case "zone":
                    updated.put("zone", Args.id("zone", string(changes, "zone")));
                    break;
                case "deviceId":
                case "gatewayId":
                    if (caller.role() != Role.ADMIN) {
                        throw Failures.fail(ErrorCode.ACCESS_DENIED, "only an admin of " + asset.get("ownerMsp") + " may change an asset's "
                                + field);
                    }
                    updated.put(field, binding(caller, field, optionalString(changes, field)));
                    break;
                case "status":
                    final String status = string(changes, "status");
                    if (!ACTIVE.equals(status) && !INACTIVE.equals(status)) {
                        throw Failures.fail(ErrorCode.BAD_REQUEST, "status must be ACTIVE or INACTIVE");
                    }
                    updated.put("status", status);
                    break;
                default:
                    throw Failures.fail(ErrorCode.BAD_REQUEST, "field '" + field + "' cannot change; fields that can: " + UPDATE_FIELDS);
            }
        }
        if (updated.get("deviceId") != null && updated.get("deviceId").equals(updated.get("gatewayId"))) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "deviceId and gatewayId must be different identities");
        }
        if (Args.sameValues(asset, updated)) {
            return asset;
        }
        updated.put("updatedAt", stub.getTxTimestamp().toEpochMilli());
        updated.put("updatedTx", stub.getTxId());
        removeIndexes(state, asset);
        final String key = state.key(ASSET, assetId);
        state.write(key, updated);
        // Set again on every write (idempotent): Fabric validates against the policy already
        // committed, and the policy of a key never depends on how it was first written.
        state.requireEndorsement(key, Privacy.endorsement((String) asset.get("ownerMsp")));
        writeIndexes(state, updated);
        // The result and the event go into the block: the asset only, never its private chain head.
        return updated;
    }

    static Map<String, Object> read(final StateStore state, final String assetId) {
        return state.read(state.key(ASSET, assetId))
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "asset '" + assetId + "' is not registered"));
    }

    /** The chain head of a metering asset, from its owner's private data collection. */
    static Map<String, Object> readHead(final StateStore state, final Map<String, Object> asset) {
        final String assetId = (String) asset.get("assetId");
        if (!isMetering(asset)) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "asset '" + assetId + "' does not certify intervals (no saltCommitment)");
        }
        return state.readPrivate(Privacy.collectionOf((String) asset.get("ownerMsp")), state.key(HEAD, assetId))
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "the chain head of asset '" + assetId + "' is not on this peer"));
    }

    static boolean isMetering(final Map<String, Object> asset) {
        return asset.get("saltCommitment") != null;
    }

    /** The asset with its chain head ({@code intervals}, {@code lastEnd}, {@code headLink}) when it has one. */
    /**
     * The asset with its chain head when it certifies intervals and the caller may read them;
     * otherwise with {@code dataReaders}, the orgs that may.
     */
    static Map<String, Object> withHead(final StateStore state, final Caller caller, final Map<String, Object> asset) {
        if (!isMetering(asset)) {
            return asset;
        }
        final String owner = (String) asset.get("ownerMsp");
        if (Privacy.mayRead(caller, owner)) {
            return withHead(asset, readHead(state, asset));
        }
        final Map<String, Object> out = new LinkedHashMap<>(asset);
        out.put("dataReaders", new ArrayList<Object>(Privacy.readersOf(owner)));
        return out;
    }

    private static Map<String, Object> withHead(final Map<String, Object> asset, final Map<String, Object> head) {
        final Map<String, Object> out = new LinkedHashMap<>(asset);
        out.put("intervals", head.get("intervals"));
        out.put("lastEnd", head.get("lastEnd"));
        out.put("headLink", head.get("headLink"));
        return out;
    }

    /** An admin of the owner org, or the asset's bound gateway identity. */
    static void requireManager(final Caller caller, final Map<String, Object> asset, final String action) {
        caller.requireMemberWriter(action);
        final boolean ownerAdmin = caller.mspId().equals(asset.get("ownerMsp")) && caller.role() == Role.ADMIN;
        final boolean gateway = caller.mspId().equals(asset.get("ownerMsp")) && caller.id().equals(asset.get("gatewayId"));
        if (!ownerAdmin && !gateway) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "only an admin of " + asset.get("ownerMsp")
                    + " or the asset's gateway identity may " + action);
        }
    }

    /** The asset's bound device or its owner's bound gateway identity. */
    static void requireDataWriter(final Caller caller, final Map<String, Object> asset) {
        caller.requireMemberWriter("record data");
        if (caller.role() == Role.ADMIN) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "an admin signs policy, not data: only the device or the gateway identity bound to asset '"
                    + asset.get("assetId") + "' may record its data");
        }
        final boolean owner = caller.mspId().equals(asset.get("ownerMsp"));
        if (!owner || !(caller.id().equals(asset.get("deviceId")) || caller.id().equals(asset.get("gatewayId")))) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "only the device or the gateway identity bound to asset '" + asset.get("assetId")
                    + "' (" + asset.get("ownerMsp") + ") may record its data");
        }
    }

    /** Identities bound as a device to any asset act only for it: no registrations, batches or subscriptions. */
    static void requireNotDevice(final StateStore state, final Caller caller, final String action) {
        if (caller.role() != Role.ADMIN && !state.indexed(BY_DEVICE, caller.mspId(), caller.id()).isEmpty()) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "a device identity may not " + action);
        }
    }

    /** A page of assets by {@code owner} (MSP id), {@code zone} or {@code type}. */
    static Map<String, Object> query(final StateStore state, final String by, final String value, final int pageSize, final String bookmark) {
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
        final List<Object> assets = new ArrayList<>();
        for (final List<String> parts : page.items()) {
            final String assetId = parts.get(parts.size() - 1);
            // The index only points; the asset record decides (an entry left by a stale index is skipped).
            state.read(state.key(ASSET, assetId)).filter(a -> value.equals(a.get(field(by)))).ifPresent(assets::add);
        }
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("assets", assets);
        out.put("bookmark", page.bookmark());
        return out;
    }

    private static String field(final String by) {
        return "owner".equals(by) ? "ownerMsp" : by;
    }

    private static void writeIndexes(final StateStore state, final Map<String, Object> asset) {
        final String owner = (String) asset.get("ownerMsp");
        final String id = (String) asset.get("assetId");
        final String type = (String) asset.get("type");
        indexGuarded(state, owner, BY_OWNER, owner, type, id);
        indexGuarded(state, owner, BY_ZONE, (String) asset.get("zone"), type, id);
        indexGuarded(state, owner, BY_TYPE, type, id);
        if (asset.get("deviceId") != null) {
            indexGuarded(state, owner, BY_DEVICE, owner, (String) asset.get("deviceId"), id);
        }
    }

    private static void removeIndexes(final StateStore state, final Map<String, Object> asset) {
        final String id = (String) asset.get("assetId");
        final String type = (String) asset.get("type");
        state.unindex(BY_OWNER, (String) asset.get("ownerMsp"), type, id);
        state.unindex(BY_ZONE, (String) asset.get("zone"), type, id);
        state.unindex(BY_TYPE, type, id);
        if (asset.get("deviceId") != null) {
            state.unindex(BY_DEVICE, (String) asset.get("ownerMsp"), (String) asset.get("deviceId"), id);
        }
    }

    private static void indexGuarded(final StateStore state, final String owner, final String type, final String... parts) {
        state.index(type, parts);
        state.requireEndorsement(state.key(type, parts), Privacy.endorsement(owner));
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
    private static long maxAbsValue(final Json.Obj spec, final long intervalMs) {
        final long value = Args.spec(() -> spec.getLong("maxAbsValue", Math.min(DEFAULT_MAX_ABS_VALUE, Long.MAX_VALUE / intervalMs)));
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

    private static String string(final Json.Obj obj, final String name) {
        return Args.spec(() -> obj.getString(name));
    }

    private static String optionalString(final Json.Obj obj, final String name) {
        return obj.has(name) ? string(obj, name) : null;
    }

}
