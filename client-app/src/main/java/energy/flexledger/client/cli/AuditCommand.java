package energy.flexledger.client.cli;

import energy.flexledger.client.EnergyLedger;
import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.store.MemberStore;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1Verifier;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flexledger audit}: the FP1 check of the member's off-chain samples against the records
 * certified on the ledger. Samples are read from {@code <data>/samples/<hex meter id>/<start>.json}
 * (one interval per file, as the client app stores them), the salt from the member's salt store.
 */
@Command(name = "audit", description = {"Check a meter's off-chain samples against its certified intervals (FP1) and say which differ.",
    "From the member store, also every stored sample that no certified interval covers ('uncovered': before the chain's first",
    "interval; ok is then false) and how many are still on their way (after the last certified interval: 'notYetCertified')."})
final class AuditCommand extends Connected implements Callable<Integer> {
    @Option(names = "--meter", required = true)
    String meterId;

    @Option(names = "--from", defaultValue = "0", description = "first interval start, epoch ms")
    long from;

    @Option(names = "--to", defaultValue = "9223372036854775807", description = "end of the range, exclusive, epoch ms")
    long to;

    @Option(names = "--samples", description = "folder of <start>.json sample files (default: the member store when it ingests"
            + " this meter, else <data>/samples/<hex meter id>)")
    Path samplesDir;

    @Override
    public Integer call() throws IOException, LedgerException {
        final Path dir = samplesDir != null ? samplesDir
                : root().dataDir().resolve("samples").resolve(Hex.encode(meterId.getBytes(StandardCharsets.UTF_8)));
        final byte[] salt = root().salts().read(meterId);
        try (LedgerConnection ledger = connect()) {
            final EnergyLedger energy = ledger.energy(root().channel);
            final List<Map<String, Object>> stored = energy.allIntervals(meterId, from, to);
            if (stored.isEmpty()) {
                throw new SpecException(ErrorCode.NOT_FOUND, "meter '" + meterId + "' has no certified interval in [" + from + ", " + to + ")");
            }
            final List<Fp1Verifier.CertifiedInterval> records = new ArrayList<>();
            for (final Map<String, Object> r : stored) {
                records.add(Fp1Verifier.CertifiedInterval.fromRecord(r));
            }
            // The first record's previous link is on the ledger too: the audit starts from it.
            final Fp1Verifier verifier = new Fp1Verifier(salt, meterId, Hex.decode((String) stored.get(0).get("previousLink")), records);
            if (samplesDir == null && root().storeExists()) {
                try (MemberStore store = MemberStore.open(root().store())) {
                    if (store.knows(meterId)) {
                        // The member store keeps the samples the outbox certified: read them per record.
                        for (final Map<String, Object> r : stored) {
                            for (final long[] s : store.samples(meterId, (Long) r.get("start"), (Long) r.get("end"))) {
                                verifier.add(s[0], s[1]);
                            }
                        }
                        // Every stored sample must be in a certified interval, or still on its way
                        // (after the last certified one): one stored before the chain's first
                        // interval is in no fingerprint at all.
                        final long firstStart = (Long) stored.get(0).get("start");
                        final long lastEnd = (Long) stored.get(stored.size() - 1).get("end");
                        final List<long[]> before = store.samples(meterId, from == 0 ? Long.MIN_VALUE : from, firstStart);
                        final List<long[]> after = to == Long.MAX_VALUE ? store.samples(meterId, lastEnd, Long.MAX_VALUE) : List.of();
                        return report(verifier, "member store " + root().store(), before, after.size());
                    }
                }
            }
            for (final Map<String, Object> r : stored) {
                final Path file = dir.resolve(r.get("start") + ".json");
                if (!Files.exists(file)) {
                    continue; // no samples kept for this interval: it shows as a count mismatch unless it was empty
                }
                final Json.Obj doc = Json.Obj.of(Json.parse(Files.readString(file)), file.toString());
                int k = 0;
                for (final Object s : doc.getList("samples")) {
                    final long[] tv = Json.pair(s, file + ": samples[" + k++ + "]", "[t, v]");
                    verifier.add(tv[0], tv[1]);
                }
            }
            return report(verifier, dir.toString(), List.of(), 0);
        }
    }

    private int report(final Fp1Verifier verifier, final String samplesFrom, final List<long[]> uncovered, final int notYetCertified) {
        final Map<String, Object> report = verifier.finish().toMap();
        report.put("meterId", meterId);
        report.put("samplesFrom", samplesFrom);
        final Map<String, Object> outside = new java.util.LinkedHashMap<>();
        outside.put("count", (long) uncovered.size());
        final List<Object> first = new ArrayList<>();
        for (final long[] s : uncovered.subList(0, Math.min(10, uncovered.size()))) {
            first.add(List.of(s[0], s[1]));
        }
        outside.put("first", first);
        report.put("uncovered", outside);
        report.put("notYetCertified", (long) notYetCertified);
        if (!uncovered.isEmpty()) {
            report.put("ok", false);
        }
        System.out.println(Json.write(report));
        return Boolean.TRUE.equals(report.get("ok")) ? 0 : 1;
    }
}
