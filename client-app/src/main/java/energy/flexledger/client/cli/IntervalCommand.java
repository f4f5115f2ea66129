package energy.flexledger.client.cli;

import energy.flexledger.client.EnergyLedger;
import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.SaltStore;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.IntervalDigest;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecException;
import energy.flexledger.spec.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "interval", description = "Certify and show metering intervals.",
        subcommands = {IntervalCommand.Record.class, IntervalCommand.Show.class, IntervalCommand.ListRange.class})
final class IntervalCommand {

    /** Fingerprints the samples of one interval with the meter's salt (FP1) and certifies the digest. */
    static IntervalDigest digest(final byte[] salt, final String meterId, final Json.Obj interval) {
        final long start = interval.getLong("start");
        final long end = interval.getLong("end");
        final Fp1.Accumulator acc = Fp1.interval(salt, meterId, start, end);
        int i = 0;
        for (final Object sample : interval.getList("samples")) {
            final long[] tv = Json.pair(sample, "samples[" + i++ + "]", "[t, v] (epoch ms, mW)");
            acc.add(tv[0], tv[1]);
        }
        return acc.digest();
    }

    @Command(name = "record", description = "Fingerprint raw samples (FP1) and record the digests on the ledger. Input JSON: one interval "
            + "{\"start\":ms,\"end\":ms,\"samples\":[[t,v],...]} or an array of them, certified in one transaction.")
    static final class Record extends Connected implements Callable<Integer> {
        @Option(names = "--meter", required = true)
        String meterId;

        @Option(names = "--file", description = "samples JSON file (default: standard input)")
        Path file;

        @Override
        public Integer call() throws IOException, LedgerException {
            final SaltStore salts = root().salts();
            // One write path per meter: a meter the member store ingests for has its chain there, and
            // a record written around it would make the two chains diverge.
            if (root().storeExists()) {
                try (energy.flexledger.client.store.MemberStore store = energy.flexledger.client.store.MemberStore.open(root().store())) {
                    if (store.tracked(meterId).isPresent()) {
                        throw new SpecException(ErrorCode.CONFLICT, "meter '" + meterId + "' is tracked by this member's store ("
                                + root().store() + "): its intervals go through 'flexledger ingest' and 'flexledger outbox submit';"
                                + " 'flexledger outbox reset --meter " + meterId + "' hands it back");
                    }
                }
            }
            final String text = file == null ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : Files.readString(file);
            try (LedgerConnection ledger = connect()) {
                final EnergyLedger energy = ledger.energy(root().channel);
                if (!salts.exists(meterId)) {
                    // Without the salt nothing can be fingerprinted; say what the ledger knows of the meter.
                    final String owner = (String) energy.getMeter(meterId).get("ownerMsp");
                    if (!owner.equals(ledger.profile().mspId())) {
                        throw new SpecException(ErrorCode.ACCESS_DENIED,
                                "meter '" + meterId + "' belongs to " + owner + "; only its owner records its intervals");
                    }
                }
                final Object parsed = Json.parse(text);
                if (parsed instanceof List<?> many) {
                    final List<Map<String, Object>> records = new ArrayList<>();
                    for (int i = 0; i < many.size(); i++) {
                        records.add(EnergyLedger.record(meterId, digest(salts.read(meterId), meterId, Json.Obj.of(many.get(i), "intervals[" + i + "]"))));
                    }
                    System.out.println(Json.write(energy.recordIntervals(records)));
                } else {
                    final IntervalDigest d = digest(salts.read(meterId), meterId, Json.Obj.of(parsed, "interval"));
                    System.out.println(Json.write(energy.recordInterval(meterId, d)));
                }
            }
            return 0;
        }
    }

    @Command(name = "show", description = "Show the recorded interval of a meter that starts at --start.")
    static final class Show extends Connected implements Callable<Integer> {
        @Option(names = "--meter", required = true)
        String meterId;

        @Option(names = "--start", required = true, description = "interval start, epoch ms")
        long start;

        @Override
        public Integer call() throws IOException, LedgerException {
            try (LedgerConnection ledger = connect()) {
                System.out.println(Json.write(ledger.energy(root().channel).getInterval(meterId, start)));
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List the certified intervals of a meter with --from <= start < --to (all pages).")
    static final class ListRange extends Connected implements Callable<Integer> {
        @Option(names = "--meter", required = true)
        String meterId;

        @Option(names = "--from", defaultValue = "0", description = "first start, epoch ms (default: ${DEFAULT-VALUE})")
        long from;

        @Option(names = "--to", defaultValue = "9223372036854775807", description = "end of the range, exclusive, epoch ms (default: no end)")
        long to;

        @Override
        public Integer call() throws IOException, LedgerException {
            try (LedgerConnection ledger = connect()) {
                final EnergyLedger energy = ledger.energy(root().channel);
                final Map<String, Object> out = new LinkedHashMap<>();
                out.put("meterId", meterId);
                out.put("records", new ArrayList<Object>(energy.allIntervals(meterId, from, to)));
                out.put("head", energy.getHead(meterId));
                System.out.println(Json.write(out));
            }
            return 0;
        }
    }
}
