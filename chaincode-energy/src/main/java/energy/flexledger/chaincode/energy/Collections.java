package energy.flexledger.chaincode.energy;

import energy.flexledger.chaincode.Consortium;
import energy.flexledger.chaincode.ConsortiumFile;
import energy.flexledger.chaincode.Member;
import energy.flexledger.spec.Canonical;
import energy.flexledger.spec.SpecException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The private data collections of chaincode-energy, generated from the consortium by the same rule
 * the chaincode enforces ({@link Privacy}): one collection per member that can own certified data,
 * {@code meterData-<MSP id>}, whose members are its readers and whose {@code endorsementPolicy} for
 * keys not yet written is the key-level policy of those already written. Members that no other
 * member could check get none (the chaincode refuses their metering assets).
 *
 * <p>{@code scripts/network.sh} runs {@link #main} from the chaincode's own jar whenever it defines
 * the chaincode: {@code java -cp chaincode-energy.jar energy.flexledger.chaincode.energy.Collections
 * consortium.json} prints the collections configuration for {@code peer lifecycle}. A new member,
 * a granted role or a new representation changes the collections, and so needs a new definition
 * sequence approved by a majority of the orgs (Fabric's LifecycleEndorsement policy).
 */
public final class Collections {
    private Collections() {}

    static List<Map<String, Object>> config(final Consortium consortium) {
        final List<Map<String, Object>> out = new ArrayList<>();
        for (final Member owner : consortium.members()) {
            final List<String> readers = Privacy.readersOf(consortium, owner.mspId());
            if (readers.size() < 2) {
                continue;
            }
            final List<String> members = new ArrayList<>();
            for (final String reader : readers) {
                members.add("'" + reader + ".member'");
            }
            final Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", Privacy.collectionOf(owner.mspId()));
            c.put("policy", "OR(" + String.join(",", members) + ")");
            // Endorsement returns once one other reader's peer holds the data; all readers may.
            c.put("requiredPeerCount", 1L);
            c.put("maxPeerCount", (long) readers.size() - 1);
            c.put("blockToLive", 0L);
            c.put("memberOnlyRead", true);
            c.put("memberOnlyWrite", true);
            c.put("endorsementPolicy", Map.of("signaturePolicy", Privacy.endorsement(consortium, owner.mspId()).toString()));
            out.add(c);
        }
        return out;
    }

    /** Prints the collections for the consortium in the file named by the only argument ({@link ConsortiumFile}). */
    public static void main(final String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java -cp chaincode-energy.jar " + Collections.class.getName() + " CONSORTIUM_JSON");
            System.exit(2);
        }
        final Consortium consortium;
        try {
            consortium = ConsortiumFile.read(Path.of(args[0]));
        } catch (SpecException e) {
            System.err.println("not a consortium: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.println(Canonical.write(config(consortium)));
    }
}
