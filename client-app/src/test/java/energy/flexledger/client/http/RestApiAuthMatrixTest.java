package energy.flexledger.client.http;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.client.http.ApiHarness.Res;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may call what, cell by cell: every operation of the document against every kind of
 * credential — none, a revoked one, the device credential of asset A, that of asset B, an EMS's and
 * a BMS's. The asset-keyed operations name asset A, so the two device columns differ exactly where
 * a device is bound to its asset. Each cell is one request whose status is asserted (and whose
 * answer the harness checks against the document); the table must name every operation.
 */
class RestApiAuthMatrixTest {
    private static final String[] COLUMNS = {"none", "revoked", "devA", "devB", "ems", "bms"};

    /** METHOD route [path args] | expected status per column, in the order of {@link #COLUMNS}. */
    private static final String MATRIX = """
            GET  /health                                          |                 200 200 200 200 200 200
            GET  /openapi.json                                    |                 200 200 200 200 200 200
            GET  /docs                                            |                 200 200 200 200 200 200
            GET  /ready                                           |                 401 401 200 200 200 200
            GET  /metrics                                         |                 401 401 403 403 200 200
            GET  /v1/whoami                                       |                 401 401 200 200 200 200
            POST /v1/meters/{meterId}/samples                     MTR-A             401 401 200 403 200 200
            POST /v1/samples                                      |                 401 401 200 403 200 200
            GET  /v1/assets                                       |                 401 401 403 403 200 200
            GET  /v1/assets/{assetId}                             MTR-A             401 401 200 403 200 200
            GET  /v1/meters/{meterId}                             MTR-A             401 401 200 403 200 200
            GET  /v1/meters/{meterId}/intervals                   MTR-A             401 401 200 403 200 200
            GET  /v1/meters/{meterId}/audit                       MTR-A             401 401 200 403 200 200
            GET  /v1/batches                                      |                 401 401 403 403 200 200
            GET  /v1/batches/{batchId}                            B-1               401 401 403 403 200 200
            GET  /v1/subscriptions                                |                 401 401 403 403 200 200
            GET  /v1/subscriptions/{subscriptionId}               S-1               401 401 403 403 200 200
            GET  /v1/dr/programs                                  |                 401 401 403 403 200 200
            GET  /v1/dr/programs/{programId}                      P-1               401 401 403 403 200 200
            GET  /v1/dr/events                                    |                 401 401 403 403 200 200
            GET  /v1/dr/events/{eventId}                          E-1               401 401 403 403 200 200
            GET  /v1/dr/events/{eventId}/commitments              E-1               401 401 403 403 200 200
            GET  /v1/dr/events/{eventId}/settlements/{assetId}    E-1,MTR-A         401 401 200 403 200 200
            GET  /v1/dr/events/{eventId}/settlements/{assetId}/detail E-1,MTR-A     401 401 200 403 200 200
            GET  /v1/dr/baselines/{assetId}                       MTR-A             401 401 200 403 200 200
            GET  /                                                |                 302 302 302 302 302 302
            GET  /dashboard                                       |                 200 200 200 200 200 200
            GET  /dashboard/{file}                                dashboard.js      200 200 200 200 200 200
            GET  /v1/events                                       |                 401 401 403 403 200 200
            GET  /v1/market/requests                              |                 401 401 403 403 200 200
            GET  /v1/market/requests/{requestId}                  R-1               401 401 403 403 200 200
            GET  /v1/market/requests/{requestId}/offers           R-1               401 401 403 403 200 200
            GET  /v1/market/requests/{requestId}/clearing         R-1               401 401 403 403 200 200
            GET  /v1/market/requests/{requestId}/payment          R-1               401 401 403 403 200 200
            GET  /v1/tokens/balances/{account}                    org:CommunityMSP  401 401 403 403 200 200
            GET  /v1/ocpp/stations                                |                 401 401 403 403 200 200
            GET  /v1/ocpp/sessions                                |                 401 401 403 403 200 200
            GET  /v1/ocpp/profiles                                |                 401 401 403 403 200 200
            """;

    private static final Map<String, String> QUERIES = Map.of(
            "/v1/assets", "by=owner&value=CommunityMSP",
            "/v1/batches", "by=meter&value=MTR-A",
            "/v1/subscriptions", "by=provider&value=CommunityMSP",
            "/v1/dr/baselines/{assetId}", "date=2026-03-23&program=P-1",
            "/v1/events", "limit=1");

    @TempDir
    Path dir;

    @Test
    void everyOperationTimesEveryKindOfCredential() throws Exception {
        final Set<String> covered = new LinkedHashSet<>();
        final List<String> wrong = new ArrayList<>();
        long t = ApiHarness.T0;
        try (ApiHarness h = new ApiHarness(dir)) {
            // a block notice the live stream hands every new subscriber first: limit=1 ends each 200 stream with it
            h.api.notices().publish(Map.of("block", 7L, "channel", "grid", "transactions", 1L, "valid", 1L, "chaincodes", List.of(), "events", List.of()));
            for (final String line : MATRIX.strip().split("\n")) {
                final String[] parts = line.trim().split("\\s+");
                final String method = parts[0];
                final String route = parts[1];
                final String[] args = parts[2].equals("|") ? new String[0] : parts[2].split(",");
                covered.add(method + " " + route);
                for (int c = 0; c < COLUMNS.length; c++) {
                    final int expected = Integer.parseInt(parts[parts.length - COLUMNS.length + c]);
                    final String who = COLUMNS[c].equals("none") ? null : COLUMNS[c];
                    final Res r;
                    if (method.equals("POST")) {
                        t += 1;
                        final String samples = "[[" + t + ",1]]";
                        final String body = route.equals("/v1/samples") ? "{\"meters\":[{\"meterId\":\"MTR-A\",\"samples\":" + samples + "}]}" : samples;
                        r = h.post(who, route, body, Map.of(), args);
                    } else {
                        r = h.get(who, route, QUERIES.getOrDefault(route, ""), args);
                    }
                    if (r.status() != expected) {
                        wrong.add(method + " " + route + " as " + COLUMNS[c] + ": expected " + expected + ", was " + r.status() + " " + r.text());
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
        // The table names every operation of the document.
        final Set<String> operations = new LinkedHashSet<>();
        ApiContract.DOC.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
                .forEachRemaining(m -> operations.add(m.toUpperCase(java.util.Locale.ROOT) + " " + p.getKey())));
        assertThat(covered).containsExactlyInAnyOrderElementsOf(operations);
    }
}
