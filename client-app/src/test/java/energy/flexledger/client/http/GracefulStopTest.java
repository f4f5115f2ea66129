package energy.flexledger.client.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping the API drains: no new connections, the request in flight still gets its answer. */
class GracefulStopTest {
    @TempDir
    Path dir;

    @Test
    void aRequestInFlightIsAnsweredWhileTheServerStops() throws Exception {
        try (ApiHarness h = new ApiHarness(dir)) {
            final int port = h.api.port();
            final CompletableFuture<ApiHarness.Res> inFlight = CompletableFuture.supplyAsync(() -> h.get("ems", "/v1/batches/{batchId}", "", "slow-1"));
            assertThat(h.ledger.arrived.await(30, TimeUnit.SECONDS)).isTrue();
            final CompletableFuture<Void> stopping = CompletableFuture.runAsync(h.api::close);
            // Until the port refuses connections (a condition, polled): the server no longer accepts.
            while (accepts(port)) {
                assertThat(stopping).as("stop waits for the request in flight").isNotDone();
                Thread.sleep(10);
            }
            assertThat(stopping).isNotDone();
            h.ledger.release.countDown();
            assertThat(inFlight.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            stopping.get(30, TimeUnit.SECONDS);
        }
    }

    private static boolean accepts(final int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
