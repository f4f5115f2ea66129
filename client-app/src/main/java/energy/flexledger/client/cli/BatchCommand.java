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
@Command(name = "batch", description = "Certify a data batch by its Merkle root, prove and verify that an item belongs to it.")
final class BatchCommand extends Connected implements Callable<Integer> {
    @Parameters(index = "0", description = "certify, prove (offline), verify (on the ledger and offline) or show")
    String action;

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
                batch.put("batchId", required(batchId, "--batch"));
                batch.put("topic", required(topic, "--topic"));
                batch.put("periodStart", required(from, "--from"));
                batch.put("periodEnd", required(to, "--to"));
                batch.put("count", (long) leaves.size());
                batch.put("merkleRoot", Hex.encode(Merkle.root(leaves)));
                try (LedgerConnection ledger = connect()) {
                    out.putAll(ledger.energy(root().channel).certifyBatch(batch));
                }
            }
            case "prove" -> out.putAll(proof(leaves(), required(index, "--index")));
            case "verify" -> {
                final List<byte[]> leaves = leaves();
                final int i = required(index, "--index");
                final Map<String, Object> proof = proof(leaves, i);
                try (LedgerConnection ledger = connect()) {
                    final Map<String, Object> onChain = ledger.energy(root().channel).verifyBatchInclusion(required(batchId, "--batch"),
                            (String) proof.get("leaf"), i, hexList(proof.get("proof")));
                    out.putAll(onChain);
                }
            }
            case "show" -> {
                try (LedgerConnection ledger = connect()) {
                    out.putAll(ledger.energy(root().channel).getBatch(required(batchId, "--batch")));
                }
            }
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "unknown action '" + action + "': certify, prove, verify or show");
        }
        System.out.println(Json.write(out));
        return 0;
    }

    private List<byte[]> leaves() throws IOException {
        final Object parsed = Json.parse(Files.readString(required(items, "--items")));
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

    private <T> T required(final T v, final String option) {
        if (v == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), option + " is required for '" + action + "'");
        }
        return v;
    }
}
