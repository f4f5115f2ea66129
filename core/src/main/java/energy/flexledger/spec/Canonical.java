package energy.flexledger.spec;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonRootName;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Typed ledger objects (immutable records) to and from canonical JSON.
 *
 * <p>Jackson maps a record to a tree of plain values (maps, lists, {@link Long}, {@link String},
 * {@link Boolean}, {@code null}); {@link Json#write} writes that tree canonically (members sorted
 * by UTF-16 code units, no whitespace, integers only, minimal escapes). So equal values give
 * equal bytes on every peer, and the bytes are those the untyped maps gave before (decision
 * 0011): hashes of private data that members recompute do not change with the representation.
 *
 * <p>Reading is strict: {@link Json#parse} first (no fractions, exponents or duplicate members,
 * depth-limited), then Jackson maps the tree onto the type with no coercion (a string is never
 * read as a number, a number never as a string), unknown members refused, required members
 * ({@code @JsonProperty(required = true)}) checked. Every failure is a {@link SpecException}
 * whose message names the member ({@code asset.intervalMs}) and, for unknown members, the known
 * ones. The codes stay those of the untyped reader: {@code BAD_JSON} for text that does not parse
 * or a value of the wrong shape (a string for a number, a missing member, an array for an
 * object), {@code BAD_REQUEST} for an unknown member; a type's own checks throw their own codes.
 */
public final class Canonical {
    private static final ObjectMapper MAPPER = mapper();

    private Canonical() {}

