package energy.flexledger.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.spec.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class FlexLedgerCliTest {
    private static final Path VECTORS = Path.of("../core/src/test/resources/vectors");

    private final InputStream stdin = System.in;
    private final PrintStream stdout = System.out;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @BeforeEach
    void capture() {
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setIn(stdin);
        System.setOut(stdout);
    }

    private int run(final String input, final String... args) {
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        return FlexLedgerCli.run(args);
    }

    static List<String> vectors() throws IOException {
        try (Stream<Path> files = Files.list(VECTORS)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void specPrintsEveryVectorsExpectedOutput(final String name) throws Exception {
        final Map<String, Object> vector = Json.parseObject(Files.readString(VECTORS.resolve(name)));
        final String spec = name.substring(0, name.indexOf('-'));
        assertThat(run(Json.write(vector.get("input")), "spec", spec)).isZero();
        assertThat(Json.write(Json.parse(captured.toString(StandardCharsets.UTF_8).trim()))).isEqualTo(Json.write(vector.get("expected")));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "{\"meterId\":\"m\",\"salt\":\"00\",\"intervals\":[]}   | fp1 | BAD_SALT",
        "{\"orders\":[{\"id\":\"a\",\"side\":\"BUY\",\"quantityWh\":1,\"price\":1,\"submittedAt\":0},"
                + "{\"id\":\"a\",\"side\":\"SELL\",\"quantityWh\":1,\"price\":1,\"submittedAt\":0}]} | da1 | DUPLICATE",
        "{\"slotMinutes\":15,\"baseline\":[],\"actual\":[],\"committedPower\":0,\"rewardRate\":0,\"penaltyRate\":0,"
                + "\"capBps\":0,\"thresholdBps\":0} | st1 | BAD_WINDOW"})
    void specErrorsPrintOnlyTheirCodeAndExitThree(final String input, final String spec, final String code) {
        assertThat(run(input, "spec", spec)).isEqualTo(3);
        assertThat(Json.parseObject(captured.toString(StandardCharsets.UTF_8).trim())).containsExactly(Map.entry("error", code));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
        "{                                             | fp1 | invalid input: unexpected end of input at offset 1",
        "{\"meterId\":\"m\",\"salt\":\"0000000000000000000000000000000000000000000000000000000000000000\"} | fp1 | input.intervals is missing",
        "{\"request\":{\"id\":\"r\",\"quantityWh\":\"9\"}} | mk1 | input.request.quantityWh must be an integer",
        "{\"orders\":[{\"id\":\"a\",\"side\":\"BUY\"}]}     | da1 | input.orders[0].quantityWh is missing",
        "{\"timezone\":\"UTC\",\"slotMinutes\":60,\"targetDate\":\"2026-13-01\"} | bl1 | input.targetDate must be an ISO date",
        "{\"meterId\":\"m\",\"salt\":\"0g\",\"intervals\":[]} | fp1 | input.salt must be hex digits",
        "{\"meterId\":\"m\",\"salt\":\"00\",\"records\":[{\"start\":0,\"end\":1,\"count\":0,\"sum\":0,\"fingerprint\":\"abc\"}]} | fp1-verify"
                + " | input.records[0].fingerprint must be hex digits",
        "{}                                            | zz9 | unknown spec 'zz9'; known: fp1, bl1"})
    void malformedInputNamesTheMemberAndExitsTwo(final String input, final String spec, final String message) {
        final PrintStream stderr = System.err;
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(run(input, "spec", spec)).isEqualTo(2);
        } finally {
            System.setErr(stderr);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(message);
    }

    /** Every command and subcommand, as its words on the command line. */
    static List<String> commands() {
        final List<String> out = new java.util.ArrayList<>();
        collect(new picocli.CommandLine(new FlexLedgerCli()), "", out);
        return out;
    }

    private static void collect(final picocli.CommandLine cl, final String prefix, final List<String> out) {
        for (final Map.Entry<String, picocli.CommandLine> e : cl.getSubcommands().entrySet()) {
            final String words = (prefix + " " + e.getKey()).trim();
            out.add(words);
            collect(e.getValue(), words, out);
        }
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandTakesHelp(final String words) {
        final String[] args = (words + " --help").split(" ");
        assertThat(run("", args)).as(words).isZero();
        assertThat(captured.toString(StandardCharsets.UTF_8)).as(words).contains("Usage: flexledger " + words);
    }

    @Test
    void credentialsAreCreatedOnceShownOnceStoredHashedAndRevoked(@org.junit.jupiter.api.io.TempDir final Path dir) throws Exception {
        final Path work = Files.createDirectories(dir.resolve("work/clients"));
        Files.writeString(work.resolve("community-client.properties"), "org=community\n");
        final String[] base = {"--work", dir.resolve("work").toString(), "--org", "community"};
        final java.util.function.Function<String[], String[]> with = a -> java.util.stream.Stream.concat(java.util.Arrays.stream(base),
                java.util.Arrays.stream(a)).toArray(String[]::new);
        assertThat(run("", with.apply(new String[] {"credential", "create", "--name", "ems-1", "--kind", "ems"}))).isZero();
        final Map<String, Object> ems = Json.parseObject(captured.toString(StandardCharsets.UTF_8).trim());
        assertThat(ems).containsEntry("kind", "ems").containsEntry("identity", "client").containsEntry("revoked", false);
        final String token = (String) ems.get("token");
        assertThat(token).startsWith("flx_").hasSizeGreaterThan(40);
        // the token is not in the store, only its hash
        assertThat(new String(Files.readAllBytes(dir.resolve("work/members/community/member.db")), StandardCharsets.ISO_8859_1)).doesNotContain(token);
        captured.reset();
        assertThat(run("", with.apply(new String[] {"credential", "create", "--name", "ems-1", "--kind", "bms"}))).isEqualTo(3);
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("ALREADY_EXISTS");
        assertThat(run("", with.apply(new String[] {"credential", "create", "--name", "m-1", "--kind", "device"}))).isEqualTo(3);
        assertThat(run("", with.apply(new String[] {"credential", "create", "--name", "bad name", "--kind", "ems"}))).isEqualTo(3);
        assertThat(run("", with.apply(new String[] {"credential", "create", "--name", "x", "--kind", "robot"}))).isEqualTo(2);
        assertThat(run("", with.apply(new String[] {"credential", "create", "--kind", "ems"}))).isEqualTo(2);
        // A device credential never falls back to a member-wide identity: the device must be enrolled first.
        final java.io.PrintStream stderr = System.err;
        final ByteArrayOutputStream errors = new ByteArrayOutputStream();
        System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
        try {
            captured.reset();
            assertThat(run("", with.apply(new String[] {"credential", "create", "--name", "m-1", "--kind", "device", "--asset", "MTR-1"})))
                    .isEqualTo(3);
            assertThat(captured.toString(StandardCharsets.UTF_8)).contains("BAD_REQUEST");
            assertThat(errors.toString(StandardCharsets.UTF_8)).contains("device enroll --device m-1");
            errors.reset();
            assertThat(run("", with.apply(new String[] {"credential", "create", "--name", "m-1", "--kind", "device", "--asset", "MTR-1",
                "--identity", "client"}))).isEqualTo(3);
            assertThat(errors.toString(StandardCharsets.UTF_8)).contains("not the member-wide 'client'");
            // an identity must name an existing profile, also for an ems or bms, and be a plain name
            assertThat(run("", with.apply(new String[] {"credential", "create", "--name", "ems-2", "--kind", "ems", "--identity", "ghost"})))
                    .isEqualTo(3);
            assertThat(run("", with.apply(new String[] {"credential", "create", "--name", "ems-2", "--kind", "ems", "--identity",
                "../community-client"}))).isEqualTo(3);
        } finally {
            System.setErr(stderr);
        }
        Files.writeString(work.resolve("community-m-1.properties"), "org=community\n");
        captured.reset();
        assertThat(run("", with.apply(new String[] {"credential", "create", "--name", "m-1", "--kind", "device", "--asset", "MTR-1"}))).isZero();
        assertThat(Json.parseObject(captured.toString(StandardCharsets.UTF_8).trim())).containsEntry("identity", "m-1");
        captured.reset();
        assertThat(run("", with.apply(new String[] {"credential", "revoke", "--name", "m-1"}))).isZero();
        assertThat(Json.parseObject(captured.toString(StandardCharsets.UTF_8).trim())).containsEntry("revoked", true);
        assertThat(run("", with.apply(new String[] {"credential", "revoke", "--name", "nobody"}))).isEqualTo(3);
        captured.reset();
        assertThat(run("", with.apply(new String[] {"credential", "list"}))).isZero();
        final String list = captured.toString(StandardCharsets.UTF_8);
        assertThat(list).contains("\"ems-1\"", "\"m-1\"", "MTR-1").doesNotContain("flx_");
        try (energy.flexledger.client.http.GatewayStore store = energy.flexledger.client.http.GatewayStore.open(
                dir.resolve("work/members/community/member.db"))) {
            assertThat(store.authenticate(token)).isPresent();
            assertThat(store.authenticate(token + "x")).isEmpty();
        }
    }

    @Test
    void gatewayNeedsASourceOfSamples() {
        assertThat(run("", "gateway")).isEqualTo(2);
        assertThat(run("", "gateway", "--http", "nowhere")).isEqualTo(2);
        assertThat(run("", "gateway", "--http", "127.0.0.1:99999")).isEqualTo(2);
    }

    @Test
    void plainHttpIsRefusedOffLoopback(@org.junit.jupiter.api.io.TempDir final Path dir) throws Exception {
        // Bearer tokens in clear on a network: refused before anything starts (exit 2), unless TLS or an explicit --insecure-http.
        assertThat(run("", "gateway", "--http", "0.0.0.0:8080")).isEqualTo(2);
        assertThat(run("", "gateway", "--http", "192.0.2.1:8080")).isEqualTo(2);
        assertThat(run("", "gateway", "--http", "0.0.0.0:8080", "--http-tls-keystore", dir.resolve("none.p12").toString())).isEqualTo(2);
        final Path keystore = Files.writeString(dir.resolve("gw.p12"), "not read before the password is known");
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("FLEXLEDGER_HTTP_TLS_PASSWORD") == null);
        assertThat(run("", "gateway", "--http", "0.0.0.0:8080", "--http-tls-keystore", keystore.toString())).isEqualTo(2);
        assertThat(run("", "gateway", "--http", "0.0.0.0:8080", "--http-tls-keystore", keystore.toString(), "--insecure-http")).isEqualTo(2);
        assertThat(GatewayCommand.loopback("127.0.0.1")).isTrue();
        assertThat(GatewayCommand.loopback("localhost")).isTrue();
        assertThat(GatewayCommand.loopback("[::1]")).isTrue();
        assertThat(GatewayCommand.loopback("0.0.0.0")).isFalse();
        assertThat(GatewayCommand.loopback("::")).isFalse();
        assertThat(GatewayCommand.loopback("10.1.2.3")).isFalse();
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run("", "meter", "register")).isEqualTo(2);
        assertThat(run("", "device", "frobnicate")).isEqualTo(2);
        assertThat(run("", "device", "enroll")).isEqualTo(2);
        assertThat(run("", "device", "revoke", "--asset", "A")).isEqualTo(2);
    }

    @Test
    void missingNetworkIsAnInfrastructureErrorNamingTheProfile(@org.junit.jupiter.api.io.TempDir final Path empty) {
        final PrintStream stderr = System.err;
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(run("", "--work", empty.toString(), "--org", "cpo", "meter", "show", "--meter", "M")).isEqualTo(4);
        } finally {
            System.setErr(stderr);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(empty.resolve("clients/cpo-user.properties").toString())
                .contains("scripts/network.sh up");
    }

    @Test
    void deviceCommandsCheckTheirInputInNetworkShAndChangeNothingWithoutANetwork(@org.junit.jupiter.api.io.TempDir final Path dir)
            throws Exception {
        // scripts/network.sh (found from the classes' place in the repository) refuses bad input: exit 2.
        final Path work = dir.resolve("work");
        assertThat(run("", "--work", work.toString(), "device", "enroll", "--device", "bad name")).isEqualTo(2);
        assertThat(run("", "--work", work.toString(), "device", "enroll", "--device", "Admin")).isEqualTo(2);
        assertThat(run("", "--work", work.toString(), "--org", "nowhere", "device", "list")).isEqualTo(2);
        assertThat(run("", "--work", work.toString(), "device", "revoke", "--device", "m-1", "--reason", "bored")).isEqualTo(2);
        // Good input, but no network in the work folder: an infrastructure error (4), or NOT_FOUND for revoke.
        assertThat(run("", "--work", work.toString(), "device", "enroll", "--device", "m-1", "--asset", "MTR-1")).isEqualTo(4);
        assertThat(run("", "--work", work.toString(), "device", "revoke", "--device", "m-1")).isEqualTo(3);
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("{\"error\":\"NOT_FOUND\"}");
        assertThat(work).doesNotExist();
    }

    @Test
    void batchProveWorksOfflineAndAgreesWithTheMerkleCode(@org.junit.jupiter.api.io.TempDir final Path dir) throws Exception {
        final Path items = dir.resolve("items.json");
        Files.writeString(items, "[{\"a\":1},{\"b\":2},{\"c\":3}]");
        assertThat(run("", "batch", "prove", "--items", items.toString(), "--index", "2")).isZero();
        final Map<String, Object> out = Json.parseObject(captured.toString(StandardCharsets.UTF_8).trim());
        final List<byte[]> leaves = List.of(energy.flexledger.spec.Merkle.leaf("{\"a\":1}".getBytes(StandardCharsets.UTF_8)),
                energy.flexledger.spec.Merkle.leaf("{\"b\":2}".getBytes(StandardCharsets.UTF_8)),
                energy.flexledger.spec.Merkle.leaf("{\"c\":3}".getBytes(StandardCharsets.UTF_8)));
        assertThat(out).containsEntry("root", energy.flexledger.spec.Hex.encode(energy.flexledger.spec.Merkle.root(leaves)))
                .containsEntry("count", 3L).containsEntry("index", 2L);
        Files.writeString(items, "{}");
        assertThat(run("", "batch", "prove", "--items", items.toString(), "--index", "0")).isEqualTo(2);
        assertThat(run("", "batch", "prove", "--index", "0")).isEqualTo(2);
        assertThat(run("", "batch", "sign")).isEqualTo(2);
    }

    @Test
    void batchCheckVerifiesAProofOfflineAndFindsATamperedItemOrProof(@org.junit.jupiter.api.io.TempDir final Path dir) throws Exception {
        final Path items = dir.resolve("items.json");
        Files.writeString(items, "[{\"a\":1},{\"b\":2},{\"c\":3},{\"d\":4},{\"e\":5}]");
        assertThat(run("", "batch", "prove", "--items", items.toString(), "--index", "4")).isZero();
        final Map<String, Object> proof = Json.parseObject(captured.toString(StandardCharsets.UTF_8).trim());
        final Path proofFile = dir.resolve("proof.json");
        Files.writeString(proofFile, Json.write(proof));
        final Path item = dir.resolve("item.json");
        Files.writeString(item, "{ \"e\" : 5 }");
        final String root = (String) proof.get("root");

        captured.reset();
        assertThat(run("", "batch", "check", "--proof", proofFile.toString(), "--item", item.toString(), "--root", root, "--count", "5"))
                .isZero();
        assertThat(Json.parseObject(captured.toString(StandardCharsets.UTF_8).trim())).containsEntry("valid", true)
                .containsEntry("itemMatchesLeaf", true).containsEntry("rootFrom", "option").containsEntry("index", 4L);
        // Another item, another count (so another path) or a changed sibling: not valid.
        Files.writeString(item, "{\"e\":6}");
        captured.reset();
        assertThat(run("", "batch", "check", "--proof", proofFile.toString(), "--item", item.toString(), "--root", root, "--count", "5"))
                .isZero();
        assertThat(Json.parseObject(captured.toString(StandardCharsets.UTF_8).trim())).containsEntry("valid", false)
                .containsEntry("itemMatchesLeaf", false);
        captured.reset();
        assertThat(run("", "batch", "check", "--proof", proofFile.toString(), "--root", root, "--count", "6")).isZero();
        assertThat(Json.parseObject(captured.toString(StandardCharsets.UTF_8).trim())).containsEntry("valid", false);
        final List<Object> siblings = new java.util.ArrayList<>((List<?>) proof.get("proof"));
        final String first = (String) siblings.get(0);
        siblings.set(0, (first.charAt(0) == '0' ? "1" : "0") + first.substring(1));
        final Map<String, Object> tampered = new java.util.LinkedHashMap<>(proof);
        tampered.put("proof", siblings);
        Files.writeString(proofFile, Json.write(tampered));
        captured.reset();
        assertThat(run("", "batch", "check", "--proof", proofFile.toString(), "--root", root, "--count", "5")).isZero();
        assertThat(Json.parseObject(captured.toString(StandardCharsets.UTF_8).trim())).containsEntry("valid", false);
        // Usage errors: no root at all, both sources, a proof that is not hex.
        assertThat(run("", "batch", "check", "--proof", proofFile.toString(), "--count", "5")).isEqualTo(2);
        assertThat(run("", "batch", "check", "--proof", proofFile.toString(), "--root", "00", "--count", "5")).isEqualTo(2);
        assertThat(run("", "batch", "check", "--proof", proofFile.toString(), "--batch", "B", "--root", root, "--count", "5"))
                .isEqualTo(2);
        tampered.put("leaf", "xyz");
        Files.writeString(proofFile, Json.write(tampered));
        assertThat(run("", "batch", "check", "--proof", proofFile.toString(), "--root", root, "--count", "5")).isEqualTo(2);
    }

    @Test
    void ledgerCommandsWithoutANetworkNameTheMissingProfile(@org.junit.jupiter.api.io.TempDir final Path empty) {
        final PrintStream stderr = System.err;
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            for (final String[] args : List.of(new String[] {"whoami"}, new String[] {"asset", "show", "--asset", "A"},
                    new String[] {"asset", "list", "--by", "zone", "--value", "z"}, new String[] {"interval", "list", "--meter", "M"},
                    new String[] {"subscription", "show", "--id", "S"}, new String[] {"batch", "show", "--batch", "B"},
                    new String[] {"asset", "deactivate", "--asset", "A"}, new String[] {"asset", "update", "--asset", "A", "--zone", "z"})) {
                final String[] full = new String[args.length + 2];
                full[0] = "--work";
                full[1] = empty.toString();
                System.arraycopy(args, 0, full, 2, args.length);
                assertThat(run("", full)).as(String.join(" ", args)).isEqualTo(4);
            }
        } finally {
            System.setErr(stderr);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("scripts/network.sh up");
    }

    @Test
    void closingMoreThanADayOfEmptyIntervalsAtOnceIsReportedNotSilent(@org.junit.jupiter.api.io.TempDir final Path dir) throws Exception {
        final long q = 900_000L;
        final long t0 = Math.floorDiv(System.currentTimeMillis(), q) * q - 300 * q;
        final byte[] salt = new energy.flexledger.client.SaltStore(dir.resolve("salts")).create("M-GAP");
        try (energy.flexledger.client.store.MemberStore store = energy.flexledger.client.store.MemberStore.open(dir.resolve("member.db"))) {
            store.track("M-GAP", salt, q, t0);
        }
        assertThat(run("", "--data", dir.toString(), "outbox", "close", "--meter", "M-GAP", "--until", Long.toString(t0 + 10 * q))).isZero();
        assertThat(Json.parseObject(captured.toString(StandardCharsets.UTF_8).trim())).containsEntry("closed", 10L).doesNotContainKey("warning");
        captured.reset();
        assertThat(run("", "--data", dir.toString(), "outbox", "close", "--meter", "M-GAP", "--until", Long.toString(t0 + 200 * q))).isZero();
        assertThat(Json.parseObject(captured.toString(StandardCharsets.UTF_8).trim())).containsEntry("closed", 190L).containsKey("warning");
    }

    @Test
    void replicaRefusesAnUnsupportedDatabaseAndANegativeTime(@org.junit.jupiter.api.io.TempDir final Path dir) {
        final PrintStream stderr = System.err;
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(run("", "--work", dir.toString(), "replica", "--jdbc", "jdbc:mysql://127.0.0.1/replica")).isEqualTo(3);
            assertThat(captured.toString(StandardCharsets.UTF_8).trim()).isEqualTo("{\"error\":\"BAD_REQUEST\"}");
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("jdbc:sqlite:FILE or jdbc:postgresql://");
            assertThat(run("", "--work", dir.toString(), "replica", "--for", "-1")).isEqualTo(2);
            // A work folder without a network: the database is made, the connection is what fails (exit 4, the profile named).
            assertThat(run("", "--work", dir.toString(), "--org", "dso", "replica", "--jdbc", "jdbc:sqlite:" + dir.resolve("r.db"))).isEqualTo(4);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("dso-user.properties");
            assertThat(dir.resolve("r.db")).exists();
        } finally {
            System.setErr(stderr);
        }
    }
}
