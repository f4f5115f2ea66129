package energy.flexledger.client.cli;

import energy.flexledger.client.LedgerException;
import energy.flexledger.client.SaltStore;
import energy.flexledger.client.store.StoreLocation;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code flexledger}: the member's command line. Results are JSON on standard output, messages on
 * standard error. Exit codes: 0 success; 2 usage error, including input JSON that is malformed or
 * lacks a member (the message names it); 3 a FlexLedger error code, printed as
 * {@code {"error":"CODE"}} (plus {@code txId} for a ledger transaction); 4 anything else (I/O,
 * network).
 */
@Command(
        name = "flexledger",
        mixinStandardHelpOptions = true,
        // Every subcommand takes --help (and --version) too.
        scope = ScopeType.INHERIT,
        version = "FlexLedger 0.1.0",
        description = "FlexLedger member client: spec functions, meters and certified intervals on the ledger.",
        subcommands = {SpecCommand.class, WhoAmICommand.class, AssetCommand.class, MeterCommand.class, IntervalCommand.class,
            AuditCommand.class, IngestCommand.class, OutboxCommand.class, GatewayCommand.class, BatchCommand.class, SubscriptionCommand.class, ConsortiumCommand.class, TokenCommand.class, MarketCommand.class, DrCommand.class, AuctionCommand.class, BenchTokenCommand.class, BenchAuctionCommand.class, BenchMarketCommand.class, BenchDrCommand.class, DeviceCommand.class, CredentialCommand.class, DemoCommand.class,
            BenchCommand.class, MqttLoadCommand.class, HttpLoadCommand.class, ReplicaCommand.class,
            OcppCommand.class})
public final class FlexLedgerCli {
    // Held here: java.util.logging keeps loggers only weakly, and a collected one forgets its level.
    private static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("io.grpc");
    private static final java.util.logging.Logger FLYWAY_LOG = java.util.logging.Logger.getLogger("org.flywaydb");
    private static final java.util.logging.Logger JETTY_LOG = java.util.logging.Logger.getLogger("org.eclipse.jetty");
    private static final java.util.logging.Logger JAVALIN_LOG = java.util.logging.Logger.getLogger("io.javalin");
    static final int EXIT_CODE_ERROR = 3;
    static final int EXIT_OTHER_ERROR = 4;

    @Option(names = "--work", scope = ScopeType.INHERIT, defaultValue = "${env:FLEXLEDGER_WORK:-work/network}",
            description = "network work folder with clients/<org>-<who>.properties (default: ${DEFAULT-VALUE})")
    Path work;

    @Option(names = "--org", scope = ScopeType.INHERIT, defaultValue = "${env:FLEXLEDGER_ORG:-community}",
            description = "member org to act as: dso, aggregator, community, cpo (default: ${DEFAULT-VALUE})")
    String org;

    @Option(names = "--as", scope = ScopeType.INHERIT, defaultValue = "user",
            description = "identity of the org: user (its gateway), admin, device, client, or the name of a device enrolled with 'device enroll' (default: ${DEFAULT-VALUE})")
    String who;

    @Option(names = "--channel", scope = ScopeType.INHERIT, defaultValue = "grid", description = "channel (default: ${DEFAULT-VALUE})")
    String channel;

    @Option(names = "--data", scope = ScopeType.INHERIT,
            description = "the member's off-chain data folder (default: <work>/members/<org>)")
    Path data;

    /** The member's FP1 salts, off-chain: {@code <data>/salts}. */
    SaltStore salts() {
        return new SaltStore(dataDir().resolve("salts"));
    }

    @Option(names = "--store", scope = ScopeType.INHERIT, paramLabel = "FILE|URL", defaultValue = "${env:FLEXLEDGER_STORE}",
            description = "the member store: an SQLite file or jdbc:postgresql://HOST[:PORT]/DATABASE, user and password from the"
                    + " environment variables " + StoreLocation.USER_ENV + " and " + StoreLocation.PASSWORD_ENV
                    + " (default: $FLEXLEDGER_STORE, else <data>/member.db)")
    String store;

    /** The member store: {@code --store}, else {@code <data>/member.db}. */
    StoreLocation store() {
        return store == null || store.isBlank() ? StoreLocation.sqlite(dataDir().resolve("member.db")) : StoreLocation.of(store, System.getenv());
    }

    /**
     * The member store's default SQLite file, {@code <data>/member.db}: the member's other local files
     * (the OCPP central system's {@code ocpp.db}, event checkpoints) are kept beside it whatever
     * {@code --store} says.
     */
    Path storeFile() {
        return dataDir().resolve("member.db");
    }

    /** Whether the member store exists already (a PostgreSQL store is assumed to: the server says otherwise). */
    boolean storeExists() {
        final StoreLocation at = store();
        return at.engine() != StoreLocation.Engine.SQLITE || java.nio.file.Files.exists(at.file());
    }

    Path dataDir() {
        return data != null ? data : work.resolve("members").resolve(org);
    }

    public static void main(final String[] args) {
        // gRPC logs its transport choices at INFO through java.util.logging; the CLI's output is JSON.
        GRPC_LOG.setLevel(java.util.logging.Level.WARNING);
        // Flyway reports each migration check at INFO; the store's migrations are not the user's business.
        FLYWAY_LOG.setLevel(java.util.logging.Level.WARNING);
        // Jetty and Javalin (gateway --http) report their start and stop at INFO; the gateway prints its own JSON lines.
        JETTY_LOG.setLevel(java.util.logging.Level.WARNING);
        JAVALIN_LOG.setLevel(java.util.logging.Level.WARNING);
        System.exit(run(args));
    }

    static int run(final String... args) {
        final CommandLine cli = new CommandLine(new FlexLedgerCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(e, commandLine.getOut(), commandLine.getErr()));
        return cli.execute(args);
    }

    private static int report(final Exception e, final PrintWriter out, final PrintWriter err) {
        final Map<String, Object> json = new LinkedHashMap<>();
        if (e instanceof SpecException && ((SpecException) e).code() == ErrorCode.BAD_JSON) {
            // Not a rule of the domain but a document of the wrong shape: a usage error.
            err.println("flexledger: invalid input: " + ((SpecException) e).detail());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        if (e instanceof SpecException) {
            json.put("error", ((SpecException) e).code().name());
            out.println(Json.write(json));
            out.flush();
            err.println("flexledger: " + e.getMessage());
            err.flush();
            return EXIT_CODE_ERROR;
        }
        if (e instanceof LedgerException && ((LedgerException) e).code().isPresent()) {
            final LedgerException le = (LedgerException) e;
            json.put("error", le.code().get().name());
            le.transactionId().ifPresent(tx -> json.put("txId", tx));
            out.println(Json.write(json));
            out.flush();
            err.println("flexledger: " + le.getMessage());
            err.flush();
            return EXIT_CODE_ERROR;
        }
        err.println("flexledger: " + e.getMessage());
        if (e instanceof LedgerException && ((LedgerException) e).retryable()) {
            err.println("flexledger: this failure is transient; running the command again may succeed");
        } else if (!(e instanceof IOException || e instanceof LedgerException)) {
            e.printStackTrace(err);
        }
        err.flush();
        return EXIT_OTHER_ERROR;
    }
}
