package energy.flexledger.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The specs as pure functions from a vector's {@code input} to its {@code expected} document: what
 * {@code flexledger spec NAME} runs. Only FP1 so far; the others arrive with their chaincodes.
 */
public final class SpecCommands {
    private SpecCommands() {}

    /** Names accepted by {@link #run(String, Object)}. */
    public static List<String> names() {
        return List.of("fp1");
    }

    public static Map<String, Object> run(final String name, final Object input) {
        if ("fp1".equals(name)) {
            return fp1(input);
        }
        throw new SpecException(ErrorCode.BAD_REQUEST, "unknown spec '" + name + "'; known: " + names());
    }

    /** FP1 vector: fingerprints and links every interval of the input, in order. */
    public static Map<String, Object> fp1(final Object inputValue) {
        final Json.Obj input = Json.Obj.of(inputValue, "input");
        final String meterId = input.getString("meterId");
        final byte[] salt = Hex.decode(input.getString("salt"));
        Fp1.checkSalt(salt);
        final byte[] genesis = Fp1.genesis(meterId);
        byte[] link = input.has("previousLink") ? Hex.decode(input.getString("previousLink")) : genesis;

        final List<Object> out = new ArrayList<>();
        Long previousEnd = null;
        int index = 0;
        for (final Object item : input.getList("intervals")) {
            final Json.Obj interval = Json.Obj.of(item, "input.intervals[" + index + "]");
            final long start = interval.getLong("start");
            final long end = interval.getLong("end");
            if (previousEnd != null && previousEnd != start) {
                throw new SpecException(ErrorCode.NOT_CONTIGUOUS,
                        "interval " + index + " starts at " + start + " but the previous one ended at " + previousEnd);
            }
            final Fp1.Accumulator acc = Fp1.interval(salt, meterId, start, end);
            int sampleIndex = 0;
            for (final Object sample : interval.getList("samples")) {
                if (!(sample instanceof List) || ((List<?>) sample).size() != 2
                        || !(((List<?>) sample).get(0) instanceof Long) || !(((List<?>) sample).get(1) instanceof Long)) {
                    throw new SpecException(ErrorCode.BAD_JSON,
                            "input.intervals[" + index + "].samples[" + sampleIndex + "] must be [t, v] integers");
                }
                acc.add((Long) ((List<?>) sample).get(0), (Long) ((List<?>) sample).get(1));
                sampleIndex++;
            }
            final IntervalDigest digest = acc.digest();
            link = Fp1.link(link, digest);
            final Map<String, Object> record = digest.toMap();
            record.put("link", Hex.encode(link));
            out.add(record);
            previousEnd = end;
            index++;
        }
        final Map<String, Object> result = new LinkedHashMap<>();
        result.put("meterId", meterId);
        result.put("genesis", Hex.encode(genesis));
        result.put("intervals", out);
        return result;
    }
}
