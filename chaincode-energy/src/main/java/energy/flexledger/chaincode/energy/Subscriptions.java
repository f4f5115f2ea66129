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
 * (REVOKED). Times come from the transactions. What an accepted subscription grants, and where it
 * is enforced: README, "What an accepted subscription grants".
 *
 * <p>State, one key per party's part, each guarded by a key-level policy so that no party can do
 * the other's part alone, even with altered chaincode:
 * <ul>
 *   <li>{@code subscription/<id>}: the terms (topic, provider, consumer, who asked and when), written
 *       once by the request; policy AND(provider, consumer): neither party can change them alone;</li>
 *   <li>{@code sub~decision/<id>}: the provider's answer (REQUESTED, ACCEPTED, DECLINED, REVOKED);
 *       policy: the provider's peer, so only the provider accepts, declines or revokes from its side;</li>
 *   <li>{@code sub~revoked/<id>}: the consumer's revocation; policy: the consumer's peer, so the
 *       consumer withdraws on its own and no provider can stop it;</li>
 *   <li>indexes {@code sub~topic/<topic>/<id>}, {@code sub~provider/<msp>/<id>},
 *       {@code sub~consumer/<msp>/<id>}; policy AND(provider, consumer).</li>
 * </ul>
 * A request creates every key, so it needs the chaincode's policy (two member orgs): keys that do
 * not exist yet carry no key-level policy. A subscription is REVOKED once either party's key says
 * so; a party that undid its own key with altered chaincode would only undo its own act (the
 * provider can always revoke again).
 */
final class Subscriptions {
    static final String SUBSCRIPTION = "subscription";
    static final String DECISION = "sub~decision";
    static final String REVOCATION = "sub~revoked";
    static final String BY_TOPIC = "sub~topic";
    static final String BY_PROVIDER = "sub~provider";
    static final String BY_CONSUMER = "sub~consumer";
    static final String REQUESTED = "REQUESTED";
    static final String ACCEPTED = "ACCEPTED";
    static final String DECLINED = "DECLINED";
    static final String REVOKED = "REVOKED";

    private Subscriptions() {}

