package energy.flexledger.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Canonical JSON for ledger state, events and the spec CLI.
 *
 * <p>Writing: object members sorted by key (UTF-16 code units, as RFC 8785), no insignificant
 * whitespace, integers only, minimal string escapes. Equal values always give equal bytes, which is
 * what every endorsing peer must produce. Reading: objects become {@link Map}s (in document order),
 * arrays {@link List}s, numbers {@link Long} (fractions and exponents are rejected), plus
 * {@link String}, {@link Boolean} and {@code null}.
 */
public final class Json {
    private static final int MAX_DEPTH = 64;

    private Json() {}

    // ------------------------------------------------------------------ writing

    public static String write(final Object value) {
        final StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(final Object value, final StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String) {
            writeString((String) value, out);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            out.append(((Number) value).longValue());
        } else if (value instanceof Boolean) {
            out.append(value.toString());
        } else if (value instanceof Map) {
            final TreeMap<String, Object> sorted = new TreeMap<>();
            for (final Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                if (!(e.getKey() instanceof String)) {
                    throw new IllegalArgumentException("JSON object keys must be strings");
                }
                sorted.put((String) e.getKey(), e.getValue());
            }
            out.append('{');
            boolean first = true;
            for (final Map.Entry<String, Object> e : sorted.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                writeString(e.getKey(), out);
                out.append(':');
                write(e.getValue(), out);
            }
            out.append('}');
        } else if (value instanceof List) {
            out.append('[');
            boolean first = true;
            for (final Object item : (List<?>) value) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(item, out);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("not a canonical JSON value: " + value.getClass().getName());
        }
    }

    private static void writeString(final String s, final StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\b':
                    out.append("\\b");
                    break;
                case '\f':
                    out.append("\\f");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    // ------------------------------------------------------------------ reading

    /**
     * Parses one JSON document.
     *
     * @throws SpecException {@code BAD_JSON} with the offending position
     */
    public static Object parse(final String text) {
        final Parser p = new Parser(text);
        p.skipWhitespace();
        final Object value = p.value(0);
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the JSON value");
        }
        return value;
    }

    /** Parses a document whose top level must be an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(final String text) {
        final Object value = parse(text);
        if (!(value instanceof Map)) {
            throw new SpecException(ErrorCode.BAD_JSON, "expected a JSON object");
        }
        return (Map<String, Object>) value;
    }

    private static final class Parser {
        private final String text;
        private int pos;

        Parser(final String text) {
            this.text = text;
        }

        SpecException error(final String message) {
            return new SpecException(ErrorCode.BAD_JSON, message + " at offset " + pos);
        }

        void skipWhitespace() {
            while (pos < text.length()) {
                final char c = text.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    pos++;
                } else {
                    break;
                }
            }
        }

        Object value(final int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nesting deeper than " + MAX_DEPTH);
            }
            if (pos >= text.length()) {
                throw error("unexpected end of input");
            }
            final char c = text.charAt(pos);
            switch (c) {
                case '{':
                    return object(depth);
                case '[':
                    return array(depth);
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw error("unexpected character '" + c + "'");
            }
        }

        private Object literal(final String word, final Object value) {
            if (!text.startsWith(word, pos)) {
                throw error("expected " + word);
            }
            pos += word.length();
            return value;
        }

        private Map<String, Object> object(final int depth) {
            final Map<String, Object> map = new LinkedHashMap<>();
            pos++;
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return map;
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') {
                    throw error("expected a member name");
                }
                final String key = string();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                final Object v = value(depth + 1);
                if (map.containsKey(key)) {
                    throw error("duplicate member \"" + key + "\"");
                }
                map.put(key, v);
                skipWhitespace();
                final char c = next();
                if (c == '}') {
                    return map;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}'");
                }
            }
        }

        private List<Object> array(final int depth) {
            final List<Object> list = new ArrayList<>();
            pos++;
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                return list;
            }
            while (true) {
                skipWhitespace();
                list.add(value(depth + 1));
                skipWhitespace();
                final char c = next();
                if (c == ']') {
                    return list;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or ']'");
                }
            }
        }

        private String string() {
            expect('"');
            final StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= text.length()) {
                    throw error("unterminated string");
                }
                final char c = text.charAt(pos++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c < 0x20) {
                    pos--;
                    throw error("control character in string");
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                final char e = next();
                switch (e) {
                    case '"':
                    case '\\':
                    case '/':
                        sb.append(e);
                        break;
                    case 'b':
                        sb.append('\b');
                        break;
                    case 'f':
                        sb.append('\f');
                        break;
                    case 'n':
                        sb.append('\n');
                        break;
                    case 'r':
                        sb.append('\r');
                        break;
                    case 't':
                        sb.append('\t');
                        break;
                    case 'u':
                        if (pos + 4 > text.length()) {
                            throw error("truncated \\u escape");
                        }
                        int code = 0;
                        for (int i = 0; i < 4; i++) {
                            final int d = Character.digit(text.charAt(pos++), 16);
                            if (d < 0) {
                                throw error("bad \\u escape");
                            }
                            code = code * 16 + d;
                        }
                        sb.append((char) code);
                        break;
                    default:
                        throw error("bad escape \\" + e);
                }
            }
        }

        private Long number() {
            final int begin = pos;
            if (peek() == '-') {
                pos++;
            }
            final int firstDigit = pos;
            // ASCII digits only (Character.isDigit would take other scripts' digits), and no
            // leading zero: each integer has one spelling, as in RFC 8259.
            while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
                pos++;
            }
            if (pos == firstDigit || (text.charAt(firstDigit) == '0' && pos - firstDigit > 1)) {
                pos = begin;
                throw error("not a JSON integer");
            }
            if (pos < text.length()) {
                final char c = text.charAt(pos);
                if (c == '.' || c == 'e' || c == 'E') {
                    throw error("only integers are allowed");
                }
            }
            final String digits = text.substring(begin, pos);
            try {
                return Long.valueOf(digits);
            } catch (NumberFormatException ex) {
                pos = begin;
                throw error("not a 64-bit integer: " + digits);
            }
        }

        private char peek() {
            if (pos >= text.length()) {
                throw error("unexpected end of input");
            }
            return text.charAt(pos);
        }

        private char next() {
            final char c = peek();
            pos++;
            return c;
        }

        private void expect(final char c) {
            if (next() != c) {
                pos--;
                throw error("expected '" + c + "'");
            }
        }
    }

    // ------------------------------------------------------------------ typed access

    /** Typed reads from a parsed object, each failing with {@code BAD_JSON} and the member's name. */
    /** {@code text} as hex bytes; text that is not hex is {@code BAD_JSON} naming {@code where}. */
    public static byte[] hex(final String text, final String where) {
        try {
            return Hex.decode(text);
        } catch (SpecException e) {
            throw new SpecException(ErrorCode.BAD_JSON, where + " must be hex digits: " + e.detail());
        }
    }

