package energy.flexledger.client.cli;

import energy.flexledger.client.ChaincodeEventFeed;
import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.MarketLedger;
import energy.flexledger.client.ingest.SampleMessages;
import energy.flexledger.client.ocpp.CentralSystem;
import energy.flexledger.client.ocpp.LedgerRegistry;
import energy.flexledger.client.ocpp.OcppStore;
import energy.flexledger.client.ocpp.SmartCharging;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * {@code gateway --ocpp HOST:PORT}: the OCPP central system inside the gateway (decision 0024), on
 * the gateway's own {@link SampleMessages} (the member store) and ledger connection.
 */
final class OcppGateway implements AutoCloseable {
    private final OcppStore store;
    private final CentralSystem central;
    private final String url;
    private final int port;
    /** Seconds between two {@link SmartCharging#clearEnded} runs. */
    static final long CLEAR_EVERY_S = 5;

    private ChaincodeEventFeed feed;
    private ChaincodeEventFeed marketFeed;
    private ScheduledExecutorService timer;

    private OcppGateway(final OcppStore store, final CentralSystem central, final String url, final int port) {
        this.store = store;
        this.central = central;
        this.url = url;
        this.port = port;
    }

    static OcppGateway start(final CommandLine cli, final String hostPort, final Path storeFile, final SampleMessages messages,
            final LedgerConnection ledger, final String channel, final int sampleInterval, final int clockAligned, final long drLimitW,
            final boolean quiet, final Consumer<Map<String, Object>> log) throws IOException {
        final int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new ParameterException(cli, "--ocpp must be HOST:PORT, for example 127.0.0.1:8887, was '" + hostPort + "'");
        }
        final String host = hostPort.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
            if (port < 0 || port > 65_535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new ParameterException(cli, "--ocpp's port must be 0..65535, was '" + hostPort.substring(colon + 1) + "'");
        }
        if (!GatewayCommand.loopback(host)) {
            throw new ParameterException(cli, "--ocpp " + hostPort + " is not a loopback address: the stations' basic-auth passwords would"
                    + " cross the network in clear (security profile 1). Bind 127.0.0.1 and put a TLS-terminating proxy in front"
                    + " (security profile 2: wss://), see docs/decisions/0024-ocpp-central-system.md");
        }
        if (sampleInterval < 1 || clockAligned < 0 || drLimitW < 0) {
            throw new ParameterException(cli, "--ocpp-sample-interval >= 1, --ocpp-clock-aligned >= 0 (0: no clock-aligned readings),"
                    + " --ocpp-dr-limit-w >= 0");
        }
        if (port == 0) {
            try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
                port = free.getLocalPort();
            }
        }
        final OcppStore store = OcppStore.open(storeFile);
        try {
            final LedgerRegistry registry = new LedgerRegistry(ledger.energy(channel), ledger.profile().mspId(), 300_000L);
            final CentralSystem central = new CentralSystem(store, messages, registry,
                    new CentralSystem.Settings(300, sampleInterval, clockAligned), log, quiet).start(host, port);
            final OcppGateway out = new OcppGateway(store, central, "ws://" + host + ":" + port, port);
            try {
                // Smart charging: chaincode-dr's and chaincode-market's events, each resumed after a restart from its own
                // checkpoint next to the member store; profiles cleared from ocpp.db's records, at start and every few seconds.
                out.timer = Executors.newSingleThreadScheduledExecutor(r -> {
                    final Thread t = new Thread(r, "flexledger-ocpp-profiles");
                    t.setDaemon(true);
                    return t;
                });
                final SmartCharging smart = new SmartCharging(store, central::send, drLimitW, market(ledger.market(channel)),
                        ledger.profile().mspId(), log, System::currentTimeMillis);
                central.onConnected(smart::resend); // a station offline when the event came gets its profile when it connects
                out.timer.scheduleWithFixedDelay(() -> {
                    try {
                        smart.clearEnded();
                    } catch (RuntimeException e) {
                        log.accept(Map.of("event", "ocpp profiles not cleared", "message", String.valueOf(e.getMessage())));
                    }
                }, 0, CLEAR_EVERY_S, TimeUnit.SECONDS);
                out.feed = ChaincodeEventFeed.start(ledger, channel, "dr", storeFile.resolveSibling("ocpp-dr-events-" + channel + ".checkpoint"),
                        -1, smart::onChaincodeEvent);
                out.marketFeed = ChaincodeEventFeed.start(ledger, channel, "market",
                        storeFile.resolveSibling("ocpp-market-events-" + channel + ".checkpoint"), -1, smart::onChaincodeEvent);
            } catch (IOException | RuntimeException e) {
                out.close();
                throw e;
            }
            return out;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** chaincode-market's reads smart charging needs; a read the peer could not answer now is tried again (three times). */
    @SuppressWarnings("unchecked")
    static SmartCharging.Market market(final MarketLedger market) {
        return new SmartCharging.Market() {
            @Override
            public Map<String, Object> request(final String requestId) throws IOException {
                return read(() -> market.request(requestId));
            }

            @Override
            public List<Map<String, Object>> offers(final String requestId) throws IOException {
                final Object offers = read(() -> market.offers(requestId)).get("offers");
                return offers instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
            }
        };
    }

    private interface Read {
        Map<String, Object> run() throws LedgerException;
    }

    private static Map<String, Object> read(final Read read) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return read.run();
            } catch (LedgerException e) {
                if (!e.retryable() || attempt >= 3) {
                    throw new IOException(e.getMessage(), e);
                }
            }
            try {
                Thread.sleep(1_000L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading chaincode-market", e);
            }
        }
    }

    String url() {
        return url;
    }

    int port() {
        return port;
    }

    CentralSystem central() {
        return central;
    }

    @Override
    public void close() throws IOException {
        try {
            if (feed != null) {
                feed.close();
            }
            if (marketFeed != null) {
                marketFeed.close();
            }
            if (timer != null) {
                timer.shutdownNow();
            }
            central.close();
        } finally {
            store.close();
        }
    }
}
