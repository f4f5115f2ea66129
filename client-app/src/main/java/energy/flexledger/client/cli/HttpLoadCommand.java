package energy.flexledger.client.cli;

import energy.flexledger.client.LedgerException;
import energy.flexledger.spec.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code flexledger http-load}: a closed-loop load generator for the gateway's REST ingestion.
 * Registers {@code --meters} meters of this member, then {@code --clients} clients each send one
 * request after the other for {@code --seconds}: one meter's samples ({@code POST
 * /v1/meters/<id>/samples}) or, with {@code --batch-meters N}, N meters' samples in one {@code POST
 * /v1/samples}. Every answer is an acknowledgement after commit; the command reports samples
 * acknowledged per second and the requests' latency percentiles.
 */
@Command(name = "http-load", description = {
    "Send device samples to 'flexledger gateway --http' as fast as it answers, for benchmarks of its REST ingestion.",
    "Registers --meters meters of this member first; --clients clients send one request after the other for --seconds; each",
    "request is --samples samples of a 10 Hz meter, for one meter or (--batch-meters N) for N meters at once. Prints samples",
    "acknowledged per second and the request latency's p50, p99 and maximum. Needs an ems or bms token: prefer the environment",
    "variable FLEXLEDGER_HTTP_TOKEN (FLEXLEDGER_TOKEN is also read) to --token, which any user of the host can see in 'ps'."})
final class HttpLoadCommand extends Connected implements Callable<Integer> {
    @Option(names = "--url", required = true, description = "the gateway, for example http://127.0.0.1:8080")
    String url;

    @Option(names = "--token", description = "an ems or bms bearer token (default: $FLEXLEDGER_HTTP_TOKEN, else $FLEXLEDGER_TOKEN; the"
            + " environment keeps it out of 'ps', an argument does not)")
    String token;

    /** The token: --token, else FLEXLEDGER_HTTP_TOKEN, else FLEXLEDGER_TOKEN (the older name), from {@code env}. */
    static String token(final String option, final java.util.function.UnaryOperator<String> env) {
        if (option != null) {
            return option;
        }
        final String http = env.apply("FLEXLEDGER_HTTP_TOKEN");
        return http != null && !http.isBlank() ? http : env.apply("FLEXLEDGER_TOKEN");
    }

    @Option(names = "--meters", defaultValue = "50", description = "meters (default: ${DEFAULT-VALUE})")
    int meters;

    @Option(names = "--clients", defaultValue = "4", description = "concurrent clients (default: ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--seconds", defaultValue = "20", description = "how long to send (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--samples", defaultValue = "10", description = "samples per meter per request (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--batch-meters", defaultValue = "0", description = "0: one meter per request; N: N meters per POST /v1/samples (default: ${DEFAULT-VALUE})")
    int batchMeters;

    @Override
    public Integer call() throws IOException, LedgerException, InterruptedException {
        token = token(token, System::getenv);
        if (token == null || token.isBlank()) {
            throw new ParameterException(spec.commandLine(), "a token is required: FLEXLEDGER_HTTP_TOKEN=<token> in the environment (or --token)."
                    + " flexledger credential create --kind ems makes one");
        }
        if (meters < 1 || clients < 1 || clients > 256 || seconds < 1 || samples < 1 || samples > 10_000 || batchMeters < 0
                || batchMeters > Math.min(meters, 1000)) {
            throw new ParameterException(spec.commandLine(), "--meters, --seconds, --samples >= 1; --clients 1..256; --batch-meters 0..min(meters, 1000)");
        }
        final String run = "HTLOAD-" + System.currentTimeMillis();
        MqttLoadCommand.registerLoadMeters(this, run, meters);
        // Meters are dealt to clients, so that no two clients send the same meter (its samples stay in order).
        final long first = System.currentTimeMillis() - 30 * 60_000L;
        final long stepMs = 100L;
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final List<long[]> latencies = new ArrayList<>();
        final long began = System.nanoTime();
        final long end = began + seconds * 1_000_000_000L;
        final List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            final int client = c;
            final long[] mine = new long[200_000];
            latencies.add(mine);
            final Thread t = new Thread(() -> {
                final List<Integer> own = new ArrayList<>();
                for (int m = client; m < meters; m += clients) {
                    own.add(m);
                }
                if (own.isEmpty()) {
                    return;
                }
                final long[] next = new long[meters];
                Arrays.fill(next, first);
                int n = 0;
                int cursor = 0;
                while (System.nanoTime() < end && n < mine.length) {
                    final int per = batchMeters == 0 ? 1 : Math.max(1, Math.min(batchMeters, own.size()));
                    final StringBuilder body = new StringBuilder(batchMeters == 0 ? "" : "{\"meters\":[");
                    String meter = null;
                    for (int b = 0; b < per; b++) {
                        final int m = own.get(cursor++ % own.size());
                        meter = run + "-" + m;
                        if (batchMeters > 0) {
                            body.append(b > 0 ? "," : "").append("{\"meterId\":\"").append(meter).append("\",\"samples\":");
                        }
                        body.append('[');
                        for (int k = 0; k < samples; k++) {
                            next[m] += stepMs;
                            body.append(k > 0 ? "," : "").append('[').append(next[m]).append(',').append(1_000_000 + (next[m] / stepMs) % 1000).append(']');
                        }
                        body.append(']');
                        if (batchMeters > 0) {
                            body.append('}');
                        }
                    }
                    if (batchMeters > 0) {
                        body.append("]}");
                    }
                    final String path = batchMeters == 0 ? "/v1/meters/" + meter + "/samples" : "/v1/samples";
                    final HttpRequest request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
                    final long sent = System.nanoTime();
                    try {
                        final HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                        mine[n++] = System.nanoTime() - sent;
                        if (r.statusCode() == 200) {
                            acknowledged.addAndGet((long) per * samples);
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failed.incrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                latencies.set(client, Arrays.copyOf(mine, n));
            }, "http-load-" + c);
            threads.add(t);
            t.start();
        }
        for (final Thread t : threads) {
            t.join();
        }
        final double took = (System.nanoTime() - began) / 1e9;
        final long[] all = latencies.stream().flatMapToLong(Arrays::stream).filter(v -> v > 0).sorted().toArray();
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("run", run);
        out.put("meters", (long) meters);
        out.put("clients", (long) clients);
        out.put("batchMeters", (long) batchMeters);
        out.put("samplesPerMeterPerRequest", (long) samples);
        out.put("requests", (long) all.length);
        out.put("failed", failed.get());
        out.put("samplesAcknowledged", acknowledged.get());
        out.put("seconds", String.format(java.util.Locale.ROOT, "%.1f", took));
        out.put("samplesPerSecond", String.format(java.util.Locale.ROOT, "%.0f", acknowledged.get() / took));
        out.put("p50Ms", ms(all, 0.50));
        out.put("p99Ms", ms(all, 0.99));
        out.put("maxMs", all.length == 0 ? "-" : String.format(java.util.Locale.ROOT, "%.1f", all[all.length - 1] / 1e6));
        System.out.println(Json.write(out));
        return failed.get() == 0 ? 0 : 1;
    }

    private static String ms(final long[] sorted, final double q) {
        if (sorted.length == 0) {
            return "-";
        }
        return String.format(java.util.Locale.ROOT, "%.1f", energy.flexledger.client.Percentiles.nearestRank(sorted, q) / 1e6);
    }
}
