package energy.flexledger.client.http;

import energy.flexledger.client.store.MemberStore;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.LongSupplier;

/**
 * The gateway's Prometheus metrics (decision 0021), in a registry of its own: samples ingested,
 * quarantined and refused (from HTTP and MQTT alike), the outbox's depth and age, the latency of
 * the outbox's ledger submissions, and HTTP requests by route and status.
 */
public final class GatewayMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter ingested;
    private final Counter duplicates;
    private final Counter quarantined;
    private final Counter refused;
    private final Histogram submitSeconds;
    private final Counter requests;
    private final Histogram requestSeconds;
    private final Histogram commitRequests;
    private final Histogram replicaLag;
    private final Histogram replicaWrite;
    private final java.util.concurrent.atomic.AtomicLong replicaNextBlock = new java.util.concurrent.atomic.AtomicLong(-1);

    public GatewayMetrics(final MemberStore store, final LongSupplier clock) {
        ingested = Counter.builder().name("flexledger_samples_ingested_total")
                .help("Samples committed to the member store, by transport").labelNames("transport").register(registry);
        duplicates = Counter.builder().name("flexledger_samples_duplicate_total")
                .help("Samples received again (already stored), by transport").labelNames("transport").register(registry);
        quarantined = Counter.builder().name("flexledger_samples_quarantined_total")
                .help("Samples acknowledged but kept in the quarantine (late, out of order, implausible), by transport")
                .labelNames("transport").register(registry);
        refused = Counter.builder().name("flexledger_messages_refused_total")
                .help("Sample messages or requests refused as a whole, by transport and FlexLedger error code")
                .labelNames("transport", "code").register(registry);
        submitSeconds = Histogram.builder().name("flexledger_outbox_submit_seconds")
                .help("Latency of the outbox's ledger submissions (one transaction each)").classicOnly()
                .classicUpperBounds(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30).register(registry);
        requests = Counter.builder().name("flexledger_http_requests_total")
                .help("HTTP requests by method, route template and status").labelNames("method", "route", "status").register(registry);
        requestSeconds = Histogram.builder().name("flexledger_http_request_seconds")
                .help("HTTP request latency by route template").labelNames("route").classicOnly()
                .classicUpperBounds(0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5).register(registry);
        commitRequests = Histogram.builder().name("flexledger_store_commit_requests")
                .help("HTTP writes committed together by one member-store transaction (group commit)").classicOnly()
                .classicUpperBounds(1, 2, 4, 8, 16, 32, 64).register(registry);
        replicaLag = Histogram.builder().name("flexledger_replica_lag_seconds")
                .help("Analytics replica (gateway --replica): from the newest transaction's timestamp in a block to the block's rows"
                        + " committed in SQL (endorsement, ordering, commit and the replica's write)").classicOnly()
                .classicUpperBounds(0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60, 300).register(registry);
        replicaWrite = Histogram.builder().name("flexledger_replica_write_seconds")
                .help("Analytics replica: from a committed block's arrival from the peer to its rows committed in SQL").classicOnly()
                .classicUpperBounds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1).register(registry);
        GaugeWithCallback.builder().name("flexledger_replica_next_block")
                .help("Analytics replica: the next block it needs (its checkpoint); -1 when the gateway runs no replica")
                .callback(cb -> cb.call(replicaNextBlock.get())).register(registry);
        GaugeWithCallback.builder().name("flexledger_outbox_pending")
                .help("Interval records in the outbox not yet committed on the ledger")
                .callback(cb -> cb.call(backlog(store)[0])).register(registry);
        GaugeWithCallback.builder().name("flexledger_outbox_oldest_pending_age_seconds")
                .help("Seconds since the end of the oldest interval still pending in the outbox (0 when none is pending)")
                .callback(cb -> {
                    final long oldest = backlog(store)[1];
                    cb.call(oldest < 0 ? 0 : Math.max(0, clock.getAsLong() - oldest) / 1000.0);
                }).register(registry);
    }

    private static long[] backlog(final MemberStore store) {
        try {
            return store.outboxBacklog();
        } catch (IOException e) {
            return new long[] {-1, -1}; // the store is busy or closed: the scrape still answers
        }
    }

    /** Counts one message's or request's outcome as {@code SampleMessages.handle} reports it. */
    public void sampled(final String transport, final java.util.Map<String, Object> result) {
        if (result.get("accepted") instanceof Long n) {
            ingested.labelValues(transport).inc(n);
        }
        if (result.get("duplicates") instanceof Long n) {
            duplicates.labelValues(transport).inc(n);
        }
        if (result.get("quarantined") instanceof Long n) {
            quarantined.labelValues(transport).inc(n);
        }
        if (result.get("error") instanceof String code) {
            refused.labelValues(transport, code).inc();
        }
    }

    public void refused(final String transport, final String code) {
        refused.labelValues(transport, code).inc();
    }

    public void submitted(final long nanos) {
        submitSeconds.observe(nanos / 1e9);
    }

    /**
     * A progress line of the replica ({@code Replicator}, marked {@code live} by the gateway for blocks
     * from the ledger's height at its start on): a live block's {@code lagMs} and
     * {@code writeMicros} go into the histograms, its number into the checkpoint gauge.
     */
    public void replicated(final java.util.Map<String, Object> line) {
        if ("replica opened".equals(line.get("event")) && line.get("checkpoint") instanceof Long checkpoint) {
            replicaNextBlock.set(checkpoint);
            return;
        }
        if (!"block".equals(line.get("event")) || !(line.get("block") instanceof Long block)) {
            return;
        }
        replicaNextBlock.set(block + 1);
        if (!Boolean.TRUE.equals(line.get("live"))) {
            return; // catching up on history: its lag says how old the block is, not how late the replica is
        }
        if (line.get("lagMs") instanceof Long lag && lag >= 0) {
            replicaLag.observe(lag / 1000.0);
        }
        if (line.get("writeMicros") instanceof Long write) {
            replicaWrite.observe(write / 1e6);
        }
    }

    /** One commit of the store's writer took {@code requests} writes. */
    public void committed(final long requests) {
        commitRequests.observe(requests);
    }

    public void request(final String method, final String route, final int status, final long nanos) {
        requests.labelValues(method, route, Integer.toString(status)).inc();
        requestSeconds.labelValues(route).observe(nanos / 1e9);
    }

    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    /** The registry in Prometheus' text format. */
    public byte[] scrape() throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toByteArray();
    }
}
