package energy.flexledger.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.spec.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FlexLedgerCliTest {
    private final InputStream stdin = System.in;
    private final PrintStream stdout = System.out;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @BeforeEach
    void capture() {
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setIn(stdin);
        System.setOut(stdout);
    }

    private int run(final String input, final String... args) {
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        return FlexLedgerCli.run(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fp1-basic.json", "fp1-continue.json"})
    void specFp1PrintsTheVectorsExpectedOutput(final String name) throws Exception {
        final Map<String, Object> vector = Json.parseObject(Files.readString(Path.of("../spec/src/test/resources/vectors", name)));
        assertThat(run(Json.write(vector.get("input")), "spec", "fp1")).isZero();
        assertThat(Json.write(Json.parse(captured.toString(StandardCharsets.UTF_8).trim()))).isEqualTo(Json.write(vector.get("expected")));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "{\"meterId\":\"m\",\"salt\":\"00\",\"intervals\":[]} | fp1 | BAD_SALT",
        "{                                               | fp1 | BAD_JSON",
        "{}                                              | zz9 | BAD_REQUEST"})
    void specErrorsPrintTheirCodeAndExitThree(final String input, final String spec, final String code) {
        assertThat(run(input, "spec", spec)).isEqualTo(3);
        assertThat(Json.parseObject(captured.toString(StandardCharsets.UTF_8).trim())).containsEntry("error", code);
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run("", "meter", "register")).isEqualTo(2);
    }

    @Test
    void missingNetworkIsAnInfrastructureErrorNamingTheProfile(@org.junit.jupiter.api.io.TempDir final Path empty) {
        final PrintStream stderr = System.err;
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(run("", "--work", empty.toString(), "--org", "cpo", "meter", "show", "--meter", "M")).isEqualTo(4);
        } finally {
            System.setErr(stderr);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(empty.resolve("clients/cpo-user.properties").toString())
                .contains("scripts/network.sh up");
    }
}
