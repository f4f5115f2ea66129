package energy.flexledger.client.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A revocation made through another connection (another process: the CLI) is seen by a running gateway's next check. */
class GatewayStoreRevocationTest {
    @TempDir
    Path dir;

    @Test
    void aRunningGatewaySeesARevocationMadeElsewhere() throws Exception {
        final Path file = dir.resolve("member.db");
        try (GatewayStore gateway = GatewayStore.open(file)) {
            final String token;
            try (GatewayStore cli = GatewayStore.open(file)) {
                token = cli.create("ems-1", GatewayStore.Kind.EMS, List.of(), "client");
            }
            assertThat(gateway.authenticate(token)).isPresent();
            assertThat(gateway.list()).hasSize(1);
            assertThat(gateway.authenticate(token)).isPresent();
            try (GatewayStore cli = GatewayStore.open(file)) {
                cli.revoke("ems-1");
                cli.create("ems-2", GatewayStore.Kind.EMS, List.of(), "client");
            }
            assertThat(gateway.authenticate(token)).isEmpty();
            assertThat(gateway.list()).hasSize(2);
        }
    }
}
