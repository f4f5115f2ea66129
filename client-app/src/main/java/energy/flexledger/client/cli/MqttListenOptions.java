package energy.flexledger.client.cli;

import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.MemberProfile;
import energy.flexledger.client.SaltStore;
import energy.flexledger.client.http.GatewayStore;
import energy.flexledger.client.ingest.SampleMessages;
import energy.flexledger.client.mqtt.AccessSync;
import energy.flexledger.client.mqtt.BrokerAccess;
import energy.flexledger.client.mqtt.EmbeddedBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The options of {@code gateway} for its embedded MQTT broker (decision 0022), and starting it. */
final class MqttListenOptions {
    @Option(names = "--mqtt-listen", paramLabel = "HOST:PORT", description = "run the embedded MQTT broker on HOST:PORT (port 0: any free port,"
            + " printed in the 'started' line); clients log in with a credential's name and token (flexledger credential create)")
    String listen;

    @Option(names = "--mqtt-tls-keystore", paramLabel = "FILE", description = "the embedded broker speaks MQTT over TLS only, with this PKCS12"
            + " keystore's certificate and key; its password from the environment variable " + MqttListenOptions.TLS_PASSWORD_ENV)
    Path tlsKeystore;

    @Option(names = "--insecure-mqtt", description = "allow plain MQTT on an address other than loopback (tokens in clear): only behind a"
            + " TLS-terminating proxy or on a trusted link")
    boolean insecure;

    @Option(names = "--data-topic", paramLabel = "TOPIC=METER[,METER...]", description = "the meters whose samples a ledger topic carries: a"
            + " consumer with an ACCEPTED subscription to TOPIC reads them on flexledger/data/<its MSP>/TOPIC/samples; repeatable")
    List<String> dataTopics = new ArrayList<>();

    @Option(names = "--access-refresh", paramLabel = "SECONDS", defaultValue = "2", description = "seconds between reading credentials and the"
            + " ledger's subscriptions for the broker's rights; a revocation stops a consumer within about this (default: ${DEFAULT-VALUE})")
    long refresh;

    /** The environment variable that holds the --mqtt-tls-keystore password (never an argument: ps shows arguments). */
    static final String TLS_PASSWORD_ENV = "FLEXLEDGER_MQTT_TLS_PASSWORD";

    /** The broker's settings from the options, checked before anything starts; null without --mqtt-listen. */
    EmbeddedBroker.Settings settings(final CommandSpec spec, final Path dataDir, final boolean quiet) {
        if (listen == null) {
            if (tlsKeystore != null || insecure || !dataTopics.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--mqtt-tls-keystore, --insecure-mqtt and --data-topic need --mqtt-listen");
            }
            return null;
        }
        if (refresh < 1) {
            throw new ParameterException(spec.commandLine(), "--access-refresh must be at least 1 second");
        }
        final int colon = listen.lastIndexOf(':');
        final int port;
        try {
            port = colon <= 0 ? -1 : Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--mqtt-listen must be HOST:PORT with a port 0..65535, was '" + listen + "'");
        }
        if (port < 0 || port > 65_535) {
            throw new ParameterException(spec.commandLine(), "--mqtt-listen must be HOST:PORT with a port 0..65535, was '" + listen + "'");
        }
        final String host = listen.substring(0, colon);
        EmbeddedBroker.Tls tls = null;
        if (tlsKeystore != null) {
            if (insecure) {
                throw new ParameterException(spec.commandLine(), "--mqtt-tls-keystore and --insecure-mqtt exclude each other");
            }
            if (!Files.isRegularFile(tlsKeystore)) {
                throw new ParameterException(spec.commandLine(), "--mqtt-tls-keystore: no such file " + tlsKeystore);
            }
            final String password = System.getenv(TLS_PASSWORD_ENV);
            if (password == null) {
                throw new ParameterException(spec.commandLine(), "--mqtt-tls-keystore needs the keystore's password in the environment variable "
                        + TLS_PASSWORD_ENV);
            }
            tls = new EmbeddedBroker.Tls(tlsKeystore, password);
        } else if (!insecure && !GatewayCommand.loopback(host)) {
            throw new ParameterException(spec.commandLine(), "--mqtt-listen " + listen + " is not a loopback address: devices' tokens would cross"
                    + " the network in clear. Give --mqtt-tls-keystore FILE (PKCS12, password in " + TLS_PASSWORD_ENV + "), or put a"
                    + " TLS-terminating proxy in front and pass --insecure-mqtt, or bind 127.0.0.1");
        }
        final Map<String, List<String>> topics = new LinkedHashMap<>();
        for (final String d : dataTopics) {
            final int eq = d.indexOf('=');
            final String topic = eq <= 0 ? "" : d.substring(0, eq);
            if (!BrokerAccess.mqttSafe(topic) || eq == d.length() - 1) {
                throw new ParameterException(spec.commandLine(), "--data-topic must be TOPIC=METER[,METER...] with a topic without '+', '#' or"
                        + " empty levels, was '" + d + "'");
            }
            topics.computeIfAbsent(topic, t -> new ArrayList<>()).addAll(List.of(d.substring(eq + 1).split(",")));
        }
        return new EmbeddedBroker.Settings(host, port, dataDir, quiet, topics, tls);
    }

    /** The broker and its access sync, running. */
    record Running(EmbeddedBroker broker, AccessSync sync, String url) implements AutoCloseable {
        @Override
        public void close() {
            try {
                sync.close();
            } finally {
                broker.close();
            }
        }
    }

    Running start(final EmbeddedBroker.Settings settings, final FlexLedgerCli root, final GatewayStore credentials, final SaltStore salts,
            final SampleMessages messages, final LedgerConnection ledger, final Consumer<Map<String, Object>> report) throws IOException {
        final String provider = MemberProfile.fromWork(root.work, root.org, root.who).mspId();
        final BrokerAccess access = new BrokerAccess(credentials::authenticate, salts::exists);
        access.refresh(credentials.list());
        final EmbeddedBroker broker = EmbeddedBroker.start(settings, access, messages, report);
        try {
            final AccessSync sync = new AccessSync(broker, credentials::list,
                    () -> ledger.energy(root.channel).allSubscriptions("provider", provider), provider, report);
            sync.start(refresh);
            return new Running(broker, sync, (settings.tls() != null ? "ssl://" : "tcp://") + settings.host() + ":" + broker.port());
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }
}
