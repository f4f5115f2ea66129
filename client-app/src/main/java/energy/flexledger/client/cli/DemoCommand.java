package energy.flexledger.client.cli;

import energy.flexledger.client.EnergyLedger;
import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.MemberProfile;
import energy.flexledger.client.PeerHeights;
import energy.flexledger.client.SaltStore;
import energy.flexledger.client.store.MemberStore;
import energy.flexledger.client.store.OutboxSubmitter;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Fp1Verifier;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.IntervalDigest;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.Merkle;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
 * A short scenario on the running network: the energy community registers a smart meter bound to
 * its device, its client stores a few quarter-hours of readings in the member store and sends the
 * closed intervals through the outbox, certified the FP1 way by the device in one transaction,
 * the community reads them back and audits its off-chain samples against them, certifies them as a
 * data batch whose items the aggregator can check, grants the aggregator access to the topic, and
 * the aggregator is refused when it tries to write the community's meter.
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

    @Option(names = "--flexibility", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "go on with demand response and the flexibility market on three weeks of real load shapes (--no-flexibility: don't)")
    boolean flexibility;

    @Option(names = "--hints", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "print the commands to look further (--no-hints: don't)")
    boolean hints;

    @Override
    public Integer call() throws Exception {
        final PrintStream out = System.out;
        final String owner = "community";
        final String meter = meterId != null ? meterId : "DEMO-" + Instant.now().getEpochSecond();
        final Path data = root.work.resolve("members").resolve(owner);
        final SaltStore salts = new SaltStore(data.resolve("salts"));
        final long first = Math.floorDiv(Instant.now().toEpochMilli(), QUARTER_MS) * QUARTER_MS - intervals * QUARTER_MS;

        try (LedgerConnection community = LedgerConnection.open(MemberProfile.fromWork(root.work, owner, "user"));
                LedgerConnection admin = LedgerConnection.open(MemberProfile.fromWork(root.work, owner, "admin"));
                LedgerConnection device = LedgerConnection.open(MemberProfile.fromWork(root.work, owner, "device"));
                LedgerConnection aggregator = LedgerConnection.open(MemberProfile.fromWork(root.work, "aggregator", "user"))) {
            final EnergyLedger energy = community.energy(root.channel);
            final String deviceId = (String) device.energy(root.channel).whoAmI().get("id");
            out.printf("1. CommunityMSP's admin registers smart meter %s in zone-1, bound to its device identity (User2) and its gateway (User1);%n"
                    + "   the FP1 salt stays off-chain in %s%n", meter, data.resolve("salts"));
            final byte[] salt = salts.create(meter);
            final Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("assetId", meter);
            spec.put("type", "METER");
            spec.put("zone", "zone-1");
            spec.put("deviceId", deviceId);
            spec.put("gatewayId", energy.whoAmI().get("id"));
            spec.put("saltCommitment", Hex.encode(Fp1.saltCommitment(salt)));
            final Map<String, Object> registered = admin.energy(root.channel).registerAsset(spec);
            out.printf("   on the ledger: owner %s, %s ms intervals, salt commitment %s..., tx %s%n", registered.get("ownerMsp"),
                    registered.get("intervalMs"), prefix(registered.get("saltCommitment")), registered.get("registeredTx"));

            out.printf("2. The member's client stores %d quarter-hours of one-minute readings in its off-chain store (%s),%n"
                    + "   fingerprinting them as they come (FP1); the closed intervals leave through its outbox, sent by the meter's%n"
                    + "   device identity in one transaction: count/sum/avg/fingerprint on-chain, links computed by the chaincode%n",
                    intervals, data.resolve("member.db"));
            final List<List<Object>> allSamples = new ArrayList<>();
            final OutboxSubmitter.Report sent;
            try (MemberStore store = MemberStore.open(data.resolve("member.db"))) {
                store.track(meter, salt, QUARTER_MS, first);
                final List<long[]> stream = new ArrayList<>();
                for (int i = 0; i < intervals; i++) {
                    final List<Object> samples = samples(first + i * QUARTER_MS, i);
                    allSamples.add(samples);
                    for (final Object tv : samples) {
                        stream.add(new long[] {(Long) ((List<?>) tv).get(0), (Long) ((List<?>) tv).get(1)});
                    }
                }
                final MemberStore.Ingested ingested = store.ingest(meter, salt, stream);
                final int closed = store.closeUntil(meter, salt, first + intervals * QUARTER_MS);
                out.printf("   %d samples stored, %d intervals closed into the outbox%n", ingested.accepted(), ingested.closed() + closed);
                // Only this meter's records: the store may hold other meters, bound to other identities.
                sent = new OutboxSubmitter(store, device.energy(root.channel)::recordIntervals, 500, meter).drain();
            }
            if (sent.stoppedBy() != null) {
                throw sent.stoppedBy();
            }
            if (!sent.failed().isEmpty() || !sent.held().isEmpty()) {
                out.printf("   UNEXPECTED: the ledger refused %s%n", sent.toMap());
                return 1;
            }
            out.printf("   %d records certified in %d transaction(s); the outbox marks them COMMITTED%n", sent.committed(), sent.transactions());

            final List<Map<String, Object>> stored = energy.allIntervals(meter, first, first + intervals * QUARTER_MS);
            for (final Map<String, Object> rec : stored) {
                out.printf("   (%s, %s]  count %s  sum %s mW  avg %s mW  fingerprint %s...  link %s...%n",
                        Instant.ofEpochMilli((Long) rec.get("start")), Instant.ofEpochMilli((Long) rec.get("end")), rec.get("count"),
                        rec.get("sum"), rec.get("avg"), prefix(rec.get("fingerprint")), prefix(rec.get("link")));
            }

            final Map<String, Object> head = energy.getHead(meter);
            out.printf("3. Read back through the gateway: %s intervals, chain continues at %s, head link %s...%n",
                    head.get("intervals"), Instant.ofEpochMilli((Long) head.get("lastEnd")), prefix(head.get("headLink")));

            out.println("4. An audit of the off-chain samples against the ledger (FP1 verifier), then of a copy with one reading changed:");
            out.printf("   untouched samples: %s%n", audit(salt, meter, stored, allSamples, -1).ok() ? "every interval matches" : "MISMATCH");
            final Fp1Verifier.Report tampered = audit(salt, meter, stored, allSamples, intervals - 1);
            for (final Fp1Verifier.Mismatch m : tampered.mismatches()) {
                out.printf("   changed copy: interval (%s, %s] differs in %s%n", Instant.ofEpochMilli(m.start()), Instant.ofEpochMilli(m.end()),
                        m.fields());
            }

            out.println("5. CommunityMSP certifies the day's interval records as a data batch (Merkle root on-chain),");
            final List<byte[]> leaves = new ArrayList<>();
            for (final Map<String, Object> rec : stored) {
                leaves.add(Merkle.leaf(Json.write(rec).getBytes(StandardCharsets.UTF_8)));
            }
            final String batchId = meter + "-batch-" + first;
            final Map<String, Object> batch = new LinkedHashMap<>();
            batch.put("batchId", batchId);
            batch.put("topic", "community/" + meter + "/intervals");
            batch.put("periodStart", first);
            batch.put("periodEnd", first + intervals * QUARTER_MS);
            batch.put("count", (long) leaves.size());
            batch.put("merkleRoot", Hex.encode(Merkle.root(leaves)));
            energy.certifyBatch(batch);
            // The aggregator reads through its own peer: wait until that peer has the batch's block.
            PeerHeights.awaitSame(root.channel, List.of(community, aggregator), PeerHeights.DEFAULT_WAIT);
            final List<String> proof = new ArrayList<>();
            Merkle.proof(leaves, 0).forEach(h -> proof.add(Hex.encode(h)));
            final Map<String, Object> check = aggregator.energy(root.channel).verifyBatchInclusion(batchId, Hex.encode(leaves.get(0)), 0, proof);
            out.printf("   root %s..., %d items; the aggregator checks item 0 with its proof on the ledger: valid=%s%n",
                    prefix(batch.get("merkleRoot")), leaves.size(), check.get("valid"));

            final String subscription = meter + "-access";
            aggregator.energy(root.channel).requestAccess(subscription, "CommunityMSP", (String) batch.get("topic"));
            PeerHeights.awaitSame(root.channel, List.of(community, aggregator), PeerHeights.DEFAULT_WAIT);
            final Map<String, Object> accepted = energy.acceptAccess(subscription);
            out.printf("6. The aggregator asks for access to the topic; the community accepts: subscription %s is %s%n", subscription,
                    accepted.get("status"));

            out.println("7. The aggregator tries to certify the next quarter-hour of the community's meter:");
            final long next = first + intervals * QUARTER_MS;
            final IntervalDigest forged = Fp1.interval(salt, meter, next, next + QUARTER_MS).add(next + 60_000, 1).digest();
            try {
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
        if (flexibility) {
            new FlexScenario(root.work, root.channel, out).run(8);
        }

        if (!hints) {
            return 0;
        }
        out.println();
        out.println("Look further:");
        out.printf("  scripts/flexledger meter show --meter %s%n", meter);
        out.printf("  scripts/flexledger interval list --meter %s --from %d --to %d%n", meter, first, first + intervals * QUARTER_MS);
        out.printf("  scripts/flexledger interval show --meter %s --start %d%n", meter, first);
        out.printf("  scripts/flexledger audit --meter %s        # the member store's samples against the ledger%n", meter);
        out.println("  scripts/flexledger outbox status             # the member store: meters, open intervals, outbox");
        out.println("  scripts/flexledger --org cpo ocpp sessions   # the charging stations' sessions (and: ocpp stations, ocpp profile)");
        out.println("  scripts/demo-ocpp.sh                         # the same stations' story live: the CPO's gateway --ocpp in real time");
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

    /** The FP1 audit of the demo's samples against the ledger's records; {@code changed} >= 0 alters one reading there. */
    private static Fp1Verifier.Report audit(final byte[] salt, final String meter, final List<Map<String, Object>> stored,
            final List<List<Object>> samples, final int changed) {
        final List<Fp1Verifier.CertifiedInterval> records = new ArrayList<>();
        for (final Map<String, Object> r : stored) {
            records.add(Fp1Verifier.CertifiedInterval.fromRecord(r));
        }
        final Fp1Verifier verifier = new Fp1Verifier(salt, meter, Hex.decode((String) stored.get(0).get("previousLink")), records);
        for (int i = 0; i < samples.size(); i++) {
            for (int k = 0; k < samples.get(i).size(); k++) {
                final List<?> tv = (List<?>) samples.get(i).get(k);
                final long value = (Long) tv.get(1) + (i == changed && k == 7 ? 1 : 0);
                verifier.add((Long) tv.get(0), value);
            }
        }
        return verifier.finish();
    }

    private static String prefix(final Object hex) {
        final String s = String.valueOf(hex);
        return s.length() > 16 ? s.substring(0, 16) : s;
    }
}
