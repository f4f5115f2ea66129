package energy.flexledger.client.cli;

import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.store.MemberStore;
import energy.flexledger.client.store.MeterTracking;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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

/**
 * {@code flexledger ingest --meter M < samples}: a meter's raw samples into the member store, one
 * {@code [t, v]} JSON array per line (epoch ms, integer value). Samples are committed in chunks;
 * each chunk's samples and the meter's FP1 state are one database transaction, and a chunk is
 * acknowledged (counted in the output) only once it is committed.
 */
@Command(name = "ingest", description = {
    "Store a meter's raw samples in the member store and advance its FP1 fingerprint.",
    "Input: one [t, v] JSON array per line, on standard input or --input. Intervals that close go into the outbox",
    "('flexledger outbox submit' sends them).",
    "The first ingest of a meter starts at the ledger's head (it needs the network once); later ones work offline.",
    "Samples that cannot go into the fingerprint (late, out of order, beyond the meter's maxAbsValue, ahead of the clock) are kept",
    "in the store's quarantine with their reason ('flexledger outbox quarantine --meter M'), never dropped.",
    "Exit 1 when some samples went to the quarantine (each is listed under 'rejected' with its error code)."})
final class IngestCommand extends Connected implements Callable<Integer> {
    static final int CHUNK = 1_000;
    /**
     * A deterministic kill point for the crash tests: with {@code -Dflexledger.test.haltAfterChunks=N}
     * the process halts (no shutdown hooks, no output) right after its N-th chunk is committed.
     */
    private static final long HALT_AFTER_CHUNKS = Long.getLong("flexledger.test.haltAfterChunks", 0L);

    @Option(names = "--meter", required = true)
    String meterId;

    @Option(names = "--input", description = "file of samples instead of standard input")
    Path input;

    @Override
    public Integer call() throws IOException, LedgerException {
        final List<long[]> samples = read();
        final byte[] salt = root().salts().read(meterId);
        try (MemberStore store = MemberStore.open(root().store())) {
            if (store.tracked(meterId).isEmpty()) {
                track(store, salt, samples);
            } else if (store.metersWithoutBound().contains(meterId)) {
                // Tracked by an older store: learn its plausible range once, best effort (offline is fine).
                try (LedgerConnection ledger = connect()) {
                    MeterTracking.refreshBound(store, ledger.energy(root().channel), meterId);
                } catch (IOException | LedgerException | RuntimeException offline) {
                    System.err.println("flexledger: meter '" + meterId + "''s plausible range is not known yet (" + offline.getMessage()
                            + "); its samples are not bounded this time");
                }
            }
            int accepted = 0;
            int duplicates = 0;
            int closed = 0;
            final List<Object> rejected = new ArrayList<>();
            for (int from = 0; from < samples.size(); from += CHUNK) {
                final List<long[]> chunk = samples.subList(from, Math.min(samples.size(), from + CHUNK));
                final MemberStore.Ingested done = store.ingest(meterId, salt, chunk);
                if (HALT_AFTER_CHUNKS > 0 && (from / CHUNK) + 1 == HALT_AFTER_CHUNKS) {
                    Runtime.getRuntime().halt(137);
                }
                accepted += done.accepted();
                duplicates += done.duplicates();
                closed += done.closed();
                for (final MemberStore.Rejected r : done.rejected()) {
                    final Map<String, Object> m = new LinkedHashMap<>();
                    m.put("line", (long) (from + r.index() + 1));
                    m.put("error", r.code().name());
                    m.put("message", r.message());
                    rejected.add(m);
                }
            }
            final MemberStore.Tracked meter = store.tracked(meterId).orElseThrow();
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("meterId", meterId);
            out.put("accepted", (long) accepted);
            out.put("duplicates", (long) duplicates);
            out.put("rejected", rejected);
            out.put("quarantined", (long) rejected.size());
            out.put("closed", (long) closed);
            out.put("openStart", meter.openStart());
            out.put("openEnd", meter.openStart() + meter.intervalMs());
            out.put("openSamples", meter.openCount());
            System.out.println(Json.write(out));
            return rejected.isEmpty() ? 0 : 1;
        }
    }

    /** Starts the store's chain where the ledger's is: at its head, or at the first sample's interval. */
    private void track(final MemberStore store, final byte[] salt, final List<long[]> samples) throws IOException, LedgerException {
        try (LedgerConnection ledger = connect()) {
            MeterTracking.fromLedger(store, salt, ledger.energy(root().channel), meterId, samples.isEmpty() ? null : samples.get(0)[0]);
        }
    }

    /** The input, checked whole before anything is stored: a malformed line is a usage error naming it. */
    private List<long[]> read() throws IOException {
        final List<long[]> out = new ArrayList<>();
        try (BufferedReader in = input != null ? Files.newBufferedReader(input, StandardCharsets.UTF_8)
                : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                final Object parsed;
                try {
                    parsed = Json.parse(line);
                } catch (SpecException e) {
                    throw new SpecException(ErrorCode.BAD_JSON, "input line " + n + ": " + e.detail());
                }
                out.add(Json.pair(parsed, "input line " + n, "[t, v]"));
            }
        }
        return out;
    }
}
