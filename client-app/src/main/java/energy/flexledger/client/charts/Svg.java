package energy.flexledger.client.charts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal SVG (XML) element tree: attributes in insertion order, text and child elements,
 * everything escaped on output. Only what the charts need; no parsing.
 */
final class Svg {
    static final String NS = "http://www.w3.org/2000/svg";

    private final String name;
    private final Map<String, String> attributes = new LinkedHashMap<>();
    private final List<Object> content = new ArrayList<>();

    Svg(final String name) {
        if (!name.matches("[A-Za-z][A-Za-z0-9-]*")) {
            throw new IllegalArgumentException("not an element name: " + name);
        }
        this.name = name;
    }

    static Svg el(final String name) {
        return new Svg(name);
    }

    /** Sets an attribute; numbers are written with at most two decimals. */
    Svg attr(final String key, final Object value) {
        if (!key.matches("[A-Za-z][A-Za-z0-9:-]*")) {
            throw new IllegalArgumentException("not an attribute name: " + key);
        }
        attributes.put(key, value instanceof Double || value instanceof Float ? num(((Number) value).doubleValue()) : String.valueOf(value));
        return this;
    }

    /** Appends a child element and returns this element. */
    Svg add(final Svg child) {
        content.add(child);
        return this;
    }

    /** Appends a child element and returns the child. */
    Svg child(final String childName) {
        final Svg c = new Svg(childName);
        content.add(c);
        return c;
    }

    /** Appends text (escaped on output). */
    Svg text(final String text) {
        content.add(text);
        return this;
    }

    /** The element as a standalone UTF-8 document with an XML declaration. */
    String document() {
        final StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        write(out, 0);
        return out.toString();
    }

    void write(final StringBuilder out, final int depth) {
        out.append("  ".repeat(depth)).append('<').append(name);
        attributes.forEach((k, v) -> out.append(' ').append(k).append("=\"").append(escape(v)).append('"'));
        if (content.isEmpty()) {
            out.append("/>\n");
            return;
        }
        out.append('>');
        final boolean textOnly = content.stream().allMatch(c -> c instanceof String);
        if (textOnly) {
            content.forEach(c -> out.append(escape((String) c)));
        } else {
            out.append('\n');
            for (final Object c : content) {
                if (c instanceof Svg) {
                    ((Svg) c).write(out, depth + 1);
                } else {
                    out.append("  ".repeat(depth + 1)).append(escape((String) c)).append('\n');
                }
            }
            out.append("  ".repeat(depth));
        }
        out.append("</").append(name).append(">\n");
    }

    /**
     * Escapes text and attribute values: the five XML specials, and characters XML 1.0 does not
     * allow (control characters, lone surrogates) become U+FFFD.
     */
    static String escape(final String s) {
        final StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i));
                    } else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || Character.isSurrogate(c) || c == 0xFFFE
                            || c == 0xFFFF) {
                        b.append('\uFFFD');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** A coordinate: at most two decimals, no trailing zeros, never "-0". */
    static String num(final double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("not a finite coordinate: " + v);
        }
        String s = String.format(Locale.ROOT, "%.2f", v);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s.equals("-0") ? "0" : s;
    }
}
