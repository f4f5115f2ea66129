package energy.flexledger.client.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import energy.flexledger.client.http.ApiHarness.Res;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every operation of the REST API with every response its OpenAPI document declares, against a
 * real member store and the fake ledger; each answer is checked against the document by the
 * harness, and {@link #everyDeclaredResponseWasReceived} fails if a declared (operation, status)
 * was never produced here.
 */
class RestApiTest {
    static final long Q = ApiHarness.Q;
    static final long T0 = ApiHarness.T0;

    @TempDir
    Path dir;

    ApiHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ApiHarness(dir);
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    static String samples(final long... tv) {
        final StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < tv.length; i += 2) {
            b.append(i == 0 ? "" : ",").append('[').append(tv[i]).append(',').append(tv[i + 1]).append(']');
        }
        return b.append(']').toString();
    }

    @AfterAll
    static void everyDeclaredResponseWasReceived() {
        final Set<String> missing = new TreeSet<>(ApiContract.declared());
        missing.removeAll(ApiContract.SEEN);
        assertThat(missing).as("declared responses no test received").isEmpty();
    }

    @Test
    void theDocumentIsValidOpenApi31AndTheCheckerCatchesWrongAnswers() {
        assertThat(ApiContract.parserMessages()).isEmpty();
        assertThat(ApiContract.DOC.path("openapi").asText()).isEqualTo("3.1.0");
        // A checker that cannot fail is no check: wrong answers are caught.
        final JsonNode goodProblem = ApiContract.JSON.valueToTree(new Problem("NOT_FOUND", "x").toMap("/v1"));
        assertThat(ApiContract.violationsOf("Problem", goodProblem)).isEmpty();
        assertThat(ApiContract.violationsOf("Problem", ((com.fasterxml.jackson.databind.node.ObjectNode) goodProblem.deepCopy()).remove(List.of("code"))))
                .isNotEmpty();
        assertThat(ApiContract.violationsOf("Problem", ((com.fasterxml.jackson.databind.node.ObjectNode) goodProblem.deepCopy()).put("code", "NOPE")))
                .isNotEmpty();
        assertThat(ApiContract.violationsOf("Ingested", ApiContract.JSON.valueToTree(Map.of("meterId", "M", "accepted", 1)))).isNotEmpty();
        assertThat(ApiContract.violationsOf("Balance", ApiContract.JSON.valueToTree(Map.of("account", "a", "balance", "10", "rows", 1))))
                .isNotEmpty();
        assertThat(ApiContract.violations("GET", "/health", 200, "text/plain", "UP".getBytes(StandardCharsets.UTF_8))).isNotEmpty();
        assertThat(ApiContract.violations("GET", "/health", 200, "application/json", "{\"status\":\"DOWN\"}".getBytes(StandardCharsets.UTF_8)))
                .isNotEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ApiContract.response("GET", "/health", 418)).isInstanceOf(AssertionError.class);
        // Every problem code maps to a status the document can carry, and the schema lists every code.
        for (final String code : Problem.allCodes()) {
            assertThat(Problem.statusOf(code)).isBetween(400, 599);
            assertThat(ApiContract.violationsOf("Problem", ApiContract.JSON.valueToTree(new Problem(code, "d").toMap(null)))).as(code).isEmpty();
        }
    }

    @Test
    void operationsEndpointsAnswerAsDocumented() {
        assertThat(h.get(null, "/health", "").json().path("status").asText()).isEqualTo("UP");
        final Res doc = h.get(null, "/openapi.json", "");
        assertThat(doc.body()).isEqualTo(RestApi.openApiDocument());
        final String page = h.get(null, "/docs", "").text();
        ApiContract.DOC.get("paths").forEach(p -> p.forEach(op -> assertThat(page).contains("id=\"" + op.path("operationId").asText() + "\"")));
        assertThat(page).doesNotContain("http://", "https://", "<script");

        assertThat(h.get("ems", "/ready", "").json().path("height").asLong()).isEqualTo(42);
        assertThat(h.get(null, "/ready", "").status()).isEqualTo(401);
        assertThat(h.get(null, "/ready", "").headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"flexledger\"");
        h.ledger.down = true;
        assertThat(h.get("devA", "/ready", "").code()).isEqualTo("UNAVAILABLE");
        h.ledger.down = false;

        final Res who = h.get("devA", "/v1/whoami", "");
        assertThat(who.json().path("kind").asText()).isEqualTo("device");
        assertThat(who.json().path("assets").get(0).asText()).isEqualTo("MTR-A");
        assertThat(who.text()).doesNotContain(h.tokens.get("devA"));
        assertThat(h.get(null, "/v1/whoami", "").status()).isEqualTo(401);
        assertThat(h.get("revoked", "/v1/whoami", "").json().path("detail").asText()).contains("revoked");
        assertThat(h.get("raw:Basic Zm9vOmJhcg==", "/v1/whoami", "").status()).isEqualTo(401);
        assertThat(h.get("raw:Bearer flx_nope", "/v1/whoami", "").json().path("detail").asText()).contains("unknown token");

        assertThat(h.post("devA", "/v1/meters/{meterId}/samples", samples(T0 + 1, 5, T0 + 2, 6), Map.of(), "MTR-A").status()).isEqualTo(200);
        // one structured access-log line per request, never the token
        assertThat(h.log).anySatisfy(line -> assertThat(line).containsEntry("route", "/v1/meters/{meterId}/samples")
                .containsEntry("status", 200L).containsEntry("credential", "meter-a"));
        assertThat(h.log).anySatisfy(line -> assertThat(line).containsEntry("route", "/v1/whoami").containsEntry("status", 401L)
                .containsEntry("error", "UNAUTHENTICATED"));
        assertThat(h.log.toString()).doesNotContain(h.tokens.get("devA"));
        assertThat(h.get("ems", "/metrics", "").text()).as("no replica in this gateway").contains("flexledger_replica_next_block -1");
        // the replica's progress lines (gateway --replica) feed its gauges and histograms
        h.metrics.replicated(Map.of("event", "replica opened", "checkpoint", 7L));
        assertThat(h.get("ems", "/metrics", "").text()).contains("flexledger_replica_next_block 7");
        // a block of the catch-up: the checkpoint moves, the lag is not the replica's
        h.metrics.replicated(Map.of("event", "block", "block", 40L, "written", true, "lagMs", 9_000_000L, "writeMicros", 3_500L));
        h.metrics.replicated(Map.of("event", "block", "block", 41L, "written", true, "lagMs", 1_500L, "writeMicros", 3_500L, "live", true));
        h.metrics.replicated(Map.of("event", "stream error", "status", "UNAVAILABLE"));
        final String metrics = h.get("ems", "/metrics", "").text();
        assertThat(metrics).contains("flexledger_samples_ingested_total{transport=\"http\"} 2.0")
                .contains("flexledger_http_requests_total{method=\"POST\",route=\"/v1/meters/{meterId}/samples\",status=\"200\"} 1.0")
                .contains("flexledger_outbox_pending 0").contains("flexledger_outbox_oldest_pending_age_seconds")
                .contains("flexledger_replica_next_block 42").contains("flexledger_replica_lag_seconds_bucket{le=\"2.0\"} 1")
                .contains("flexledger_replica_lag_seconds_bucket{le=\"1.0\"} 0").contains("flexledger_replica_write_seconds_count 1")
                .contains("flexledger_store_commit_requests_count");
        assertThat(h.get(null, "/metrics", "").status()).isEqualTo(401);
        assertThat(h.get("devA", "/metrics", "").code()).isEqualTo("ACCESS_DENIED");
        // not an operation: a problem too
        final ApiHarness.Res none = h.raw("GET", "/v1/nothing-here", "ems");
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.contentType()).startsWith(Problem.CONTENT_TYPE);
        assertThat(none.code()).isEqualTo("NOT_FOUND");
        assertThat(ApiContract.violationsOf("Problem", none.json())).isEmpty();
        // a path that exists, with a method it does not take: 405 with the methods it takes
        final ApiHarness.Res delete = h.raw("DELETE", "/v1/assets/MTR-A", "ems");
        assertThat(delete.status()).isEqualTo(405);
        assertThat(delete.code()).isEqualTo("METHOD_NOT_ALLOWED");
        assertThat(delete.headers().firstValue("Allow")).hasValue("GET");
        assertThat(ApiContract.violationsOf("Problem", delete.json())).isEmpty();
        assertThat(h.raw("GET", "/v1/samples", "ems").headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void samplesAreAnsweredAfterCommitAndBadOnesChangeNothing() throws Exception {
        final String route = "/v1/meters/{meterId}/samples";
        final Res ok = h.post("devA", route, samples(T0 + 1, 5, T0 + 2, 6), Map.of(), "MTR-A");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().path("accepted").asLong()).isEqualTo(2);
        // answered means committed: the samples are in the store when the answer arrives
        assertThat(h.store.samples("MTR-A", T0, T0 + Q)).hasSize(2);
        assertThat(h.post("ems", route, samples(T0 + 1, 5, T0 + 2, 6), Map.of(), "MTR-A").json().path("duplicates").asLong()).isEqualTo(2);
        // a late sample is kept in the quarantine and said so
        final Res late = h.post("bms", route, samples(T0 + 3, 7, T0 + Q + 1, 1, T0 + 4, 2), Map.of(), "MTR-A");
        assertThat(late.json().path("rejected").get(0).path("error").asText()).isEqualTo("SAMPLE_OUTSIDE_INTERVAL");
        assertThat(late.json().path("quarantined").asLong()).isEqualTo(1);
        assertThat(h.post("ems", route, "[]", Map.of(), "MTR-A").json().path("accepted").asLong()).isZero();

        final Map<String, Object> before = h.store.status();
        assertThat(h.post("ems", route, "{\"t\":1}", Map.of(), "MTR-A").code()).isEqualTo("BAD_JSON");
        assertThat(h.post("ems", route, "[[1]]", Map.of(), "MTR-A").code()).isEqualTo("BAD_JSON");
        assertThat(h.post("ems", route, "[[1,", Map.of(), "MTR-A").code()).isEqualTo("BAD_JSON");
        assertThat(h.post(null, route, samples(T0 + 9, 1), Map.of(), "MTR-A").code()).isEqualTo("UNAUTHENTICATED");
        assertThat(h.post("revoked", route, samples(T0 + 9, 1), Map.of(), "MTR-A").code()).isEqualTo("UNAUTHENTICATED");
        assertThat(h.post("devB", route, samples(T0 + 9, 1), Map.of(), "MTR-A").code()).isEqualTo("ACCESS_DENIED");
        assertThat(h.post("ems", route, samples(T0 + 9, 1), Map.of(), "MTR-X").code()).isEqualTo("NOT_FOUND");
        assertThat(h.send("POST", "ems", route, "", "text/plain", samples(T0 + 9, 1).getBytes(StandardCharsets.UTF_8), Map.of(), "MTR-A").code())
                .isEqualTo("UNSUPPORTED_MEDIA_TYPE");
        // one meter's message is at most 512 KiB; any body at most --http-max-body
        final String big = samples(T0 + 9, 1).replace("]]", "]" + ",[1,1]".repeat(100_000) + "]");
        assertThat(h.post("ems", route, big, Map.of(), "MTR-A").code()).isEqualTo("PAYLOAD_TOO_LARGE");
        final String huge = samples(T0 + 9, 1).replace("]]", "]" + ",[1,1]".repeat(200_000) + "]");
        final Res tooLarge = h.post("ems", route, huge, Map.of(), "MTR-A");
        assertThat(tooLarge.code()).as(tooLarge.status() + " " + tooLarge.contentType() + " " + tooLarge.text()).isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(h.store.status()).isEqualTo(before);
        assertThat(h.store.samples("MTR-A", T0, T0 + Q)).hasSize(3);

        // parked: kept, taken up later (202); a rule of the ledger refuses the meter's start (422)
        final Res parked = h.post("ems", route, samples(T0 + 1, 1), Map.of(), "MTR-PARK");
        assertThat(parked.status()).isEqualTo(202);
        assertThat(parked.json().path("parked").asBoolean()).isTrue();
        assertThat(h.post("ems", route, samples(T0 + 1, 1), Map.of(), "MTR-BADSALT").code()).isEqualTo("BAD_SALT");
    }

    @Test
    void anIdempotencyKeyRepeatsTheFirstAnswerAndRefusesAnotherBody() throws Exception {
        final String route = "/v1/meters/{meterId}/samples";
        final Map<String, String> key = Map.of("Idempotency-Key", "k-1");
        final Res first = h.post("ems", route, samples(T0 + 1, 5), key, "MTR-A");
        assertThat(first.json().path("accepted").asLong()).isEqualTo(1);
        final Res again = h.post("ems", route, samples(T0 + 1, 5), key, "MTR-A");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body()); // not "duplicates": 1 — the first answer
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(h.post("ems", route, samples(T0 + 2, 5), key, "MTR-A").code()).isEqualTo("CONFLICT");
        assertThat(h.store.samples("MTR-A", T0, T0 + Q)).hasSize(1);
        // keys are per credential: another credential's same key is another request
        assertThat(h.post("bms", route, samples(T0 + 2, 5), key, "MTR-A").json().path("accepted").asLong()).isEqualTo(1);
        assertThat(h.post("ems", route, samples(T0 + 3, 5), Map.of("Idempotency-Key", "bad key with spaces"), "MTR-A").code())
                .isEqualTo("BAD_REQUEST");
        // a request refused before anything was stored does not use its key up: checked again, then taken
        final Map<String, String> key2 = Map.of("Idempotency-Key", "k-2");
        assertThat(h.post("ems", route, "{}", key2, "MTR-A").code()).isEqualTo("BAD_JSON");
        final Res refusedAgain = h.post("ems", route, "{}", key2, "MTR-A");
        assertThat(refusedAgain.code()).isEqualTo("BAD_JSON");
        assertThat(refusedAgain.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(h.post("ems", route, samples(T0 + 3, 5), key2, "MTR-A").json().path("accepted").asLong()).isEqualTo(1);
        // a refusal decided in the store (the meter's start refused by a rule of the ledger; the message kept) is an answer: repeated
        final Map<String, String> key4 = Map.of("Idempotency-Key", "k-4");
        assertThat(h.post("ems", route, samples(T0 + 1, 1), key4, "MTR-BADSALT").code()).isEqualTo("BAD_SALT");
        final Res badSaltAgain = h.post("ems", route, samples(T0 + 1, 1), key4, "MTR-BADSALT");
        assertThat(badSaltAgain.code()).isEqualTo("BAD_SALT");
        assertThat(badSaltAgain.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        // the batch too
        final String batch = "{\"meters\":[{\"meterId\":\"MTR-B\",\"samples\":" + samples(T0 + 1, 1) + "}]}";
        final Map<String, String> key3 = Map.of("Idempotency-Key", "k-3");
        final Res b1 = h.post("ems", "/v1/samples", batch, key3);
        assertThat(h.post("ems", "/v1/samples", batch, key3).body()).isEqualTo(b1.body());
        assertThat(h.post("ems", "/v1/samples", batch.replace("\"samples\":[[", "\"samples\":[[" + (T0 + 5) + ",1],["), key3).code())
                .isEqualTo("CONFLICT");
    }

    @Test
    void aBatchIsCheckedWholeBeforeAnyOfItIsStored() throws Exception {
        final String route = "/v1/samples";
        final String ok = "{\"meters\":[{\"meterId\":\"MTR-A\",\"samples\":" + samples(T0 + 1, 1, T0 + 2, 2) + "},"
                + "{\"meterId\":\"MTR-PARK\",\"samples\":" + samples(T0 + 1, 1) + "},"
                + "{\"meterId\":\"MTR-BADSALT\",\"samples\":" + samples(T0 + 1, 1) + "}]}";
        final JsonNode results = h.post("ems", route, ok, Map.of()).json().path("results");
        assertThat(results.get(0).path("accepted").asLong()).isEqualTo(2);
        assertThat(results.get(1).path("parked").asBoolean()).isTrue();
        assertThat(results.get(2).path("error").asText()).isEqualTo("BAD_SALT");

        final Map<String, Object> before = h.store.status();
        final String withB = "{\"meters\":[{\"meterId\":\"MTR-A\",\"samples\":" + samples(T0 + 5, 1) + "},{\"meterId\":\"MTR-B\",\"samples\":"
                + samples(T0 + 5, 1) + "}]}";
        assertThat(h.post("devA", route, withB, Map.of()).code()).isEqualTo("ACCESS_DENIED");
        assertThat(h.post("ems", route, withB.replace("MTR-B", "MTR-X"), Map.of()).code()).isEqualTo("NOT_FOUND");
        assertThat(h.post("ems", route, withB.replace("MTR-B", "MTR-A"), Map.of()).code()).isEqualTo("BAD_REQUEST");
        assertThat(h.post("ems", route, "{\"meters\":[]}", Map.of()).code()).isEqualTo("BAD_REQUEST");
        assertThat(h.post("ems", route, "[]", Map.of()).code()).isEqualTo("BAD_JSON");
        assertThat(h.post("ems", route, withB.replace("\"samples\":[[" + (T0 + 5) + ",1]]}]", "\"samples\":[1]}]"), Map.of()).code())
                .isEqualTo("BAD_JSON");
        assertThat(h.post(null, route, withB, Map.of()).code()).isEqualTo("UNAUTHENTICATED");
        assertThat(h.send("POST", "ems", route, "", "application/xml", withB.getBytes(StandardCharsets.UTF_8), Map.of()).status()).isEqualTo(415);
        final String huge = "{\"meters\":[{\"meterId\":\"MTR-A\",\"samples\":[" + "[1,1],".repeat(200_000) + "[1,1]]}]}";
        assertThat(h.post("ems", route, huge, Map.of()).code()).isEqualTo("PAYLOAD_TOO_LARGE");
        // The body is under --http-max-body, but one meter's entry is over the 512 KiB of one meter's message:
        // the whole batch is refused as the single-meter route refuses it, the other meter's good samples too.
        final String oneTooBig = "{\"meters\":[{\"meterId\":\"MTR-A\",\"samples\":" + samples(T0 + 5, 1) + "},{\"meterId\":\"MTR-B\","
                + "\"samples\":" + samples(T0 + 5, 1).replace("]]", "]" + (",[" + (T0 + 6) + ",1]").repeat(40_000) + "]") + "}]}";
        assertThat(oneTooBig.length()).isBetween(energy.flexledger.client.ingest.SampleMessages.MAX_PAYLOAD_BYTES, (int) RestApi.DEFAULT_MAX_BODY_BYTES);
        final Res refused = h.post("ems", route, oneTooBig, Map.of());
        assertThat(refused.status()).isEqualTo(413);
        assertThat(refused.code()).isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(refused.json().path("detail").asText()).contains("meters[1]", "MTR-B");
        assertThat(h.store.status()).isEqualTo(before);
        assertThat(h.store.samples("MTR-A", T0, T0 + Q)).hasSize(2);
        assertThat(h.store.samples("MTR-B", T0, T0 + Q)).isEmpty();
        // A device's batch naming a meter not its own is refused whole; one naming only its own is taken.
        final String devAWithY = withB.replace("MTR-B", "MTR-Y");
        assertThat(h.post("devA", route, devAWithY, Map.of()).status()).isEqualTo(403);
        assertThat(h.store.samples("MTR-A", T0, T0 + Q)).hasSize(2);
        final String devAOnly = "{\"meters\":[{\"meterId\":\"MTR-A\",\"samples\":" + samples(T0 + 5, 1) + "}]}";
        final Res own = h.post("devA", route, devAOnly, Map.of());
        assertThat(own.status()).as(own.text()).isEqualTo(200);
        assertThat(own.json().path("results").get(0).path("accepted").asLong()).isEqualTo(1);
        assertThat(h.store.samples("MTR-A", T0, T0 + Q)).hasSize(3);
    }

    /** A read operation: its route, the path arguments of a good call (asset-keyed ones use MTR-A) and a good query. */
    record Read(String route, String query, String... args) {
    }

    static final List<Read> READS = List.of(
            new Read("/v1/assets", "by=owner&value=CommunityMSP"),
            new Read("/v1/assets/{assetId}", "", "MTR-A"),
            new Read("/v1/meters/{meterId}", "", "MTR-A"),
            new Read("/v1/meters/{meterId}/intervals", "from=0&to=99&pageSize=10", "MTR-A"),
            new Read("/v1/meters/{meterId}/audit", "", "MTR-A"),
            new Read("/v1/batches", "by=meter&value=MTR-A"),
            new Read("/v1/batches/{batchId}", "", "B-1"),
            new Read("/v1/subscriptions", "by=provider&value=CommunityMSP"),
            new Read("/v1/subscriptions/{subscriptionId}", "", "S-1"),
            new Read("/v1/dr/programs", "pageSize=5"),
            new Read("/v1/dr/programs/{programId}", "", "P-1"),
            new Read("/v1/dr/events", ""),
            new Read("/v1/dr/events/{eventId}", "", "E-1"),
            new Read("/v1/dr/events/{eventId}/commitments", "", "E-1"),
            new Read("/v1/dr/events/{eventId}/settlements/{assetId}", "", "E-1", "MTR-A"),
            new Read("/v1/dr/events/{eventId}/settlements/{assetId}/detail", "", "E-1", "MTR-A"),
            new Read("/v1/dr/baselines/{assetId}", "date=2026-03-23&program=P-1", "MTR-A"),
            new Read("/v1/market/requests", ""),
            new Read("/v1/market/requests/{requestId}", "", "R-1"),
            new Read("/v1/market/requests/{requestId}/offers", "", "R-1"),
            new Read("/v1/market/requests/{requestId}/clearing", "", "R-1"),
            new Read("/v1/market/requests/{requestId}/payment", "", "R-1"),
            new Read("/v1/tokens/balances/{account}", "", "org:CommunityMSP"));

    /** The good call with the ledger-side id (the first path argument, else the query's value or bookmark) replaced by {@code id}. */
    static Object[] withId(final Read r, final String id) {
        if (r.args().length > 0) {
            final String[] args = r.args().clone();
            args[0] = r.route().startsWith("/v1/dr/events/{eventId}/settlements") ? args[0] : id;
            if (r.route().startsWith("/v1/dr/events/{eventId}/settlements")) {
                args[0] = id;
            }
            return new Object[] {r.query(), args};
        }
        final String q = r.query().contains("value=") ? r.query().replaceAll("value=[^&]*", "value=" + id)
                : (r.query().isEmpty() ? "" : r.query() + "&") + "bookmark=" + id;
        return new Object[] {q, r.args()};
    }

    @Test
    void everyReadAnswersWithEveryDocumentedStatus() {
        for (final Read r : READS) {
            final String what = r.route();
            final Res ok = h.get("ems", r.route(), r.query(), r.args());
            assertThat(ok.status()).as(what).isEqualTo(200);
            assertThat(h.get(null, r.route(), r.query(), r.args()).status()).as(what).isEqualTo(401);
            assertThat(h.get("revoked", r.route(), r.query(), r.args()).status()).as(what).isEqualTo(401);
            // devB: another asset's data, or the member's data: forbidden by the gateway before the ledger is asked
            final int before = h.ledger.identitiesUsed.size();
            assertThat(h.get("devB", r.route(), r.query(), r.args()).code()).as(what).isEqualTo("ACCESS_DENIED");
            assertThat(h.ledger.identitiesUsed).hasSize(before);
            {
                for (final String[] idCode : new String[][] {{"missing-1", "NOT_FOUND"}, {"rule-1", "INSUFFICIENT_HISTORY"}, {"bad-1", "BAD_REQUEST"}}) {
                    final Object[] call = withId(r, idCode[0]);
                    assertThat(h.get("ems", r.route(), (String) call[0], (String[]) call[1]).code()).as(what + " " + idCode[0]).isEqualTo(idCode[1]);
                }
            }
            final Res internal = h.get("broken", r.route(), r.query(), r.args());
            assertThat(internal.code()).as(what).isEqualTo("INTERNAL");
            // the client hears a request id, never the specifics (here a filesystem path); the log has them under that id
            final String detail = internal.json().path("detail").asText();
            assertThat(internal.text()).as(what).doesNotContain("/srv/flexledger", "community-broken");
            final String requestId = detail.substring(detail.lastIndexOf(' ') + 1);
            assertThat(detail).as(what).contains("request id ");
            assertThat(h.errors).as(what).anySatisfy(line -> assertThat(line).containsEntry("requestId", requestId)
                    .extractingByKey("error").asString().contains("/srv/flexledger/work/clients"));
            h.ledger.down = true;
            assertThat(h.get("bms", r.route(), r.query(), r.args()).code()).as(what).isEqualTo("UNAVAILABLE");
            h.ledger.down = false;
        }
    }

    @Test
    void parametersAreCheckedBeforeTheLedgerIsAsked() {
        assertThat(h.get("ems", "/v1/assets", "by=colour&value=x").code()).isEqualTo("BAD_REQUEST");
        assertThat(h.get("ems", "/v1/assets", "by=owner").code()).isEqualTo("BAD_REQUEST");
        assertThat(h.get("ems", "/v1/dr/programs", "pageSize=0").json().path("detail").asText()).contains("pageSize must be 1..1000");
        assertThat(h.get("ems", "/v1/dr/programs", "pageSize=1001").code()).isEqualTo("BAD_REQUEST");
        assertThat(h.get("ems", "/v1/meters/{meterId}/intervals", "from=yesterday", "MTR-A").code()).isEqualTo("BAD_REQUEST");
        assertThat(h.get("ems", "/v1/dr/baselines/{assetId}", "date=23.03.2026&program=P-1", "MTR-A").code()).isEqualTo("BAD_REQUEST");
        assertThat(h.get("ems", "/v1/dr/baselines/{assetId}", "date=2026-03-23", "MTR-A").code()).isEqualTo("BAD_REQUEST");
        assertThat(h.get("ems", "/v1/dr/baselines/{assetId}", "date=2026-03-23&program=rule-1", "MTR-A").code()).isEqualTo("INSUFFICIENT_HISTORY");
        assertThat(h.get("ems", "/v1/meters/{meterId}/audit", "to=x", "MTR-A").code()).isEqualTo("BAD_REQUEST");
        assertThat(h.get("ems", "/v1/meters/{meterId}/audit", "", "MTR-X").code()).isEqualTo("NOT_FOUND");
        assertThat(h.get("ems", "/v1/meters/{meterId}/audit", "", "missing-1").code()).isEqualTo("NOT_FOUND");
        assertThat(h.get("ems", "/v1/meters/{meterId}/audit", "", "MTR-A").json().path("ok").asBoolean()).isFalse();
        // the device reads through its own Fabric identity, the EMS through the member's client identity
        h.get("devA", "/v1/assets/{assetId}", "", "MTR-A");
        assertThat(h.ledger.identitiesUsed).contains("dev-MTR-A", "client");
        final JsonNode page = h.get("ems", "/v1/dr/events", "").json();
        assertThat(page.path("bookmark").asText()).isEqualTo("next");
        assertThat(h.get("ems", "/v1/dr/events", "bookmark=next").json().path("bookmark").asText()).isEmpty();
    }

    @Test
    void theOcppRecords() throws Exception {
        OcppApiTest.everyStatus(h); // the charging stations' reads, here too for the coverage check (decision 0023)
    }

    @Test
    void theDashboardAndItsLiveChannel() {
        DashboardApiTest.everyStatus(h); // the dashboard's routes, here too for the coverage check (decision 0023)
    }

    @Test
    void whenTheGatewaysOwnStoreFailsNothingIsAcknowledged() throws Exception {
        h.credentials.close();
        final Res r = h.post("ems", "/v1/meters/{meterId}/samples", samples(T0 + 1, 1), Map.of(), "MTR-A");
        assertThat(r.code()).isEqualTo("INTERNAL");
        assertThat(h.store.samples("MTR-A", T0, T0 + Q)).isEmpty();
        assertThat(h.post("ems", "/v1/samples", "{\"meters\":[{\"meterId\":\"MTR-A\",\"samples\":[]}]}", Map.of()).code()).isEqualTo("INTERNAL");
        for (final String route : List.of("/ready", "/metrics", "/v1/whoami")) {
            assertThat(h.get("ems", route, "").code()).as(route).isEqualTo("INTERNAL");
        }
        assertThat(h.get(null, "/health", "").status()).isEqualTo(200);
    }
}
