package energy.flexledger.chaincode.consortium;

import energy.flexledger.chaincode.Consortium;
import energy.flexledger.chaincode.Member;
import energy.flexledger.chaincode.MemberRole;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.SpecException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The rules of membership changes, as pure functions of the consortium before: each returns the
 * consortium after, or the very same instance when the change is already in place (a retry), and
 * fails with a code when the change is inconsistent.
 */
final class Members {
    /** MSP ids name collections and keys: letters, digits and '-', 1..64, starting with a letter or digit. */
    static final Pattern MSP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,63}");
    static final int MAX_ZONES = 1_000;
    private static final int MAX_ID_BYTES = 128;

    private Members() {}

    static Consortium admit(final Consortium before, final MemberSpec spec, final long at, final String txId) {
        final String mspId = mspId("member.mspId", spec.mspId());
        final String[] roles = roles(spec.roles());
        final String[] zones = sortedIds("member.zones", spec.zones());
        final String[] represents = sortedIds("member.represents", spec.represents());
        final Member proposed = new Member(mspId, roles, zones, represents, at, txId, at, txId);
        final var existing = before.member(mspId);
        if (existing.isPresent()) {
            if (sameMembership(existing.get(), proposed)) {
                return before;
            }
            throw new SpecException(ErrorCode.ALREADY_EXISTS, mspId + " is already a member with roles " + existing.get().roleList()
                    + "; change it with GrantRole, WithdrawRole, SetZones or SetRepresented");
        }
        final Map<String, Member> members = byMsp(before);
        members.put(mspId, proposed);
        return checked(members, before, at, txId);
    }

    static Consortium grant(final Consortium before, final String mspId, final String role, final long at, final String txId) {
        final Member m = member(before, mspId);
        final String r = role(role).name();
        if (m.roleList().contains(r)) {
            return before;
        }
        final TreeSet<String> roles = new TreeSet<>(m.roleList());
        roles.add(r);
        return with(before, new Member(m.mspId(), roles.toArray(new String[0]), m.zones(), m.represents(), m.admittedAt(), m.admittedTx(), at, txId),
                at, txId);
    }

    static Consortium withdraw(final Consortium before, final String mspId, final String role, final long at, final String txId) {
        final Member m = member(before, mspId);
        final MemberRole r = role(role);
        if (!m.roleList().contains(r.name())) {
            return before;
        }
        final TreeSet<String> roles = new TreeSet<>(m.roleList());
        roles.remove(r.name());
        return with(before, new Member(m.mspId(), roles.toArray(new String[0]), r == MemberRole.DSO ? new String[0] : m.zones(),
                r == MemberRole.AGGREGATOR ? new String[0] : m.represents(), m.admittedAt(), m.admittedTx(), at, txId), at, txId);
    }

    static Consortium zones(final Consortium before, final String mspId, final String[] zones, final long at, final String txId) {
        final Member m = member(before, mspId);
        final String[] sorted = sortedIds("zones", zones);
        if (Arrays.equals(sorted, m.zones())) {
            return before;
        }
        return with(before, new Member(m.mspId(), m.roles(), sorted, m.represents(), m.admittedAt(), m.admittedTx(), at, txId), at, txId);
    }

    static Consortium represent(final Consortium before, final String mspId, final String[] represented, final long at, final String txId) {
        final Member m = member(before, mspId);
        final String[] sorted = sortedIds("represented", represented);
        if (Arrays.equals(sorted, m.represents())) {
            return before;
        }
        return with(before, new Member(m.mspId(), m.roles(), m.zones(), sorted, m.admittedAt(), m.admittedTx(), at, txId), at, txId);
    }

    private static Consortium with(final Consortium before, final Member changed, final long at, final String txId) {
        final Map<String, Member> members = byMsp(before);
        members.put(changed.mspId(), changed);
        return checked(members, before, at, txId);
    }

    /** The consortium after a change, once the whole of it is consistent. */
    private static Consortium checked(final Map<String, Member> members, final Consortium before, final long at, final String txId) {
        final Map<String, String> operatorOf = new TreeMap<>();
        for (final Member m : members.values()) {
            if (m.zones().length > 0 && !m.has(MemberRole.DSO)) {
                throw new SpecException(ErrorCode.BAD_REQUEST, m.mspId() + " operates zones but does not hold the role DSO");
            }
            if (m.represents().length > 0 && !m.has(MemberRole.AGGREGATOR)) {
                throw new SpecException(ErrorCode.BAD_REQUEST, m.mspId() + " represents orgs but does not hold the role AGGREGATOR");
            }
            for (final String zone : m.zones()) {
                final String other = operatorOf.put(zone, m.mspId());
                if (other != null) {
                    throw new SpecException(ErrorCode.CONFLICT, "zone '" + zone + "' is operated by " + other + " already; a zone has one DSO");
                }
            }
            for (final String represented : m.represents()) {
                if (represented.equals(m.mspId())) {
                    throw new SpecException(ErrorCode.BAD_REQUEST, m.mspId() + " cannot represent itself");
                }
                if (!members.containsKey(represented)) {
                    throw new SpecException(ErrorCode.NOT_FOUND, m.mspId() + " cannot represent " + represented + ": it is not a member");
                }
            }
        }
        return new Consortium(members.values().toArray(new Member[0]), Math.addExact(before.version(), 1L), at, txId);
    }

    private static Map<String, Member> byMsp(final Consortium c) {
        final Map<String, Member> out = new TreeMap<>();
        for (final Member m : c.members()) {
            out.put(m.mspId(), m);
        }
        return out;
    }

    private static Member member(final Consortium c, final String mspId) {
        return c.member(mspId).orElseThrow(() -> new SpecException(ErrorCode.NOT_FOUND, "'" + mspId + "' is not a member of the consortium"));
    }

    private static boolean sameMembership(final Member a, final Member b) {
        return Arrays.equals(a.roles(), b.roles()) && Arrays.equals(a.zones(), b.zones()) && Arrays.equals(a.represents(), b.represents());
    }

    private static String mspId(final String where, final String value) {
        if (value == null || !MSP_ID.matcher(value).matches()) {
            throw new SpecException(ErrorCode.BAD_REQUEST, where + " must be 1..64 letters, digits and '-', starting with a letter or digit, was '"
                    + value + "'");
        }
        return value;
    }

    private static MemberRole role(final String value) {
        for (final MemberRole r : MemberRole.values()) {
            if (r.name().equals(value)) {
                return r;
            }
        }
        throw new SpecException(ErrorCode.BAD_REQUEST, "role must be one of " + Arrays.toString(MemberRole.values()) + ", was '" + value + "'");
    }

    private static String[] roles(final String[] values) {
        if (values == null || values.length == 0) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "member.roles must name at least one role of " + Arrays.toString(MemberRole.values()));
        }
        final TreeSet<String> out = new TreeSet<>();
        for (final String v : values) {
            out.add(role(v).name());
        }
        return out.toArray(new String[0]);
    }

    /** Ids sorted, without duplicates: 1..128 UTF-8 bytes, no control characters. */
    private static String[] sortedIds(final String where, final String[] values) {
        if (values == null) {
            return new String[0];
        }
        if (values.length > MAX_ZONES) {
            throw new SpecException(ErrorCode.BAD_REQUEST, where + " holds at most " + MAX_ZONES + " entries");
        }
        final TreeSet<String> out = new TreeSet<>();
        for (int i = 0; i < values.length; i++) {
            final String v = values[i];
            final int bytes = v == null ? 0 : v.getBytes(StandardCharsets.UTF_8).length;
            if (v == null || bytes == 0 || bytes > MAX_ID_BYTES || v.codePoints().anyMatch(cp -> Character.isISOControl(cp)
                    || Character.isSurrogate((char) cp) || cp == 0xFFFD || cp == Character.MAX_CODE_POINT)) {
                throw new SpecException(ErrorCode.BAD_REQUEST, where + "[" + i + "] must be 1.." + MAX_ID_BYTES + " UTF-8 bytes of valid, printable Unicode");
            }
            out.add(v);
        }
        final List<String> list = new ArrayList<>(out);
        return list.toArray(new String[0]);
    }
}
