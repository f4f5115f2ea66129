package energy.flexledger.chaincode.energy;

import energy.flexledger.chaincode.Caller;
import energy.flexledger.chaincode.Failures;
import energy.flexledger.chaincode.KeyPolicy;
import energy.flexledger.chaincode.MemberOrg;
import energy.flexledger.chaincode.StateStore;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.Merkle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hyperledger.fabric.shim.ChaincodeStub;

/**
 * Platone-style batch certification: a data provider certifies that a batch of data items (a topic
 * or dataset over a period) had exactly these items, by their count and Merkle root (docs/merkle.md).
 * Anyone holding one item and its proof can check it against the ledger, with an evaluate
 * transaction or off-chain with the same {@link Merkle} code.
 *
 * <p>State: {@code batch/<batchId>}, indexes {@code batch~topic/<topic>/<batchId>} and
 * {@code batch~provider/<msp>/<batchId>}; all with the provider org as key-level endorser.
 */
final class Batches {
    static final String BATCH = "batch";
    static final String BY_TOPIC = "batch~topic";
    static final String BY_PROVIDER = "batch~provider";
    private static final List<String> FIELDS = List.of("batchId", "topic", "periodStart", "periodEnd", "count", "merkleRoot");

    private Batches() {}

    static Map<String, Object> certify(final ChaincodeStub stub, final Caller caller, final Json.Obj spec) {
        final MemberOrg provider = caller.requireMemberWriter("certify batches");
        final StateStore state = new StateStore(stub);
        Registry.requireNotDevice(state, caller, "certify batches");
        for (final String field : spec.names()) {
            if (!FIELDS.contains(field)) {
                throw Failures.fail(ErrorCode.BAD_REQUEST, "unknown batch field '" + field + "'; known: " + FIELDS);
            }
        }
        final String batchId = Args.id("batchId", Args.spec(() -> spec.getString("batchId")));
        final String topic = Args.id("topic", Args.spec(() -> spec.getString("topic")));
        final long periodStart = Args.spec(() -> spec.getLong("periodStart"));
        final long periodEnd = Args.spec(() -> spec.getLong("periodEnd"));
        final long count = Args.spec(() -> spec.getLong("count"));
        final String root = Args.spec(() -> spec.getString("merkleRoot"));
        if (periodEnd <= periodStart) {
            throw Failures.fail(ErrorCode.BAD_INTERVAL, "periodEnd " + periodEnd + " must be after periodStart " + periodStart);
        }
        if (count < 1) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "count must be at least 1, was " + count);
        }
        if (!Hex.isLowerHex(root, Fp1.HASH_BYTES)) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "merkleRoot must be 64 lowercase hex digits");
        }
        final Map<String, Object> batch = new LinkedHashMap<>();
        batch.put("batchId", batchId);
        batch.put("topic", topic);
        batch.put("periodStart", periodStart);
        batch.put("periodEnd", periodEnd);
        batch.put("count", count);
        batch.put("merkleRoot", root);
        batch.put("providerMsp", provider.mspId());
        final String key = state.key(BATCH, batchId);
        final Optional<Map<String, Object>> existing = state.read(key);
        if (existing.isPresent()) {
            if (Args.sameValues(existing.get(), batch)) {
                return existing.get();
            }
            throw Failures.fail(ErrorCode.ALREADY_EXISTS, "batch '" + batchId + "' is already certified by " + existing.get().get("providerMsp"));
        }
        batch.put("certifiedBy", caller.id());
        batch.put("certifiedAt", stub.getTxTimestamp().toEpochMilli());
        batch.put("txId", stub.getTxId());
        // A certified root never changes: the provider and a party with a separate interest guard it.
        final KeyPolicy policy = Privacy.endorsement(provider.mspId());
        state.write(key, batch);
        state.requireEndorsement(key, policy);
        state.index(BY_TOPIC, topic, batchId);
        state.requireEndorsement(state.key(BY_TOPIC, topic, batchId), policy);
        state.index(BY_PROVIDER, provider.mspId(), batchId);
        state.requireEndorsement(state.key(BY_PROVIDER, provider.mspId(), batchId), policy);
        return batch;
    }

    static Map<String, Object> read(final StateStore state, final String batchId) {
        return state.read(state.key(BATCH, Args.id("batchId", batchId)))
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "batch '" + batchId + "' is not certified"));
    }

    /**
     * Checks that {@code leafHex} is item {@code index} of the certified batch.
     *
     * @param proofJson the sibling hashes from the leaf up, as a JSON array of hex strings
     */
    static Map<String, Object> verify(final StateStore state, final String batchId, final String leafHex, final long index,
            final String proofJson) {
        final Map<String, Object> batch = read(state, batchId);
        if (!Hex.isLowerHex(leafHex, Fp1.HASH_BYTES)) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "leaf must be 64 lowercase hex digits (the item's leaf hash)");
        }
        final List<?> proof = Args.spec(() -> {
            final Object parsed = Json.parse(proofJson == null ? "" : proofJson);
            if (!(parsed instanceof List)) {
                throw new energy.flexledger.spec.SpecException(ErrorCode.BAD_JSON, "proof must be a JSON array of hex strings");
            }
            return (List<?>) parsed;
        });
        if (proof.size() > Merkle.MAX_PROOF_LENGTH) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "a proof has at most " + Merkle.MAX_PROOF_LENGTH + " hashes");
        }
        final List<byte[]> siblings = new ArrayList<>(proof.size());
        for (int i = 0; i < proof.size(); i++) {
            if (!(proof.get(i) instanceof String) || !Hex.isLowerHex((String) proof.get(i), Fp1.HASH_BYTES)) {
                throw Failures.fail(ErrorCode.BAD_REQUEST, "proof[" + i + "] must be 64 lowercase hex digits");
            }
            siblings.add(Hex.decode((String) proof.get(i)));
        }
        final boolean valid = Merkle.verify(Hex.decode(leafHex), index, (Long) batch.get("count"), siblings,
                Hex.decode((String) batch.get("merkleRoot")));
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("batchId", batchId);
        out.put("leaf", leafHex);
        out.put("index", index);
        out.put("valid", valid);
        return out;
    }

    static Map<String, Object> query(final StateStore state, final String by, final String value, final int pageSize, final String bookmark) {
        final String index;
        final String field;
        if ("topic".equals(by)) {
            index = BY_TOPIC;
            field = "topic";
        } else if ("provider".equals(by)) {
            index = BY_PROVIDER;
            field = "providerMsp";
        } else {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "batches can be queried by topic or provider, not '" + by + "'");
        }
        final StateStore.Page<List<String>> page = state.indexedPage(pageSize, bookmark, index, Args.id(by, value));
        final List<Object> batches = new ArrayList<>();
        for (final List<String> parts : page.items()) {
            state.read(state.key(BATCH, parts.get(parts.size() - 1))).filter(b -> value.equals(b.get(field))).ifPresent(batches::add);
        }
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("batches", batches);
        out.put("bookmark", page.bookmark());
        return out;
    }
}
