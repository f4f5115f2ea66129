package energy.flexledger.client.mqtt;

import energy.flexledger.client.ingest.MqttGateway;
import energy.flexledger.client.ingest.SampleMessages;
import energy.flexledger.spec.Json;
import io.moquette.broker.ClientDescriptor;
import io.moquette.broker.GatedListener;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The gateway's embedded MQTT broker (decision 0022): Moquette 0.17 in the gateway's process,
 * behind {@link GatedListener}. Devices, EMS and BMS publish samples on
 * {@code flexledger/meters/<meterId>/samples} with their credential (user name and token); each
 * message is committed to the member store before the broker acknowledges it, several connections'
 * messages in one store transaction when they arrive together (group commit). Consumers (other
 * members) subscribe to {@code flexledger/data/<theirMsp>/<topic>/samples} while the ledger holds
 * their ACCEPTED subscription to {@code topic}; the gateway publishes there the accepted samples of
 * the meters that {@code --data-topic} puts behind the topic. Sessions, subscriptions and queued
 * messages of the consumers are persisted in {@code dataDir} (Moquette's H2 store and segmented
 * queues).
 */
public final class EmbeddedBroker implements AutoCloseable {
    /** How to run it. {@code dataTopics}: a ledger topic to the meters whose samples it carries. */
    public record Settings(String host, int port, Path dataDir, boolean quiet, Map<String, List<String>> dataTopics, Tls tls) {
    }

    /** A PKCS12 keystore for MQTT over TLS: then the listener speaks TLS only. */
    public record Tls(Path keystore, String password) {
    }

    /** The name the gateway publishes its data messages under (not a credential: names start with a letter or digit). */
    static final String PUBLISHER = "$flexledger-gateway";
    /** The largest MQTT message taken: a samples payload (512 KiB) plus its header. */
    static final int MAX_MESSAGE_BYTES = SampleMessages.MAX_PAYLOAD_BYTES + 4096;
    private static final int GROUP = 256;
    /** Moquette logs through SLF4J into java.util.logging: its warnings only, as for Jetty and gRPC (a strong reference keeps the level). */
    private static final java.util.logging.Logger MOQUETTE_LOG = java.util.logging.Logger.getLogger("io.moquette");

