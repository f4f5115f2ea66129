package energy.flexledger.client.cli;

import energy.flexledger.client.http.GatewayStore;
import energy.flexledger.spec.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flexledger credential}: the bearer tokens of the gateway's HTTP API (decision 0021), kept
 * in the member store's file, only as SHA-256. Each credential acts as one of the member's Fabric
 * identities: a device's own profile ({@code --as <device>} after {@code device enroll}) when there
 * is one, else the member's {@code client} identity, else the one the command runs as.
 */
@Command(name = "credential", description = {"Create, revoke and list the credentials of the gateway's HTTP API (flexledger gateway --http).",
    "create prints the bearer token once: it is stored only as a SHA-256 hash and cannot be shown again. An ems or bms credential reads the",
    "member's data and writes samples of the member's meters; a device credential (--asset, repeatable) writes and reads only its assets'.",
    "Each acts as one of the member's Fabric identities: --identity, else the device's own profile <work>/clients/<org>-<name>.properties",
    "(device enroll writes it), else the member's client identity, else the one chosen with --as. revoke refuses the token from then on."},
    footer = {"", "Examples:",
        "  flexledger --org community credential create --name ems-1 --kind ems",
        "  flexledger --org community credential create --name meter-17 --kind device --asset MTR-17",
        "  flexledger --org community credential list",
        "  flexledger --org community credential revoke --name meter-17",
        "", "Exit codes: 0 done; 2 bad input (nothing changed); 3 {\"error\":\"ALREADY_EXISTS\"} (create: the name is taken, also by a",
        "revoked credential), {\"error\":\"NOT_FOUND\"} (revoke: no such credential) or {\"error\":\"BAD_REQUEST\"}; 4 anything else."})
final class CredentialCommand extends Connected implements Callable<Integer> {
    @Parameters(index = "0", description = "create, revoke or list")
    String action;

    @Option(names = "--name", description = "the credential's name: 1 to 63 letters, digits, '.', '_' or '-'")
    String name;

    @Option(names = "--kind", description = "create: ems, bms or device")
    String kind;

    @Option(names = "--asset", description = "create, device credentials: an asset (meter) id the device writes and reads; repeatable")
    List<String> assets = new ArrayList<>();

    @Option(names = "--identity", description = "create: the member's identity the credential acts as (a profile <org>-<identity>.properties)")
    String identity;

    @Override
    public Integer call() throws IOException {
        try (GatewayStore store = GatewayStore.open(root().storeFile())) {
            switch (action) {
                case "create" -> {
                    final GatewayStore.Kind k = kind(required(kind, "--kind", action));
                    final String credentialName = required(name, "--name", action);
                    final String as = identity != null ? identity : defaultIdentity(k, credentialName);
                    final String token = store.create(credentialName, k, assets, as);
                    final Map<String, Object> out = new LinkedHashMap<>(store.list().stream().filter(c -> c.name().equals(credentialName))
                            .findFirst().orElseThrow().toMap());
                    out.put("token", token);
                    System.out.println(Json.write(out));
                    spec.commandLine().getErr().println("flexledger: the token is shown only now: give it to the " + k.name().toLowerCase(java.util.Locale.ROOT)
                            + " as 'Authorization: Bearer <token>'");
                    spec.commandLine().getErr().flush();
                }
                case "revoke" -> System.out.println(Json.write(store.revoke(required(name, "--name", action)).toMap()));
                case "list" -> {
                    final List<Object> out = new ArrayList<>();
                    store.list().forEach(c -> out.add(c.toMap()));
                    System.out.println(Json.write(out));
                }
                default -> throw new CommandLine.ParameterException(spec.commandLine(), "unknown action '" + action + "': create, revoke or list");
            }
        }
        return 0;
    }

    private GatewayStore.Kind kind(final String k) {
        return switch (k) {
            case "ems" -> GatewayStore.Kind.EMS;
            case "bms" -> GatewayStore.Kind.BMS;
            case "device" -> GatewayStore.Kind.DEVICE;
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--kind must be ems, bms or device, was '" + k + "'");
        };
    }

    /** A device's own identity profile if it was enrolled under the credential's name, else the member's client identity, else --as. */
    private String defaultIdentity(final GatewayStore.Kind k, final String credentialName) {
        final java.nio.file.Path clients = root().work.resolve("clients");
        if (k == GatewayStore.Kind.DEVICE && Files.isRegularFile(clients.resolve(root().org + "-" + credentialName + ".properties"))) {
            return credentialName;
        }
        if (Files.isRegularFile(clients.resolve(root().org + "-client.properties"))) {
            return "client";
        }
        return root().who;
    }
}
