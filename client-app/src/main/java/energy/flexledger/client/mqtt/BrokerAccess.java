package energy.flexledger.client.mqtt;

import energy.flexledger.client.http.GatewayStore.Credential;
import energy.flexledger.client.http.GatewayStore.Kind;
import energy.flexledger.client.ingest.SampleMessages;
import io.moquette.broker.security.IAuthenticator;
import io.moquette.broker.security.IAuthorizatorPolicy;
import io.moquette.broker.subscriptions.Topic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Who may do what on the embedded broker (decision 0022). Users are the gateway's credentials: the
 * user name is the credential's name, the password its token; revoked credentials, unknown names
 * and anonymous clients are refused. A client id must be the credential's name or begin with
 * {@code <name>:}, so that no credential can take over another's session.
 *
 * <ul>
 *   <li>publish: a device credential on {@code flexledger/meters/<m>/samples} for its own assets
 *       {@code m}; an ems or bms credential for the member's meters (those with a salt here);
 *       nobody anything else;</li>
 *   <li>subscribe: a consumer credential of member {@code X} exactly to
 *       {@code flexledger/data/X/<topic>/samples} while the ledger holds an ACCEPTED subscription of
 *       {@code X} to this member's {@code <topic>} ({@link #grants}); nobody anything else, in
 *       particular nobody the samples topics.</li>
 * </ul>
 * Credentials and grants are snapshots that {@link #refresh} and {@link #grant} replace every few
 * seconds; Moquette asks on every publish and at every subscribe.
 */
public final class BrokerAccess implements IAuthenticator, IAuthorizatorPolicy {
    /** Looks a token up: the live credential it belongs to. */
    public interface Tokens {
        Optional<Credential> authenticate(String token) throws IOException;
    }

    /** A consumer member's right to one of this member's topics, from an ACCEPTED subscription on the ledger. */
    public record Grant(String consumerMsp, String topic) {
        /** The MQTT topic this member publishes {@code topic}'s data on for {@code consumerMsp}. */
        public String mqttTopic() {
            return dataTopic(consumerMsp, topic);
        }
    }

    public static final String DATA_PREFIX = "flexledger/data/";

    /** The MQTT topic of a ledger topic's data for one consumer member. */
    public static String dataTopic(final String consumerMsp, final String topic) {
        return DATA_PREFIX + consumerMsp + "/" + topic + "/samples";
    }

    /**
     * Whether a ledger topic can name an MQTT topic level by level: no wildcard ('+', '#'), no NUL,
     * no empty level. A subscription to any other topic grants nothing here (it could match others).
     */
    public static boolean mqttSafe(final String topic) {
        return topic != null && !topic.isEmpty() && topic.indexOf('+') < 0 && topic.indexOf('#') < 0 && topic.indexOf('\0') < 0
                && !topic.startsWith("/") && !topic.endsWith("/") && !topic.contains("//");
    }

    private final Tokens tokens;
    private final Predicate<String> memberMeter;
    private volatile Map<String, Credential> live = Map.of();
    private volatile Set<Grant> grants = Set.of();

    public BrokerAccess(final Tokens tokens, final Predicate<String> memberMeter) {
        this.tokens = tokens;
        this.memberMeter = memberMeter;
    }

    /** Replaces the credentials known to be live (not revoked); a credential absent from {@code all} or revoked is refused from now on. */
    public synchronized void refresh(final Collection<Credential> all) {
        final Map<String, Credential> next = new HashMap<>();
        for (final Credential c : all) {
            if (!c.revoked()) {
                next.put(c.name(), c);
            }
        }
        live = Map.copyOf(next);
    }

    /** Replaces the grants (ACCEPTED subscriptions to this member's topics). */
    public void grant(final Set<Grant> accepted) {
        grants = Set.copyOf(accepted);
    }

    public Set<Grant> grants() {
        return grants;
    }

    /** The live credential of this name, if any. */
    public Optional<Credential> credential(final String name) {
        return Optional.ofNullable(name == null ? null : live.get(name));
    }

    /** The credential name a client id belongs to ({@code name} or {@code name:anything}). */
    public static String owner(final String clientId) {
        final int colon = clientId.indexOf(':');
        return colon < 0 ? clientId : clientId.substring(0, colon);
    }

    /** The name of the credential this CONNECT authenticates, or null. */
    public String authenticate(final String clientId, final String userName, final byte[] password) {
        if (clientId == null || userName == null || password == null || password.length == 0 || !owner(clientId).equals(userName)) {
            return null;
        }
        final Optional<Credential> c;
        try {
            c = tokens.authenticate(new String(password, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return null;    // the store failed: refuse rather than guess
        }
        if (c.isEmpty() || !c.get().name().equals(userName)) {
            return null;
        }
        // A credential created since the last refresh is live from its first login. Under the lock that
        // refresh takes: a refresh that drops a revoked credential is never overwritten by an older copy.
        synchronized (this) {
            if (!live.containsKey(userName)) {
                final Map<String, Credential> next = new HashMap<>(live);
                next.put(userName, c.get());
                live = Map.copyOf(next);
            }
        }
        return userName;
    }

    @Override
    public boolean checkValid(final String clientId, final String userName, final byte[] password) {
        return authenticate(clientId, userName, password) != null;
    }

    /** The meter of a samples topic {@code flexledger/meters/<m>/samples}, or null. */
    static String meterOf(final String topic) {
        if (topic == null || !topic.startsWith(SampleMessages.TOPIC_PREFIX) || !topic.endsWith(SampleMessages.TOPIC_SUFFIX)) {
            return null;
        }
        final String m = topic.substring(SampleMessages.TOPIC_PREFIX.length(), topic.length() - SampleMessages.TOPIC_SUFFIX.length());
        return m.isEmpty() || m.contains("/") || m.contains("+") || m.contains("#") ? null : m;
    }

    /** Whether {@code user} may publish on {@code topic}. */
    public boolean mayPublish(final String user, final String topic) {
        final Credential c = user == null ? null : live.get(user);
        final String meter = meterOf(topic);
        if (c == null || meter == null) {
            return false;
        }
        return switch (c.kind()) {
            case DEVICE -> c.assets().contains(meter);
            case EMS, BMS -> memberMeter.test(meter);
            case CONSUMER -> false;
        };
    }

    /** Whether {@code user} may subscribe to {@code filter}. */
    public boolean maySubscribe(final String user, final String filter) {
        final Credential c = user == null ? null : live.get(user);
        if (c == null || c.kind() != Kind.CONSUMER || filter == null) {
            return false;
        }
        for (final Grant g : grants) {
            if (g.consumerMsp().equals(c.msp()) && mqttSafe(g.topic()) && g.mqttTopic().equals(filter)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean canWrite(final Topic topic, final String user, final String clientId) {
        return clientId != null && user != null && owner(clientId).equals(user) && mayPublish(user, topic.toString());
    }

    @Override
    public boolean canRead(final Topic topic, final String user, final String clientId) {
        return clientId != null && user != null && owner(clientId).equals(user) && maySubscribe(user, topic.toString());
    }
}
