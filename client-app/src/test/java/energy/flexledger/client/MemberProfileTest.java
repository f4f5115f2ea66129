package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemberProfileTest {
    @TempDir
    Path work;

    @Test
    void loadsTheProfileThatNetworkShWrites() throws IOException {
        Files.createDirectories(work.resolve("clients"));
        Files.writeString(work.resolve("clients/community-user.properties"), String.join("\n",
                "org=community", "mspId=CommunityMSP", "peerEndpoint=127.0.0.1:17120", "peerHostAlias=peer0.community.flexledger.local",
                "tlsCaCert=/x/ca.crt", "certFile=/x/cert.pem", "keyFile=/x/priv_sk", "channels=grid,community"));
        final MemberProfile p = MemberProfile.fromWork(work, "community", "user");
        assertThat(p.mspId()).isEqualTo("CommunityMSP");
        assertThat(p.peerEndpoint()).isEqualTo("127.0.0.1:17120");
        assertThat(p.keyFile()).isEqualTo(Path.of("/x/priv_sk"));
        assertThat(p.channels()).isEqualTo(List.of("grid", "community"));
    }

    @Test
    void missingFileOrKeyIsExplained() throws IOException {
        assertThatThrownBy(() -> MemberProfile.fromWork(work, "dso", "user")).hasMessageContaining("scripts/network.sh up");
        Files.createDirectories(work.resolve("clients"));
        Files.writeString(work.resolve("clients/cpo-user.properties"), "org=cpo\n");
        assertThatThrownBy(() -> MemberProfile.fromWork(work, "foo", "user")).hasMessageContaining("known: [cpo-user]");
        Files.writeString(work.resolve("p.properties"), "org=dso\nmspId=DsoMSP\n");
        assertThatThrownBy(() -> MemberProfile.load(work.resolve("p.properties"))).hasMessageContaining("'peerEndpoint'");
    }
}
