package energy.flexledger.client.http;

import energy.flexledger.client.LedgerException;
import energy.flexledger.client.SaltStore;
import energy.flexledger.client.http.GatewayStore.Credential;
import energy.flexledger.client.http.GatewayStore.Kind;
import energy.flexledger.client.ingest.SampleMessages;
import energy.flexledger.client.store.GroupCommitter;
import energy.flexledger.client.store.MemberStore;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1Verifier;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecException;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The member gateway's REST API (docs/decisions/0021-gateway-rest-api.md), on Javalin. The contract
 * is the hand-written OpenAPI 3.1 document {@code /openapi.json} (resource {@code http/openapi.json});
 * the API tests hold every answer of this class against it.
 *
 * <p>Every request but {@code /health}, {@code /openapi.json}, {@code /docs} and the dashboard's files
 * ({@code /}, {@code /dashboard}: {@link DashboardRoutes}, decision 0023) carries a bearer
 * token: its credential decides what the request may do (an EMS or BMS acts for the member, a device
 * only for its own assets) and which of the member's Fabric identities reads the ledger. Samples are
 * answered only after the member store committed them ({@link SampleMessages#handle}), as MQTT
 * messages are acknowledged.
 */
public final class RestApi implements AutoCloseable {
    /** The largest request body taken by default: a batch of about 40,000 samples. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    /** Meters in one batch at most. */
    public static final int MAX_BATCH_METERS = 1000;
    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 1000;
    static final String TRANSPORT = "http";
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,128}");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    /** Who may call an operation. */
    enum Access {
        /** anyone, without a credential */
        ANONYMOUS,
        /** any valid credential */
        ANY,
        /** EMS and BMS credentials: the member's data */
        MEMBER,
        /** EMS and BMS credentials, and a device credential bound to the asset named by the path parameter */
        ASSET
    }

    @FunctionalInterface
    interface Operation {
        Reply run(Call call) throws Exception;
    }

    /** One request as an operation sees it. */
    record Call(Context ctx, Credential credential, LedgerReads.Source ledger) {
        LedgerReads reads() throws IOException {
            return ledger.as(credential.identity());
        }

        String path(final String name) {
            return ctx.pathParam(name);
        }
    }

    /** An answer: status, content type, body. */
    record Reply(int status, String contentType, byte[] body) {
        static Reply json(final int status, final Object value) {
            return new Reply(status, "application/json", Json.write(value).getBytes(StandardCharsets.UTF_8));
        }

        static Reply ok(final Object value) {
            return json(200, value);
        }

        /** The operation wrote the response itself (a stream): nothing more to write. */
        static final Reply STREAMED = new Reply(200, "text/event-stream", null);
    }

    final GatewayStore credentials;
    private final MemberStore store;
    private final SaltStore salts;
    private final SampleMessages messages;
    private final LedgerReads.Source ledger;
    private final GatewayMetrics metrics;
    private final long maxBodyBytes;
    private final byte[] openApi;
    private final byte[] docsHtml;
    /**
     * Writes go through one writer thread that commits every request waiting as one transaction
     * (group commit): the request's samples, and the answer to its idempotency key, together.
     */
    private GroupCommitter committer;
    /** The most samples one commit takes: bounds how long the first request of a commit waits. */
    static final long SAMPLES_PER_COMMIT = 20_000;
    private Javalin app;
    /** The live channel of /v1/events (decision 0023): the gateway's block follower publishes to it. */
    private final LiveNotices notices;
    final Dashboard dashboard = new Dashboard();
    /** The member's MSP id, as /v1/whoami tells the dashboard (null: not told). */
    private volatile String member;
    /** The OCPP central system's records that /v1/ocpp serves ({@link OcppRoutes}): none until {@link #ocpp(OcppRecords)}. */
    private volatile OcppRecords ocpp = OcppRecords.none();
    /** Where the access log goes: one JSON line per request (the gateway's standard output), or nowhere. */
    private volatile java.util.function.Consumer<Map<String, Object>> accessLog = line -> { };

    /** Where the specifics of internal errors go (never to the client): standard error unless {@link #logErrorsTo}. */
    private volatile java.util.function.Consumer<Map<String, Object>> errorLog = line -> {
        System.err.println(Json.write(line));
        System.err.flush();
    };

    /** One structured line per request: time is added by the log; method, route, path, status, ms, credential, code of a problem. */
    public RestApi logTo(final java.util.function.Consumer<Map<String, Object>> log) {
        this.accessLog = log;
        return this;
    }

    /** One structured line per internal error (500): its request id, path and what failed; the client hears only the request id. */
    public RestApi logErrorsTo(final java.util.function.Consumer<Map<String, Object>> log) {
        this.errorLog = log;
        return this;
    }

    public RestApi(final GatewayStore credentials, final MemberStore store, final SaltStore salts, final SampleMessages messages,
            final LedgerReads.Source ledger, final GatewayMetrics metrics, final long maxBodyBytes) {
        this.credentials = credentials;
        this.store = store;
        this.salts = salts;
        this.messages = messages;
        this.ledger = ledger;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
        this.openApi = openApiDocument();
        this.docsHtml = ApiDocs.render(new String(openApi, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        this.notices = new LiveNotices();
    }

    /** The live channel that /v1/events streams: publish a notice per committed block to it. */
    public LiveNotices notices() {
        return notices;
    }

    /** The member's MSP id, which /v1/whoami adds to the credential (the dashboard lists the member's assets by it). */
    public RestApi member(final String mspId) {
        this.member = mspId;
        return this;
    }

    /** The OCPP records (ocpp.db beside the member store) that /v1/ocpp reads; the API closes them when it closes. */
    public RestApi ocpp(final OcppRecords records) {
        this.ocpp = records;
        return this;
    }

    OcppRecords ocpp() {
        return ocpp;
    }

    /** The OpenAPI document as the gateway serves it (a resource of the jar). */
    public static byte[] openApiDocument() {
        try (InputStream in = RestApi.class.getResourceAsStream("/http/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("the resource http/openapi.json is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's certificate and key for HTTPS: a PKCS12 keystore and its password. */
    public record Tls(Path keystore, String password) {
        public Tls {
            java.util.Objects.requireNonNull(keystore, "keystore");
            java.util.Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Tls[keystore=" + keystore + "]"; // never the password
        }
    }

    /** Starts serving plain HTTP on {@code host:port} (port 0: any free port, see {@link #port()}). */
    public RestApi start(final String host, final int port) {
        return start(host, port, null);
    }

    /**
     * Starts serving on {@code host:port} (port 0: any free port, see {@link #port()}): HTTPS with
     * the keystore's certificate when {@code tls} is given, else plain HTTP.
     */
    public RestApi start(final String host, final int port, final Tls tls) {
        // The writer takes the messages' lock before the store's, as MQTT and the outbox loop do: one lock order.
        committer = new GroupCommitter(store, SAMPLES_PER_COMMIT, messages).observeCommits(metrics::committed);
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = maxBodyBytes;
            config.http.prefer405over404 = true; // a known path with another method: 405 and Allow, not 404
            // Graceful stop: Jetty stops accepting, lets requests in flight finish (up to 20 s), then stops.
            config.jetty.modifyServer(server -> server.setStopTimeout(20_000));
            if (tls != null) {
                // Our own connector replaces Javalin's plain one: TLS, then HTTP/1.1 on the same host and port.
                config.jetty.addConnector((server, httpConfig) -> {
                    httpConfig.addCustomizer(new SecureRequestCustomizer());
                    final SslContextFactory.Server ssl = new SslContextFactory.Server();
                    ssl.setKeyStorePath(tls.keystore().toAbsolutePath().toString());
                    ssl.setKeyStoreType("PKCS12");
                    ssl.setKeyStorePassword(tls.password());
                    final ServerConnector connector = new ServerConnector(server, ssl, new HttpConnectionFactory(httpConfig));
                    connector.setHost(host);
                    connector.setPort(port);
                    return connector;
                });
            }
            routes(config);
        });
        app.start(host, port);
        return this;
    }

    public int port() {
        return app.port();
    }

    /** Stops accepting, finishes the requests in flight, then returns. */
    @Override
    public void close() {
        notices.close(); // open streams end first: the graceful stop waits for requests in flight
        if (app != null) {
            app.stop();
            app = null;
        }
        // After Jetty: the requests in flight were answered, so their commits are done.
        if (committer != null) {
            committer.close();
            committer = null;
        }
        ocpp.close();
    }

    // ------------------------------------------------------------------ routes

    private void routes(final JavalinConfig config) {
        get(config, "/health", Access.ANONYMOUS, call -> Reply.ok(Map.of("status", "UP")));
        get(config, "/ready", Access.ANY, this::ready);
        get(config, "/metrics", Access.MEMBER, call -> new Reply(200, GatewayMetrics.CONTENT_TYPE, metrics.scrape()));
        get(config, "/openapi.json", Access.ANONYMOUS, call -> new Reply(200, "application/json", openApi));
        get(config, "/docs", Access.ANONYMOUS, call -> new Reply(200, "text/html; charset=utf-8", docsHtml));
        get(config, "/v1/whoami", Access.ANY, call -> {
            final Map<String, Object> who = call.credential().toMap();
            if (member != null) {
                who.put("member", member);
            }
            return Reply.ok(who);
        });
        DashboardRoutes.add(this, config);
        OcppRoutes.add(this, config);

        post(config, "/v1/meters/{meterId}/samples", this::samples);
        post(config, "/v1/samples", this::batch);

        get(config, "/v1/assets", Access.MEMBER, call -> {
            final String by = by(call.ctx(), List.of("owner", "zone", "type"));
            return Reply.ok(call.reads().assets(by, required(call.ctx(), "value"), pageSize(call.ctx()), bookmark(call.ctx())));
        });
        get(config, "/v1/assets/{assetId}", Access.ASSET, call -> Reply.ok(call.reads().asset(call.path("assetId"))));
        get(config, "/v1/meters/{meterId}", Access.ASSET, call -> Reply.ok(call.reads().meter(call.path("meterId"))));
        get(config, "/v1/meters/{meterId}/intervals", Access.ASSET, call -> {
            final long from = longParam(call.ctx(), "from", 0L);
            final long to = longParam(call.ctx(), "to", Long.MAX_VALUE);
            return Reply.ok(call.reads().intervals(call.path("meterId"), from, to, pageSize(call.ctx()), bookmark(call.ctx())));
        });
        get(config, "/v1/meters/{meterId}/audit", Access.ASSET, this::audit);

        get(config, "/v1/batches", Access.MEMBER, call -> Reply.ok(call.reads().batches(by(call.ctx(), null), required(call.ctx(), "value"),
                pageSize(call.ctx()), bookmark(call.ctx()))));
        get(config, "/v1/batches/{batchId}", Access.MEMBER, call -> Reply.ok(call.reads().batch(call.path("batchId"))));
        get(config, "/v1/subscriptions", Access.MEMBER, call -> Reply.ok(call.reads().subscriptions(
                by(call.ctx(), List.of("topic", "provider", "consumer")), required(call.ctx(), "value"), pageSize(call.ctx()), bookmark(call.ctx()))));
        get(config, "/v1/subscriptions/{subscriptionId}", Access.MEMBER, call -> Reply.ok(call.reads().subscription(call.path("subscriptionId"))));

        get(config, "/v1/dr/programs", Access.MEMBER, call -> Reply.ok(call.reads().programs(pageSize(call.ctx()), bookmark(call.ctx()))));
        get(config, "/v1/dr/programs/{programId}", Access.MEMBER, call -> Reply.ok(call.reads().program(call.path("programId"))));
        get(config, "/v1/dr/events", Access.MEMBER, call -> Reply.ok(call.reads().events(pageSize(call.ctx()), bookmark(call.ctx()))));
        get(config, "/v1/dr/events/{eventId}", Access.MEMBER, call -> Reply.ok(call.reads().event(call.path("eventId"))));
        get(config, "/v1/dr/events/{eventId}/commitments", Access.MEMBER, call -> Reply.ok(call.reads().commitments(call.path("eventId"))));
        get(config, "/v1/dr/events/{eventId}/settlements/{assetId}", Access.ASSET,
                call -> Reply.ok(call.reads().settlement(call.path("eventId"), call.path("assetId"))));
        get(config, "/v1/dr/baselines/{assetId}", Access.ASSET, call -> {
            final String date = required(call.ctx(), "date");
            if (!DATE.matcher(date).matches()) {
                throw new Problem(ErrorCode.BAD_REQUEST, "date must be a local date YYYY-MM-DD, was '" + date + "'");
            }
            return Reply.ok(call.reads().baseline(call.path("assetId"), date, required(call.ctx(), "program")));
        });

        get(config, "/v1/market/requests", Access.MEMBER, call -> Reply.ok(call.reads().requests(pageSize(call.ctx()), bookmark(call.ctx()))));
        get(config, "/v1/market/requests/{requestId}", Access.MEMBER, call -> Reply.ok(call.reads().request(call.path("requestId"))));
        get(config, "/v1/market/requests/{requestId}/offers", Access.MEMBER, call -> Reply.ok(call.reads().offers(call.path("requestId"))));
        get(config, "/v1/market/requests/{requestId}/clearing", Access.MEMBER, call -> Reply.ok(call.reads().clearing(call.path("requestId"))));
        get(config, "/v1/market/requests/{requestId}/payment", Access.MEMBER, call -> Reply.ok(call.reads().payment(call.path("requestId"))));

        get(config, "/v1/tokens/balances/{account}", Access.MEMBER, call -> Reply.ok(call.reads().balance(call.path("account"))));

        // What no route matches, and what Javalin itself refuses (a body over the limit), as problems too.
        config.routes.exception(HttpResponseException.class, (e, ctx) -> {
            if (e.getStatus() == 405) {
                // The path exists for other methods: say which (Javalin lists them in the details).
                final String allow = String.join(", ", new java.util.TreeSet<>(e.getDetails().values()));
                ctx.header("Allow", allow);
                write(ctx, problem(new Problem(Problem.METHOD_NOT_ALLOWED, ctx.method() + " is not an operation of " + ctx.path()
                        + "; it takes " + allow), ctx.path()));
                return;
            }
            final Problem p = e.getStatus() == 413 ? tooLarge() : new Problem(e.getStatus() == 404 ? "NOT_FOUND" : "BAD_REQUEST", e.getMessage());
            write(ctx, problem(p, ctx.path()));
        });
        config.routes.exception(Exception.class, (e, ctx) -> write(ctx, problem(problemOf(e, ctx), ctx.path())));
        config.routes.error(404, "*", ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                write(ctx, problem(new Problem(ErrorCode.NOT_FOUND, "no operation " + ctx.method() + " " + ctx.path()
                        + "; /openapi.json lists them"), ctx.path()));
            }
        });
    }

    void get(final JavalinConfig config, final String route, final Access access, final Operation op) {
        config.routes.get(route, ctx -> serve(ctx, route, access, op));
    }

    /** Writes: authenticated (ASSET rules are the operation's own: they name meters in the body), idempotent by key. */
    private void post(final JavalinConfig config, final String route, final Write write) {
        config.routes.post(route, ctx -> serve(ctx, route, Access.ANY, call -> idempotent(call, write)));
    }

    /**
     * A write in two steps: {@link #prepare} checks the request on the request's own thread (shape,
     * rights, registration: bad input is refused before the writer sees it), and the returned
     * {@link Prepared} runs inside the writer's transaction.
     */
    @FunctionalInterface
    interface Write {
        Prepared prepare(Call call) throws Exception;
    }

    /** A checked write: its weight (samples) and its work inside the writer's transaction. */
    record Prepared(long weight, GroupCommitter.Unit<Reply> commit) {
    }

    /** What the writer answered: the reply, and whether it repeats the first answer to the request's idempotency key. */
    private record Committed(Reply reply, boolean replayed) {
    }

    private void serve(final Context ctx, final String route, final Access access, final Operation op) {
        final long start = System.nanoTime();
        Reply reply;
        Credential credential = null;
        String code = null;
        try {
            credential = access == Access.ANONYMOUS ? null : authenticate(ctx);
            if (credential != null) {
                authorize(ctx, credential, access);
            }
            reply = op.run(new Call(ctx, credential, ledger));
        } catch (Exception e) {
            final Problem p = problemOf(e, ctx);
            code = p.code();
            reply = problem(p, ctx.path());
            if (reply.status() == 401) {
                ctx.header("WWW-Authenticate", "Bearer realm=\"flexledger\"");
            }
        }
        write(ctx, reply);
        final long nanos = System.nanoTime() - start;
        metrics.request(ctx.method().name(), route, reply.status(), nanos);
        final Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", "http");
        line.put("method", ctx.method().name());
        line.put("route", route);
        line.put("path", ctx.path());
        line.put("status", (long) reply.status());
        line.put("ms", String.format(java.util.Locale.ROOT, "%.2f", nanos / 1e6));
        if (credential != null) {
            line.put("credential", credential.name());
        }
        if (code != null) {
            line.put("error", code);
        }
        accessLog.accept(line);
    }

    private static void write(final Context ctx, final Reply reply) {
        if (reply.body() == null) {
            return; // streamed: the response is already written and committed
        }
        ctx.status(reply.status());
        ctx.contentType(reply.contentType());
        ctx.result(reply.body());
    }

    static Reply problem(final Problem p, final String instance) {
        return new Reply(p.status(), Problem.CONTENT_TYPE, Json.write(p.toMap(instance)).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * What went wrong, as the client hears it: an internal error (500) only as a generic detail with
     * a request id, its specifics (paths, messages of the store or the JVM) logged under that id.
     */
    private Problem problemOf(final Exception e, final Context ctx) {
        final Problem p = asProblem(e);
        if (p.status() != 500) {
            return p;
        }
        final String requestId = java.util.UUID.randomUUID().toString();
        final Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", "internal error");
        line.put("requestId", requestId);
        line.put("method", ctx.method().name());
        line.put("path", ctx.path());
        line.put("detail", p.getMessage());
        line.put("error", String.valueOf(e));
        if (e.getCause() != null) {
            line.put("cause", String.valueOf(e.getCause()));
        }
        errorLog.accept(line);
        return new Problem(p.code(), "the gateway failed (nothing was acknowledged); its log has the details under request id " + requestId);
    }

    /** What went wrong, as a problem: the ledger's and the spec's codes kept as they are (500s with their specifics: see problemOf). */
    static Problem asProblem(final Exception e) {
        if (e instanceof Problem p) {
            return p;
        }
        if (e instanceof SpecException s) {
            return new Problem(s.code(), s.detail());
        }
        if (e instanceof LedgerException l) {
            return l.code().isPresent() ? new Problem(l.code().get(), l.getMessage())
                    : new Problem(Problem.UNAVAILABLE, "the ledger did not answer: " + l.getMessage());
        }
        if (e instanceof HttpResponseException h && h.getStatus() == 413) {
            return tooLarge();
        }
        if (e instanceof IOException) {
            return new Problem(Problem.INTERNAL, "the gateway could not complete the request (nothing was acknowledged): " + e.getMessage());
        }
        return new Problem(Problem.INTERNAL, "the gateway failed (nothing was acknowledged): " + e);
    }

    private static Problem tooLarge() {
        return new Problem(Problem.PAYLOAD_TOO_LARGE, "the request body is larger than the gateway takes (--http-max-body)");
    }

    // ------------------------------------------------------------------ authentication and rights

    private Credential authenticate(final Context ctx) throws IOException {
        final String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw new Problem(Problem.UNAUTHENTICATED, "this operation needs a bearer token: Authorization: Bearer <token>"
                    + " (flexledger credential create makes one)");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new Problem(Problem.UNAUTHENTICATED, "the Authorization header must be 'Bearer <token>'");
        }
        final String token = header.substring(7).trim();
        final Optional<Credential> c = credentials.authenticate(token);
        if (c.isEmpty()) {
            throw new Problem(Problem.UNAUTHENTICATED, credentials.isRevokedToken(token) ? "the credential of this token is revoked"
                    : "unknown token");
        }
        return c.get();
    }

    private static void authorize(final Context ctx, final Credential c, final Access access) {
        if (c.kind() == Kind.CONSUMER) {
            throw new Problem(ErrorCode.ACCESS_DENIED, "consumer credential '" + c.name() + "' reads its subscribed data topics over MQTT"
                    + " only (decision 0022)");
        }
        if (c.kind() != Kind.DEVICE || access == Access.ANY) {
            return;
        }
        if (access == Access.ASSET) {
            final String asset = ctx.pathParamMap().containsKey("assetId") ? ctx.pathParam("assetId") : ctx.pathParam("meterId");
            if (c.assets().contains(asset)) {
                return;
            }
            throw new Problem(ErrorCode.ACCESS_DENIED, "device credential '" + c.name() + "' reads only its own assets " + c.assets());
        }
        throw new Problem(ErrorCode.ACCESS_DENIED, "device credential '" + c.name() + "' reads only its own assets' data; this operation"
                + " needs an ems or bms credential");
    }

    /** A device writes only its own assets' samples; the meter must be one of the member's (its salt is here). */
    private void mayWrite(final Credential c, final String meterId) throws IOException {
        if (c.kind() == Kind.CONSUMER) {
            throw new Problem(ErrorCode.ACCESS_DENIED, "consumer credential '" + c.name() + "' writes nothing");
        }
        if (c.kind() == Kind.DEVICE && !c.assets().contains(meterId)) {
            throw new Problem(ErrorCode.ACCESS_DENIED, "device credential '" + c.name() + "' writes only the samples of its own assets "
                    + c.assets() + ", not of '" + meterId + "'");
        }
        if (!salts.exists(meterId)) {
            throw new Problem(ErrorCode.NOT_FOUND, "meter '" + meterId + "' was not registered from this member (no salt for it)");
        }
    }

    // ------------------------------------------------------------------ operations

    private Reply ready(final Call call) {
        try {
            final long height = call.reads().height();
            return Reply.ok(Map.of("status", "READY", "height", height));
        } catch (LedgerException | IOException e) {
            throw new Problem(Problem.UNAVAILABLE, "the ledger is not reachable: " + e.getMessage());
        }
    }

    /**
     * Checks the write, then, in the writer's transaction: repeats the first answer to its
     * idempotency key, refuses the key with another request, or runs it and keeps its answer with
     * it (unless the gateway failed) — the samples and the answer are committed together.
     */
    private Reply idempotent(final Call call, final Write write) throws Exception {
        final Context ctx = call.ctx();
        final byte[] body = body(ctx);
        final String key = ctx.header("Idempotency-Key");
        if (key != null && !IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw new Problem(ErrorCode.BAD_REQUEST, "Idempotency-Key must be 1 to 128 visible ASCII characters");
        }
        final byte[] hash = key == null ? null : requestHash(ctx.method().name(), ctx.path(), body);
        final String credential = call.credential().name();
        final String path = ctx.path();
        final Prepared prepared = write.prepare(call);
        final Committed done = committer.submit(() -> {
            if (key != null) {
                final Optional<MemberStore.Answer> seen = store.answer(credential, key);
                if (seen.isPresent()) {
                    if (!java.security.MessageDigest.isEqual(seen.get().requestHash(), hash)) {
                        return new Committed(problem(new Problem(ErrorCode.CONFLICT, "Idempotency-Key '" + key + "' was used for another"
                                + " request; use a new key for a new request"), path), false);
                    }
                    final MemberStore.Answer a = seen.get();
                    return new Committed(new Reply(a.status(), a.contentType(), a.body()), true);
                }
            }
            Reply reply;
            try {
                reply = prepared.commit().run();
            } catch (Problem | SpecException e) {
                // A rule of the request (what the store kept of it stays: a refused message is kept with its reason).
                reply = problem(asProblem(e), path);
            }
            if (key != null && reply.status() < 500) {
                store.rememberAnswer(credential, key, new MemberStore.Answer(hash, reply.status(), reply.contentType(), reply.body()));
            }
            return new Committed(reply, false);
        }, prepared.weight());
        if (done.replayed()) {
            ctx.header("Idempotent-Replayed", "true");
        }
        return done.reply();
    }

    static byte[] requestHash(final String method, final String path, final byte[] body) {
        final byte[] head = (method + " " + path + "\n").getBytes(StandardCharsets.UTF_8);
        final byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return GatewayStore.sha256(all);
    }

    private byte[] body(final Context ctx) {
        final String type = ctx.contentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new Problem(Problem.UNSUPPORTED_MEDIA_TYPE, "a write's body must be application/json, was " + (type == null ? "none" : "'" + type + "'"));
        }
        final long declared = ctx.contentLength();
        if (declared > maxBodyBytes) {
            drain(ctx, declared);
            throw tooLarge();
        }
        final byte[] body = ctx.bodyAsBytes();
        if (body.length > maxBodyBytes) {
            throw tooLarge();
        }
        return body;
    }

    /** The most a refused body is read (and dropped) so that the client hears the 413 instead of a reset connection. */
    static final long DRAIN_LIMIT = 64L * 1024 * 1024;

    private static void drain(final Context ctx, final long declared) {
        ctx.header("Connection", "close");
        if (declared > DRAIN_LIMIT) {
            return;
        }
        try (InputStream in = ctx.req().getInputStream()) {
            final byte[] buffer = new byte[64 * 1024];
            long read = 0;
            int n;
            while (read < DRAIN_LIMIT && (n = in.read(buffer)) >= 0) {
                read += n;
            }
        } catch (IOException e) {
            // the client went away: nobody hears the answer anyway
        }
    }

    /** One meter's samples: the body is MQTT's payload, {@code [[t, v], ...]}. */
    private Prepared samples(final Call call) throws IOException {
        final String meterId = call.path("meterId");
        mayWrite(call.credential(), meterId);
        final byte[] body = call.ctx().bodyAsBytes();
        if (body.length > SampleMessages.MAX_PAYLOAD_BYTES) {
            throw new Problem(Problem.PAYLOAD_TOO_LARGE, "one meter's samples take at most " + SampleMessages.MAX_PAYLOAD_BYTES
                    + " bytes (about 20,000 samples); send several requests or use POST /v1/samples");
        }
        final List<long[]> samples = checkSamples(Json.parse(new String(body, StandardCharsets.UTF_8)), "body");
        if (!samples.isEmpty()) {
            messages.warmUp(meterId, samples.get(0)[0]); // a new meter's ledger read here, not in the writer's transaction
        }
        final List<SampleMessages.Parsed> message = List.of(new SampleMessages.Parsed(SampleMessages.topicOf(meterId), samples, () -> body));
        return new Prepared(samples.size(), () -> {
            final Map<String, Object> result = shaped(messages.handleParsed(message, TRANSPORT).get(0));
            if (result.get("error") instanceof String code) {
                throw new Problem(code, String.valueOf(result.get("message")));
            }
            return Reply.json(Boolean.TRUE.equals(result.get("parked")) ? 202 : 200, result);
        });
    }

    /** Several meters' samples: {@code {"meters": [{"meterId", "samples": [[t, v], ...]}, ...]}}; all checked before any is stored. */
    private Prepared batch(final Call call) throws IOException {
        final Object parsed = Json.parse(new String(call.ctx().bodyAsBytes(), StandardCharsets.UTF_8));
        if (!(parsed instanceof Map<?, ?> doc) || !(doc.get("meters") instanceof List<?> meters)) {
            throw new SpecException(ErrorCode.BAD_JSON, "body must be {\"meters\": [{\"meterId\": ..., \"samples\": [[t, v], ...]}, ...]}");
        }
        if (meters.isEmpty() || meters.size() > MAX_BATCH_METERS) {
            throw new Problem(ErrorCode.BAD_REQUEST, "meters must hold 1 to " + MAX_BATCH_METERS + " entries, held " + meters.size());
        }
        final List<SampleMessages.Parsed> messagesOfBatch = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        long weight = 0;
        for (int i = 0; i < meters.size(); i++) {
            if (!(meters.get(i) instanceof Map<?, ?> m) || !(m.get("meterId") instanceof String id) || id.isEmpty()) {
                throw new SpecException(ErrorCode.BAD_JSON, "meters[" + i + "] must be {\"meterId\": string, \"samples\": [[t, v], ...]}");
            }
            if (!seen.add(id)) {
                throw new Problem(ErrorCode.BAD_REQUEST, "meters[" + i + "]: meter '" + id + "' appears twice; put all its samples in one entry");
            }
            final List<long[]> samples = checkSamples(m.get("samples"), "meters[" + i + "].samples");
            final Object raw = m.get("samples");
            final java.util.function.Supplier<byte[]> payload = () -> Json.write(raw).getBytes(StandardCharsets.UTF_8);
            if ((long) samples.size() * MAX_PAIR_BYTES + 2 > SampleMessages.MAX_PAYLOAD_BYTES) {
                // Possibly too large: measured exactly (rare: thousands of samples for one meter).
                final int size = payload.get().length;
                if (size > SampleMessages.MAX_PAYLOAD_BYTES) {
                    // The whole batch is refused, as the single-meter route refuses such a body: nothing is stored.
                    throw new Problem(Problem.PAYLOAD_TOO_LARGE, "meters[" + i + "]: one meter's samples take at most "
                            + SampleMessages.MAX_PAYLOAD_BYTES + " bytes (about 20,000 samples), meter '" + id + "' sent " + size
                            + "; split them over several requests");
                }
            }
            messagesOfBatch.add(new SampleMessages.Parsed(SampleMessages.topicOf(id), samples, payload));
            weight += samples.size();
        }
        for (final SampleMessages.Parsed p : messagesOfBatch) {
            mayWrite(call.credential(), SampleMessages.meterOf(p.topic()));
        }
        for (final SampleMessages.Parsed p : messagesOfBatch) {
            if (!p.samples().isEmpty()) {
                messages.warmUp(SampleMessages.meterOf(p.topic()), p.samples().get(0)[0]); // new meters' ledger reads outside the writer
            }
        }
        // All meters in one part of the writer's transaction: the request's samples are committed together, answered after it.
        return new Prepared(weight, () -> {
            final List<Object> results = new ArrayList<>();
            for (final Map<String, Object> r : messages.handleParsed(messagesOfBatch, TRANSPORT)) {
                results.add(shaped(r));
            }
            return Reply.ok(Map.of("results", results));
        });
    }

    /** The largest a pair {@code [t, v]} of 64-bit integers is as JSON, with its comma. */
    private static final int MAX_PAIR_BYTES = 2 * 20 + 4;

    /** The shape of a samples array, checked before anything is stored (bad input changes nothing); the pairs. */
    private static List<long[]> checkSamples(final Object samples, final String where) {
        if (!(samples instanceof List<?> list)) {
            throw new SpecException(ErrorCode.BAD_JSON, where + " must be a JSON array of [t, v] pairs");
        }
        final List<long[]> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(Json.pair(list.get(i), where + "[" + i + "]", "[t, v]"));
        }
        return out;
    }

    /** A result as the API answers it: no MQTT topic, and every member of its kind. */
    private static Map<String, Object> shaped(final Map<String, Object> result) {
        result.remove("topic");
        if (!result.containsKey("error") && !result.containsKey("parked")) {
            // an empty message answers only "accepted": every answer of the kind has the same members
            result.putIfAbsent("duplicates", 0L);
            result.putIfAbsent("rejected", List.of());
            result.putIfAbsent("quarantined", 0L);
            result.putIfAbsent("closed", 0L);
        }
        return result;
    }

    /** FP1 audit of the member store's samples against the certified intervals (the CLI's {@code audit}, from the store). */
    private Reply audit(final Call call) throws IOException, LedgerException {
        final String meterId = call.path("meterId");
        final long from = longParam(call.ctx(), "from", 0L);
        final long to = longParam(call.ctx(), "to", Long.MAX_VALUE);
        final List<Map<String, Object>> stored = call.reads().allIntervals(meterId, from, to);
        if (stored.isEmpty()) {
            throw new Problem(ErrorCode.NOT_FOUND, "meter '" + meterId + "' has no certified interval in [" + from + ", " + to + ")");
        }
        if (!salts.exists(meterId)) {
            throw new Problem(ErrorCode.NOT_FOUND, "meter '" + meterId + "' was not registered from this member: its samples are not here");
        }
        final List<Fp1Verifier.CertifiedInterval> records = new ArrayList<>();
        for (final Map<String, Object> r : stored) {
            records.add(Fp1Verifier.CertifiedInterval.fromRecord(r));
        }
        final Fp1Verifier verifier = new Fp1Verifier(salts.read(meterId), meterId, Hex.decode((String) stored.get(0).get("previousLink")), records);
        for (final Map<String, Object> r : stored) {
            for (final long[] s : store.samples(meterId, (Long) r.get("start"), (Long) r.get("end"))) {
                verifier.add(s[0], s[1]);
            }
        }
        final Map<String, Object> report = new LinkedHashMap<>(verifier.finish().toMap());
        report.put("meterId", meterId);
        report.put("intervals", (long) stored.size());
        return Reply.ok(report);
    }

    // ------------------------------------------------------------------ parameters

    private static String required(final Context ctx, final String name) {
        final String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            throw new Problem(ErrorCode.BAD_REQUEST, "query parameter '" + name + "' is required");
        }
        return v;
    }

    private static String by(final Context ctx, final List<String> allowed) {
        final String by = required(ctx, "by");
        if (allowed != null && !allowed.contains(by)) {
            throw new Problem(ErrorCode.BAD_REQUEST, "by must be one of " + allowed + ", was '" + by + "'");
        }
        return by;
    }

    static int pageSize(final Context ctx) {
        final long n = longParam(ctx, "pageSize", DEFAULT_PAGE_SIZE);
        if (n < 1 || n > MAX_PAGE_SIZE) {
            throw new Problem(ErrorCode.BAD_REQUEST, "pageSize must be 1.." + MAX_PAGE_SIZE + ", was " + n);
        }
        return (int) n;
    }

    static String bookmark(final Context ctx) {
        final String b = ctx.queryParam("bookmark");
        return b == null ? "" : b;
    }

    static long longParam(final Context ctx, final String name, final long fallback) {
        final String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new Problem(ErrorCode.BAD_REQUEST, "query parameter '" + name + "' must be an integer, was '" + v + "'");
        }
    }
}