    private static KeyPolicy bothParties(final String providerMsp, final String consumerMsp) {
        return KeyPolicy.all(KeyPolicy.peer(providerMsp), KeyPolicy.peer(consumerMsp));
    }

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
        final Map<String, Object> terms = new LinkedHashMap<>();
        terms.put("subscriptionId", id);
        terms.put("topic", Args.id("topic", topic));
        terms.put("providerMsp", provider.mspId());
        terms.put("consumerMsp", consumer.mspId());
        final String key = state.key(SUBSCRIPTION, id);
        final Optional<Map<String, Object>> existing = state.read(key);
        if (existing.isPresent()) {
            if (Args.sameValues(existing.get(), terms)) {
                return view(state, existing.get());
            }
            throw Failures.fail(ErrorCode.ALREADY_EXISTS, "subscription '" + id + "' already exists");
        }
        for (final String part : List.of(DECISION, REVOCATION)) {
            if (state.read(state.key(part, id)).isPresent()) {
                // Left by colluding members' altered chaincode: an id with a party's key cannot start afresh.
                throw Failures.fail(ErrorCode.ALREADY_EXISTS, "subscription '" + id + "' already has a " + part + " key on the ledger");
            }
        }
        final long now = stub.getTxTimestamp().toEpochMilli();
        terms.put("requestedAt", now);
        terms.put("requestedBy", caller.id());
        terms.put("requestTx", stub.getTxId());
        final KeyPolicy both = bothParties(provider.mspId(), consumer.mspId());
        state.write(key, terms);
        state.requireEndorsement(key, both);
        final Map<String, Object> decision = new LinkedHashMap<>();
        decision.put("subscriptionId", id);
        decision.put("status", REQUESTED);
        decision.put("updatedAt", now);
        decision.put("updatedTx", stub.getTxId());
        writeDecision(state, terms, decision);
        final Map<String, Object> revocation = new LinkedHashMap<>();
        revocation.put("subscriptionId", id);
        revocation.put("revoked", false);
        writeRevocation(state, terms, revocation);
        indexGuarded(state, both, BY_TOPIC, topic, id);
        indexGuarded(state, both, BY_PROVIDER, provider.mspId(), id);
        indexGuarded(state, both, BY_CONSUMER, consumer.mspId(), id);
        return view(terms, decision, revocation);
    }

    private static void indexGuarded(final StateStore state, final KeyPolicy policy, final String type, final String... parts) {
        state.index(type, parts);
        state.requireEndorsement(state.key(type, parts), policy);
    }

    private static void writeDecision(final StateStore state, final Map<String, Object> terms, final Map<String, Object> decision) {
        final String key = state.key(DECISION, (String) terms.get("subscriptionId"));
        state.write(key, decision);
        state.requireEndorsement(key, KeyPolicy.peer((String) terms.get("providerMsp")));
    }

    private static void writeRevocation(final StateStore state, final Map<String, Object> terms, final Map<String, Object> revocation) {
        final String key = state.key(REVOCATION, (String) terms.get("subscriptionId"));
        state.write(key, revocation);
        state.requireEndorsement(key, KeyPolicy.peer((String) terms.get("consumerMsp")));
    }

    /** ACCEPTED or DECLINED, by the provider; only from REQUESTED. The same decision again is a no-op. */
    static Map<String, Object> decide(final ChaincodeStub stub, final Caller caller, final String subscriptionId, final String decision) {
        final StateStore state = new StateStore(stub);
        final Map<String, Object> terms = read(state, subscriptionId);
        requireParty(state, caller, terms, List.of("providerMsp"), decision.equals(ACCEPTED) ? "accept" : "decline");
        final Map<String, Object> current = view(state, terms);
        if (decision.equals(current.get("status"))) {
            return current;
        }
        if (!REQUESTED.equals(current.get("status"))) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "subscription '" + subscriptionId + "' is " + current.get("status") + ", not " + REQUESTED);
        }
        final long now = stub.getTxTimestamp().toEpochMilli();
        final Map<String, Object> changed = new LinkedHashMap<>(partOf(state, DECISION, terms));
        changed.put("status", decision);
        changed.put("decidedAt", now);
        changed.put("updatedAt", now);
        changed.put("updatedTx", stub.getTxId());
        writeDecision(state, terms, changed);
        return changedBy(stub, view(terms, changed, partOf(state, REVOCATION, terms)));
    }

    /**
     * REVOKED, by the provider or the consumer, each in its own key; from REQUESTED or ACCEPTED.
     * Revoking again is a no-op; a provider's revocation is recorded even after the consumer's.
     */
    static Map<String, Object> revoke(final ChaincodeStub stub, final Caller caller, final String subscriptionId) {
        final StateStore state = new StateStore(stub);
        final Map<String, Object> terms = read(state, subscriptionId);
        requireParty(state, caller, terms, List.of("providerMsp", "consumerMsp"), "revoke");
        final Map<String, Object> decision = partOf(state, DECISION, terms);
        final Map<String, Object> revocation = partOf(state, REVOCATION, terms);
        final boolean provider = caller.mspId().equals(terms.get("providerMsp"));
        final boolean alreadyMine = provider ? REVOKED.equals(decision.get("status")) : Boolean.TRUE.equals(revocation.get("revoked"));
        if (alreadyMine || (!provider && REVOKED.equals(decision.get("status")))) {
            return view(terms, decision, revocation);
        }
        if (!REQUESTED.equals(decision.get("status")) && !ACCEPTED.equals(decision.get("status"))) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "subscription '" + subscriptionId + "' is " + decision.get("status")
                    + " and cannot be revoked");
        }
        final long now = stub.getTxTimestamp().toEpochMilli();
        if (provider) {
            final Map<String, Object> changed = new LinkedHashMap<>(decision);
            changed.put("status", REVOKED);
            changed.put("revokedAt", now);
            changed.put("updatedAt", now);
            changed.put("updatedTx", stub.getTxId());
            writeDecision(state, terms, changed);
            return changedBy(stub, view(terms, changed, revocation));
        }
        final Map<String, Object> changed = new LinkedHashMap<>(revocation);
        changed.put("revoked", true);
        changed.put("revokedAt", now);
        changed.put("revokedTx", stub.getTxId());
        writeRevocation(state, terms, changed);
        return changedBy(stub, view(terms, decision, changed));
    }

    /**
     * The view after this transaction changed it: its {@code updatedTx} is this transaction, whatever
     * the clocks of the parties' clients said (the contract announces a change when {@code updatedTx}
     * is the current transaction).
     */
    private static Map<String, Object> changedBy(final ChaincodeStub stub, final Map<String, Object> view) {
        view.put("updatedTx", stub.getTxId());
        view.put("updatedAt", stub.getTxTimestamp().toEpochMilli());
        return view;
    }

    private static Map<String, Object> partOf(final StateStore state, final String part, final Map<String, Object> terms) {
        return state.read(state.key(part, (String) terms.get("subscriptionId"))).orElseThrow(() -> Failures.fail(ErrorCode.INVALID_STATE,
                "subscription '" + terms.get("subscriptionId") + "' lacks its " + part + " key"));
    }

    private static Map<String, Object> view(final StateStore state, final Map<String, Object> terms) {
        return view(terms, partOf(state, DECISION, terms), partOf(state, REVOCATION, terms));
    }

    /**
     * The subscription as its parties (and the gateways that will enforce it) see it: the terms, the
     * provider's status, REVOKED when the consumer's key says so, and who revoked first.
     */
    static Map<String, Object> view(final Map<String, Object> terms, final Map<String, Object> decision, final Map<String, Object> revocation) {
        final Map<String, Object> out = new LinkedHashMap<>(terms);
        String status = (String) decision.get("status");
        if (decision.get("decidedAt") != null) {
            out.put("decidedAt", decision.get("decidedAt"));
        }
        long updatedAt = (Long) decision.get("updatedAt");
        Object updatedTx = decision.get("updatedTx");
        final boolean consumerRevoked = Boolean.TRUE.equals(revocation.get("revoked"));
        final Long providerRevokedAt = (Long) decision.get("revokedAt");
        if (consumerRevoked) {
            final long at = (Long) revocation.get("revokedAt");
            if (providerRevokedAt == null || at < providerRevokedAt) {
                out.put("revokedAt", at);
                out.put("revokedBy", terms.get("consumerMsp"));
            }
            if (at >= updatedAt) {
                updatedAt = at;
                updatedTx = revocation.get("revokedTx");
            }
            status = REVOKED;
        }
        if (providerRevokedAt != null && !out.containsKey("revokedBy")) {
            out.put("revokedAt", providerRevokedAt);
            out.put("revokedBy", terms.get("providerMsp"));
        }
        out.put("status", status);
        out.put("updatedAt", updatedAt);
        out.put("updatedTx", updatedTx);
        return out;
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

    /** The terms as requested ({@code subscription/<id>}). */
    static Map<String, Object> read(final StateStore state, final String subscriptionId) {
        return state.read(state.key(SUBSCRIPTION, Args.id("subscriptionId", subscriptionId)))
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "subscription '" + subscriptionId + "' does not exist"));
    }

    /** The subscription as its parties and the gateways that enforce it see it. */
    static Map<String, Object> current(final StateStore state, final String subscriptionId) {
        return view(state, read(state, subscriptionId));
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
                    .ifPresent(s -> subs.add(view(state, s)));
        }
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("subscriptions", subs);
        out.put("bookmark", page.bookmark());
        return out;
    }
}
