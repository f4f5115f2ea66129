package energy.flexledger.client.cli;

import energy.flexledger.client.DrLedger;
import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.charts.BaselineChart;
import energy.flexledger.spec.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code flexledger dr ...}: demand-response programs, events, baselines and settlements (chaincode-dr). */
@Command(name = "dr", description = "Demand response (chaincode-dr, decision 0019): programs, enrolment, events, commitments, BL1 baselines and "
        + "ST1 settlements computed on the ledger from certified data. JSON on stdout.",
        subcommands = {DrCommand.Program.class, DrCommand.Enrol.class, DrCommand.Accept.class, DrCommand.Event.class, DrCommand.Commit.class,
            DrCommand.Baseline.class, DrCommand.Settle.class, DrCommand.SettlementShow.class, DrCommand.Chart.class,
            DrCommand.Watch.class},
        footer = {"", "A whole event (times: epoch ms, an ISO-8601 instant, or +N s|m|h from now):",
            "  flexledger --org dso --as admin dr program create --id P1 --reward-rate 100 --penalty-rate 50 --timezone Europe/Berlin",
            "  flexledger --org community --as admin dr enrol --program P1 --asset MTR-1",
            "  flexledger --org dso --as admin dr accept --program P1 --asset MTR-1",
            "  flexledger --org dso --as admin dr event create --id E1 --program P1 --window-start 2026-12-04T16:00:00Z --window-minutes 60 \\",
            "      --assets MTR-1 --budget 10000 --payer org",
            "  flexledger --org aggregator --as admin dr commit --event E1 --asset MTR-1 --power-mw 800000 --from org",
            "  flexledger --org dso dr settle --event E1 --asset MTR-1           # after the window, once its intervals are certified",
            "  flexledger dr settlement show --event E1 --asset MTR-1 | jq .input | flexledger spec st1",
            "  flexledger --org dso dr chart --event E1 --asset MTR-1 --out e1.svg",
            "  flexledger --org aggregator dr watch                              # each DR event as it commits, one JSON line"})