    static {
        MOQUETTE_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private final Server server;
    private final GatedListener listener;
    private final BrokerAccess access;
    private final SampleMessages messages;
    private final Consumer<Map<String, Object>> report;
    private final Settings settings;
    private final BlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
    private final Thread committer;
    private final MqttGateway.Latencies latencies = new MqttGateway.Latencies();
    private volatile boolean closing;

    private record Job(String user, String topic, byte[] payload, long arrived, CompletableFuture<Void> done) {
    }

    private EmbeddedBroker(final Server server, final GatedListener listener, final BrokerAccess access, final SampleMessages messages,
            final Consumer<Map<String, Object>> report, final Settings settings, final Thread committer) {
        this.server = server;
        this.listener = listener;
        this.access = access;
        this.messages = messages;
        this.report = report;
        this.settings = settings;
        this.committer = committer;
    }

    /** Starts the broker and its listener; {@code access} decides who may connect, publish and subscribe. */
    public static EmbeddedBroker start(final Settings settings, final BrokerAccess access, final SampleMessages messages,
            final Consumer<Map<String, Object>> reportTo) throws IOException {
        // A line that cannot be written (a closed stdout, a defect in the sink) must not stop a commit or an answer.
        final Consumer<Map<String, Object>> report = line -> {
            try {
                reportTo.accept(line);
            } catch (RuntimeException e) {
                System.err.println("flexledger: a log line was lost: " + e);
            }
        };
        Files.createDirectories(settings.dataDir());
        final Properties p = new Properties();
        p.setProperty("host", settings.host());
        p.setProperty("port", "disabled");          // Moquette's own listener: none; GatedListener listens
        p.setProperty("websocket_port", "disabled");
        p.setProperty("allow_anonymous", "false");
        p.setProperty("allow_zero_byte_client_id", "false");
        p.setProperty("reauthorize_subscriptions_on_connect", "true");
        p.setProperty("persistence_enabled", "true");
        p.setProperty("data_path", settings.dataDir().toAbsolutePath().toString());
        p.setProperty("persistent_queue_type", "segmented");
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("netty.mqtt.message_size", Integer.toString(MAX_MESSAGE_BYTES));
        final Server server = new Server();
        server.startServer(new MemoryConfig(p), List.of(), null, access, access);
        final Properties l = new Properties();
        l.putAll(p);
        if (settings.tls() != null) {
            l.setProperty("ssl_port", Integer.toString(settings.port()));
            l.setProperty("jks_path", settings.tls().keystore().toAbsolutePath().toString());
            l.setProperty("key_store_type", "pkcs12");
            l.setProperty("key_store_password", settings.tls().password());
            l.setProperty("key_manager_password", settings.tls().password());
        } else {
            l.setProperty("port", Integer.toString(settings.port()));
        }
        final EmbeddedBroker[] self = new EmbeddedBroker[1];
        final Thread committer = new Thread(() -> self[0].commitLoop(), "flexledger-mqtt-commit");
        committer.setDaemon(true);
        final GatedListener listener;
        try {
            listener = GatedListener.start(server, new MemoryConfig(l), access, new GatedListener.Gate() {
                @Override
                public String authenticate(final String clientId, final String userName, final byte[] password) {
                    return access.authenticate(clientId, userName, password);
                }

                @Override
                public boolean takes(final String userName, final String topic) {
                    return access.mayPublish(userName, topic);
                }

                @Override
                public void refused(final String userName, final String clientId, final String topic) {
                    final Map<String, Object> line = new LinkedHashMap<>();
                    line.put("event", "mqtt refused");
                    line.put("credential", userName);
                    line.put("clientId", String.valueOf(clientId));
                    line.put("topic", topic);
                    line.put("error", "ACCESS_DENIED");
                    line.put("message", "this credential may not publish on this topic: the connection is closed");
                    report.accept(line);
                }

                @Override
                public void refusedWill(final String userName, final String clientId, final String willTopic) {
                    final Map<String, Object> line = new LinkedHashMap<>();
                    line.put("event", "mqtt refused");
                    line.put("credential", String.valueOf(userName));
                    line.put("clientId", String.valueOf(clientId));
                    line.put("willTopic", String.valueOf(willTopic));
                    line.put("error", "ACCESS_DENIED");
                    line.put("message", "a CONNECT with a Will is refused (the broker would publish it past the topic rights): connect without one");
                    report.accept(line);
                }

                @Override
                public CompletableFuture<Void> commit(final String userName, final String topic, final byte[] payload) {
                    return self[0].enqueue(userName, topic, payload);
                }
            }, settings.tls() == null ? null : new KeystoreSsl(settings.tls()));
        } catch (RuntimeException e) {
            server.stopServer();
            throw new IOException("the embedded MQTT broker could not listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        self[0] = new EmbeddedBroker(server, listener, access, messages, report, settings, committer);
        committer.start();
        return self[0];
    }

    /** The port listened on (the TLS port when TLS is on). */
    public int port() {
        return settings.tls() != null ? listener.sslPort() : listener.port();
    }

    /** The acknowledgement latencies so far: from a message's arrival to its commit. */
    public Map<String, Object> latencies() {
        return latencies.summary();
    }

    public BrokerAccess access() {
        return access;
    }

    private CompletableFuture<Void> enqueue(final String user, final String topic, final byte[] payload) {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        if (closing || dead) {
            done.completeExceptionally(new IOException(dead ? "the gateway's MQTT commit thread has stopped" : "the gateway is stopping"));
            return done;
        }
        jobs.add(new Job(user, topic, payload, System.nanoTime(), done));
        if (dead) {
            failQueued("the gateway's MQTT commit thread has stopped");   // it stopped just now: nobody else will answer this one
        }
        return done;
    }

    /** Set when the commit thread ends: from then on every message is refused at once (not acknowledged), none waits for ever. */
    private volatile boolean dead;

    private void failQueued(final String why) {
        Job left;
        while ((left = jobs.poll()) != null) {
            left.done().completeExceptionally(new IOException(why));
        }
    }

    /**
     * One store transaction for whatever arrived together, then each message acknowledged, in
     * order. Every message taken from the queue is answered, whatever happens: kept (acknowledged)
     * or not (its connection is closed and the client sends it again). When the thread ends, for
     * whatever reason, everything still queued is answered "not kept".
     */
    private void commitLoop() {
        final List<Job> group = new ArrayList<>(GROUP);
        try {
            while (!closing || !jobs.isEmpty()) {
                final Job first;
                try {
                    first = jobs.poll(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (first == null) {
                    continue;
                }
                group.clear();
                group.add(first);
                jobs.drainTo(group, GROUP - 1);
                try {
                    commitGroup(group);
                } catch (RuntimeException e) {
                    report.accept(Map.of("event", "mqtt commit loop", "message", String.valueOf(e)));
                } finally {
                    for (final Job j : group) {
                        // A defect between the commit and the answers: not acknowledged, sent again, counted as a duplicate.
                        j.done().completeExceptionally(new IOException("not acknowledged: the gateway failed while answering"));
                    }
                }
            }
        } catch (Error e) {
            report.accept(Map.of("event", "mqtt commit loop", "message", "stopped: " + e));
            throw e;
        } finally {
            dead = true;
            failQueued(closing ? "the gateway is stopping" : "the gateway's MQTT commit thread has stopped");
        }
    }

    private void commitGroup(final List<Job> group) {
        final List<String> topics = new ArrayList<>(group.size());
        final List<byte[]> payloads = new ArrayList<>(group.size());
        for (final Job j : group) {
            topics.add(j.topic());
            payloads.add(j.payload());
            // A new meter's start from the ledger's head: read here, before the store transaction, not inside it.
            messages.warmUp(j.topic(), j.payload());
        }
        final List<SampleMessages.Outcome> results;
        try {
            TestHooks.beforeCommit(group.size());
            results = messages.handleEach(topics, payloads, "mqtt");
        } catch (IOException | RuntimeException e) {
            // Nothing of the group was kept: no PUBACK, the clients send again.
            report.accept(Map.of("event", "store failed", "messages", (long) group.size(), "message", String.valueOf(e.getMessage()),
                    "action", "not acknowledged: the devices send the messages again"));
            group.forEach(j -> j.done().completeExceptionally(e));
            return;
        }
        TestHooks.afterCommit(group.size());
        final long now = System.nanoTime();
        for (int i = 0; i < group.size(); i++) {
            final Job j = group.get(i);
            final SampleMessages.Outcome outcome = results.get(i);
            if (!outcome.kept()) {
                report.accept(Map.of("event", "store failed", "messages", 1L, "credential", j.user(), "topic", j.topic(),
                        "message", String.valueOf(outcome.failure().getMessage()), "action", "not acknowledged: the device sends the message again"));
                j.done().completeExceptionally(outcome.failure());
                continue;
            }
            try {
                if (!settings.quiet()) {
                    // Logged before it is acknowledged: the log shows every message a device was told is kept.
                    final Map<String, Object> line = new LinkedHashMap<>(outcome.result());
                    line.put("credential", j.user());
                    report.accept(line);
                }
            } finally {
                j.done().complete(null);
                latencies.add(now - j.arrived());
            }
            try {
                feed(outcome.result(), j.payload());
            } catch (RuntimeException e) {
                report.accept(Map.of("event", "mqtt feed failed", "topic", j.topic(), "message", String.valueOf(e),
                        "action", "the message is kept and acknowledged; the consumers did not get it"));
            }
        }
    }

    /** The accepted samples of a committed message, to every consumer granted a topic its meter is behind. */
    private void feed(final Map<String, Object> result, final byte[] payload) {
        final Object meter = result.get("meterId");
        if (!(meter instanceof String meterId) || !(result.get("accepted") instanceof Long accepted) || accepted == 0) {
            return;
        }
        List<String> topics = null;
        for (final Map.Entry<String, List<String>> e : settings.dataTopics().entrySet()) {
            if (e.getValue().contains(meterId)) {
                topics = topics == null ? new ArrayList<>() : topics;
                topics.add(e.getKey());
            }
        }
        if (topics == null) {
            return;
        }
        final byte[] data = dataMessage(meterId, payload, result);
        for (final BrokerAccess.Grant g : access.grants()) {
            if (topics.contains(g.topic()) && BrokerAccess.mqttSafe(g.topic())) {
                server.internalPublish(MqttMessageBuilders.publish().topicName(g.mqttTopic()).qos(MqttQoS.AT_LEAST_ONCE).retained(false)
                        .payload(Unpooled.wrappedBuffer(data)).build(), PUBLISHER);
            }
        }
    }

    /** {@code {"meterId", "samples": [[t, v], ...]}}: the message's samples less those the store refused. */
    static byte[] dataMessage(final String meterId, final byte[] payload, final Map<String, Object> result) {
        final Set<Long> refused = new HashSet<>();
        if (result.get("rejected") instanceof List<?> rejected) {
            for (final Object r : rejected) {
                if (r instanceof Map<?, ?> m && m.get("index") instanceof Long i) {
                    refused.add(i);
                }
            }
        }
        final List<Object> samples = new ArrayList<>();
        final Object parsed = Json.parse(new String(payload, StandardCharsets.UTF_8));
        if (parsed instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                if (!refused.contains((long) i)) {
                    samples.add(list.get(i));
                }
            }
        }
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("meterId", meterId);
        out.put("samples", samples);
        return Json.write(out).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * After the credentials or the grants changed: disconnects every client whose credential is no
     * longer live, and every consumer whose member lost a grant, so that nothing more reaches it
     * (on reconnecting, Moquette checks its subscriptions again). Returns the client ids disconnected.
     */
    public List<String> enforce(final Set<BrokerAccess.Grant> lost) {
        final Set<String> lostMsps = new HashSet<>();
        lost.forEach(g -> lostMsps.add(g.consumerMsp()));
        final List<String> out = new ArrayList<>();
        for (final ClientDescriptor client : server.listConnectedClients()) {
            final var c = access.credential(BrokerAccess.owner(client.getClientID()));
            final boolean drop = c.isEmpty() || c.get().msp() != null && lostMsps.contains(c.get().msp());
            if (drop && server.disconnectClient(client.getClientID())) {
                out.add(client.getClientID());
            }
        }
        return out;
    }

    /** Test kill points: the process halts (no shutdown hooks, no PUBACK) before or after the N-th group commit. */
    static final class TestHooks {
        private static final long HALT_BEFORE = Long.getLong("flexledger.test.mqttHaltBeforeCommit", 0L);
        private static final long HALT_AFTER = Long.getLong("flexledger.test.mqttHaltAfterCommit", 0L);
        private static long groups;

        private TestHooks() {
        }

        static void beforeCommit(final int messages) {
            groups++;
            halt(HALT_BEFORE, "before committing");
        }

        static void afterCommit(final int messages) {
            halt(HALT_AFTER, "after committing, before acknowledging");
        }

        private static void halt(final long at, final String where) {
            if (at > 0 && groups == at) {
                System.err.println("flexledger: halting " + where + " message group " + at + " (test kill point)");
                System.err.flush();
                Runtime.getRuntime().halt(137);
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            listener.close();
        } finally {
            try {
                committer.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server.stopServer();
        }
    }
}
