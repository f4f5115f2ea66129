package energy.flexledger.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The replica's live-lag summary counts only blocks written from the height it started at. */
class ReplicaLiveLagTest {
    @Test
    void onlyLiveWrittenBlocksCount() {
        final ReplicaCommand.LiveLag lag = new ReplicaCommand.LiveLag(10);
        lag.accept(Map.of("event", "block", "block", 9L, "written", true, "lagMs", 90_000L, "writeMicros", 9_000L)); // catching up
        for (long b = 10; b < 110; b++) {
            lag.accept(Map.of("event", "block", "block", b, "written", true, "lagMs", b, "writeMicros", b * 100));
        }
        lag.accept(Map.of("event", "block", "block", 200L, "written", false)); // below the checkpoint: skipped
        lag.accept(Map.of("event", "stream error", "status", "UNAVAILABLE"));
        final Map<String, Object> s = lag.summary();
        assertThat(s).containsEntry("blocks", 100L);
        assertThat(s.get("lagMs")).isEqualTo(Map.of("p50", "59.0", "p99", "108.0", "max", "109.0"));
        assertThat(s.get("writeMs")).isEqualTo(Map.of("p50", "5.9", "p99", "10.8", "max", "10.9"));
        energy.flexledger.spec.Json.write(s); // canonical JSON: what the stop line prints
        assertThat(new ReplicaCommand.LiveLag(0).summary()).containsEntry("blocks", 0L);
    }
}
