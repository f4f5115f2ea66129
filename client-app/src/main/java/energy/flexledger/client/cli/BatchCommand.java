package energy.flexledger.client.cli;

import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.Merkle;
import energy.flexledger.spec.SpecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flexledger batch}: Platone-style batch certification. The items are a JSON array; each
 * item's leaf is {@code Merkle.leaf(canonical JSON of the item)} (docs/merkle.md).
 */
@Command(name = "batch", description = {
    "Certify a data batch by its Merkle root, prove and verify that an item belongs to it.",
    "certify: put the root and count of --items on the ledger; prove: print an item's proof (offline);",
    "verify: the ledger checks an item of --items; check: check a proof that 'prove' printed (--proof) yourself,",
    "against --root and --count (offline) or against the root and count the ledger holds for --batch; show: the batch."})
final class BatchCommand extends Connected implements Callable<Integer> {
    @Parameters(index = "0", description = "certify, prove, verify, check or show")
    String action;

    @Option(names = "--proof", description = "check: JSON file, a proof as 'prove' prints it (index, leaf, proof)")
    Path proofFile;

    @Option(names = "--item", description = "check: JSON file holding the item itself; its leaf must be the proof's leaf")
    Path item;

    @Option(names = "--root", description = "check offline: the batch's Merkle root (hex), known from elsewhere")
    String rootHex;

    @Option(names = "--count", description = "check offline: the batch's item count, with --root")
    Long count;

    @Option(names = "--batch", description = "batch id")
    String batchId;

    @Option(names = "--items", description = "JSON file: the batch's items, an array")
    Path items;

    @Option(names = "--topic", description = "certify: topic or dataset name")
    String topic;

    @Option(names = "--from", description = "certify: period start, epoch ms")
    Long from;

    @Option(names = "--to", description = "certify: period end, epoch ms")
    Long to;

    @Option(names = "--index", description = "prove, verify: the item's position, from 0")
    Integer index;

    @Override
    public Integer call() throws IOException, LedgerException {
        final Map<String, Object> out = new LinkedHashMap<>();
        switch (action) {
            case "certify" -> {
                final List<byte[]> leaves = leaves();
                final Map<String, Object> batch = new LinkedHashMap<>();
                batch.put("batchId", required(batchId, "--batch", action));
                batch.put("topic", required(topic, "--topic", action));
                batch.put("periodStart", required(from, "--from", action));
                batch.put("periodEnd", required(to, "--to", action));
                batch.put("count", (long) leaves.size());
                batch.put("merkleRoot", Hex.encode(Merkle.root(leaves)));
                try (LedgerConnection ledger = connect()) {
                    out.putAll(ledger.energy(root().channel).certifyBatch(batch));
                }
            }
            case "prove" -> out.putAll(proof(leaves(), required(index, "--index", action)));
            case "verify" -> {
                final List<byte[]> leaves = leaves();
                final int i = required(index, "--index", action);
                final Map<String, Object> proof = proof(leaves, i);
                try (LedgerConnection ledger = connect()) {
                    final Map<String, Object> onChain = ledger.energy(root().channel).verifyBatchInclusion(required(batchId, "--batch", action),
                            (String) proof.get("leaf"), i, hexList(proof.get("proof")));
                    out.putAll(onChain);
                }
            }
            case "check" -> out.putAll(check());
            case "show" -> {
                try (LedgerConnection ledger = connect()) {
                    out.putAll(ledger.energy(root().channel).getBatch(required(batchId, "--batch", action)));
                }
            }
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "unknown action '" + action + "': certify, prove, verify, check or show");
        }
        System.out.println(Json.write(out));
        return 0;
    }

    /**
     * The auditor's own check of a proof: the leaf (recomputed from --item when given) with the
     * proof's sibling hashes must reach the root, with the path that the item count fixes. The root
     * and count come from --root and --count, or from the ledger's record of --batch.
     */
    private Map<String, Object> check() throws IOException, LedgerException {
        final Json.Obj proof = Json.Obj.of(Json.parse(Files.readString(required(proofFile, "--proof", action))), "proof");
        final long i = proof.getLong("index");
        final byte[] leaf = proof.getHex("leaf");
        final List<byte[]> siblings = new ArrayList<>();
        int k = 0;
        for (final Object h : proof.getList("proof")) {
            if (!(h instanceof String text)) {
                throw new SpecException(ErrorCode.BAD_JSON, "proof.proof[" + k + "] must be a hex string");
            }
            siblings.add(Json.hex(text, "proof.proof[" + k + "]"));
            k++;
        }
        final Map<String, Object> out = new LinkedHashMap<>();
        if (item != null) {
            final byte[] itemLeaf = Merkle.leaf(Json.write(Json.parse(Files.readString(item))).getBytes(StandardCharsets.UTF_8));
            out.put("itemMatchesLeaf", java.util.Arrays.equals(itemLeaf, leaf));
        }
        final byte[] root;
        final long n;
        if (batchId != null) {
            if (rootHex != null || count != null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give either --batch or --root and --count, not both");
            }
            try (LedgerConnection ledger = connect()) {
                final Json.Obj batch = new Json.Obj(ledger.energy(root().channel).getBatch(batchId), "batch");
                root = batch.getHex("merkleRoot");
                n = batch.getLong("count");
            }
            out.put("batchId", batchId);
            out.put("rootFrom", "ledger");
        } else {
            root = Json.hex(required(rootHex, "--root (or --batch)", action), "--root");
            if (root.length != energy.flexledger.spec.Fp1.HASH_BYTES) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--root must be a SHA-256 hash: 64 hex digits");
            }
            n = required(count, "--count", action);
            out.put("rootFrom", "option");
        }
        out.put("index", i);
        out.put("count", n);
        out.put("root", Hex.encode(root));
        out.put("valid", Merkle.verify(leaf, i, n, siblings, root) && !Boolean.FALSE.equals(out.get("itemMatchesLeaf")));
        return out;
    }

    private List<byte[]> leaves() throws IOException {
        final Object parsed = Json.parse(Files.readString(required(items, "--items", action)));
        if (!(parsed instanceof List<?> list) || list.isEmpty()) {
            throw new SpecException(ErrorCode.BAD_JSON, items + " must hold a non-empty JSON array of items");
        }
        final List<byte[]> leaves = new ArrayList<>(list.size());
        for (final Object item : list) {
            leaves.add(Merkle.leaf(Json.write(item).getBytes(StandardCharsets.UTF_8)));
        }
        return leaves;
    }

    private static Map<String, Object> proof(final List<byte[]> leaves, final int i) {
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("index", (long) i);
        out.put("count", (long) leaves.size());
        out.put("leaf", Hex.encode(leaves.get(Math.max(0, Math.min(i, leaves.size() - 1)))));
        final List<Object> hashes = new ArrayList<>();
        Merkle.proof(leaves, i).forEach(h -> hashes.add(Hex.encode(h)));
        out.put("proof", hashes);
        out.put("root", Hex.encode(Merkle.root(leaves)));
        return out;
    }

    private static List<String> hexList(final Object value) {
        final List<String> out = new ArrayList<>();
        for (final Object o : (List<?>) value) {
            out.add((String) o);
        }
        return out;
    }
}
