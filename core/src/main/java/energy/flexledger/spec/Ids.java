package energy.flexledger.spec;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/** How the specs order and check string ids. */
final class Ids {
    private Ids() {}

    /**
     * "String order" in the specs: by Unicode code point, which is also the order of the UTF-8
     * bytes. Java's {@code String.compareTo} compares UTF-16 units and disagrees above U+FFFF, so
     * it is not used where another implementation must agree.
     */
    static int compare(final String a, final String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            final int ca = a.codePointAt(i);
            final int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    /** @throws SpecException {@code DUPLICATE} when an id occurs twice, {@code BAD_REQUEST} when one is empty */
    static void requireUnique(final Collection<String> ids, final String what) {
        final Set<String> seen = new HashSet<>();
        for (final String id : ids) {
            if (id == null || id.isEmpty()) {
                throw new SpecException(ErrorCode.BAD_REQUEST, what + " ids must not be empty");
            }
            if (!seen.add(id)) {
                throw new SpecException(ErrorCode.DUPLICATE, what + " id '" + id + "' occurs twice");
            }
        }
    }
}
