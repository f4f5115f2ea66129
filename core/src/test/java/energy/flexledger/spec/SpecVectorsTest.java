package energy.flexledger.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every vector of spec/vectors, through the library. */
class SpecVectorsTest {

    static final String[] VECTORS = {
        "fp1-basic.json", "fp1-continue.json", "bl1-weekday-hourly.json", "bl1-weekend-hourly.json", "st1-basic.json",
        "mk1-single.json", "mk1-merit.json", "da1-basic.json", "da1-capacity.json"
    };

    static String[] vectorNames() {
        return VECTORS.clone();
    }

    static Map<String, Object> vector(final String name) throws IOException {
        try (InputStream in = SpecVectorsTest.class.getResourceAsStream("/vectors/" + name)) {
            assertThat(in).as("vector %s on the test class path", name).isNotNull();
            return Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest
    @MethodSource("vectorNames")
    void matchesTheSpecVectorsToTheBit(final String name) throws IOException {
        final Map<String, Object> vector = vector(name);
        final String spec = name.substring(0, name.indexOf('-'));
        final Map<String, Object> actual = SpecCommands.run(spec, vector.get("input"));
        // Canonical JSON makes member order irrelevant: equal documents give equal text.
        assertThat(Json.write(actual)).isEqualTo(Json.write(vector.get("expected")));
    }

    @org.junit.jupiter.api.Test
    void everyVectorFileIsListed() throws IOException {
        final java.nio.file.Path dir = java.nio.file.Path.of("src/test/resources/vectors");
        try (var files = java.nio.file.Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(VECTORS);
        }
    }
}
