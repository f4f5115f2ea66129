package energy.flexledger.chaincode.energy;

import energy.flexledger.chaincode.Caller;
import energy.flexledger.chaincode.Failures;
import energy.flexledger.chaincode.KeyPolicy;
import energy.flexledger.chaincode.MemberOrg;
import energy.flexledger.chaincode.StateStore;
import energy.flexledger.spec.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hyperledger.fabric.shim.ChaincodeStub;

/**
 * Platone-style data-access subscriptions: a consumer org asks a provider org for a topic
 * (REQUESTED); the provider accepts (ACCEPTED) or declines (DECLINED); either side revokes
 * (REVOKED). Times come from the transactions. The client apps enforce topic access from these
 * records.
 *
 * <p>State: {@code subscription/<id>} (the terms and the provider's decisions), {@code
 * sub~revoked/<id>} (the consumer's revocation), indexes {@code sub~topic/<topic>/<id>},
 * {@code sub~provider/<msp>/<id>} and {@code sub~consumer/<msp>/<id>}. Each party writes exactly its
 * own key, and key-level policies say so: the record only with the provider's peer (only the
 * provider accepts, declines or revokes from its side; the consumer cannot accept its own
 * request, even with altered chaincode), the revocation key only with the consumer's peer (the
 * consumer can always withdraw, and no provider can stop it). A request, which creates both keys
 * and the indexes, needs the chaincode's policy (two member orgs). A subscription is REVOKED when
 * either key says so.
 */
final class Subscriptions {
    static final String SUBSCRIPTION = "subscription";
    static final String BY_TOPIC = "sub~topic";
    static final String BY_PROVIDER = "sub~provider";
    static final String BY_CONSUMER = "sub~consumer";
    static final String REVOCATION = "sub~revoked";
    static final String REQUESTED = "REQUESTED";
    static final String ACCEPTED = "ACCEPTED";
    static final String DECLINED = "DECLINED";
    static final String REVOKED = "REVOKED";

    private Subscriptions() {}

