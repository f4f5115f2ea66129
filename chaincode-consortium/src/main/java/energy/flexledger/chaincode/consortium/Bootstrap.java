package energy.flexledger.chaincode.consortium;

import energy.flexledger.chaincode.ConsortiumFile;
import energy.flexledger.spec.Canonical;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;

/**
 * The first admissions of a new network, for {@code scripts/network.sh}: {@code java -cp
 * chaincode-consortium.jar energy.flexledger.chaincode.consortium.Bootstrap consortium.json} prints,
 * one line per member, the {@code -c} argument of Fabric's {@code peer chaincode invoke} for its
 * {@code AdmitMember} transaction (JSON escaping done here, not in shell).
 */
public final class Bootstrap {
    private Bootstrap() {}

    public static void main(final String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java -cp chaincode-consortium.jar " + Bootstrap.class.getName() + " CONSORTIUM_JSON");
            System.exit(2);
        }
        for (final String line : lines(Path.of(args[0]))) {
            System.out.println(line);
        }
    }

    /**
     * One admission per member, each after the members it represents (an aggregator can only
     * represent orgs already admitted); otherwise in file order.
     */
    static List<String> lines(final Path file) throws IOException {
        final List<Map<String, Object>> pending = new ArrayList<>(ConsortiumFile.specs(file));
        final Set<Object> admitted = new HashSet<>();
        final List<String> out = new ArrayList<>();
        while (!pending.isEmpty()) {
            final Map<String, Object> next = pending.stream().filter(spec -> admitted.containsAll((List<?>) spec.get("represents"))).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(file + ": the members it represents are never admitted (or represent each "
                            + "other in a cycle): " + pending.stream().map(spec -> spec.get("mspId")).toList()));
            pending.remove(next);
            admitted.add(next.get("mspId"));
            out.add(Canonical.write(Map.of("Args", List.of("AdmitMember", Canonical.write(next)))));
        }
        return out;
    }
}
