package energy.flexledger.client.cli;

import energy.flexledger.client.EnergyLedger;
import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.MemberProfile;
import energy.flexledger.client.SaltStore;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.IntervalDigest;
import energy.flexledger.spec.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * A short scenario on the running network: the energy community registers a smart meter, certifies
 * a few quarter-hours of its readings the FP1 way, reads them back, and the aggregator is refused
 * when it tries to write the community's meter.
 */
@Command(name = "demo", description = "Run a short scenario on the running network and explain what happened.")
final class DemoCommand implements Callable<Integer> {
    private static final long QUARTER_MS = 15 * 60_000L;

    @ParentCommand
    FlexLedgerCli root;

    @Option(names = "--meter", description = "meter id to register (default: DEMO-<epoch seconds>)")
    String meterId;

    @Option(names = "--intervals", defaultValue = "3", description = "quarter-hours to certify (default: ${DEFAULT-VALUE})")
    int intervals;

    @Option(names = "--hints", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "print the commands to look further (--no-hints: don't)")
    boolean hints;

    @Override
    public Integer call() throws IOException, LedgerException {
        final PrintStream out = System.out;
        final String owner = "community";
        final String meter = meterId != null ? meterId : "DEMO-" + Instant.now().getEpochSecond();
        final Path data = root.work.resolve("members").resolve(owner);
        final SaltStore salts = new SaltStore(data.resolve("salts"));
        final long first = Math.floorDiv(Instant.now().toEpochMilli(), QUARTER_MS) * QUARTER_MS - intervals * QUARTER_MS;

        try (LedgerConnection community = LedgerConnection.open(MemberProfile.fromWork(root.work, owner, "user"))) {
            final EnergyLedger energy = community.energy(root.channel);
            out.printf("1. CommunityMSP registers smart meter %s in zone-1 (its FP1 salt stays off-chain in %s)%n", meter,
                    data.resolve("salts"));
            final byte[] salt = salts.create(meter);
            final Map<String, Object> registered = energy.registerMeter(meter, "zone-1", Hex.encode(Fp1.saltCommitment(salt)));
            out.printf("   on the ledger: owner %s, salt commitment %s..., tx %s%n", registered.get("ownerMsp"),
                    prefix(registered.get("saltCommitment")), registered.get("registeredTx"));

            out.printf("2. It certifies %d quarter-hours of one-minute readings: raw samples off-chain, count/sum/avg/fingerprint on-chain%n",
                    intervals);
            for (int i = 0; i < intervals; i++) {
                final long start = first + i * QUARTER_MS;
                final List<Object> samples = samples(start, i);
                saveSamples(data, meter, start, samples);
                final Map<String, Object> input = new LinkedHashMap<>();
                input.put("start", start);
                input.put("end", start + QUARTER_MS);
                input.put("samples", samples);
                final IntervalDigest digest = IntervalCommand.digest(salt, meter, Json.Obj.of(input, "interval"));
                final Map<String, Object> rec = energy.recordInterval(meter, digest);
                out.printf("   (%s, %s]  count %s  sum %s mW  avg %s mW  fingerprint %s...  link %s...%n",
                        Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + QUARTER_MS), rec.get("count"), rec.get("sum"),
                        rec.get("avg"), prefix(rec.get("fingerprint")), prefix(rec.get("link")));
            }

            final Map<String, Object> head = energy.getMeter(meter);
            out.printf("3. Read back through the gateway: %s intervals, chain continues at %s, head link %s...%n",
                    head.get("intervals"), Instant.ofEpochMilli((Long) head.get("lastEnd")), prefix(head.get("headLink")));

            out.println("4. The aggregator tries to certify the next quarter-hour of the community's meter:");
            final long next = first + intervals * QUARTER_MS;
            final IntervalDigest forged = Fp1.interval(salt, meter, next, next + QUARTER_MS).add(next + 60_000, 1).digest();
            try (LedgerConnection aggregator = LedgerConnection.open(MemberProfile.fromWork(root.work, "aggregator", "user"))) {
                aggregator.energy(root.channel).recordInterval(meter, forged);
                out.println("   UNEXPECTED: the ledger accepted it");
                return 1;
            } catch (LedgerException e) {
                if (e.code().orElse(null) != ErrorCode.ACCESS_DENIED) {
                    throw e;
                }
                out.printf("   refused by the chaincode: %s%n", e.getMessage());
            }
        }

        if (!hints) {
            return 0;
        }
        out.println();
        out.println("Look further:");
        out.printf("  scripts/flexledger meter show --meter %s%n", meter);
        out.printf("  scripts/flexledger interval show --meter %s --start %d%n", meter, first);
        out.printf("  eval \"$(scripts/network.sh env community user)\" && peer chaincode query -C grid -n energy -c '{\"Args\":[\"GetMeter\",\"%s\"]}'%n",
                meter);
        out.println("  scripts/network.sh status     # every node and chaincode");
        out.printf("  ls %s                        # one log per node and chaincode%n", root.work.resolve("logs"));
        out.println("  scripts/network.sh down       # stop the network (add --purge to delete it)");
        return 0;
    }

    /** One-minute readings of a household with a PV roof: deterministic, so every run looks alike. */
    private static List<Object> samples(final long start, final int interval) {
        final List<Object> samples = new ArrayList<>();
        for (int k = 1; k <= 15; k++) {
            final long load = 1_200_000L + 35_000L * ((interval * 15L + k) % 11);
            final long pv = 400_000L * ((interval + k) % 3);
            samples.add(List.of(start + k * 60_000L, load - pv));
        }
        return samples;
    }

    private static void saveSamples(final Path data, final String meter, final long start, final List<Object> samples) throws IOException {
        final Path dir = data.resolve("samples").resolve(Hex.encode(meter.getBytes(StandardCharsets.UTF_8)));
        Files.createDirectories(dir);
        final Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("meterId", meter);
        doc.put("start", start);
        doc.put("end", start + QUARTER_MS);
        doc.put("samples", samples);
        Files.writeString(dir.resolve(start + ".json"), Json.write(doc) + "\n");
    }

    private static String prefix(final Object hex) {
        final String s = String.valueOf(hex);
        return s.length() > 16 ? s.substring(0, 16) : s;
    }
}
