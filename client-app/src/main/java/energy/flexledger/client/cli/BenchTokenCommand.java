package energy.flexledger.client.cli;

import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.MemberProfile;
import energy.flexledger.client.TokenLedger;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Token transfers per second into one hot account against transfers into distinct accounts, on the
 * same network in one run (issue 10; decision 0016). Each of {@code --payers} identities (every
 * identity profile of the work folder, one thread each) owns its identity account, funded by the
 * issuer's admin, and submits {@code --transfers} transfers of one unit one after the other: in
 * "distinct" rounds each to an account of its own, in "hot" rounds all to the same account. Rounds
 * alternate (distinct, hot, distinct, hot) and each mode's figure is the mean of its rounds. A
 * measurement, not a test: it asserts nothing about speed.
 */
@Command(name = "bench-token", description = "Measure token transfers per second into one hot account vs into distinct accounts (same run).")
final class BenchTokenCommand extends Connected implements Callable<Integer> {
    @Option(names = "--payers", defaultValue = "8", description = "identities paying at once (default: ${DEFAULT-VALUE}; at most the profiles in the work folder)")
    int payers;

    @Option(names = "--transfers", defaultValue = "20", description = "transfers per payer and round (default: ${DEFAULT-VALUE})")
    int transfers;

    @Override
    public Integer call() throws Exception {
        if (payers < 1 || transfers < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--payers and --transfers must be at least 1");
        }
        final Path work = root().work;
        final List<LedgerConnection> payerConnections = new ArrayList<>();
        LedgerConnection issuer = null;
        try (Stream<Path> files = Files.list(work.resolve("clients"))) {
            for (final Path f : files.filter(p -> p.getFileName().toString().endsWith(".properties")).sorted().toList()) {
                final LedgerConnection c = LedgerConnection.open(MemberProfile.load(f));
                if (issuer == null && f.getFileName().toString().endsWith("-admin.properties") && holdsIssuer(c)) {
                    issuer = c;
                } else if (payerConnections.size() < payers) {
                    payerConnections.add(c);
                } else {
                    c.close();
                }
            }
        }
        if (issuer == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "no admin profile of a member holding ISSUER in " + work.resolve("clients"));
        }
        try {
            final TokenLedger mint = issuer.token(root().channel);
            try {
                mint.info();
            } catch (LedgerException e) {
                if (e.code().orElse(null) != ErrorCode.NOT_FOUND) {
                    throw e;
                }
                mint.initialize("FlexLedger Reward", "FLEX", 3);
            }
            final String run = Long.toString(System.currentTimeMillis());
            final List<String> accounts = new ArrayList<>();
            for (final LedgerConnection c : payerConnections) {
                final String account = (String) c.token(root().channel).myAccount().get("account");
                accounts.add(account);
                mint.mint(account, 4L * transfers);
            }
            final String hot = "id:" + Hex.encode(Sha256.of(("bench-hot-" + run).getBytes(StandardCharsets.UTF_8)));
            final List<Double> hotRates = new ArrayList<>();
            final List<Double> distinctRates = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                final boolean isHot = round % 2 == 1;
                final int r = round;
                final double rate = round(payerConnections, accounts, i -> isHot ? hot
                        : "id:" + Hex.encode(Sha256.of(("bench-" + run + "-" + r + "-" + i).getBytes(StandardCharsets.UTF_8))));
                (isHot ? hotRates : distinctRates).add(rate);
                System.err.printf("round %d (%s): %.1f transfers/s%n", round + 1, isHot ? "hot" : "distinct", rate);
            }
            final double hotRate = hotRates.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            final double distinctRate = distinctRates.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("payers", (long) payerConnections.size());
            out.put("transfersPerPayerAndRound", (long) transfers);
            // Canonical JSON has integers only: rates as decimal text, as `bench` prints them.
            out.put("hotTransfersPerSecond", String.format(java.util.Locale.ROOT, "%.1f", hotRate));
            out.put("distinctTransfersPerSecond", String.format(java.util.Locale.ROOT, "%.1f", distinctRate));
            out.put("hotOverDistinct", String.format(java.util.Locale.ROOT, "%.2f", hotRate / distinctRate));
            out.put("rounds", List.of(distinctRates, hotRates).stream().map(l -> l.stream()
                    .map(r -> String.format(java.util.Locale.ROOT, "%.1f", r)).toList()).toList());
            out.put("hotAccount", hot);
            out.put("audit", mint.audit());
            System.out.println(Json.write(out));
        } finally {
            issuer.close();
            payerConnections.forEach(LedgerConnection::close);
        }
        return 0;
    }

    @SuppressWarnings("unchecked")
    private boolean holdsIssuer(final LedgerConnection c) throws LedgerException {
        final Map<String, Object> member = c.consortium(root().channel).member(c.profile().mspId());
        return ((List<Object>) member.get("roles")).contains("ISSUER");
    }

    private interface Target {
        String of(int payer);
    }

    /** One round: every payer's transfers of one unit to its target, all payers at once; transfers per second. */
    private double round(final List<LedgerConnection> connections, final List<String> accounts, final Target target) throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(connections.size());
        final List<Future<Integer>> done = new ArrayList<>();
        final long t0 = System.nanoTime();
        for (int i = 0; i < connections.size(); i++) {
            final TokenLedger token = connections.get(i).token(root().channel);
            final String from = accounts.get(i);
            final String to = target.of(i);
            done.add(pool.submit(() -> {
                for (int k = 0; k < transfers; k++) {
                    token.transfer(from, to, 1);
                }
                return transfers;
            }));
        }
        pool.shutdown();
        int total = 0;
        for (final Future<Integer> f : done) {
            total += f.get(30, TimeUnit.MINUTES);
        }
        return total / ((System.nanoTime() - t0) / 1e9);
    }
}
