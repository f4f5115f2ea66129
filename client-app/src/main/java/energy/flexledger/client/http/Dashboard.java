package energy.flexledger.client.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard's static files (decision 0023), bundled in the jar at build time under
 * {@code http/dashboard/} and read once at start: the page, its script and its style sheet. They
 * hold no data and no secret, so they are served to anyone; everything the page shows it reads
 * from {@code /v1} with the operator's bearer token, and the live channel ({@code /v1/events}) too.
 * Every file goes out with a Content-Security-Policy that lets the page load only these files and
 * talk only to this gateway: no inline script, no other origin, no frames.
 */
public final class Dashboard {
    /** Only this origin: its own script, style and API; images only drawn inline (SVG); nothing else. */
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
            + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** The files of the dashboard: name under /dashboard/, content type. */
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8");

    private final Map<String, RestApi.Reply> files = new LinkedHashMap<>();

    public Dashboard() {
        FILES.forEach((name, type) -> files.put(name, new RestApi.Reply(200, type, resource(name))));
    }

    /** The file {@code name} ("index.html" for the page), or null when the dashboard has no such file. */
    RestApi.Reply file(final String name) {
        return files.get(name);
    }

    /** The headers every dashboard file carries. */
    static Map<String, String> headers() {
        final Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Security-Policy", CSP);
        h.put("X-Content-Type-Options", "nosniff");
        h.put("Referrer-Policy", "no-referrer");
        h.put("X-Frame-Options", "DENY");
        h.put("Cache-Control", "no-cache");
        return h;
    }

    private static byte[] resource(final String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream("/http/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the resource http/dashboard/" + name + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
