package energy.flexledger.client.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running gateway sees a revocation that {@code flexledger credential revoke} (another
 * connection to the member store) made: its reads must not keep an old snapshot. This in-process
 * case passed before the fix too; the cross-process case is DashboardIT's (the CLI revokes while the
 * gateway runs) and decision 0023's two-JVM check.
 */
class GatewayStoreRevocationTest {
    @TempDir
    Path dir;

    @Test
    void aCredentialRevokedThroughAnotherConnectionIsRefusedAtOnce() throws Exception {
        final Path file = dir.resolve("member.db");
        try (GatewayStore gateway = GatewayStore.open(file); GatewayStore cli = GatewayStore.open(file)) {
            final String token = cli.create("ems-1", GatewayStore.Kind.EMS, List.of(), "client");
            assertThat(gateway.authenticate(token)).isPresent();
            assertThat(gateway.isRevokedToken(token)).isFalse();
            assertThat(gateway.list()).hasSize(1);
            cli.revoke("ems-1");
            assertThat(gateway.authenticate(token)).isEmpty();
            assertThat(gateway.isRevokedToken(token)).isTrue();
            assertThat(gateway.list()).singleElement().satisfies(c -> assertThat(c.revoked()).isTrue());
        }
    }
}
