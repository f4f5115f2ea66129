package energy.flexledger.client.http;

import energy.flexledger.client.http.RestApi.Access;
import energy.flexledger.client.http.RestApi.Reply;
import energy.flexledger.spec.ErrorCode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

/**
 * The dashboard's routes on the REST API (decision 0023): {@code /} redirects to
 * {@code /dashboard}, {@code /dashboard} and {@code /dashboard/{file}} serve the bundled page, its
 * script and style (anonymous: they hold no data), and {@code GET /v1/events} is the live channel,
 * a server-sent-events stream of block notices for EMS and BMS credentials (the page reads it with
 * {@code fetch()} and its bearer token, since an {@code EventSource} cannot send one).
 */
final class DashboardRoutes {
    private DashboardRoutes() {
    }

    static void add(final RestApi api, final JavalinConfig config) {
        api.get(config, "/", Access.ANONYMOUS, call -> {
            call.ctx().header("Location", "/dashboard");
            return new Reply(302, "text/plain; charset=utf-8", new byte[0]);
        });
        api.get(config, "/dashboard", Access.ANONYMOUS, call -> file(api, call.ctx(), "index.html"));
        api.get(config, "/dashboard/{file}", Access.ANONYMOUS, call -> file(api, call.ctx(), call.path("file")));
        api.get(config, "/v1/events", Access.MEMBER, call -> events(api, call));
        api.get(config, "/v1/dr/events/{eventId}/settlements/{assetId}/detail", Access.ASSET,
                call -> Reply.ok(call.reads().settlementDetail(call.path("eventId"), call.path("assetId"))));
    }

    private static Reply file(final RestApi api, final Context ctx, final String name) {
        final Reply r = api.dashboard.file(name);
        if (r == null) {
            throw new Problem(ErrorCode.NOT_FOUND, "the dashboard has no file '" + name + "'; open /dashboard");
        }
        Dashboard.headers().forEach(ctx::header);
        return r;
    }

    /** The live stream: until the client leaves, the gateway stops, {@code limit} notices were sent, or the credential is revoked. */
    private static Reply events(final RestApi api, final RestApi.Call call) {
        final long limit = RestApi.longParam(call.ctx(), "limit", Long.MAX_VALUE);
        if (limit < 1) {
            throw new Problem(ErrorCode.BAD_REQUEST, "limit must be at least 1, was " + limit);
        }
        final String token = call.ctx().header("Authorization").substring(7).trim();
        final BlockingQueue<Map<String, Object>> q = api.notices().subscribe(call.credential().name());
        try {
            final HttpServletResponse res = call.ctx().res();
            res.setStatus(200);
            res.setContentType("text/event-stream; charset=utf-8");
            res.setHeader("Cache-Control", "no-store");
            res.setHeader("X-Accel-Buffering", "no"); // a reverse proxy in front must not buffer the stream
            api.notices().stream(q, res.getOutputStream(), limit, () -> {
                try {
                    return api.credentials.authenticate(token).isPresent();
                } catch (IOException e) {
                    return true; // the credential table could not be read now: keep the stream, check at the next heartbeat
                }
            });
        } catch (IOException e) {
            // the client left: nothing to answer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server stops: the stream ends, its head already sent
        } finally {
            api.notices().unsubscribe(q);
        }
        return Reply.STREAMED;
    }
}
