package io.moquette.broker;

import io.moquette.broker.config.IConfig;
import io.moquette.broker.security.IAuthenticator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.lang.reflect.Field;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * FlexLedger's MQTT listener on Moquette 0.17's broker (decision 0022). Moquette acknowledges a
 * QoS 1 PUBLISH (PUBACK) once it has routed the message to its subscribers' sessions, in memory:
 * a subscriber's in-flight messages are not persisted, so a crash between that PUBACK and the
 * subscriber's commit loses an acknowledged message. This listener therefore puts a {@link Gate}
 * in front of Moquette's own MQTT handler: a PUBLISH the gate takes (a meter's samples from an
 * authenticated client allowed to write them) is handed to Moquette, and so acknowledged, only
 * after the gate committed it; if the commit fails, the connection is closed without PUBACK and
 * the client sends the message again. Messages of one connection keep their order. Everything
 * else (CONNECT, SUBSCRIBE, the consumers' traffic) is Moquette's, unchanged.
 *
 * <p>It lives in Moquette's package because Moquette builds its listener from package-private
 * classes; it reads the broker's session registry and post office from the started
 * {@link Server} (fields of 0.17, checked at start).
 */
public final class GatedListener implements AutoCloseable {
    /** What the listener asks before a PUBLISH reaches Moquette. */
    public interface Gate {
        /** The user name a CONNECT authenticates as, or null (then nothing of the connection is taken). */
        String authenticate(String clientId, String userName, byte[] password);

        /** Whether {@code userName} may publish on {@code topic}: the gate then commits it first (samples). */
        boolean takes(String userName, String topic);

        /**
         * A PUBLISH of an authenticated client that it may not make: said here; the connection is then closed (MQTT 3.1.1 has no
         * negative PUBACK, and a client left waiting for one would hold its message forever).
         */
        void refused(String userName, String clientId, String topic);

        /** A CONNECT carrying a Will: said here; refused with CONNACK "not authorized" and closed. */
        void refusedWill(String userName, String clientId, String willTopic);

        /** Commits the message; the future completes when it is kept (then it is acknowledged), or fails (then it is not). */
        CompletableFuture<Void> commit(String userName, String topic, byte[] payload);
    }

    private static final AttributeKey<String> USER = AttributeKey.valueOf("flexledger.user");
    private static final AttributeKey<String> CLIENT = AttributeKey.valueOf("flexledger.client");
    private static final AttributeKey<Pending> PENDING = AttributeKey.valueOf("flexledger.pending");

    private final NewNettyAcceptor acceptor;

    private GatedListener(final NewNettyAcceptor acceptor) {
        this.acceptor = acceptor;
    }

    /**
     * Listens with {@code config}'s host, port (and ssl_port, if set) for {@code server}, which was
     * started with its own port disabled, and with the same {@code authenticator}.
     */
    public static GatedListener start(final Server server, final IConfig config, final IAuthenticator authenticator, final Gate gate,
            final ISslContextCreator ssl) {
        final PostOffice postOffice = field(server, "dispatcher", PostOffice.class);
        final SessionRegistry sessions = field(server, "sessions", SessionRegistry.class);
        final BrokerConfiguration brokerConfig = new BrokerConfiguration(config);
        final MQTTConnectionFactory connections = new MQTTConnectionFactory(brokerConfig, authenticator, sessions, postOffice);
        // Moquette ends the JVM (System.exit) when its bind fails: find out first, and fail as a gateway should.
        requireFree(config.getProperty("host", "0.0.0.0"), config.getProperty("port", "disabled"));
        requireFree(config.getProperty("host", "0.0.0.0"), config.getProperty("ssl_port", "disabled"));
        final NewNettyAcceptor acceptor = new NewNettyAcceptor();
        acceptor.initialize(new Handler(connections, gate), config, ssl, brokerConfig);
        // The acceptor learns the bound port from a listener on the bind that runs on Netty's event loop, possibly just after
        // initialize returns, and puts it into a plain HashMap. Its getPort() is a computeIfAbsent, a write: polling it while
        // the listener puts is a race on the map (seen: ConcurrentModificationException in the unit tests). So wait with plain
        // reads until the listener has put the port; from then on getPort() finds the key and only reads.
        final boolean plain = !"disabled".equals(config.getProperty("port", "disabled"));
        final boolean tls = !"disabled".equals(config.getProperty("ssl_port", "disabled"));
        final Map<?, ?> ports = ports(acceptor);
        final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (plain && bound(ports, NewNettyAcceptor.PLAIN_MQTT_PROTO) == 0 || tls && bound(ports, NewNettyAcceptor.SSL_MQTT_PROTO) == 0) {
            if (System.nanoTime() > deadline) {
                acceptor.close();
                throw new IllegalStateException("the MQTT listener did not report its port");
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                acceptor.close();
                throw new IllegalStateException("interrupted while the MQTT listener starts", e);
            }
        }
        return new GatedListener(acceptor);
    }

    private static void requireFree(final String host, final String port) {
        final int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            return;   // disabled
        }
        if (p == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(host, p));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + p + " (" + e.getMessage() + "): is another process using it?", e);
        }
    }

    private static Map<?, ?> ports(final NewNettyAcceptor acceptor) {
        try {
            final Field f = NewNettyAcceptor.class.getDeclaredField("ports");
            f.setAccessible(true);
            return (Map<?, ?>) f.get(acceptor);
        } catch (ReflectiveOperationException | RuntimeException e) {
            acceptor.close();
            throw new IllegalStateException("this Moquette is not the 0.17 the gateway was built for (NewNettyAcceptor.ports): " + e, e);
        }
    }

    /** The port the acceptor's bind listener recorded for {@code protocol}, 0 while it has not: a read that never changes the map. */
    private static int bound(final Map<?, ?> ports, final String protocol) {
        try {
            return ports.get(protocol) instanceof Integer port ? port : 0;
        } catch (RuntimeException e) {
            return 0;   // read during the listener's put: try again
        }
    }

    private static <T> T field(final Server server, final String name, final Class<T> type) {
        try {
            final Field f = Server.class.getDeclaredField(name);
            f.setAccessible(true);
            return type.cast(f.get(server));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this Moquette is not the 0.17 the gateway was built for (Server." + name + "): " + e, e);
        }
    }

    /** The plain TCP port listened on. */
    public int port() {
        return acceptor.getPort();
    }

    /** The TLS port listened on, or -1. */
    public int sslPort() {
        return acceptor.getSslPort();
    }

    @Override
    public void close() {
        acceptor.close();
    }

    /** A connection's messages waiting behind a commit, in order. */
    private static final class Pending {
        final ArrayDeque<Object> queue = new ArrayDeque<>();
        boolean busy;
    }

    @io.netty.channel.ChannelHandler.Sharable
    static final class Handler extends NewNettyMQTTHandler {
        private final Gate gate;

        Handler(final MQTTConnectionFactory connections, final Gate gate) {
            super(connections);
            this.gate = gate;
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception {
            final Pending pending = pending(ctx.channel());
            if (pending.busy) {
                pending.queue.add(msg);
                return;
            }
            handle(ctx, pending, msg);
        }

        private void handle(final ChannelHandlerContext ctx, final Pending pending, final Object msg) throws Exception {
            if (msg instanceof MqttConnectMessage connect && connect.variableHeader().isWillFlag()) {
                // A Will is a message Moquette would publish for the client when it drops, past this gate
                // and past the topic ACLs: refused, whatever its topic (decision 0022).
                gate.refusedWill(connect.payload() == null ? null : connect.payload().userName(),
                        connect.payload() == null ? null : connect.payload().clientIdentifier(), connect.payload() == null ? null : connect.payload().willTopic());
                ReferenceCountUtil.release(msg);
                ctx.writeAndFlush(MqttMessageBuilders.connAck().returnCode(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED)
                        .sessionPresent(false).build()).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (msg instanceof MqttConnectMessage connect && connect.payload() != null) {
                final String user = gate.authenticate(connect.payload().clientIdentifier(), connect.payload().userName(),
                        connect.payload().passwordInBytes());
                ctx.channel().attr(USER).set(user);
                ctx.channel().attr(CLIENT).set(connect.payload().clientIdentifier());
            } else if (msg instanceof MqttPublishMessage publish) {
                final String user = ctx.channel().attr(USER).get();
                final String topic = publish.variableHeader().topicName();
                if (user == null) {
                    // Not authenticated by the gate (its store read failed, say), though Moquette may have let the
                    // CONNECT in on a second look: nothing passes without the gate, so the client is dropped and connects again.
                    ReferenceCountUtil.release(publish);
                    ctx.close();
                    return;
                }
                if (!gate.takes(user, topic)) {
                    gate.refused(user, connectClientId(ctx), topic);
                    ReferenceCountUtil.release(publish);
                    ctx.close();
                    return;
                }
                final byte[] payload = new byte[publish.payload().readableBytes()];
                publish.payload().getBytes(publish.payload().readerIndex(), payload);
                pending.busy = true;
                ctx.channel().config().setAutoRead(false);
                CompletableFuture<Void> commit;
                try {
                    commit = gate.commit(user, topic, payload);
                } catch (RuntimeException e) {
                    commit = CompletableFuture.failedFuture(e);
                }
                commit.whenComplete((ok, failure) -> ctx.executor().execute(() -> committed(ctx, pending, publish, failure)));
                return;
            }
            super.channelRead(ctx, msg);
        }

        /**
         * A client speaking plain MQTT to the TLS port: Netty's exception carries the bytes it read, the
         * client's password among them, and Moquette would log it. Closed without a word instead.
         */
        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            for (Throwable t = cause; t != null; t = t.getCause()) {
                if (t instanceof io.netty.handler.ssl.NotSslRecordException) {
                    ctx.close();
                    return;
                }
            }
            super.exceptionCaught(ctx, cause);
        }

        /** On the connection's event loop: hand the committed message to Moquette (which acknowledges it), then what waited. */
        private void committed(final ChannelHandlerContext ctx, final Pending pending, final MqttPublishMessage publish, final Throwable failure) {
            try {
                if (failure != null || !ctx.channel().isActive()) {
                    // Not kept, or kept but the client is gone: no PUBACK; the client sends it again (a duplicate is counted, not stored twice).
                    ReferenceCountUtil.release(publish);
                    pending.queue.forEach(ReferenceCountUtil::release);
                    pending.queue.clear();
                    ctx.close();
                    return;
                }
                super.channelRead(ctx, publish);
                pending.busy = false;
                while (!pending.busy && !pending.queue.isEmpty()) {
                    handle(ctx, pending, pending.queue.poll());
                }
            } catch (Exception e) {
                ctx.fireExceptionCaught(e);
            } finally {
                if (!pending.busy && ctx.channel().isActive()) {
                    ctx.channel().config().setAutoRead(true);
                }
            }
        }

        private static String connectClientId(final ChannelHandlerContext ctx) {
            return ctx.channel().attr(CLIENT).get();
        }

        private static Pending pending(final Channel channel) {
            Pending p = channel.attr(PENDING).get();
            if (p == null) {
                p = new Pending();
                channel.attr(PENDING).set(p);
            }
            return p;
        }
    }

    /** The UTF-8 text of a password (tokens are ASCII). */
    public static String text(final byte[] password) {
        return password == null ? null : new String(password, StandardCharsets.UTF_8);
    }
}
