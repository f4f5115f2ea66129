package energy.flexledger.chaincode.energy;

import energy.flexledger.chaincode.Caller;
import energy.flexledger.chaincode.Failures;
import energy.flexledger.chaincode.KeyPolicy;
import energy.flexledger.chaincode.Member;
import energy.flexledger.chaincode.StateStore;
import energy.flexledger.spec.ErrorCode;
import java.util.ArrayList;
import java.util.List;
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

    static Subscription request(final ChaincodeStub stub, final Caller caller, final String subscriptionId, final String providerMsp,
            final String topic) {
        final Member consumer = caller.requireMemberWriter("request data access");
        final StateStore state = new StateStore(stub);
        Registry.requireNotDevice(state, caller, "request data access");
        final String id = Args.id("subscriptionId", subscriptionId);
        final Member provider = caller.consortium().member(providerMsp)
                .orElseThrow(() -> Failures.fail(ErrorCode.BAD_REQUEST, "providerMsp '" + providerMsp + "' is not a member org"));
        if (provider.mspId().equals(consumer.mspId())) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "an org does not subscribe to its own data");
        }
        final String checkedTopic = Args.id("topic", topic);
        final String key = state.key(SUBSCRIPTION, id);
        final Optional<SubscriptionTerms> existing = state.read(key, SubscriptionTerms.class);
        if (existing.isPresent()) {
            if (existing.get().sameRequest(checkedTopic, provider.mspId(), consumer.mspId())) {
                return view(state, existing.get());
            }
            throw Failures.fail(ErrorCode.ALREADY_EXISTS, "subscription '" + id + "' already exists");
        }
        for (final String part : List.of(DECISION, REVOCATION)) {
            if (state.read(state.key(part, id), Object.class).isPresent()) {
                // Left by colluding members' altered chaincode: an id with a party's key cannot start afresh.
                throw Failures.fail(ErrorCode.ALREADY_EXISTS, "subscription '" + id + "' already has a " + part + " key on the ledger");
            }
        }
        final long now = stub.getTxTimestamp().toEpochMilli();
        final SubscriptionTerms terms = new SubscriptionTerms(id, checkedTopic, provider.mspId(), consumer.mspId(), now, caller.id(), stub.getTxId());
        final KeyPolicy both = bothParties(provider.mspId(), consumer.mspId());
        state.write(key, terms);
        state.requireEndorsement(key, both);
        final SubscriptionDecision decision = new SubscriptionDecision(id, REQUESTED, null, null, now, stub.getTxId());
        writeDecision(state, terms, decision);
        final SubscriptionRevocation revocation = new SubscriptionRevocation(id, false, null, null);
        writeRevocation(state, terms, revocation);
        indexGuarded(state, both, BY_TOPIC, checkedTopic, id);
        indexGuarded(state, both, BY_PROVIDER, provider.mspId(), id);
        indexGuarded(state, both, BY_CONSUMER, consumer.mspId(), id);
        return view(terms, decision, revocation);
    }

    private static void indexGuarded(final StateStore state, final KeyPolicy policy, final String type, final String... parts) {
        state.index(type, parts);
        state.requireEndorsement(state.key(type, parts), policy);
    }

    private static void writeDecision(final StateStore state, final SubscriptionTerms terms, final SubscriptionDecision decision) {
        final String key = state.key(DECISION, terms.subscriptionId());
        state.write(key, decision);
        state.requireEndorsement(key, KeyPolicy.peer(terms.providerMsp()));
    }

    private static void writeRevocation(final StateStore state, final SubscriptionTerms terms, final SubscriptionRevocation revocation) {
        final String key = state.key(REVOCATION, terms.subscriptionId());
        state.write(key, revocation);
        state.requireEndorsement(key, KeyPolicy.peer(terms.consumerMsp()));
    }

    /** ACCEPTED or DECLINED, by the provider; only from REQUESTED. The same decision again is a no-op. */
    static Subscription decide(final ChaincodeStub stub, final Caller caller, final String subscriptionId, final String decision) {
        final StateStore state = new StateStore(stub);
        final SubscriptionTerms terms = read(state, subscriptionId);
        requireParty(state, caller, terms, false, decision.equals(ACCEPTED) ? "accept" : "decline");
        final Subscription current = view(state, terms);
        if (decision.equals(current.status())) {
            return current;
        }
        if (!REQUESTED.equals(current.status())) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "subscription '" + subscriptionId + "' is " + current.status() + ", not " + REQUESTED);
        }
        final long now = stub.getTxTimestamp().toEpochMilli();
        final SubscriptionDecision changed = decisionOf(state, terms).decided(decision, now, stub.getTxId());
        writeDecision(state, terms, changed);
        return view(terms, changed, revocationOf(state, terms)).changedBy(now, stub.getTxId());
    }

    /**
     * REVOKED, by the provider or the consumer, each in its own key; from REQUESTED or ACCEPTED.
     * Revoking again is a no-op; a provider's revocation is recorded even after the consumer's.
     */
    static Subscription revoke(final ChaincodeStub stub, final Caller caller, final String subscriptionId) {
        final StateStore state = new StateStore(stub);
        final SubscriptionTerms terms = read(state, subscriptionId);
        requireParty(state, caller, terms, true, "revoke");
        final SubscriptionDecision decision = decisionOf(state, terms);
        final SubscriptionRevocation revocation = revocationOf(state, terms);
        final boolean provider = caller.mspId().equals(terms.providerMsp());
        final boolean alreadyMine = provider ? REVOKED.equals(decision.status()) : revocation.revoked();
        if (alreadyMine || (!provider && REVOKED.equals(decision.status()))) {
            return view(terms, decision, revocation);
        }
        if (!REQUESTED.equals(decision.status()) && !ACCEPTED.equals(decision.status())) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "subscription '" + subscriptionId + "' is " + decision.status() + " and cannot be revoked");
        }
        final long now = stub.getTxTimestamp().toEpochMilli();
        if (provider) {
            final SubscriptionDecision changed = decision.revoked(now, stub.getTxId());
            writeDecision(state, terms, changed);
            return view(terms, changed, revocation).changedBy(now, stub.getTxId());
        }
        final SubscriptionRevocation changed = new SubscriptionRevocation(terms.subscriptionId(), true, now, stub.getTxId());
        writeRevocation(state, terms, changed);
        return view(terms, decision, changed).changedBy(now, stub.getTxId());
    }

    private static SubscriptionDecision decisionOf(final StateStore state, final SubscriptionTerms terms) {
        return state.read(state.key(DECISION, terms.subscriptionId()), SubscriptionDecision.class).orElseThrow(() -> missingPart(terms, DECISION));
    }

    private static SubscriptionRevocation revocationOf(final StateStore state, final SubscriptionTerms terms) {
        return state.read(state.key(REVOCATION, terms.subscriptionId()), SubscriptionRevocation.class)
                .orElseThrow(() -> missingPart(terms, REVOCATION));
    }

    private static RuntimeException missingPart(final SubscriptionTerms terms, final String part) {
        return Failures.fail(ErrorCode.INVALID_STATE, "subscription '" + terms.subscriptionId() + "' lacks its " + part + " key");
    }

    private static Subscription view(final StateStore state, final SubscriptionTerms terms) {
        return view(terms, decisionOf(state, terms), revocationOf(state, terms));
    }

    /**
     * The subscription as its parties (and the gateways that will enforce it) see it: the terms, the
     * provider's status, REVOKED when the consumer's key says so, and who revoked first.
     */
    static Subscription view(final SubscriptionTerms terms, final SubscriptionDecision decision, final SubscriptionRevocation revocation) {
        String status = decision.status();
        long updatedAt = decision.updatedAt();
        String updatedTx = decision.updatedTx();
        Long revokedAt = null;
        String revokedBy = null;
        final Long providerRevokedAt = decision.revokedAt();
        if (revocation.revoked()) {
            final long at = revocation.revokedAt();
            if (providerRevokedAt == null || at < providerRevokedAt) {
                revokedAt = at;
                revokedBy = terms.consumerMsp();
            }
            if (at >= updatedAt) {
                updatedAt = at;
                updatedTx = revocation.revokedTx();
            }
            status = REVOKED;
        }
        if (providerRevokedAt != null && revokedBy == null) {
            revokedAt = providerRevokedAt;
            revokedBy = terms.providerMsp();
        }
        return new Subscription(terms.subscriptionId(), terms.topic(), terms.providerMsp(), terms.consumerMsp(), terms.requestedAt(),
                terms.requestedBy(), terms.requestTx(), decision.decidedAt(), revokedAt, revokedBy, status, updatedAt, updatedTx);
    }

    private static void requireParty(final StateStore state, final Caller caller, final SubscriptionTerms sub, final boolean consumerToo,
            final String action) {
        caller.requireMemberWriter(action + " subscriptions");
        Registry.requireNotDevice(state, caller, action + " subscriptions");
        if (caller.mspId().equals(sub.providerMsp()) || consumerToo && caller.mspId().equals(sub.consumerMsp())) {
            return;
        }
        throw Failures.fail(ErrorCode.ACCESS_DENIED, caller.mspId() + " may not " + action + " subscription '" + sub.subscriptionId()
                + "': only " + (!consumerToo ? "its provider " + sub.providerMsp()
                        : "its provider " + sub.providerMsp() + " or consumer " + sub.consumerMsp()) + " may");
    }

    /** The terms as requested ({@code subscription/<id>}). */
    static SubscriptionTerms read(final StateStore state, final String subscriptionId) {
        return state.read(state.key(SUBSCRIPTION, Args.id("subscriptionId", subscriptionId)), SubscriptionTerms.class)
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "subscription '" + subscriptionId + "' does not exist"));
    }

    /** The subscription as its parties and the gateways that enforce it see it. */
    static Subscription current(final StateStore state, final String subscriptionId) {
        return view(state, read(state, subscriptionId));
    }

    static SubscriptionPage query(final StateStore state, final String by, final String value, final int pageSize, final String bookmark) {
        final String index;
        switch (by == null ? "" : by) {
            case "topic":
                index = BY_TOPIC;
                break;
            case "provider":
                index = BY_PROVIDER;
                break;
            case "consumer":
                index = BY_CONSUMER;
                break;
            default:
                throw Failures.fail(ErrorCode.BAD_REQUEST, "subscriptions can be queried by topic, provider or consumer, not '" + by + "'");
        }
        final StateStore.Page<List<String>> page = state.indexedPage(pageSize, bookmark, index, Args.id(by, value));
        final List<Subscription> subs = new ArrayList<>();
        for (final List<String> parts : page.items()) {
            state.read(state.key(SUBSCRIPTION, parts.get(parts.size() - 1)), SubscriptionTerms.class)
                    .filter(t -> value.equals(BY_TOPIC.equals(index) ? t.topic() : BY_PROVIDER.equals(index) ? t.providerMsp() : t.consumerMsp()))
                    .ifPresent(t -> subs.add(view(state, t)));
        }
        return new SubscriptionPage(subs, page.bookmark());
    }
}
