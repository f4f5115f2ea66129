package energy.flexledger.client.mqtt;

import energy.flexledger.client.http.GatewayStore.Credential;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps the embedded broker's rights in step with the member store and the ledger (decision
 * 0022): every {@code everySeconds} it reads the credentials (a revoked one is refused from then
 * on) and this member's subscriptions as provider (an ACCEPTED one grants its consumer the topic),
 * and disconnects the clients that lost a right, because Moquette checks subscriptions only when
 * they are made: with {@code reauthorize_subscriptions_on_connect} a reconnecting consumer keeps
 * only what it may still read, and the gateway publishes a topic's data only for live grants. When
 * the ledger does not answer, the last grants stay (a revocation is seen on the next answer), but
 * for {@link #DEFAULT_STALE_MILLIS} at most: a gateway that has not heard from the ledger for longer
 * cannot know what was revoked meanwhile, so it drops every grant and disconnects the consumers
 * until the ledger answers again (fails closed).
 */
public final class AccessSync implements AutoCloseable {
    /** Reads that may fail. */
    public interface Source<T> {
        T get() throws Exception;
    }

    private final EmbeddedBroker broker;
    private final Source<List<Credential>> credentials;
    private final Source<List<Map<String, Object>>> subscriptions;
    private final String providerMsp;
    private final Consumer<Map<String, Object>> report;
    private final ScheduledExecutorService timer;
    private String lastError;
    /** How long the last grants outlive a ledger that does not answer. */
    public static final long DEFAULT_STALE_MILLIS = 60_000;
    private long staleNanos = TimeUnit.MILLISECONDS.toNanos(DEFAULT_STALE_MILLIS);
    private java.util.function.LongSupplier clock = System::nanoTime;
    private long lastAnswer;
    private boolean answered;

    public AccessSync(final EmbeddedBroker broker, final Source<List<Credential>> credentials, final Source<List<Map<String, Object>>> subscriptions,
            final String providerMsp, final Consumer<Map<String, Object>> report) {
        this.broker = broker;
        this.credentials = credentials;
        this.subscriptions = subscriptions;
        this.providerMsp = providerMsp;
        this.report = report;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "flexledger-mqtt-acl");
            t.setDaemon(true);
            return t;
        });
    }

    /** For tests: how long grants outlive a silent ledger, on which clock (nanoseconds). */
    synchronized AccessSync staleAfter(final long millis, final java.util.function.LongSupplier nanoClock) {
        this.staleNanos = TimeUnit.MILLISECONDS.toNanos(millis);
        this.clock = nanoClock;
        return this;
    }

    /** Runs once now (so that the broker starts with the ledger's grants) and then every {@code everySeconds}. */
    public AccessSync start(final long everySeconds) {
        once();
        timer.scheduleWithFixedDelay(this::once, everySeconds, everySeconds, TimeUnit.SECONDS);
        return this;
    }

    /** The ACCEPTED subscriptions to {@code providerMsp}'s topics, as grants. */
    public static Set<BrokerAccess.Grant> accepted(final List<Map<String, Object>> subscriptions, final String providerMsp) {
        final Set<BrokerAccess.Grant> out = new HashSet<>();
        for (final Map<String, Object> s : subscriptions) {
            if ("ACCEPTED".equals(s.get("status")) && providerMsp.equals(s.get("providerMsp")) && s.get("consumerMsp") instanceof String c
                    && s.get("topic") instanceof String t) {
                out.add(new BrokerAccess.Grant(c, t));
            }
        }
        return out;
    }

    /** One round: credentials, grants, disconnections. */
    synchronized void once() {
        final BrokerAccess access = broker.access();
        final Map<String, Object> line = new LinkedHashMap<>();
        try {
            access.refresh(credentials.get());
        } catch (Exception e) {
            line.put("credentialsError", String.valueOf(e.getMessage()));
        }
        final Set<BrokerAccess.Grant> old = access.grants();
        Set<BrokerAccess.Grant> lost = Set.of();
        try {
            final Set<BrokerAccess.Grant> now = accepted(subscriptions.get(), providerMsp);
            access.grant(now);
            if (!now.equals(old)) {
                lost = new HashSet<>(old);
                lost.removeAll(now);
                line.put("grants", describe(now));
                if (!lost.isEmpty()) {
                    line.put("revoked", describe(lost));
                }
                for (final BrokerAccess.Grant g : now) {
                    if (!BrokerAccess.mqttSafe(g.topic())) {
                        line.put("unusableTopic", g.topic() + " (of " + g.consumerMsp() + "): '+', '#', empty levels or NUL cannot be an MQTT topic");
                    }
                }
            }
            lastError = null;
            answered = true;
            lastAnswer = clock.getAsLong();
        } catch (Exception e) {
            final String message = String.valueOf(e.getMessage());
            final boolean stale = !old.isEmpty() && (!answered || clock.getAsLong() - lastAnswer > staleNanos);
            if (stale) {
                access.grant(Set.of());
                lost = old;
                line.put("ledgerError", message);
                line.put("revoked", describe(old));
                line.put("message", "no answer from the ledger for over " + TimeUnit.NANOSECONDS.toSeconds(staleNanos)
                        + " s: every grant is dropped until it answers (a revocation may have been missed)");
            } else if (!message.equals(lastError)) {
                line.put("ledgerError", message + " (the last grants stay until the ledger answers, "
                        + TimeUnit.NANOSECONDS.toSeconds(staleNanos) + " s at most)");
            }
            lastError = message;
        }
        final List<String> dropped = broker.enforce(lost);
        if (!dropped.isEmpty()) {
            line.put("disconnected", dropped);
        }
        if (!line.isEmpty()) {
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("event", "mqtt access");
            out.putAll(line);
            report.accept(out);
        }
    }

    private static List<Object> describe(final Set<BrokerAccess.Grant> grants) {
        final TreeSet<String> sorted = new TreeSet<>();
        grants.forEach(g -> sorted.add(g.consumerMsp() + " " + g.topic()));
        return new ArrayList<>(sorted);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
