package energy.flexledger.client.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.SaltStore;
import energy.flexledger.client.ingest.SampleMessages;
import energy.flexledger.client.store.MemberStore;
import energy.flexledger.spec.ErrorCode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The REST API on a random port for the unit tests: a real member store and credential table in a
 * temp folder, a real {@link SampleMessages}, the {@link FakeLedger} behind it, and Java's
 * HttpClient. Every answer is checked against the OpenAPI document before the test sees it.
 * Credentials: {@code ems}, {@code bms}, {@code devA} (asset MTR-A), {@code devB} (asset MTR-B),
 * {@code revoked} (an EMS credential, revoked) and {@code broken} (an EMS credential whose identity
 * cannot be loaded).
 */
final class ApiHarness implements AutoCloseable {
    static final long Q = 900_000L;
    static final long T0 = 1_767_225_600_000L;

    final MemberStore store;
    final GatewayStore credentials;
    final SaltStore salts;
    final FakeLedger ledger = new FakeLedger();
    final GatewayMetrics metrics;
    final RestApi api;
    final Map<String, String> tokens = new LinkedHashMap<>();
    /** The API's access log. */
    final List<Map<String, Object>> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The API's log of internal errors. */
    final List<Map<String, Object>> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The clock of the OCPP records (which charging profiles are active now). */
    final java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(T0 + 10 * Q);
    /** The member store's file: the OCPP central system's ocpp.db is beside it. */
    final Path storeFile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Res(int status, String contentType, byte[] body, java.net.http.HttpHeaders headers) {
        JsonNode json() {
            try {
                return ApiContract.JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + text(), e);
            }
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String code() {
            return json().path("code").asText();
        }
    }

    ApiHarness(final Path dir) throws IOException {
        this(dir, RestApi.DEFAULT_MAX_BODY_BYTES);
    }

    ApiHarness(final Path dir, final long maxBody) throws IOException {
        this(dir, maxBody, null);
    }

    /** With {@code tls}: the API serves HTTPS (the harness's own requests, plain HTTP, are then not usable). */
    ApiHarness(final Path dir, final long maxBody, final RestApi.Tls tls) throws IOException {
        storeFile = dir.resolve("member.db");
        store = MemberStore.open(storeFile);
        credentials = GatewayStore.open(dir.resolve("member.db"));
        salts = new SaltStore(dir.resolve("salts"));
        for (final String m : List.of("MTR-A", "MTR-B", "MTR-PARK", "MTR-BADSALT")) {
            salts.create(m);
        }
        final SampleMessages messages = new SampleMessages(store, salts, (s, salt, meterId, first) -> {
            if (meterId.equals("MTR-PARK")) {
                throw new LedgerException(null, "GetHead failed: the peer is not reachable", null, true, null);
            }
            if (meterId.equals("MTR-BADSALT")) {
                throw new LedgerException(ErrorCode.BAD_SALT, "BAD_SALT: the salt does not match the registration's commitment", null, false, null);
            }
            s.track(meterId, salt, Q, Math.floorDiv(first - 1, Q) * Q);
        });
        metrics = new GatewayMetrics(store, () -> T0 + 10 * Q);
        messages.observe(metrics::sampled);
        tokens.put("ems", credentials.create("ems-1", GatewayStore.Kind.EMS, List.of(), "client"));
        tokens.put("bms", credentials.create("bms-1", GatewayStore.Kind.BMS, List.of(), "client"));
        tokens.put("devA", credentials.create("meter-a", GatewayStore.Kind.DEVICE, List.of("MTR-A"), "dev-MTR-A"));
        tokens.put("devB", credentials.create("meter-b", GatewayStore.Kind.DEVICE, List.of("MTR-B"), "dev-MTR-B"));
        tokens.put("revoked", credentials.create("old-ems", GatewayStore.Kind.EMS, List.of(), "client"));
        credentials.revoke("old-ems");
        tokens.put("broken", credentials.create("broken-ems", GatewayStore.Kind.EMS, List.of(), "broken"));
        api = new RestApi(credentials, store, salts, messages, ledger, metrics, maxBody).logTo(log::add).logErrorsTo(errors::add)
                .ocpp(OcppRecords.beside(storeFile, now::get)).start("127.0.0.1", 0, tls);
    }

    /** {@code route} with its {path parameters} replaced by {@code args}, in order. */
    static String path(final String route, final String... args) {
        String p = route;
        for (final String a : args) {
            final int open = p.indexOf('{');
            p = p.substring(0, open) + java.net.URLEncoder.encode(a, StandardCharsets.UTF_8).replace("+", "%20") + p.substring(p.indexOf('}', open) + 1);
        }
        assertThat(p).doesNotContain("{");
        return p;
    }

    Res get(final String who, final String route, final String query, final String... args) {
        return send("GET", who, route, query, null, null, Map.of(), args);
    }

    Res post(final String who, final String route, final String body, final Map<String, String> headers, final String... args) {
        return send("POST", who, route, "", "application/json", body.getBytes(StandardCharsets.UTF_8), headers, args);
    }

    /**
     * Sends a request as credential {@code who} (null: none; a key of {@link #tokens}, or a raw
     * header value starting with "raw:") and checks the answer against the document.
     */
    Res send(final String method, final String who, final String route, final String query, final String contentType, final byte[] body,
            final Map<String, String> headers, final String... args) {
        final URI uri = URI.create("http://127.0.0.1:" + api.port() + path(route, args) + (query == null || query.isEmpty() ? "" : "?" + query));
        final HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        if (who != null) {
            b.header("Authorization", who.startsWith("raw:") ? who.substring(4) : "Bearer " + tokens.get(who));
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        headers.forEach(b::header);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        final HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AssertionError(method + " " + uri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        final String type = r.headers().firstValue("Content-Type").orElse("");
        final List<String> wrong = ApiContract.violations(method, route, r.statusCode(), type, r.body());
        assertThat(wrong).as("%s %s answered %d %s %s: not as the OpenAPI document says", method, uri, r.statusCode(), type,
                new String(r.body(), StandardCharsets.UTF_8)).isEmpty();
        if (r.statusCode() >= 400) {
            // A problem's status member is the response's status, and its code maps to it.
            final Res res = new Res(r.statusCode(), type, r.body(), r.headers());
            assertThat(res.json().path("status").asInt()).isEqualTo(r.statusCode());
            assertThat(Problem.statusOf(res.code())).isEqualTo(r.statusCode());
            assertThat(res.json().path("type").asText()).isEqualTo(Problem.TYPE_PREFIX + res.code());
        }
        ApiContract.SEEN.add(ApiContract.key(method, route, Integer.toString(r.statusCode())));
        return new Res(r.statusCode(), type, r.body(), r.headers());
    }

    /** A request outside the document's operations: not checked against it. */
    Res raw(final String method, final String path, final String who) {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (who != null) {
            b.header("Authorization", "Bearer " + tokens.get(who));
        }
        try {
            final HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Res(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r.headers());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() throws IOException {
        api.close();
        ledger.close();
        try {
            credentials.close();
        } finally {
            store.close();
        }
    }
}
