package energy.flexledger.chaincode.energy;

import energy.flexledger.chaincode.Caller;
import energy.flexledger.chaincode.Failures;
import energy.flexledger.chaincode.KeyPolicy;
import energy.flexledger.chaincode.Member;
import energy.flexledger.chaincode.StateStore;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Merkle;
import java.util.ArrayList;
import java.util.List;
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

    private Batches() {}

    static Batch certify(final ChaincodeStub stub, final Caller caller, final BatchSpec spec) {
        final Member provider = caller.requireMemberWriter("certify batches");
        final StateStore state = new StateStore(stub);
        Registry.requireNotDevice(state, caller, "certify batches");
        final String batchId = Args.id("batchId", spec.batchId());
        final String topic = Args.id("topic", spec.topic());
        if (spec.periodEnd() <= spec.periodStart()) {
            throw Failures.fail(ErrorCode.BAD_INTERVAL, "periodEnd " + spec.periodEnd() + " must be after periodStart " + spec.periodStart());
        }
        if (spec.count() < 1) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "count must be at least 1, was " + spec.count());
        }
        if (spec.merkleRoot() == null || !Hex.isLowerHex(spec.merkleRoot(), Fp1.HASH_BYTES)) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "merkleRoot must be 64 lowercase hex digits");
        }
        final String key = state.key(BATCH, batchId);
        final Optional<Batch> existing = state.read(key, Batch.class);
        if (existing.isPresent()) {
            if (existing.get().sameAs(spec, provider.mspId())) {
                return existing.get();
            }
            throw Failures.fail(ErrorCode.ALREADY_EXISTS, "batch '" + batchId + "' is already certified by " + existing.get().providerMsp());
        }
        final Batch batch = new Batch(batchId, topic, spec.periodStart(), spec.periodEnd(), spec.count(), spec.merkleRoot(), provider.mspId(),
                caller.id(), stub.getTxTimestamp().toEpochMilli(), stub.getTxId());
        // A certified root never changes: the provider and a party with a separate interest guard it.
        final KeyPolicy policy = Privacy.ownerEndorsement(caller.consortium(), provider.mspId());
        state.write(key, batch);
        state.requireEndorsement(key, policy);
        state.index(BY_TOPIC, topic, batchId);
        state.requireEndorsement(state.key(BY_TOPIC, topic, batchId), policy);
        state.index(BY_PROVIDER, provider.mspId(), batchId);
        state.requireEndorsement(state.key(BY_PROVIDER, provider.mspId(), batchId), policy);
        return batch;
    }

    static Batch read(final StateStore state, final String batchId) {
        return state.read(state.key(BATCH, Args.id("batchId", batchId)), Batch.class)
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "batch '" + batchId + "' is not certified"));
    }

    /**
     * Checks that {@code leafHex} is item {@code index} of the certified batch.
     *
     * @param proofJson the sibling hashes from the leaf up, as a JSON array of hex strings
     */
    static Inclusion verify(final StateStore state, final String batchId, final String leafHex, final long index, final String proofJson) {
        final Batch batch = read(state, batchId);
        if (!Hex.isLowerHex(leafHex, Fp1.HASH_BYTES)) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "leaf must be 64 lowercase hex digits (the item's leaf hash)");
        }
        final String[] proof = Args.read("proof", proofJson, String[].class);
        if (proof.length > Merkle.MAX_PROOF_LENGTH) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "a proof has at most " + Merkle.MAX_PROOF_LENGTH + " hashes");
        }
        final List<byte[]> siblings = new ArrayList<>(proof.length);
        for (int i = 0; i < proof.length; i++) {
            if (proof[i] == null || !Hex.isLowerHex(proof[i], Fp1.HASH_BYTES)) {
                throw Failures.fail(ErrorCode.BAD_REQUEST, "proof[" + i + "] must be 64 lowercase hex digits");
            }
            siblings.add(Hex.decode(proof[i]));
        }
        final boolean valid = Merkle.verify(Hex.decode(leafHex), index, batch.count(), siblings, Hex.decode(batch.merkleRoot()));
        return new Inclusion(batchId, leafHex, index, valid);
    }

    static BatchPage query(final StateStore state, final String by, final String value, final int pageSize, final String bookmark) {
        final String index;
        if ("topic".equals(by)) {
            index = BY_TOPIC;
        } else if ("provider".equals(by)) {
            index = BY_PROVIDER;
        } else {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "batches can be queried by topic or provider, not '" + by + "'");
        }
        final StateStore.Page<List<String>> page = state.indexedPage(pageSize, bookmark, index, Args.id(by, value));
        final List<Batch> batches = new ArrayList<>();
        for (final List<String> parts : page.items()) {
            state.read(state.key(BATCH, parts.get(parts.size() - 1)), Batch.class)
                    .filter(b -> value.equals(index.equals(BY_TOPIC) ? b.topic() : b.providerMsp())).ifPresent(batches::add);
        }
        return new BatchPage(batches, page.bookmark());
    }
}
