package energy.flexledger.client.cli;

import energy.flexledger.client.EnergyLedger;
import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.spec.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "subscription", description = "Data-access subscriptions: a consumer org requests a provider org's topic; the provider "
        + "accepts or declines; either side revokes.")
final class SubscriptionCommand extends Connected implements Callable<Integer> {
    @Parameters(index = "0", description = "request, accept, decline, revoke, show or list")
    String action;

    @Option(names = "--id", description = "subscription id")
    String id;

    @Option(names = "--provider", description = "provider MSP id (request)")
    String provider;

    @Option(names = "--topic", description = "topic (request)")
    String topic;

    @Option(names = "--by", description = "list by topic, provider or consumer")
    String by;

    @Option(names = "--value", description = "list: the topic or MSP id")
    String value;

    @Override
    public Integer call() throws IOException, LedgerException {
        try (LedgerConnection ledger = connect()) {
            final EnergyLedger energy = ledger.energy(root().channel);
            final Object result;
            switch (action) {
                case "request" -> result = energy.requestAccess(required(id, "--id"), required(provider, "--provider"), required(topic, "--topic"));
                case "accept" -> result = energy.acceptAccess(required(id, "--id"));
                case "decline" -> result = energy.declineAccess(required(id, "--id"));
                case "revoke" -> result = energy.revokeAccess(required(id, "--id"));
                case "show" -> result = energy.getSubscription(required(id, "--id"));
                case "list" -> result = Map.of("subscriptions", new ArrayList<Object>(
                        energy.allSubscriptions(required(by, "--by"), required(value, "--value"))));
                default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "unknown action '" + action + "': request, accept, decline, revoke, show or list");
            }
            System.out.println(Json.write(result));
        }
        return 0;
    }

    private String required(final String v, final String option) {
        if (v == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), option + " is required for '" + action + "'");
        }
        return v;
    }
}