final class DrCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "say what to do: program, enrol, accept, event, commit, baseline, settle, settlement, chart or watch");
    }

    static void print(final Map<String, Object> result) {
        System.out.println(Json.write(result));
    }

    /** An account option: 'org' for the caller's org account, an account id, or (null) the caller's identity account. */
    static String account(final LedgerConnection ledger, final String channel, final String option) throws LedgerException {
        if (option == null) {
            return (String) ledger.token(channel).myAccount().get("account");
        }
        return "org".equals(option) ? "org:" + ledger.profile().mspId() : option;
    }

    @Command(name = "program", description = "create|show|list demand-response programs", footer = {"", "Actions:",
        "  create --id P [--reward-rate R] [--penalty-rate R] [--cap-bps B] [--threshold-bps B] [--slot-minutes 15|60] [--timezone TZ]",
        "         [--weekday X/Y] [--weekend X/Y] [--lookback-days D] [--holidays D,D...]   a DSO or an aggregator",
        "  show --id P", "  list [--page-size N] [--bookmark B]"})
    static final class Program extends Connected implements Callable<Integer> {
        @Parameters(index = "0", description = "create, show or list")
        String action;

        @Option(names = "--id", description = "the program id")
        String id;

        @Option(names = "--reward-rate", defaultValue = "100", description = "token units per kWh delivered (default ${DEFAULT-VALUE})")
        long rewardRate;

        @Option(names = "--penalty-rate", defaultValue = "50", description = "token units per kWh short of the threshold (default ${DEFAULT-VALUE})")
        long penaltyRate;

        @Option(names = "--cap-bps", defaultValue = "12000", description = "reward paid up to this share of the commitment (default ${DEFAULT-VALUE})")
        long capBps;

        @Option(names = "--threshold-bps", defaultValue = "8000", description = "below this share a penalty applies (default ${DEFAULT-VALUE})")
        long thresholdBps;

        @Option(names = "--slot-minutes", defaultValue = "15", description = "15 or 60 (default ${DEFAULT-VALUE}); the assets' interval length")
        long slotMinutes;

        @Option(names = "--timezone", defaultValue = "Europe/Berlin", description = "the customers' IANA time zone (default ${DEFAULT-VALUE})")
        String timezone;

        @Option(names = "--weekday", defaultValue = "5/10", description = "BL1 high X of Y for weekdays (default ${DEFAULT-VALUE})")
        String weekday;

        @Option(names = "--weekend", defaultValue = "2/3", description = "BL1 low X of Y for weekends and holidays (default ${DEFAULT-VALUE})")
        String weekend;

        @Option(names = "--lookback-days", defaultValue = "45", description = "days BL1 looks back (default ${DEFAULT-VALUE})")
        long lookbackDays;

        @Option(names = "--holidays", split = ",", description = "ISO dates treated as weekends")
        List<String> holidays = new ArrayList<>();

        @Option(names = "--page-size", defaultValue = "50", description = "list: programs per page (1..200)")
        int pageSize;

        @Option(names = "--bookmark", description = "list: the bookmark a previous page printed")
        String bookmark;

        @Override
        public Integer call() throws IOException, LedgerException {
            try (LedgerConnection ledger = connect()) {
                final DrLedger dr = ledger.dr(root().channel);
                print(switch (action) {
                    case "create" -> dr.createProgram(terms());
                    case "show" -> dr.program(required(id, "--id", action));
                    case "list" -> dr.programs(pageSize, bookmark);
                    default -> throw new ParameterException(spec.commandLine(), "unknown action '" + action + "': create, show or list");
                });
            }
            return 0;
        }

        private long[] xOfY(final String text, final String option) {
            final String[] parts = text.split("/");
            try {
                if (parts.length == 2) {
                    return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new ParameterException(spec.commandLine(), option + " must be X/Y, for example 5/10; was '" + text + "'");
        }

        private Map<String, Object> terms() {
            return DrLedger.bl1Program(required(id, "--id", action), rewardRate, penaltyRate, capBps, thresholdBps, slotMinutes, timezone,
                    xOfY(weekday, "--weekday"), xOfY(weekend, "--weekend"), lookbackDays, holidays);
        }
    }

    @Command(name = "watch", description = "print chaincode-dr's events (DrEventCreated, DrCommitted, DrSettled, ...) as they commit, one JSON "
            + "line each ({block, txId, chaincode, event, payload}); with --checkpoint a restarted watch resumes after the last event printed",
            footer = {"", "Runs until stopped (Ctrl-C, SIGTERM) or for --for seconds. The member's gateway receives the same stream."})
    static final class Watch extends Connected implements Callable<Integer> {
        @Option(names = "--from-block", defaultValue = "-1", description = "start at this block (default: the next one; ignored once a checkpoint exists)")
        long fromBlock;

        @Option(names = "--checkpoint", description = "file that keeps the position, to resume after a restart (default: <member data>/dr-events-<channel>.checkpoint)")
        java.nio.file.Path checkpoint;

        @Option(names = "--no-checkpoint", description = "keep no position: start at --from-block or the next block every time")
        boolean noCheckpoint;

        @Option(names = "--for", defaultValue = "0", description = "stop after this many seconds (default: run until stopped)")
        long runFor;

        @Override
        public Integer call() throws Exception {
            if (runFor < 0) {
                throw new ParameterException(spec.commandLine(), "--for must be 0 (run until stopped) or more");
            }
            final java.nio.file.Path file = noCheckpoint ? null
                    : checkpoint != null ? checkpoint : root().dataDir().resolve("dr-events-" + root().channel + ".checkpoint");
            // On SIGTERM or Ctrl-C: stop the loop and let it close the feed (its checkpoint file) before the JVM halts.
            try (StopOnSignal stop = new StopOnSignal("flexledger-dr-watch-stop", 15);
                    LedgerConnection ledger = connect();
                    energy.flexledger.client.ChaincodeEventFeed feed = energy.flexledger.client.ChaincodeEventFeed.start(ledger, root().channel, "dr",
                            file, fromBlock, e -> {
                                synchronized (System.out) {
                                    System.out.println(Json.write(e));
                                    System.out.flush();
                                    if (System.out.checkError()) {
                                        // Nobody took the line (a closed pipe, a full disk): not checkpointed, printed again next time.
                                        throw new java.io.UncheckedIOException(new java.io.IOException("standard output is closed or failing"));
                                    }
                                }
                            })) {
                final long until = runFor == 0 ? Long.MAX_VALUE : System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(runFor);
                while (feed.running() && System.nanoTime() < until && !stop.await(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    // the feed prints from its own thread
                }
                if (feed.failure().isPresent()) {
                    System.err.println("flexledger: the event stream ended: " + feed.failure().get().getMessage()
                            + (file == null ? "; run the command again (--from-block to go back)"
                                    : "; run the command again: it resumes after the last event printed (" + file + ")"));
                    return 1;
                }
                return 0;
            }
        }
    }

    @Command(name = "enrol", description = "ask to enrol an asset you own in a program (its owner accepts with 'dr accept')")
    static final class Enrol extends Connected implements Callable<Integer> {
        @Option(names = "--program", required = true, description = "the program id")
        String program;

        @Option(names = "--asset", required = true, description = "a metering asset you own")
        String asset;

        @Override
        public Integer call() throws IOException, LedgerException {
            try (LedgerConnection ledger = connect()) {
                print(ledger.dr(root().channel).enrol(program, asset));
            }
            return 0;
        }
    }

    @Command(name = "accept", description = "accept an enrolment into a program you run")
    static final class Accept extends Connected implements Callable<Integer> {
        @Option(names = "--program", required = true, description = "the program id")
        String program;

        @Option(names = "--asset", required = true, description = "the asset")
        String asset;

        @Override
        public Integer call() throws IOException, LedgerException {
            try (LedgerConnection ledger = connect()) {
                print(ledger.dr(root().channel).acceptEnrolment(program, asset));
            }
            return 0;
        }
    }

    @Command(name = "event", description = "create|show|list|close events", footer = {"", "Actions:",
        "  create --id E --program P --window-start T [--window-minutes M] --assets A[,A...] [--budget N] [--payer org|ACCOUNT]",
        "  show --id E                      the event and its commitments",
        "  list [--page-size N] [--bookmark B]",
        "  close --id E                     after the window started: the budget no commitment reserved goes back"})
    static final class Event extends Connected implements Callable<Integer> {
        @Parameters(index = "0", description = "create, show, list or close")
        String action;

        @Option(names = "--id", description = "the event id")
        String id;

        @Option(names = "--program", description = "the program id")
        String program;

        @Option(names = "--window-start", description = "when the window starts (a slot boundary)")
        String windowStart;

        @Option(names = "--window-minutes", defaultValue = "60", description = "the window's length (default ${DEFAULT-VALUE})")
        long windowMinutes;

        @Option(names = "--assets", split = ",", description = "the enrolled assets called")
        List<String> assets;

        @Option(names = "--budget", defaultValue = "0", description = "the reward budget locked now (token units)")
        long budget;

        @Option(names = "--payer", description = "the account the budget comes from: 'org' or an account id (default: your identity account)")
        String payer;

        @Option(names = "--page-size", defaultValue = "50", description = "list: events per page (1..200)")
        int pageSize;

        @Option(names = "--bookmark", description = "list: the bookmark a previous page printed")
        String bookmark;

        @Override
        public Integer call() throws IOException, LedgerException {
            try (LedgerConnection ledger = connect()) {
                final DrLedger dr = ledger.dr(root().channel);
                print(switch (action) {
                    case "create" -> {
                        final long start = MarketCommand.time(required(windowStart, "--window-start", action), System.currentTimeMillis(),
                                "--window-start", spec.commandLine());
                        final Map<String, Object> e = new LinkedHashMap<>();
                        e.put("id", required(id, "--id", action));
                        e.put("programId", required(program, "--program", action));
                        e.put("windowStart", start);
                        e.put("windowEnd", start + windowMinutes * 60_000);
                        e.put("assets", required(assets, "--assets", action));
                        e.put("budget", budget);
                        e.put("payer", account(ledger, root().channel, payer));
                        yield dr.createEvent(e);
                    }
                    case "show" -> {
                        final Map<String, Object> out = new LinkedHashMap<>(dr.event(required(id, "--id", action)));
                        out.put("commitments", dr.commitments(id).get("commitments"));
                        yield out;
                    }
                    case "list" -> dr.events(pageSize, bookmark);
                    case "close" -> dr.closeEvent(required(id, "--id", action));
                    default -> throw new ParameterException(spec.commandLine(), "unknown action '" + action + "': create, show, list or close");
                });
            }
            return 0;
        }
    }

    @Command(name = "commit", description = "commit an average reduction for an asset you own or represent, before the window; the "
            + "collateral (the largest penalty) is locked from --from, which is also the account paid")
    static final class Commit extends Connected implements Callable<Integer> {
        @Option(names = "--event", required = true, description = "the event id")
        String event;

        @Option(names = "--asset", required = true, description = "the asset")
        String asset;

        @Option(names = "--power-mw", required = true, description = "the committed average reduction over the window, in mW")
        long powerMilliWatts;

        @Option(names = "--from", description = "'org' (an admin) or your identity account (default)")
        String from;

        @Override
        public Integer call() throws IOException, LedgerException {
            try (LedgerConnection ledger = connect()) {
                print(ledger.dr(root().channel).commit(event, asset, powerMilliWatts, account(ledger, root().channel, from)));
            }
            return 0;
        }
    }

    @Command(name = "baseline", description = "BL1 for an asset on a local date under a program's terms, computed by the chaincode from "
            + "certified data: {assetId, input, output} ('jq .input | flexledger spec bl1' recomputes .output)")
    static final class Baseline extends Connected implements Callable<Integer> {
        @Option(names = "--asset", required = true, description = "the asset")
        String asset;

        @Option(names = "--date", required = true, description = "the local date (ISO)")
        String date;

        @Option(names = "--program", required = true, description = "the program whose terms apply")
        String program;

        @Override
        public Integer call() throws IOException, LedgerException {
            try (LedgerConnection ledger = connect()) {
                print(ledger.dr(root().channel).baseline(asset, date, program));
            }
            return 0;
        }
    }

    @Command(name = "settle", description = "settle participants once the window is over and their intervals are certified (once; again "
            + "returns the stored settlement); several assets are settled 100 to a transaction, progress on standard error")
    static final class Settle extends Connected implements Callable<Integer> {
        @Option(names = "--event", required = true, description = "the event id")
        String event;

        @Option(names = "--asset", required = true, split = ",", description = "the asset(s), comma-separated")
        List<String> assets;

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() throws IOException, LedgerException {
            try (LedgerConnection ledger = connect()) {
                final DrLedger dr = ledger.dr(root().channel);
                if (assets.size() == 1) {
                    print(dr.settle(event, assets.get(0)));
                    return 0;
                }
                final List<Object> settled = new ArrayList<>();
                for (int i = 0; i < assets.size(); i += 100) {
                    final List<String> batch = assets.subList(i, Math.min(assets.size(), i + 100));
                    settled.addAll((List<Object>) dr.settleMany(event, batch).get("settlements"));
                    System.err.printf("settled %d of %d%n", settled.size(), assets.size());
                }
                final Map<String, Object> out = new LinkedHashMap<>();
                out.put("eventId", event);
                out.put("settlements", settled);
                print(out);
            }
            return 0;
        }
    }

    @Command(name = "settlement", description = "show a settlement: the exact ST1 input and output (.input, .output) and the baseline's "
            + "exact BL1 input and output (.baseline), recomputed by the chaincode from certified data and checked against the hashes "
            + "the settlement stored (readers of the asset's data); --summary: the public record every member reads")
    static final class SettlementShow extends Connected implements Callable<Integer> {
        @Parameters(index = "0", description = "show")
        String action;

        @Option(names = "--event", required = true, description = "the event id")
        String event;

        @Option(names = "--asset", required = true, description = "the asset")
        String asset;

        @Option(names = "--summary", description = "only the public record: figures and hashes")
        boolean summary;

        @Override
        public Integer call() throws IOException, LedgerException {
            if (!"show".equals(action)) {
                throw new ParameterException(spec.commandLine(), "unknown action '" + action + "': show");
            }
            try (LedgerConnection ledger = connect()) {
                final DrLedger dr = ledger.dr(root().channel);
                if (summary) {
                    print(dr.settlement(event, asset));
                } else {
                    final Map<String, Object> detail = new LinkedHashMap<>(dr.settlementDetail(event, asset));
                    print(detail);
                }
            }
            return 0;
        }
    }

    @Command(name = "chart", description = "an SVG of the event day: the asset's BL1 baseline against its certified load, the window "
            + "shaded, the delivered energy written on it (needs read access to the asset's data)")
    static final class Chart extends Connected implements Callable<Integer> {
        @Option(names = "--event", required = true, description = "the event id")
        String event;

        @Option(names = "--asset", required = true, description = "the asset")
        String asset;

        @Option(names = "--out", required = true, description = "the SVG file to write")
        Path out;

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() throws IOException, LedgerException {
            try (LedgerConnection ledger = connect()) {
                final DrLedger dr = ledger.dr(root().channel);
                final Map<String, Object> e = dr.event(event);
                final Map<String, Object> program = dr.program((String) e.get("programId"));
                final Map<String, Object> terms = (Map<String, Object>) program.get("baseline");
                final ZoneId zone = ZoneId.of((String) terms.get("timezone"));
                final int slotMinutes = ((Number) terms.get("slotMinutes")).intValue();
                final LocalDate day = LocalDate.parse((String) e.get("localDate"));
                final long windowStart = ((Number) e.get("windowStart")).longValue();
                final long windowEnd = ((Number) e.get("windowEnd")).longValue();
                Map<String, Object> settlement = null;
                try {
                    settlement = dr.settlementDetail(event, asset);
                } catch (LedgerException notSettled) {
                    // Not settled yet: the chart shows the baseline and what is certified so far.
                }
                final Map<String, Object> baseline = settlement != null ? (Map<String, Object>) settlement.get("baseline")
                        : dr.baseline(asset, day.toString(), (String) e.get("programId"));
                final List<Object> slots = (List<Object>) ((Map<String, Object>) baseline.get("output")).get("slots");
                final long dayStart = day.atStartOfDay(zone).toInstant().toEpochMilli();
                final long dayEnd = day.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
                final Map<Long, Long> actualByStart = new LinkedHashMap<>();
                for (final Map<String, Object> r : ledger.energy(root().channel).allIntervals(asset, dayStart, dayEnd)) {
                    actualByStart.put(((Number) r.get("start")).longValue(), ((Number) r.get("avg")).longValue());
                }
                final int n = (int) ((dayEnd - dayStart) / (slotMinutes * 60_000L));
                final long[] starts = new long[n];
                final long[] base = new long[n];
                final long[] actual = new long[n];
                for (int i = 0; i < n; i++) {
                    starts[i] = dayStart + i * slotMinutes * 60_000L;
                    final var local = java.time.Instant.ofEpochMilli(starts[i]).atZone(zone);
                    base[i] = ((Number) slots.get((local.getHour() * 60 + local.getMinute()) / slotMinutes)).longValue();
                    actual[i] = actualByStart.getOrDefault(starts[i], 0L);
                }
                long delivered = 0;
                BaselineChart.Payout payout = null;
                if (settlement != null) {
                    final Map<String, Object> st1 = (Map<String, Object>) settlement.get("output");
                    delivered = ((Number) st1.get("deliveredMilliWh")).longValue();
                    payout = new BaselineChart.Payout(((Number) st1.get("reward")).longValue(), ((Number) st1.get("penalty")).longValue());
                }
                final String svg = BaselineChart.render("Event " + event + ", asset " + asset, day, zone, slotMinutes, starts, base, actual,
                        windowStart, windowEnd, delivered, payout);
                Files.writeString(out, svg, StandardCharsets.UTF_8);
                final Map<String, Object> result = new LinkedHashMap<>();
                result.put("out", out.toString());
                result.put("settled", settlement != null);
                result.put("deliveredMilliWh", delivered);
                print(result);
            }
            return 0;
        }
    }
}
