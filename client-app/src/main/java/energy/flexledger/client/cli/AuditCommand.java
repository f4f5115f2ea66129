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
@Command(name = "audit", description = "Check a meter's off-chain samples against its certified intervals (FP1) and say which differ.")
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
            if (samplesDir == null && Files.exists(root().storeFile())) {
                try (MemberStore store = MemberStore.open(root().storeFile())) {
                    if (store.tracked(meterId).isPresent()) {
                        // The member store keeps the samples the outbox certified: read them per record.
                        for (final Map<String, Object> r : stored) {
                            for (final long[] s : store.samples(meterId, (Long) r.get("start"), (Long) r.get("end"))) {
                                verifier.add(s[0], s[1]);
                            }
                        }
                        return report(verifier, "member store " + root().storeFile());
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
            return report(verifier, dir.toString());
        }
    }

    private int report(final Fp1Verifier verifier, final String samplesFrom) {
        final Map<String, Object> report = verifier.finish().toMap();
        report.put("meterId", meterId);
        report.put("samplesFrom", samplesFrom);
        System.out.println(Json.write(report));
        return Boolean.TRUE.equals(report.get("ok")) ? 0 : 1;
    }
}
