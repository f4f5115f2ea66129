package energy.flexledger.chaincode;

import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A consortium described in a file: {@code {"members": [{"mspId", "roles": [...], "zones"?: [...],
 * "represents"?: [...]}, ...]}}. Reads the network's bootstrap file (network-config/consortium.json)
 * and equally what {@code GetConsortium} answers (its other members are ignored), for the deployment
 * tools that generate collections and admission transactions from it.
 */
public final class ConsortiumFile {
    private ConsortiumFile() {}

    /** Each member's spec, in file order, as the plain JSON values {@code AdmitMember} takes. */
    public static List<Map<String, Object>> specs(final Path file) throws IOException {
        final Object tree = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        final Object members = tree instanceof Map ? ((Map<?, ?>) tree).get("members") : null;
        if (!(members instanceof List)) {
            throw new SpecException(energy.flexledger.spec.ErrorCode.BAD_JSON, file + ": expected {\"members\": [...]}");
        }
        final List<Map<String, Object>> out = new ArrayList<>();
        int i = 0;
        for (final Object m : (List<?>) members) {
            final Json.Obj member = Json.Obj.of(m, file + ": members[" + i++ + "]");
            final Map<String, Object> spec = new java.util.LinkedHashMap<>();
            spec.put("mspId", member.getString("mspId"));
            spec.put("roles", member.getList("roles"));
            spec.put("zones", member.getListOrEmpty("zones"));
            spec.put("represents", member.getListOrEmpty("represents"));
            out.add(spec);
        }
        return out;
    }

    /** The consortium the file describes (admission times zero): what governance will record from it. */
    public static Consortium read(final Path file) throws IOException {
        final List<Member> members = new ArrayList<>();
        for (final Map<String, Object> spec : specs(file)) {
            members.add(new Member((String) spec.get("mspId"), strings(spec.get("roles")), strings(spec.get("zones")),
                    strings(spec.get("represents")), 0, "", 0, ""));
        }
        members.sort((a, b) -> a.mspId().compareTo(b.mspId()));
        return new Consortium(members.toArray(new Member[0]), members.size(), 0, "");
    }

    private static String[] strings(final Object list) {
        final List<String> out = new ArrayList<>();
        for (final Object o : (List<?>) list) {
            out.add(String.valueOf(o));
        }
        return out.toArray(new String[0]);
    }
}
