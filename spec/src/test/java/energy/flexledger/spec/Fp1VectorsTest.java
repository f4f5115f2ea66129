package energy.flexledger.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Fp1VectorsTest {

    static Map<String, Object> vector(final String name) throws IOException {
        try (InputStream in = Fp1VectorsTest.class.getResourceAsStream("/vectors/" + name)) {
            assertThat(in).as("vector %s on the test class path", name).isNotNull();
            return Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fp1-basic.json", "fp1-continue.json"})
    void matchesTheSpecVectorsToTheBit(final String name) throws IOException {
        final Map<String, Object> vector = vector(name);
        final Map<String, Object> actual = SpecCommands.run("fp1", vector.get("input"));
        // Canonical JSON makes member order irrelevant: equal documents give equal text.
        assertThat(Json.write(actual)).isEqualTo(Json.write(vector.get("expected")));
    }
}
