package energy.flexledger.client.http;

import energy.flexledger.spec.Json;
import java.util.List;
import java.util.Map;

/**
 * The HTML page {@code /docs}: the OpenAPI document rendered on the server, once at start, into one
 * self-contained page (no script, no style sheet or font from elsewhere): each operation with its
 * summary, access, parameters, request body and every response with its content type and schema.
 */
final class ApiDocs {
    private ApiDocs() {}

    private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");

    static String render(final String openApiJson) {
        final Map<String, Object> doc = Json.parseObject(openApiJson);
        final Map<?, ?> info = (Map<?, ?>) doc.get("info");
        final StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(info.get("title")))
                .append("</title>\n<style>body{font-family:system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em;color:#222}"
                        + "h2{border-bottom:1px solid #ccc;margin-top:2em}section{border:1px solid #ddd;border-radius:6px;padding:.5em 1em;margin:1em 0}"
                        + ".m{display:inline-block;min-width:4em;font-weight:bold;text-transform:uppercase}.get{color:#0a6}.post{color:#06c}"
                        + "code,pre{background:#f5f5f5;padding:0 .2em}pre{padding:.5em;overflow:auto;font-size:85%}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left;vertical-align:top}"
                        + "</style></head><body>\n");
        h.append("<h1>").append(esc(info.get("title"))).append(" <small>").append(esc(info.get("version"))).append("</small></h1>\n");
        h.append("<p>").append(esc(info.get("description"))).append("</p>\n");
        h.append("<p>The machine-readable contract: <a href=\"/openapi.json\">/openapi.json</a> (OpenAPI ").append(esc(doc.get("openapi")))
                .append(").</p>\n");
        final Map<?, ?> paths = (Map<?, ?>) doc.get("paths");
        h.append("<h2>Operations</h2>\n<ul>");
        for (final Map.Entry<?, ?> p : paths.entrySet()) {
            for (final String m : METHODS) {
                if (((Map<?, ?>) p.getValue()).get(m) instanceof Map<?, ?> op) {
                    h.append("<li><a href=\"#").append(esc(op.get("operationId"))).append("\"><span class=\"m ").append(m).append("\">").append(m)
                            .append("</span> <code>").append(esc(p.getKey())).append("</code></a> ").append(esc(op.get("summary"))).append("</li>");
                }
            }
        }
        h.append("</ul>\n");
        for (final Map.Entry<?, ?> p : paths.entrySet()) {
            for (final String m : METHODS) {
                if (((Map<?, ?>) p.getValue()).get(m) instanceof Map<?, ?> op) {
                    operation(h, String.valueOf(p.getKey()), m, op);
                }
            }
        }
        h.append("<h2>Schemas</h2>\n");
        final Map<?, ?> schemas = (Map<?, ?>) ((Map<?, ?>) doc.get("components")).get("schemas");
        for (final Map.Entry<?, ?> s : schemas.entrySet()) {
            h.append("<section id=\"schema-").append(esc(s.getKey())).append("\"><h3>").append(esc(s.getKey())).append("</h3><pre>")
                    .append(esc(Json.write(s.getValue()))).append("</pre></section>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void operation(final StringBuilder h, final String path, final String method, final Map<?, ?> op) {
        h.append("<section id=\"").append(esc(op.get("operationId"))).append("\"><h3><span class=\"m ").append(method).append("\">")
                .append(method).append("</span> <code>").append(esc(path)).append("</code></h3>\n<p><b>").append(esc(op.get("summary")))
                .append("</b></p>\n");
        if (op.get("description") != null) {
            h.append("<p>").append(esc(op.get("description"))).append("</p>\n");
        }
        if (op.get("parameters") instanceof List<?> params && !params.isEmpty()) {
            h.append("<table><tr><th>parameter</th><th>in</th><th>required</th><th>description</th></tr>");
            for (final Object o : params) {
                final Map<?, ?> prm = (Map<?, ?>) o;
                h.append("<tr><td><code>").append(esc(prm.get("name"))).append("</code></td><td>").append(esc(prm.get("in"))).append("</td><td>")
                        .append(Boolean.TRUE.equals(prm.get("required")) ? "yes" : "no").append("</td><td>").append(esc(prm.get("description")))
                        .append("</td></tr>");
            }
            h.append("</table>\n");
        }
        if (op.get("requestBody") instanceof Map<?, ?> body) {
            h.append("<p>Request body:</p><pre>").append(esc(Json.write(body.get("content")))).append("</pre>\n");
        }
        h.append("<table><tr><th>status</th><th>description</th><th>content</th></tr>");
        for (final Map.Entry<?, ?> r : ((Map<?, ?>) op.get("responses")).entrySet()) {
            final Map<?, ?> resp = (Map<?, ?>) r.getValue();
            h.append("<tr><td>").append(esc(r.getKey())).append("</td><td>").append(esc(resp.get("description"))).append("</td><td>");
            if (resp.get("content") instanceof Map<?, ?> content) {
                for (final Map.Entry<?, ?> c : content.entrySet()) {
                    h.append("<code>").append(esc(c.getKey())).append("</code> ");
                    if (((Map<?, ?>) c.getValue()).get("schema") instanceof Map<?, ?> schema && schema.get("$ref") instanceof String ref) {
                        final String name = ref.substring(ref.lastIndexOf('/') + 1);
                        h.append("<a href=\"#schema-").append(esc(name)).append("\">").append(esc(name)).append("</a>");
                    } else if (((Map<?, ?>) c.getValue()).get("schema") != null) {
                        h.append("<code>").append(esc(Json.write(((Map<?, ?>) c.getValue()).get("schema")))).append("</code>");
                    }
                    h.append("<br>");
                }
            }
            h.append("</td></tr>");
        }
        h.append("</table></section>\n");
    }

    static String esc(final Object o) {
        if (o == null) {
            return "";
        }
        return String.valueOf(o).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
