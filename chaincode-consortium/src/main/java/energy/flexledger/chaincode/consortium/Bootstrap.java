package energy.flexledger.chaincode.consortium;

import energy.flexledger.chaincode.ConsortiumFile;
import energy.flexledger.spec.Canonical;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The founding of a new network's consortium, for {@code scripts/network.sh}: {@code java -cp
 * chaincode-consortium.jar energy.flexledger.chaincode.consortium.Bootstrap consortium.json} prints
 * two lines: the {@code -c} argument of Fabric's {@code peer chaincode invoke} for the
 * {@code Genesis} ballot (JSON escaping done here, not in shell), and the founders' MSP ids, each
 * of whose admins must cast it.
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

    static List<String> lines(final Path file) throws IOException {
        final List<Map<String, Object>> specs = ConsortiumFile.specs(file);
        final List<String> founders = new ArrayList<>();
        for (final Map<String, Object> spec : specs) {
            founders.add((String) spec.get("mspId"));
        }
        final String genesis = Canonical.write(Map.of("members", specs));
        return List.of(Canonical.write(Map.of("Args", List.of("Genesis", genesis))), String.join(" ", founders));
    }
}
