package energy.flexledger.client.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenAPI document as the tests' oracle: validated once by swagger-parser (any message fails),
 * and every response a test receives checked against it: the operation must declare the status,
 * the content type must be the declared one, and a JSON body must satisfy the declared schema
 * (JSON Schema 2020-12, the dialect of OpenAPI 3.1).
 */
public final class ApiContract {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");
    static final JsonNode DOC;

    static {
        try {
            DOC = JSON.readTree(RestApi.openApiDocument());
        } catch (java.io.IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();
    /** Every (method, route, status) a test received, for the coverage check. */
    static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

    private ApiContract() {}

    /** swagger-parser's messages on the document: none is allowed. */
    static List<String> parserMessages() {
        final ParseOptions options = new ParseOptions();
        options.setResolve(true);
        final SwaggerParseResult result = new OpenAPIV3Parser().readContents(new String(RestApi.openApiDocument(), StandardCharsets.UTF_8),
                null, options);
        final List<String> out = new ArrayList<>(result.getMessages() == null ? List.of() : result.getMessages());
        if (result.getOpenAPI() == null) {
            out.add("no document parsed");
        }
        return out;
    }

    /** Every (METHOD route status) the document declares. */
    static Set<String> declared() {
        final Set<String> out = new TreeSet<>();
        final Iterator<Map.Entry<String, JsonNode>> paths = DOC.get("paths").fields();
        while (paths.hasNext()) {
            final Map.Entry<String, JsonNode> p = paths.next();
            for (final String m : METHODS) {
                final JsonNode op = p.getValue().get(m);
                if (op != null) {
                    op.get("responses").fieldNames().forEachRemaining(s -> out.add(key(m, p.getKey(), s)));
                }
            }
        }
        return out;
    }

    static String key(final String method, final String route, final String status) {
        return method.toUpperCase(Locale.ROOT) + " " + route + " " + status;
    }

    /** The response object the document declares for the operation and status (a $ref followed); fails when there is none. */
    static JsonNode response(final String method, final String route, final int status) {
        final JsonNode path = DOC.get("paths").get(route);
        assertThat(path).as("the document has no path %s", route).isNotNull();
        final JsonNode op = path.get(method.toLowerCase(Locale.ROOT));
        assertThat(op).as("the document has no %s %s", method, route).isNotNull();
        JsonNode r = op.get("responses").get(Integer.toString(status));
        assertThat(r).as("%s %s answered %d, which the document does not declare", method, route, status).isNotNull();
        if (r.has("$ref")) {
            r = resolve(r.get("$ref").asText());
        }
        return r;
    }

    static JsonNode resolve(final String ref) {
        assertThat(ref).startsWith("#/");
        return DOC.at(ref.substring(1));
    }

    /**
     * Checks one received response against the document; {@code contentType} as the server sent
     * it. Returns the messages (empty: conforms) rather than failing, so a test can also show
     * that a wrong answer would be caught.
     */
    public static List<String> violations(final String method, final String route, final int status, final String contentType, final byte[] body) {
        final List<String> out = new ArrayList<>();
        final JsonNode r = response(method, route, status);
        final JsonNode content = r.get("content");
        if (content == null) {
            if (body.length > 0) {
                out.add("the document declares no body for " + status + ", but one came");
            }
            return out;
        }
        final String type = normal(contentType);
        String declared = null;
        for (final Iterator<String> it = content.fieldNames(); it.hasNext();) {
            final String t = it.next();
            if (normal(t).equals(type)) {
                declared = t;
            }
        }
        if (declared == null) {
            out.add("content type '" + contentType + "' is not among the declared " + content.properties().stream().map(Map.Entry::getKey).toList());
            return out;
        }
        final JsonNode schema = content.get(declared).get("schema");
        if (schema == null) {
            return out;
        }
        final JsonNode value;
        if (type.startsWith("application/json") || type.startsWith("application/problem+json")) {
            try {
                value = JSON.readTree(body);
            } catch (java.io.IOException e) {
                out.add("the body is not JSON: " + e.getMessage());
                return out;
            }
        } else {
            value = JSON.getNodeFactory().textNode(new String(body, StandardCharsets.UTF_8));
        }
        for (final ValidationMessage m : schema(method + " " + route + " " + status + " " + declared, schema).validate(value)) {
            out.add(m.getMessage());
        }
        return out;
    }

    /** Validates {@code value} against a named component schema (for the checker's own tests). */
    static List<String> violationsOf(final String component, final JsonNode value) {
        final JsonNode ref = JSON.createObjectNode().put("$ref", "#/components/schemas/" + component);
        final List<String> out = new ArrayList<>();
        schema("component " + component, ref).validate(value).forEach(m -> out.add(m.getMessage()));
        return out;
    }

    private static JsonSchema schema(final String cacheKey, final JsonNode schema) {
        return SCHEMAS.computeIfAbsent(cacheKey, k -> {
            // The schema with the document's component schemas as its $defs, so that its references resolve
            // (#/components/schemas/X becomes #/$defs/X: the same schemas, in a plain JSON Schema document).
            final ObjectNode root = JSON.createObjectNode();
            root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            root.set("$defs", DOC.at("/components/schemas").deepCopy());
            root.setAll((ObjectNode) schema.deepCopy());
            try {
                final JsonNode rewritten = JSON.readTree(JSON.writeValueAsString(root).replace("\"#/components/schemas/", "\"#/$defs/"));
                return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(rewritten);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Lower case, no blanks: "text/plain; charset=UTF-8" and "text/plain;charset=utf-8" are one type. */
    static String normal(final String contentType) {
        return contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).replace(" ", "");
    }
}
