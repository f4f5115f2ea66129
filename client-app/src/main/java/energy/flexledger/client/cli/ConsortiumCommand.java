package energy.flexledger.client.cli;

import energy.flexledger.client.ConsortiumLedger;
import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.spec.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "consortium", description = "The consortium on the ledger: members, roles (DSO, AGGREGATOR, COMMUNITY, CPO, ISSUER), a DSO's zones "
        + "and the orgs an aggregator represents. A change called by an org admin (--as admin) is that org's vote; it applies once more "
        + "than half of the members voted for it (the output says: applied, votes, needed).", footer = {"", "Examples:",
            "  flexledger consortium show",
            "  flexledger --as admin consortium grant --member CpoMSP --role AGGREGATOR",
            "  flexledger --as admin consortium represent --member CpoMSP --orgs CommunityMSP",
            "  flexledger --as admin consortium admit --member NewMSP --role CPO"})
final class ConsortiumCommand extends Connected implements Callable<Integer> {
    @Parameters(index = "0", description = "show, member, admit, grant, withdraw, zones or represent")
    String action;

    @Option(names = "--member", description = "the member's MSP id")
    String member;

    @Option(names = "--role", split = ",", description = "role(s): DSO, AGGREGATOR, COMMUNITY, CPO, ISSUER (admit takes several, comma-separated)")
    List<String> roles;

    @Option(names = "--zones", split = ",", description = "zones a DSO operates, comma-separated (zones; admit)")
    List<String> zones;

    @Option(names = "--orgs", split = ",", description = "MSP ids an aggregator represents, comma-separated (represent; admit)")
    List<String> orgs;

    @Override
    public Integer call() throws IOException, LedgerException {
        try (LedgerConnection ledger = connect()) {
            final ConsortiumLedger consortium = ledger.consortium(root().channel);
            final Map<String, Object> result = switch (action) {
                case "show" -> consortium.consortium();
                case "member" -> consortium.member(required(member, "--member"));
                case "admit" -> {
                    final Map<String, Object> spec = new LinkedHashMap<>();
                    spec.put("mspId", required(member, "--member"));
                    spec.put("roles", new ArrayList<Object>(required(roles, "--role")));
                    spec.put("zones", new ArrayList<Object>(zones == null ? List.of() : zones));
                    spec.put("represents", new ArrayList<Object>(orgs == null ? List.of() : orgs));
                    yield consortium.admit(spec);
                }
                case "grant" -> consortium.grant(required(member, "--member"), single(required(roles, "--role")));
                case "withdraw" -> consortium.withdraw(required(member, "--member"), single(required(roles, "--role")));
                case "zones" -> consortium.zones(required(member, "--member"), zones == null ? List.of() : zones);
                case "represent" -> consortium.represent(required(member, "--member"), orgs == null ? List.of() : orgs);
                default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "unknown action '" + action + "': show, member, admit, grant, withdraw, zones or represent");
            };
            System.out.println(Json.write(result));
        }
        return 0;
    }

    private String single(final List<String> values) {
        if (values.size() != 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "'" + action + "' takes one --role");
        }
        return values.get(0);
    }

    private <T> T required(final T v, final String option) {
        if (v == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), option + " is required for '" + action + "'");
        }
        return v;
    }
}
