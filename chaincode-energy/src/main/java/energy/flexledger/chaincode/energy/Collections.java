package energy.flexledger.chaincode.energy;

import energy.flexledger.chaincode.Consortium;
import energy.flexledger.chaincode.ConsortiumFile;
import energy.flexledger.chaincode.Member;
import energy.flexledger.chaincode.MemberRole;
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
 * the chaincode enforces ({@link Privacy}, decision 0014): for every member that can own certified
 * data, one collection per DSO other than itself, {@code meterData-<owner>_<DSO>} (the custody of
 * its assets registered in that DSO's zones), and one without a DSO, {@code meterData-<owner>}
 * (assets in zones no other member operates). Each collection's members are its custody's readers
 * (owner, that DSO, the aggregators that represent the owner, or all aggregators when none does),
 * and its {@code endorsementPolicy} for keys not yet written is the key-level policy of those
 * already written. A custody that no other member could check (no DSO, no aggregator) gets none
 * (the chaincode refuses such metering assets). Members × (DSOs + 1) collections at most, in MSP
 * order: the same consortium always prints the same bytes.
 *
 * <p>{@code scripts/network.sh} runs {@link #main} from the chaincode's own jar whenever it defines
 * the chaincode: {@code java -cp chaincode-energy.jar energy.flexledger.chaincode.energy.Collections
 * consortium.json} prints the collections configuration for {@code peer lifecycle}. A new member,
 * a granted role, a zone or a new representation changes the collections, and so needs a new
 * definition sequence approved by a majority of the orgs (Fabric's LifecycleEndorsement policy).
 * Fabric never removes a collection from a definition: withdrawing the DSO role from a member
 * whose collections exist cannot be deployed by regeneration alone (decision 0014).
 */
public final class Collections {
    private Collections() {}

    /** Every custody the chaincode can choose in this consortium: (owner, null), then (owner, DSO) per DSO, per owner, in MSP order. */
    static List<String[]> custodies(final Consortium consortium) {
        final List<String[]> out = new ArrayList<>();
        for (final Member owner : consortium.members()) {
            out.add(new String[] {owner.mspId(), null});
            for (final String dso : consortium.withRole(MemberRole.DSO)) {
                if (!dso.equals(owner.mspId())) {
                    out.add(new String[] {owner.mspId(), dso});
                }
            }
        }
        return out;
    }

    static List<Map<String, Object>> config(final Consortium consortium) {
        final List<Map<String, Object>> out = new ArrayList<>();
        for (final String[] custody : custodies(consortium)) {
            final String owner = custody[0];
            final String dso = custody[1];
            final List<String> readers = Privacy.readersOf(consortium, owner, dso);
            if (readers.size() < 2) {
                continue;
            }
            final List<String> members = new ArrayList<>();
            for (final String reader : readers) {
                members.add("'" + reader + ".member'");
            }
            final Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", Privacy.collectionOf(owner, dso));
            c.put("policy", "OR(" + String.join(",", members) + ")");
            // Endorsement returns once one other reader's peer holds the data; all readers may.
            c.put("requiredPeerCount", 1L);
            c.put("maxPeerCount", (long) readers.size() - 1);
            c.put("blockToLive", 0L);
            c.put("memberOnlyRead", true);
            c.put("memberOnlyWrite", true);
            c.put("endorsementPolicy", Map.of("signaturePolicy", Privacy.endorsement(consortium, owner, dso).toString()));
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
