package energy.flexledger.client.http;

import energy.flexledger.client.http.RestApi.Access;
import energy.flexledger.client.http.RestApi.Reply;
import energy.flexledger.spec.ErrorCode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

/**
 * The OCPP central system's records on the REST API (decisions 0023 and 0024): {@code GET
 * /v1/ocpp/stations}, {@code /v1/ocpp/sessions} and {@code /v1/ocpp/profiles}, paged like the other
 * lists ({@code pageSize}, {@code bookmark}). They are the member's own operational data, kept by
 * its gateway and not on the ledger, so they are read as {@code /metrics} is: EMS and BMS
 * credentials only. A device credential reads none of them (a station's records are not one asset's
 * data the way a meter's intervals are, and a station speaks OCPP, not this API).
 */
final class OcppRoutes {
    private OcppRoutes() {
    }

    static void add(final RestApi api, final JavalinConfig config) {
        api.get(config, "/v1/ocpp/stations", Access.MEMBER,
                call -> Reply.ok(api.ocpp().stations(RestApi.pageSize(call.ctx()), RestApi.bookmark(call.ctx()))));
        api.get(config, "/v1/ocpp/sessions", Access.MEMBER, call -> Reply.ok(api.ocpp().sessions(station(call.ctx()),
                RestApi.pageSize(call.ctx()), RestApi.bookmark(call.ctx()))));
        api.get(config, "/v1/ocpp/profiles", Access.MEMBER, call -> Reply.ok(api.ocpp().profiles(station(call.ctx()), active(call.ctx()),
                RestApi.pageSize(call.ctx()), RestApi.bookmark(call.ctx()))));
    }

    /** The {@code stationId} filter, or null. */
    private static String station(final Context ctx) {
        final String s = ctx.queryParam("stationId");
        return s == null || s.isEmpty() ? null : s;
    }

    /** The {@code active} filter: true, false, or null (absent: every profile). */
    private static Boolean active(final Context ctx) {
        final String a = ctx.queryParam("active");
        if (a == null || a.isEmpty()) {
            return null;
        }
        return switch (a) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new Problem(ErrorCode.BAD_REQUEST, "active must be true or false, was '" + a + "'");
        };
    }
}
