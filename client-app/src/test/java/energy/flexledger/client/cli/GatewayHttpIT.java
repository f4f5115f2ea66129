package energy.flexledger.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import energy.flexledger.client.http.ApiContract;
import energy.flexledger.client.store.MemberStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code flexledger gateway --http} on the real network, in this JVM: a meter registered from the
 * community, a device enrolled at the community's CA for it, the device's credential (acting as the
 * device's own Fabric identity) and an EMS credential made with {@code flexledger credential}; the
 * device posts samples and the answer comes once they are in the member store; the
 * device reads its asset, the EMS a token balance and readiness; another asset is forbidden to the
 * device. Every answer is checked against the OpenAPI document. Waits are for conditions (the port
 * bound, the command's end), never for time.
 */
@Tag("integration")
class GatewayHttpIT {
    private static final long Q = 900_000L;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private record Answer(int status, JsonNode json) {
    }

    private Answer call(final int port, final String method, final String route, final String path, final String token, final String body)
            throws Exception {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        }
        final HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        final String type = r.headers().firstValue("Content-Type").orElse("");
        assertThat(ApiContract.violations(method, route, r.statusCode(), type, r.body()))
                .as("%s %s: %d %s", method, path, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8)).isEmpty();
        return new Answer(r.statusCode(), ApiContract.JSON.readTree(r.body()));
    }

    private String metrics(final int port, final String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double metric(final String metrics, final String name) {
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(name) + " (\\S+)$").matcher(metrics);
        assertThat(m.find()).as(name + " in " + metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** Polls /metrics until {@code condition} holds (a condition, not a time: the deadline only ends a test that would hang). */
    private void awaitMetrics(final int port, final String token, final String what, final java.util.function.Predicate<String> condition)
            throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            final String m = metrics(port, token);
            if (condition.test(m)) {
                return;
            }
            assertThat(System.nanoTime()).as(what + " within 120 s; last /metrics:\n" + m).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    void aDeviceSamplesAreAnsweredAfterCommitAndTheApiReadsTheLedger() throws Exception {
        final String run = Long.toString(System.nanoTime(), 36);
        final String meter = "IT-HTTP-" + run;
        InProcessCli.ok("--org", "community", "meter", "register", "--meter", meter, "--zone", "zone-1");
        // The device's own Fabric identity (enrolled at the community's CA): its credential acts as it.
        InProcessCli.ok("--org", "community", "device", "enroll", "--device", "it-dev-" + run, "--asset", meter);
        final Map<String, Object> credential = InProcessCli.ok("--org", "community", "credential", "create", "--name", "it-dev-" + run,
                "--kind", "device", "--asset", meter);
        assertThat(credential).containsEntry("identity", "it-dev-" + run).containsEntry("kind", "device");
        final String device = credential.get("token").toString();
        final String ems = InProcessCli.ok("--org", "community", "credential", "create", "--name", "it-ems-" + run, "--kind", "ems")
                .get("token").toString();

        final CommandLine cli = new CommandLine(new FlexLedgerCli());
        final GatewayCommand gateway = (GatewayCommand) cli.getSubcommands().get("gateway").getCommandSpec().userObject();
        final java.nio.file.Path replicaDb = java.nio.file.Files.createTempDirectory("gateway-replica").resolve("replica.db");
        final CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("--org", "community", "gateway",
                "--http", "127.0.0.1:0", "--submit-every", "3600", "--close-after", "0", "--replica", "jdbc:sqlite:" + replicaDb));
        try {
            while (gateway.httpPort() < 0) {
                assertThat(exit).as("the gateway runs").isNotDone();
                Thread.sleep(20); // until the port is bound (a condition, polled)
            }
            final int port = gateway.httpPort();

            final long t0 = Math.floorDiv(System.currentTimeMillis(), Q) * Q - 2 * Q;
            final StringBuilder samples = new StringBuilder("[");
            for (int k = 1; k <= 10; k++) {
                samples.append(k > 1 ? "," : "").append('[').append(t0 + k * 60_000L).append(',').append(1_000 + k).append(']');
            }
            samples.append(']');
            final String route = "/v1/meters/{meterId}/samples";
            final Answer posted = call(port, "POST", route, "/v1/meters/" + meter + "/samples", device, samples.toString());
            assertThat(posted.status()).as(posted.json().toString()).isEqualTo(200);
            assertThat(posted.json().path("accepted").asLong()).isEqualTo(10);
            // answered means committed
            try (MemberStore store = MemberStore.open(InProcessCli.communityStore())) {
                assertThat(store.samples(meter, t0, t0 + Q)).hasSize(10);
            }
            assertThat(call(port, "POST", route, "/v1/meters/" + meter + "/samples", device, samples.toString()).json().path("duplicates").asLong())
                    .isEqualTo(10);

            final Answer asset = call(port, "GET", "/v1/assets/{assetId}", "/v1/assets/" + meter, device, null);
            assertThat(asset.status()).isEqualTo(200);
            assertThat(asset.json().path("assetId").asText()).isEqualTo(meter);
            assertThat(asset.json().path("zone").asText()).isEqualTo("zone-1");
            assertThat(call(port, "GET", "/v1/assets/{assetId}", "/v1/assets/NOT-" + meter, device, null).status()).isEqualTo(403);
            assertThat(call(port, "GET", "/v1/assets/{assetId}", "/v1/assets/NO-SUCH-" + meter, ems, null).json().path("code").asText())
                    .isEqualTo("NOT_FOUND");

            final Answer balance = call(port, "GET", "/v1/tokens/balances/{account}", "/v1/tokens/balances/org:CommunityMSP", ems, null);
            assertThat(balance.status()).as(balance.json().toString()).isEqualTo(200);
            assertThat(balance.json().path("account").asText()).isEqualTo("org:CommunityMSP");
            assertThat(balance.json().path("balance").isIntegralNumber()).isTrue();
            assertThat(call(port, "GET", "/ready", "/ready", ems, null).json().path("height").asLong()).isPositive();
            assertThat(call(port, "GET", "/v1/meters/{meterId}/intervals", "/v1/meters/" + meter + "/intervals?pageSize=5", ems, null).status())
                    .isEqualTo(200);
            // the OCPP central system's records (no --ocpp here): read from ocpp.db beside the store when it exists, else empty
            final Answer stations = call(port, "GET", "/v1/ocpp/stations", "/v1/ocpp/stations?pageSize=5", ems, null);
            assertThat(stations.status()).as(stations.json().toString()).isEqualTo(200);
            assertThat(call(port, "GET", "/v1/ocpp/profiles", "/v1/ocpp/profiles?active=true", ems, null).status()).isEqualTo(200);
            assertThat(call(port, "GET", "/v1/ocpp/sessions", "/v1/ocpp/sessions", device, null).status()).isEqualTo(403);

            // --replica: the analytics replica runs in the gateway; its checkpoint and lag are in /metrics.
            final long height = call(port, "GET", "/ready", "/ready", ems, null).json().path("height").asLong();
            awaitMetrics(port, ems, "the replica catches up with the chain (height " + height + ")",
                    m -> metric(m, "flexledger_replica_next_block") >= height);
            assertThat(metric(metrics(port, ems), "flexledger_replica_lag_seconds_count")).as("catch-up blocks are not lag").isZero();
            // a block committed now is live: its lag (signing to SQL row) and write time are observed
            InProcessCli.ok("--org", "community", "meter", "register", "--meter", meter + "-LIVE", "--zone", "zone-1");
            awaitMetrics(port, ems, "a live block's lag observed", m -> metric(m, "flexledger_replica_lag_seconds_count") >= 1
                    && metric(m, "flexledger_replica_write_seconds_count") >= 1);
        } finally {
            gateway.stop();
        }
        assertThat(exit.get(60, TimeUnit.SECONDS)).as("the gateway's exit code").isZero();
        InProcessCli.ok("--org", "community", "credential", "revoke", "--name", "it-dev-" + run);
    }
}
