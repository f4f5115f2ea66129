package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code scripts/network.sh add-org} on the running test network, which carries data by then: a
 * second aggregator, representing the same members as the first, joins; every old member's view of
 * the data written before is unchanged; the new peer has every block and, once reconciled, the
 * private data it may read; a second add-org changes nothing; and the new aggregator is allowed
 * exactly where the first is ({@link EnergyRoleMatrix} with the added org in the aggregator's
 * columns).
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AddOrgIT {
    private static final String NAME = "aggregator2";
    private static final String MSP = "Aggregator2MSP";
    private static final long QUARTER = 900_000L;
    private static final byte[] SALT = Hex.decode("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");

    private static final Path root = Path.of(System.getProperty("flexledger.root", "..")).toAbsolutePath().normalize();
    private static final Map<String, LedgerConnection> members = new LinkedHashMap<>();
    private static EnergyRoleMatrix matrix;

    @AfterAll
    static void close() {
        members.values().forEach(LedgerConnection::close);
        if (matrix != null) {
            matrix.close();
        }
    }

    @Test
    @Order(1)
    @SuppressWarnings("unchecked")
    void aSecondAggregatorJoinsTheRunningNetworkAndNoOldMembersViewChanges() throws Exception {
        final Path work = EnergyRoleMatrix.work();
        final Map<String, String> orgs = EnergyRoleMatrix.orgsByMsp(work);
        assertThat(orgs).as("the test network before add-org").doesNotContainKey(MSP);
        for (final String org : orgs.values()) {
            members.put(org, LedgerConnection.open(MemberProfile.fromWork(work, org, "user")));
        }
        final LedgerConnection any = members.values().iterator().next();
        final EnergyRoleMatrix.Roles roles = EnergyRoleMatrix.resolve(any, work, null);
        final List<Object> represents = (List<Object>) any.consortium("grid").member(roles.aggregatorMsp()).get("represents");

        // Data before the new member: the owner's meter with two certified intervals.
        final EnergyLedger owner = members.get(roles.owner()).energy("grid");
        final String meter = "ADD-" + System.currentTimeMillis();
        final Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("assetId", meter);
        spec.put("type", "METER");
        spec.put("zone", "zone-1");
        spec.put("saltCommitment", Hex.encode(Fp1.saltCommitment(SALT)));
        owner.registerAsset(spec);
        final long start = Math.floorDiv(System.currentTimeMillis(), QUARTER) * QUARTER - 10 * QUARTER;
        owner.recordIntervals(List.of(
                EnergyLedger.record(meter, Fp1.interval(SALT, meter, start, start + QUARTER).add(start + 1, 7).digest()),
                EnergyLedger.record(meter, Fp1.interval(SALT, meter, start + QUARTER, start + 2 * QUARTER).add(start + QUARTER + 1, 8).digest())));
        PeerHeights.awaitSame("grid", members.values(), PeerHeights.DEFAULT_WAIT);
        final Map<String, String> before = views(meter, start);
        assertThat(before.get(roles.aggregator() + " GetIntervals")).as("the first aggregator reads the owner's data").contains("\"records\"");

        final String represented = String.join(",", represents.stream().map(String::valueOf).toList());
        // A spec governance would refuse fails before anything irreversible, and says so.
        final Run refused = addOrg("--role", "AGGREGATOR", "--represents", "NoSuchMSP");
        assertThat(refused.exit()).as("add-org with a non-member to represent; output:%n%s", refused.output()).isNotZero();
        assertThat(refused.output()).contains("nothing was changed").contains("stopped before changing anything");
        assertThat(EnergyRoleMatrix.orgsByMsp(work)).doesNotContainKey(MSP);
        assertThat(views(meter, start)).isEqualTo(before);

        final String out = addOrg("--role", "AGGREGATOR", "--represents", represented).ok();
        assertThat(out).contains("channel 'grid': adding " + MSP).contains("the consortium admitted " + MSP)
                .contains(MSP + " (" + NAME + ") added to the running network");

        assertThat(views(meter, start)).as("every old member's view of the data written before add-org").isEqualTo(before);
        final LedgerConnection outsider = members.get(roles.outsider());
        assertThat((List<Object>) outsider.energy("grid").getAsset(meter).get("dataReaders")).as("the readers an outsider is told of")
                .contains(roles.ownerMsp(), roles.aggregatorMsp(), MSP).doesNotContain(outsider.profile().mspId());
        final Map<String, Object> admitted = any.consortium("grid").member(MSP);
        assertThat(admitted.get("roles")).isEqualTo(List.of("AGGREGATOR"));
        assertThat(admitted.get("represents")).isEqualTo(represents);

        final LedgerConnection added = LedgerConnection.open(MemberProfile.fromWork(work, NAME, "user"));
        members.put(NAME, added);
        PeerHeights.awaitSame("grid", members.values(), PeerHeights.DEFAULT_WAIT);
        // Its peer reconciles the private data written before it joined the collection (the peers
        // reconcile every few seconds here); until then the chaincode says INVALID_STATE.
        final String expected = before.get(roles.aggregator() + " GetIntervals");
        String seen = null;
        final long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            seen = view(() -> added.energy("grid").getIntervals(meter, 0, Long.MAX_VALUE, 10, ""));
            if (!seen.equals("INVALID_STATE")) {
                break;
            }
            Thread.sleep(1_000);
        }
        assertThat(seen).as("the added aggregator reads the owner's intervals written before it joined").isEqualTo(expected);

        assertThat(addOrg("--role", "AGGREGATOR", "--represents", represented).ok())
                .contains(MSP + " (" + NAME + ") is already a member of this network: nothing changed");
        final Run different = addOrg("--role", "CPO");
        assertThat(different.exit()).isNotZero();
        assertThat(different.output()).contains(MSP + " is already a member as");
    }

    @TestFactory
    @Order(2)
    Stream<DynamicTest> theAddedAggregatorIsAllowedExactlyWhereTheFirstIs() throws IOException, LedgerException {
        final Path work = EnergyRoleMatrix.work();
        try (LedgerConnection any = LedgerConnection.open(MemberProfile.fromWork(work, NAME, "user"))) {
            matrix = new EnergyRoleMatrix(work, EnergyRoleMatrix.resolve(any, work, MSP));
        }
        assertThat(matrix.roles().aggregator()).isEqualTo(NAME);
        return matrix.rows();
    }

    private interface Read {
        Object get() throws LedgerException;
    }

    /**
     * A read's canonical JSON, or its error code: what a member sees of the data. An asset's
     * {@code dataReaders} (told to members outside its collection) is left out: it is computed
     * from the current consortium and rightly names the new reader afterwards.
     */
    private static String view(final Read read) {
        try {
            final Object value = read.get();
            if (value instanceof Map<?, ?> map && map.containsKey("dataReaders")) {
                final Map<Object, Object> copy = new LinkedHashMap<>(map);
                copy.remove("dataReaders");
                return Json.write(copy);
            }
            return Json.write(value);
        } catch (LedgerException e) {
            return e.code().map(Enum::name).orElse("ERROR " + e.getMessage());
        }
    }

    /** What each member sees of the meter: the asset, its chain head, intervals and one interval's hash. */
    private static Map<String, String> views(final String meter, final long start) {
        final Map<String, String> out = new LinkedHashMap<>();
        members.forEach((org, c) -> {
            final EnergyLedger e = c.energy("grid");
            out.put(org + " GetAsset", view(() -> e.getAsset(meter)));
            out.put(org + " GetHead", view(() -> e.getHead(meter)));
            out.put(org + " GetIntervals", view(() -> e.getIntervals(meter, 0, Long.MAX_VALUE, 10, "")));
            out.put(org + " GetIntervalHash", view(() -> e.getIntervalHash(meter, start)));
        });
        assertThat(new ArrayList<>(out.values())).as("views").doesNotContain(ErrorCode.INVALID_STATE.name());
        return out;
    }

    /** One run of network.sh add-org: its exit code and output. */
    private record Run(int exit, String output) {
        String ok() {
            assertThat(exit).as("network.sh add-org exit code; output:%n%s", output).isZero();
            return output;
        }
    }

    private static Run addOrg(final String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of("scripts/network.sh", "add-org", NAME));
        command.addAll(List.of(args));
        final Path log = Files.createTempFile("add-org", ".log");
        final ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("FLEXLEDGER_WORK", EnergyRoleMatrix.work().toString());
        final Process p = pb.start();
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroy();
            throw new AssertionError("network.sh add-org did not finish within 10 minutes; output:\n" + Files.readString(log));
        }
        final String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        return new Run(p.exitValue(), out);
    }
}
