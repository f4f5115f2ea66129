package energy.flexledger.client.cli;

import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.store.MemberStore;
import energy.flexledger.client.store.OutboxSubmitter;
import energy.flexledger.spec.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code flexledger outbox}: the closed intervals of the member store on their way to the ledger. */
@Command(name = "outbox", description = {
    "The member store's closed intervals on their way to the ledger.",
    "status: counts and each meter's open interval; list --meter M: its records;",
    "close --meter M [--until T]: close the intervals that ended by T (default now), empty ones included;",
    "submit [--batch N] [--meter M]: send every PENDING record (exit 3 if the chaincode refused one: a record it can never take is",
    "FAILED and its meter waits; one refused for the situation, say ACCESS_DENIED for this identity, stays PENDING;",
    "exit 4 if the network failed: the records stay PENDING for the next run);",
    "retry --meter M: put M's FAILED records back to PENDING once their cause is fixed;",
    "quarantine --meter M: the acknowledged samples of M that could not go into its fingerprint, with their reasons;",
    "reset --meter M: forget M's local chain (its open interval and the records that never reached the ledger);",
    "the next ingestion starts it again from the ledger's head. Stored samples and the quarantine stay."})
final class OutboxCommand extends Connected implements Callable<Integer> {
    /** More empty intervals than a day of quarter-hours closed at once are reported. */
    static final int GAP_WARNING_INTERVALS = 96;

    @Parameters(index = "0", description = "status, list, close, retry, submit, quarantine or reset")
    String action;

    @Option(names = "--meter", description = "list, close: the meter; submit: only this meter's records")
    String meterId;

    @Option(names = "--until", description = "close: epoch ms (default: now)")
    Long until;

    @Option(names = "--batch", defaultValue = "500", description = "submit: records per transaction, 1..2000 (default: ${DEFAULT-VALUE})")
    int batch;

    @Override
    public Integer call() throws IOException {
        try (MemberStore store = MemberStore.open(root().store())) {
            switch (action) {
                case "status" -> System.out.println(Json.write(store.status()));
                case "list" -> {
                    final List<Object> rows = new ArrayList<>();
                    for (final MemberStore.OutboxRow r : store.outbox(required(meterId, "--meter", action))) {
                        final Map<String, Object> m = r.digest().toMap();
                        m.put("status", r.status());
                        m.put("txId", r.txId());
                        m.put("error", r.errorCode());
                        rows.add(m);
                    }
                    System.out.println(Json.write(Map.of("meterId", meterId, "records", rows)));
                }
                case "close" -> {
                    final byte[] salt = root().salts().read(required(meterId, "--meter", action));
                    final int closed = store.closeUntil(meterId, salt, until != null ? until : System.currentTimeMillis());
                    final Map<String, Object> out = new LinkedHashMap<>();
                    out.put("meterId", meterId);
                    out.put("closed", (long) closed);
                    if (closed > GAP_WARNING_INTERVALS) {
                        // Said, not silent: more than a day of empty intervals is a device that stopped or a clock.
                        out.put("warning", "closed " + closed + " intervals at once (more than a day without samples): they are certified"
                                + " as empty; check the device and its clock before 'outbox submit'");
                        System.err.println("flexledger: " + out.get("warning"));
                    }
                    System.out.println(Json.write(out));
                }
                case "quarantine" -> {
                    final Map<String, Object> out = new LinkedHashMap<>();
                    out.put("meterId", required(meterId, "--meter", action));
                    out.put("samples", new ArrayList<Object>(store.quarantined(meterId)));
                    System.out.println(Json.write(out));
                }
                case "reset" -> System.out.println(Json.write(store.reset(required(meterId, "--meter", action))));
                case "retry" -> {
                    final Map<String, Object> out = new LinkedHashMap<>();
                    out.put("meterId", required(meterId, "--meter", action));
                    out.put("pending", (long) store.retryFailed(meterId));
                    System.out.println(Json.write(out));
                }
                case "submit" -> {
                    if (batch < 1 || batch > 2_000) {
                        throw new ParameterException(spec.commandLine(), "--batch must be 1..2000");
                    }
                    try (LedgerConnection ledger = connect()) {
                        final OutboxSubmitter.Report report = new OutboxSubmitter(store, ledger.energy(root().channel)::recordIntervals, batch,
                                meterId).drain();
                        System.out.println(Json.write(report.toMap()));
                        if (report.stoppedBy() != null) {
                            System.err.println("flexledger: " + report.stoppedBy().getMessage());
                            return FlexLedgerCli.EXIT_OTHER_ERROR;
                        }
                        if (report.failed().isEmpty() && report.held().isEmpty()) {
                            return 0;
                        }
                        // 3 when the chaincode refused something; 4 when meters were held only for failures without a code.
                        final boolean refused = !report.failed().isEmpty()
                                || report.held().stream().anyMatch(h -> !"UNCERTAIN".equals(h.get("error")));
                        return refused ? FlexLedgerCli.EXIT_CODE_ERROR : FlexLedgerCli.EXIT_OTHER_ERROR;
                    }
                }
                default -> throw new ParameterException(spec.commandLine(), "unknown action '" + action + "': status, list, close, retry, submit, quarantine or reset");
            }
            return 0;
        }
    }
}
