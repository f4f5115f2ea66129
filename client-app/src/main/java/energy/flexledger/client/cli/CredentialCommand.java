package energy.flexledger.client.cli;

import energy.flexledger.client.http.GatewayStore;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecException;
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
 * identities, whose profile must exist when the credential is created: a device credential only
 * ever a device's own identity (the profile {@code device enroll} wrote under the credential's name,
 * or {@code --identity}), never a member-wide one; an EMS or BMS credential {@code --identity}, else
 * the member's {@code client} identity, else the one the command runs as.
 */
@Command(name = "credential", description = {"Create, revoke and list the credentials of the gateway's HTTP API (flexledger gateway --http).",
    "create prints the bearer token once: it is stored only as a SHA-256 hash and cannot be shown again. An ems or bms credential reads the",
    "member's data and writes samples of the member's meters; a device credential (--asset, repeatable) writes and reads only its assets'.",
    "Each acts as one of the member's Fabric identities, whose profile <work>/clients/<org>-<identity>.properties must exist. A device",
    "credential acts only as the device's own identity: --identity, else the profile of the credential's name (flexledger device enroll",
    "--device <name> writes it); never as the member's client, user or admin identity. An ems or bms credential acts as --identity, else",
    "the member's client identity, else the one chosen with --as. revoke refuses the token from then on.",
    "A consumer credential (--kind consumer --msp <MSPID>) is another member's: with it, that member reads over the gateway's embedded",
    "MQTT broker (gateway --mqtt-listen) the data topics it subscribed to on the ledger, while the subscription is ACCEPTED (decision 0022).",
    "MQTT clients log in with the credential's name as user name and its token as password."},
    footer = {"", "Examples:",
        "  flexledger --org community credential create --name ems-1 --kind ems",
        "  flexledger --org community device enroll --device meter-17 --asset MTR-17",
        "  flexledger --org community credential create --name meter-17 --kind device --asset MTR-17",
        "  flexledger --org community credential list",
        "  flexledger --org community credential revoke --name meter-17",
        "  flexledger --org community credential create --name aggregator-feed --kind consumer --msp AggregatorMSP",
        "", "Exit codes: 0 done; 2 bad input (nothing changed); 3 {\"error\":\"ALREADY_EXISTS\"} (create: the name is taken, also by a",
        "revoked credential), {\"error\":\"NOT_FOUND\"} (revoke: no such credential) or {\"error\":\"BAD_REQUEST\"}; 4 anything else."})
final class CredentialCommand extends Connected implements Callable<Integer> {
    @Parameters(index = "0", description = "create, revoke or list")
    String action;

    @Option(names = "--name", description = "the credential's name: 1 to 63 letters, digits, '.', '_' or '-'")
    String name;

    @Option(names = "--kind", description = "create: ems, bms, device or consumer")
    String kind;

    @Option(names = "--asset", description = "create, device credentials: an asset (meter) id the device writes and reads; repeatable")
    List<String> assets = new ArrayList<>();

    @Option(names = "--msp", paramLabel = "MSPID", description = "create, consumer credentials: the MSP id of the member that reads with it")
    String msp;

    @Option(names = "--identity", description = "create: the member's identity the credential acts as (the profile <org>-<identity>.properties"
            + " must exist; for a device credential, the device's own)")
    String identity;

    @Override
    public Integer call() throws IOException {
        try (GatewayStore store = GatewayStore.open(root().store())) {
            switch (action) {
                case "create" -> {
                    final GatewayStore.Kind k = kind(required(kind, "--kind", action));
                    final String credentialName = required(name, "--name", action);
                    final String token;
                    if (k == GatewayStore.Kind.CONSUMER) {
                        if (!assets.isEmpty() || identity != null) {
                            throw new CommandLine.ParameterException(spec.commandLine(), "a consumer credential takes --msp, not --asset or --identity:"
                                    + " it acts as no identity of this member");
                        }
                        token = store.createConsumer(credentialName, required(msp, "--msp", "create --kind consumer"));
                    } else {
                        if (msp != null) {
                            throw new CommandLine.ParameterException(spec.commandLine(), "--msp is for consumer credentials (--kind consumer)");
                        }
                        token = store.create(credentialName, k, assets, identity(k, credentialName));
                    }
                    final Map<String, Object> out = new LinkedHashMap<>(store.list().stream().filter(c -> c.name().equals(credentialName))
                            .findFirst().orElseThrow().toMap());
                    out.put("token", token);
                    System.out.println(Json.write(out));
                    spec.commandLine().getErr().println("flexledger: the token is shown only now: give it to the " + k.name().toLowerCase(java.util.Locale.ROOT)
                            + (k == GatewayStore.Kind.CONSUMER ? " as its MQTT password (user name '" + credentialName + "')"
                                    : " as 'Authorization: Bearer <token>' (HTTP) or as its MQTT password (user name '" + credentialName + "')"));
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
            case "consumer" -> GatewayStore.Kind.CONSUMER;
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--kind must be ems, bms, device or consumer, was '" + k + "'");
        };
    }

    /** The identities that act for the whole member: never a device credential's. */
    private static final java.util.Set<String> MEMBER_WIDE = java.util.Set.of("client", "user", "admin");

    /**
     * The identity a new credential acts as, its profile checked to exist ({@code BAD_REQUEST}
     * otherwise). A device credential: {@code --identity}, else the device profile of the
     * credential's name; never a member-wide identity. An EMS or BMS credential: {@code --identity},
     * else the member's {@code client} identity, else the one the command runs as.
     */
    private String identity(final GatewayStore.Kind k, final String credentialName) {
        final java.nio.file.Path clients = root().work.resolve("clients");
        final String chosen;
        if (k == GatewayStore.Kind.DEVICE) {
            chosen = identity != null ? identity : credentialName;
            if (MEMBER_WIDE.contains(chosen) || chosen.equals(root().who)) {
                throw new SpecException(ErrorCode.BAD_REQUEST, "a device credential acts as the device's own identity, not the member-wide '"
                        + chosen + "': enrol the device (flexledger device enroll --device <name>) and name it with --identity");
            }
        } else if (identity != null) {
            chosen = identity;
        } else {
            chosen = Files.isRegularFile(profile(clients, "client")) ? "client" : root().who;
        }
        if (!GatewayStore.validIdentity(chosen)) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "identity '" + chosen + "' is not a valid name: 1 to 63 letters, digits, '.', '_' or"
                    + " '-', starting with a letter or digit");
        }
        if (!Files.isRegularFile(profile(clients, chosen))) {
            throw new SpecException(ErrorCode.BAD_REQUEST, k == GatewayStore.Kind.DEVICE
                    ? "no device identity '" + chosen + "' (no profile " + profile(clients, chosen) + "): enrol the device first with"
                    + " 'flexledger --org " + root().org + " device enroll --device " + chosen + " --asset <meter>', or name an enrolled"
                    + " device with --identity"
                    : "no identity '" + chosen + "' (no profile " + profile(clients, chosen) + "): name an existing identity with --identity");
        }
        return chosen;
    }

    private java.nio.file.Path profile(final java.nio.file.Path clients, final String who) {
        return clients.resolve(root().org + "-" + who + ".properties");
    }
}