    /**
     * {@code value} as a pair of integers, such as a sample {@code [t, v]}; anything else is
     * {@code BAD_JSON} naming {@code where} and the {@code shape} expected.
     */
    public static long[] pair(final Object value, final String where, final String shape) {
        if (!(value instanceof List) || ((List<?>) value).size() != 2
                || !(((List<?>) value).get(0) instanceof Long) || !(((List<?>) value).get(1) instanceof Long)) {
            throw new SpecException(ErrorCode.BAD_JSON, where + " must be " + shape + ", two integers");
        }
        return new long[] {(Long) ((List<?>) value).get(0), (Long) ((List<?>) value).get(1)};
    }

    public static final class Obj {
        private final Map<String, Object> map;
        private final String where;

        public Obj(final Map<String, Object> map, final String where) {
            this.map = Collections.unmodifiableMap(map);
            this.where = where;
        }

        @SuppressWarnings("unchecked")
        public static Obj of(final Object value, final String where) {
            if (!(value instanceof Map)) {
                throw new SpecException(ErrorCode.BAD_JSON, where + " must be an object");
            }
            return new Obj((Map<String, Object>) value, where);
        }

        /** A mutable copy of the members. */
        public Map<String, Object> toMap() {
            return new LinkedHashMap<>(map);
        }

        /** The member names, in sorted order (never hash order: they may reach messages and state). */
        public List<String> names() {
            return new ArrayList<>(new TreeMap<>(map).keySet());
        }

        public boolean has(final String name) {
            return map.containsKey(name) && map.get(name) != null;
        }

        public long getLong(final String name) {
            final Object v = map.get(name);
            if (!(v instanceof Long)) {
                throw wrong(name, v, "an integer");
            }
            return (Long) v;
        }

        /** The integer member {@code name}, or {@code fallback} when it is absent or null. */
        public long getLong(final String name, final long fallback) {
            return has(name) ? getLong(name) : fallback;
        }

        public String getString(final String name) {
            final Object v = map.get(name);
            if (!(v instanceof String)) {
                throw wrong(name, v, "a string");
            }
            return (String) v;
        }

        public List<?> getList(final String name) {
            final Object v = map.get(name);
            if (!(v instanceof List)) {
                throw wrong(name, v, "an array");
            }
            return (List<?>) v;
        }

        /** The string member {@code name} as hex bytes; a missing member or a non-hex string is {@code BAD_JSON}. */
        public byte[] getHex(final String name) {
            return hex(getString(name), where + "." + name);
        }

        /** The array member {@code name}, or an empty list when it is absent or null. */
        public List<?> getListOrEmpty(final String name) {
            return has(name) ? getList(name) : List.of();
        }

        /** Where this object sits in the document, for messages: {@code input.offers[2]}. */
        public String where() {
            return where;
        }

        private SpecException wrong(final String name, final Object value, final String expected) {
            return new SpecException(ErrorCode.BAD_JSON, where + "." + name
                    + (value == null ? " is missing: " + expected + " is required" : " must be " + expected));
        }

        public Obj getObj(final String name) {
            return of(map.get(name), where + "." + name);
        }
    }
}