    private static ObjectMapper mapper() {
        final JsonMapper mapper = JsonMapper.builder()
                // A record's components, never its helper methods (isMetering(), getLabel()), are its members.
                .visibility(PropertyAccessor.GETTER, JsonAutoDetect.Visibility.NONE)
                .visibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
                .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.USE_LONG_FOR_INTS)
                .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .build();
        // No implicit conversions between shapes: a string is never a number or a boolean, a number never a string.
        for (final LogicalType type : List.of(LogicalType.Textual, LogicalType.Integer, LogicalType.Boolean, LogicalType.Enum,
                LogicalType.POJO, LogicalType.Collection, LogicalType.Map, LogicalType.Array)) {
            for (final CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean,
                    CoercionInputShape.String, CoercionInputShape.EmptyString, CoercionInputShape.EmptyArray, CoercionInputShape.EmptyObject)) {
                final boolean natural = (type == LogicalType.Textual || type == LogicalType.Enum) && shape == CoercionInputShape.String
                        || (type == LogicalType.Textual || type == LogicalType.Enum) && shape == CoercionInputShape.EmptyString
                        || type == LogicalType.Integer && shape == CoercionInputShape.Integer
                        || type == LogicalType.Boolean && shape == CoercionInputShape.Boolean
                        || type == LogicalType.Collection && shape == CoercionInputShape.EmptyArray
                        || type == LogicalType.Array && shape == CoercionInputShape.EmptyArray
                        || (type == LogicalType.POJO || type == LogicalType.Map) && shape == CoercionInputShape.EmptyObject;
                if (!natural) {
                    mapper.coercionConfigFor(type).setCoercion(shape, CoercionAction.Fail);
                }
            }
        }
        return mapper;
    }

    /** The canonical JSON of a record, a plain value tree, or any mix of the two. */
    public static String write(final Object value) {
        return Json.write(tree(value));
    }

    /** {@link #write} as UTF-8. */
    public static byte[] bytes(final Object value) {
        return write(value).getBytes(StandardCharsets.UTF_8);
    }

    /** The plain value tree of {@code value} (maps, lists, Long, String, Boolean, null), as {@link Json#parse} gives. */
    public static Object tree(final Object value) {
        if (value == null || value instanceof String || value instanceof Long || value instanceof Boolean) {
            return value;
        }
        return MAPPER.convertValue(value, Object.class);
    }

    /**
     * Reads {@code json} as a {@code type}; {@code where} names the value in messages (an argument
     * name, {@code records[3]}). Without it, the type's {@link JsonRootName} or simple name is used.
     */
    public static <T> T read(final String json, final Class<T> type, final String where) {
        return fromTree(Json.parse(json == null ? "" : json), type, where);
    }

    public static <T> T read(final byte[] json, final Class<T> type, final String where) {
        return read(new String(json, StandardCharsets.UTF_8), type, where);
    }

    /** Maps a plain value tree (as {@link Json#parse} gives) onto {@code type}. */
    public static <T> T fromTree(final Object tree, final Class<T> type, final String where) {
        final String name = where != null ? where : nameOf(type);
        if (tree == null) {
            throw new SpecException(ErrorCode.BAD_JSON, name + " is required, was null");
        }
        try {
            return MAPPER.convertValue(tree, type);
        } catch (IllegalArgumentException e) {
            throw failure(name, type, e.getCause() instanceof JsonProcessingException ? (JsonProcessingException) e.getCause() : null, e);
        }
    }

    /**
     * A copy of a record's array member, refusing a missing array or a missing element: a record
     * never holds nulls where its JSON may not, whether it is read from input or from the ledger.
     */
    public static <T> T[] copyOf(final T[] array, final String member) {
        if (array == null) {
            throw new SpecException(ErrorCode.BAD_JSON, member + " is required");
        }
        for (int i = 0; i < array.length; i++) {
            if (array[i] == null) {
                throw new SpecException(ErrorCode.BAD_JSON, member + "[" + i + "] must not be null");
            }
        }
        return array.clone();
    }

    /** The name a type goes by in messages: its {@link JsonRootName}, else its simple name in lower camel case. */
    public static String nameOf(final Class<?> type) {
        final JsonRootName root = type.getAnnotation(JsonRootName.class);
        if (root != null) {
            return root.value();
        }
        final String simple = type.getSimpleName();
        return simple.isEmpty() ? "value" : Character.toLowerCase(simple.charAt(0)) + simple.substring(1);
    }

    private static SpecException failure(final String name, final Class<?> type, final JsonProcessingException cause,
            final IllegalArgumentException e) {
        if (e.getCause() instanceof SpecException) {
            return (SpecException) e.getCause();
        }
        if (cause instanceof JsonMappingException) {
            final JsonMappingException m = (JsonMappingException) cause;
            final Throwable root = rootCause(m);
            if (root instanceof SpecException) {
                final SpecException s = (SpecException) root;
                return new SpecException(s.code(), path(name, m.getPath()) + ": " + s.detail());
            }
            final String at = path(name, m.getPath());
            if (m instanceof UnrecognizedPropertyException) {
                final UnrecognizedPropertyException u = (UnrecognizedPropertyException) m;
                final List<String> known = u.getKnownPropertyIds() == null ? List.of()
                        : List.copyOf(new TreeSet<>(u.getKnownPropertyIds().stream().map(String::valueOf).toList()));
                return new SpecException(ErrorCode.BAD_REQUEST, "unknown member '" + u.getPropertyName() + "' in " + path(name, parentPath(m.getPath()))
                        + "; known: " + known);
            }
            if (m instanceof InvalidNullException) {
                return new SpecException(ErrorCode.BAD_JSON, at + " must not be null");
            }
            if (m instanceof MismatchedInputException) {
                final String message = m.getOriginalMessage();
                if (message != null && message.startsWith("Missing required creator property")) {
                    // The path already ends at the missing member.
                    return new SpecException(ErrorCode.BAD_JSON, at + " is required");
                }
                if (message != null && message.startsWith("Cannot map `null` into type")) {
                    // A primitive component (long, boolean) that is absent or null: primitives are required.
                    return new SpecException(ErrorCode.BAD_JSON, at + " is required");
                }
                final Class<?> target = ((MismatchedInputException) m).getTargetType();
                return new SpecException(ErrorCode.BAD_JSON, at + " must be " + describe(target));
            }
            // Anything else Jackson cannot map is a value of the wrong shape; its own wording varies by version.
            return new SpecException(ErrorCode.BAD_JSON, at + " must be " + (m.getPath().isEmpty() ? describe(type) : "of another shape"));
        }
        return new SpecException(ErrorCode.BAD_JSON, name + " is not a valid " + nameOf(type) + ": " + firstLine(e.getMessage()));
    }

    private static Throwable rootCause(final Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    private static List<JsonMappingException.Reference> parentPath(final List<JsonMappingException.Reference> path) {
        return path.isEmpty() ? path : path.subList(0, path.size() - 1);
    }

    private static String path(final String name, final List<JsonMappingException.Reference> path) {
        final StringBuilder sb = new StringBuilder(name);
        for (final JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                sb.append('.').append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String describe(final Class<?> target) {
        if (target == null) {
            return "of another type";
        }
        if (target == String.class || target.isEnum()) {
            return "a string";
        }
        if (target == long.class || target == Long.class || target == int.class || target == Integer.class) {
            return "an integer";
        }
        if (target == boolean.class || target == Boolean.class) {
            return "true or false";
        }
        if (List.class.isAssignableFrom(target) || target.isArray()) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(target) || target.isRecord()) {
            return "an object";
        }
        return "a " + target.getSimpleName();
    }

    private static String firstLine(final String message) {
        if (message == null) {
            return "invalid";
        }
        final int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
