package energy.flexledger.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.spec.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The spec vectors through the command a user runs, {@code scripts/flexledger spec NAME}, as a
 * separate process reading standard input: the launcher, the shaded jar and the exit codes. Runs
 * after {@code package}, when the jar exists.
 */
@Tag("integration")
class SpecCommandIT {
    private static final Path ROOT = Path.of(System.getProperty("flexledger.root", "..")).toAbsolutePath().normalize();
    private static final Path VECTORS = ROOT.resolve("core/src/test/resources/vectors");

    static List<String> vectors() throws IOException {
        try (Stream<Path> files = Files.list(VECTORS)) {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    /** Runs the launcher with {@code input} on standard input; returns exit code, stdout, stderr. */
    private static Object[] launch(final String input, final String... args) throws IOException, InterruptedException {
        final Path out = Files.createTempFile("flexledger-out", ".json");
        final Path err = Files.createTempFile("flexledger-err", ".txt");
        final Path in = Files.createTempFile("flexledger-in", ".json");
        try {
            Files.writeString(in, input);
            final List<String> command = new java.util.ArrayList<>(List.of(ROOT.resolve("scripts/flexledger").toString()));
            command.addAll(List.of(args));
            final Process p = new ProcessBuilder(command).redirectInput(in.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("flexledger %s finished", List.of(args)).isTrue();
            return new Object[] {p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8)};
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            Files.deleteIfExists(in);
        }
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void everyVectorThroughTheLauncher(final String name) throws Exception {
        final Map<String, Object> vector = Json.parseObject(Files.readString(VECTORS.resolve(name)));
        final Object[] r = launch(Json.write(vector.get("input")), "spec", name.substring(0, name.indexOf('-')));
        assertThat(r[0]).as("exit code; stderr: %s", r[2]).isEqualTo(0);
        assertThat(Json.write(Json.parse(((String) r[1]).trim()))).isEqualTo(Json.write(vector.get("expected")));
    }

    @Test
    void specErrorsAndMalformedInputHaveTheirExitCodes() throws Exception {
        final Object[] spec = launch("{\"request\":{\"id\":\"r\",\"quantityWh\":1,\"maxPrice\":1,\"deadline\":0,\"mode\":\"DUTCH\"},\"offers\":[]}",
                "spec", "mk1");
        assertThat(spec[0]).isEqualTo(3);
        assertThat(((String) spec[1]).trim()).isEqualTo("{\"error\":\"BAD_MODE\"}");
        final Object[] malformed = launch("{\"orders\":[{\"id\":\"a\"}]}", "spec", "da1");
        assertThat(malformed[0]).isEqualTo(2);
        assertThat((String) malformed[2]).contains("input.orders[0].side");
    }
}
