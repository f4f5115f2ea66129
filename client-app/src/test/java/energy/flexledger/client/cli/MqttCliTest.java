package energy.flexledger.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.spec.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line of the embedded broker and of consumer credentials: bad input is refused before anything starts or changes. */
class MqttCliTest {
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errors = new ByteArrayOutputStream();
    private PrintStream out;
    private PrintStream err;

    @TempDir
    Path dir;

    @BeforeEach
    void capture() {
        out = System.out;
        err = System.err;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(out);
        System.setErr(err);
    }

    private int run(final String... args) {
        final String[] base = {"--work", dir.resolve("work").toString(), "--org", "community"};
        return FlexLedgerCli.run(Stream.concat(Arrays.stream(base), Arrays.stream(args)).toArray(String[]::new));
    }

    @Test
    void theEmbeddedBrokerRefusesPlainMqttOffLoopbackAndBadOptions() throws Exception {
        assertThat(run("gateway", "--mqtt-listen", "0.0.0.0:1883")).isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("not a loopback address").contains("--mqtt-tls-keystore");
        assertThat(run("gateway", "--mqtt-listen", "192.0.2.1:1883")).isEqualTo(2);
        assertThat(run("gateway", "--mqtt-listen", "nowhere")).isEqualTo(2);
        assertThat(run("gateway", "--mqtt-listen", "127.0.0.1:99999")).isEqualTo(2);
        assertThat(run("gateway", "--mqtt-listen", "127.0.0.1:x")).isEqualTo(2);
        assertThat(run("gateway", "--mqtt-listen", "127.0.0.1:1883", "--access-refresh", "0")).isEqualTo(2);
        assertThat(run("gateway", "--http", "127.0.0.1:0", "--data-topic", "t=M-1")).isEqualTo(2);
        assertThat(run("gateway", "--mqtt-listen", "127.0.0.1:1883", "--data-topic", "a/+=M-1")).isEqualTo(2);
        assertThat(run("gateway", "--mqtt-listen", "127.0.0.1:1883", "--data-topic", "a/b")).isEqualTo(2);
        assertThat(run("gateway", "--mqtt-listen", "127.0.0.1:1883", "--data-topic", "a/b=")).isEqualTo(2);
        assertThat(run("gateway", "--mqtt-listen", "0.0.0.0:8883", "--mqtt-tls-keystore", dir.resolve("none.p12").toString())).isEqualTo(2);
        final Path keystore = Files.writeString(dir.resolve("broker.p12"), "not read before the password is known");
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv(MqttListenOptions.TLS_PASSWORD_ENV) == null);
        assertThat(run("gateway", "--mqtt-listen", "0.0.0.0:8883", "--mqtt-tls-keystore", keystore.toString())).isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains(MqttListenOptions.TLS_PASSWORD_ENV);
        assertThat(run("gateway", "--mqtt-listen", "0.0.0.0:8883", "--mqtt-tls-keystore", keystore.toString(), "--insecure-mqtt")).isEqualTo(2);
        // Nothing started, nothing stored.
        assertThat(dir.resolve("work/members/community/mqtt-broker")).doesNotExist();
    }

    @Test
    void aConsumerCredentialIsBoundToAnMspAndToNothingElse() throws Exception {
        assertThat(run("credential", "create", "--name", "agg", "--kind", "consumer")).isEqualTo(2);
        assertThat(run("credential", "create", "--name", "agg", "--kind", "consumer", "--msp", "AggregatorMSP", "--asset", "M-1")).isEqualTo(2);
        assertThat(run("credential", "create", "--name", "agg", "--kind", "consumer", "--msp", "AggregatorMSP", "--identity", "x")).isEqualTo(2);
        assertThat(run("credential", "create", "--name", "ems", "--kind", "ems", "--msp", "AggregatorMSP")).isEqualTo(2);
        assertThat(run("credential", "create", "--name", "agg", "--kind", "consumer", "--msp", "not an msp")).isEqualTo(3);
        captured.reset();
        assertThat(run("credential", "create", "--name", "agg", "--kind", "consumer", "--msp", "AggregatorMSP")).isZero();
        final Map<String, Object> made = Json.parseObject(captured.toString(StandardCharsets.UTF_8).trim());
        assertThat(made).containsEntry("kind", "consumer").containsEntry("msp", "AggregatorMSP").containsEntry("identity", "");
        assertThat((String) made.get("token")).startsWith("flx_");
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("MQTT password (user name 'agg')");
        captured.reset();
        assertThat(run("credential", "list")).isZero();
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("\"msp\":\"AggregatorMSP\"").doesNotContain("flx_");
    }

    @Test
    void mqttLoadWantsTheCredentialsTokenFromTheEnvironment() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv(MqttLoadCommand.TOKEN_ENV) == null);
        assertThat(run("mqtt-load", "--mqtt", "tcp://127.0.0.1:1", "--user", "ems-1")).isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains(MqttLoadCommand.TOKEN_ENV);
        assertThat(run("mqtt-load", "--mqtt", "tcp://127.0.0.1:1", "--connections", "0")).isEqualTo(2);
    }
}