    static Map<String, Object> request(final ChaincodeStub stub, final Caller caller, final String subscriptionId, final String providerMsp,
            final String topic) {
        final MemberOrg consumer = caller.requireMemberWriter("request data access");
        final StateStore state = new StateStore(stub);
        Registry.requireNotDevice(state, caller, "request data access");
        final String id = Args.id("subscriptionId", subscriptionId);
        final MemberOrg provider = MemberOrg.ofMsp(providerMsp)
                .orElseThrow(() -> Failures.fail(ErrorCode.BAD_REQUEST, "providerMsp '" + providerMsp + "' is not a member org"));
        if (provider == consumer) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "an org does not subscribe to its own data");
        }
        final Map<String, Object> sub = new LinkedHashMap<>();
        sub.put("subscriptionId", id);
        sub.put("topic", Args.id("topic", topic));
        sub.put("providerMsp", provider.mspId());
        sub.put("consumerMsp", consumer.mspId());
        final String key = state.key(SUBSCRIPTION, id);
        final Optional<Map<String, Object>> existing = state.read(key);
        if (existing.isPresent()) {
            if (Args.sameValues(existing.get(), sub)) {
                return withRevocation(state, existing.get());
            }
            throw Failures.fail(ErrorCode.ALREADY_EXISTS, "subscription '" + id + "' already exists");
        }
        final String revocationKey = state.key(REVOCATION, id);
        if (state.read(revocationKey).isPresent()) {
            // Left by colluding members' altered chaincode: an id whose consumer key exists cannot start afresh.
            throw Failures.fail(ErrorCode.ALREADY_EXISTS, "subscription '" + id + "' already has a revocation on the ledger");
        }
        final long now = stub.getTxTimestamp().toEpochMilli();
        sub.put("status", REQUESTED);
        sub.put("requestedAt", now);
        sub.put("requestedBy", caller.id());
        sub.put("updatedAt", now);
        sub.put("updatedTx", stub.getTxId());
        state.write(key, sub);
        state.requireEndorsement(key, KeyPolicy.peer(provider.mspId()));
        final Map<String, Object> revocation = new LinkedHashMap<>();
        revocation.put("subscriptionId", id);
        revocation.put("revoked", false);
        state.write(revocationKey, revocation);
        state.requireEndorsement(revocationKey, KeyPolicy.peer(consumer.mspId()));
        state.index(BY_TOPIC, topic, id);
        state.index(BY_PROVIDER, provider.mspId(), id);
        state.index(BY_CONSUMER, consumer.mspId(), id);
        return sub;
    }

    /** ACCEPTED or DECLINED, by the provider; only from REQUESTED. The same decision again is a no-op. */
    static Map<String, Object> decide(final ChaincodeStub stub, final Caller caller, final String subscriptionId, final String decision) {
        final StateStore state = new StateStore(stub);
        final Map<String, Object> sub = withRevocation(state, read(state, subscriptionId));
        requireParty(state, caller, sub, List.of("providerMsp"), decision.equals(ACCEPTED) ? "accept" : "decline");
        if (decision.equals(sub.get("status"))) {
            return sub;
        }
        if (!REQUESTED.equals(sub.get("status"))) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "subscription '" + subscriptionId + "' is " + sub.get("status") + ", not " + REQUESTED);
        }
        return change(stub, state, sub, decision, "decidedAt", null);
    }

    /** REVOKED, by the provider or the consumer; from REQUESTED or ACCEPTED. Revoking again is a no-op. */
    static Map<String, Object> revoke(final ChaincodeStub stub, final Caller caller, final String subscriptionId) {
        final StateStore state = new StateStore(stub);
        final Map<String, Object> sub = withRevocation(state, read(state, subscriptionId));
        requireParty(state, caller, sub, List.of("providerMsp", "consumerMsp"), "revoke");
        if (REVOKED.equals(sub.get("status"))) {
            return sub;
        }
        if (!REQUESTED.equals(sub.get("status")) && !ACCEPTED.equals(sub.get("status"))) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "subscription '" + subscriptionId + "' is " + sub.get("status") + " and cannot be revoked");
        }
        if (caller.mspId().equals(sub.get("providerMsp"))) {
            return change(stub, state, sub, REVOKED, "revokedAt", caller.mspId());
        }
        // The consumer writes its own key only: the record is the provider's.
        final long now = stub.getTxTimestamp().toEpochMilli();
        final Map<String, Object> revocation = new LinkedHashMap<>();
        revocation.put("subscriptionId", sub.get("subscriptionId"));
        revocation.put("revoked", true);
        revocation.put("revokedAt", now);
        revocation.put("revokedTx", stub.getTxId());
        final String key = state.key(REVOCATION, (String) sub.get("subscriptionId"));
        state.write(key, revocation);
        state.requireEndorsement(key, KeyPolicy.peer(caller.mspId()));
        return revokedByConsumer(sub, revocation);
    }

    /** The record as its parties see it: REVOKED when the consumer's key says so. */
    static Map<String, Object> withRevocation(final StateStore state, final Map<String, Object> sub) {
        final Optional<Map<String, Object>> revocation = state.read(state.key(REVOCATION, (String) sub.get("subscriptionId")));
        if (revocation.isPresent() && Boolean.TRUE.equals(revocation.get().get("revoked")) && !REVOKED.equals(sub.get("status"))) {
            return revokedByConsumer(sub, revocation.get());
        }
        return sub;
    }

    private static Map<String, Object> revokedByConsumer(final Map<String, Object> sub, final Map<String, Object> revocation) {
        final Map<String, Object> out = new LinkedHashMap<>(sub);
        out.put("status", REVOKED);
        out.put("revokedAt", revocation.get("revokedAt"));
        out.put("revokedBy", sub.get("consumerMsp"));
        out.put("updatedAt", revocation.get("revokedAt"));
        out.put("updatedTx", revocation.get("revokedTx"));
        return out;
    }

    private static Map<String, Object> change(final ChaincodeStub stub, final StateStore state, final Map<String, Object> sub,
            final String status, final String timeField, final String revokedBy) {
        final long now = stub.getTxTimestamp().toEpochMilli();
        final Map<String, Object> updated = new LinkedHashMap<>(sub);
        updated.put("status", status);
        updated.put(timeField, now);
        if (revokedBy != null) {
            updated.put("revokedBy", revokedBy);
        }
        updated.put("updatedAt", now);
        updated.put("updatedTx", stub.getTxId());
        final String key = state.key(SUBSCRIPTION, (String) sub.get("subscriptionId"));
        state.write(key, updated);
        // Set again on every write, so that the Fabric Gateway asks the provider's peer.
        state.requireEndorsement(key, KeyPolicy.peer((String) sub.get("providerMsp")));
        return updated;
    }

    private static void requireParty(final StateStore state, final Caller caller, final Map<String, Object> sub, final List<String> sides,
            final String action) {
        caller.requireMemberWriter(action + " subscriptions");
        Registry.requireNotDevice(state, caller, action + " subscriptions");
        for (final String side : sides) {
            if (caller.mspId().equals(sub.get(side))) {
                return;
            }
        }
        throw Failures.fail(ErrorCode.ACCESS_DENIED, caller.mspId() + " may not " + action + " subscription '" + sub.get("subscriptionId")
                + "': only " + (sides.size() == 1 ? "its provider " + sub.get("providerMsp")
                        : "its provider " + sub.get("providerMsp") + " or consumer " + sub.get("consumerMsp")) + " may");
    }

    /** The record as stored (the provider's key); {@link #withRevocation} adds the consumer's revocation. */
    static Map<String, Object> read(final StateStore state, final String subscriptionId) {
        return state.read(state.key(SUBSCRIPTION, Args.id("subscriptionId", subscriptionId)))
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "subscription '" + subscriptionId + "' does not exist"));
    }

    /** The subscription as its parties and the gateways that enforce it see it. */
    static Map<String, Object> current(final StateStore state, final String subscriptionId) {
        return withRevocation(state, read(state, subscriptionId));
    }

    static Map<String, Object> query(final StateStore state, final String by, final String value, final int pageSize, final String bookmark) {
        final String index;
        final String field;
        switch (by == null ? "" : by) {
            case "topic":
                index = BY_TOPIC;
                field = "topic";
                break;
            case "provider":
                index = BY_PROVIDER;
                field = "providerMsp";
                break;
            case "consumer":
                index = BY_CONSUMER;
                field = "consumerMsp";
                break;
            default:
                throw Failures.fail(ErrorCode.BAD_REQUEST, "subscriptions can be queried by topic, provider or consumer, not '" + by + "'");
        }
        final StateStore.Page<List<String>> page = state.indexedPage(pageSize, bookmark, index, Args.id(by, value));
        final List<Object> subs = new ArrayList<>();
        for (final List<String> parts : page.items()) {
            state.read(state.key(SUBSCRIPTION, parts.get(parts.size() - 1))).filter(s -> value.equals(s.get(field)))
                    .ifPresent(s -> subs.add(withRevocation(state, s)));
        }
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("subscriptions", subs);
        out.put("bookmark", page.bookmark());
        return out;
    }
}
