package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.IntervalDigest;
import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.client.EndorseException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Revoking a device's certificate on the real network (docs/decisions/0012-fabric-ca.md): the
 * community's spare device (User4, enrolled at the community's Fabric CA and used by no other test)
 * certifies an interval, is revoked with {@code scripts/network.sh revoke community User4} (the CA
 * revokes it and the CRL goes into CommunityMSP in every channel config the community is in), and
 * from then on Fabric refuses it, while the community's gateway identity still writes and what the
 * device certified before reads back unchanged and still passes the FP1 audit.
 *
 * <p>The revocation is permanent for the network's life: this test revokes only the spare identity.
 */
@Tag("integration")
class RevocationIT {
    private static final long QUARTER = 900_000L;
    private static final byte[] SALT = Hex.decode("1f1e1d1c1b1a19181716151413121110101112131415161718191a1b1c1d1e1f");

    private static Path root;
    private static Path work;
    private static LedgerConnection admin;
    private static LedgerConnection user;
    private static LedgerConnection spare;
    private static LedgerConnection dso;

    @BeforeAll
    static void connect() throws IOException {
        root = Path.of(System.getProperty("flexledger.root", "..")).toAbsolutePath().normalize();
        final String env = System.getenv("FLEXLEDGER_WORK");
        work = env != null ? Path.of(env) : root.resolve("work/network");
        admin = LedgerConnection.open(MemberProfile.fromWork(work, "community", "admin"));
        user = LedgerConnection.open(MemberProfile.fromWork(work, "community", "user"));
        spare = LedgerConnection.open(MemberProfile.fromWork(work, "community", "spare"));
        dso = LedgerConnection.open(MemberProfile.fromWork(work, "dso", "user"));
    }

    @AfterAll
    static void close() {
        for (final LedgerConnection c : new LedgerConnection[] {admin, user, spare, dso}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private static IntervalDigest interval(final String meter, final long start, final long... values) {
        final Fp1.Accumulator acc = Fp1.interval(SALT, meter, start, start + QUARTER);
        for (int i = 0; i < values.length; i++) {
            acc.add(start + (i + 1) * 60_000L, values[i]);
        }
        return acc.digest();
    }

    private static void revoke(final String org, final String name) throws IOException, InterruptedException {
        final ProcessBuilder pb = new ProcessBuilder("scripts/network.sh", "revoke", org, name)
                .directory(root.toFile())
                .redirectErrorStream(true);
        pb.environment().put("FLEXLEDGER_WORK", work.toString());
        final Process p = pb.start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("network.sh revoke finished").isTrue();
        assertThat(p.exitValue()).as("network.sh revoke exit code; output:%n%s", out).isZero();
        assertThat(out).contains("channel 'grid': config block").contains("channel 'community': config block");
    }

    @Test
    void aRevokedDeviceIsRefusedWhileItsRecordsAndTheGatewayStayValid() throws Exception {
        final EnergyLedger byAdmin = admin.energy("grid");
        final EnergyLedger byUser = user.energy("grid");
        final EnergyLedger bySpare = spare.energy("grid");
        final String meter = "REV-" + System.currentTimeMillis();
        final String spareId = (String) bySpare.whoAmI().get("id");
        // The community's admin binds the spare device (and the gateway) to a new meter.
        final Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("assetId", meter);
        spec.put("type", "METER");
        spec.put("zone", "zone-1");
        spec.put("gatewayId", byUser.whoAmI().get("id"));
        spec.put("deviceId", spareId);
        spec.put("saltCommitment", Hex.encode(Fp1.saltCommitment(SALT)));
        byAdmin.registerAsset(spec);
        PeerHeights.awaitSame("grid", List.of(admin, user, spare, dso), PeerHeights.DEFAULT_WAIT);

        // Before: the spare device certifies an interval; it commits.
        final long t0 = Math.floorDiv(System.currentTimeMillis(), QUARTER) * QUARTER - 10 * QUARTER;
        final IntervalDigest d1 = interval(meter, t0, 1_200_000, 1_300_000);
        final Map<String, Object> committed = bySpare.recordIntervals(List.of(EnergyLedger.record(meter, d1)));
        assertThat(committed).containsEntry("recorded", 1L);
        final Map<String, Object> before = byUser.getInterval(meter, t0);
        assertThat(before).containsEntry("fingerprint", d1.fingerprintHex());
        PeerHeights.awaitSame("grid", List.of(admin, user, spare, dso), PeerHeights.DEFAULT_WAIT);

        revoke("community", "User4");

        // After: Fabric refuses the revoked certificate. The gateway's peer (peer0.community) validates
        // the proposal's creator against CommunityMSP as the channel config now defines it, with the
        // CRL, and refuses it before any chaincode runs; its log says "The certificate has been
        // revoked". A submit fails at endorsement: gRPC ABORTED "failed to endorse transaction, see
        // attached details for more info", the detail from CommunityMSP's peer being "error
        // validating proposal: access denied: channel [grid] creator org [CommunityMSP]". Nothing
        // was endorsed, so nothing was ordered; no FlexLedger error code, not retryable.
        final String refused = "error validating proposal: access denied: channel [grid] creator org [CommunityMSP]";
        final long t1 = t0 + QUARTER;
        assertThatThrownBy(() -> bySpare.recordIntervals(List.of(EnergyLedger.record(meter, interval(meter, t1, 5)))))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("ABORTED: failed to endorse transaction")
                .hasMessageContaining("CommunityMSP@" + spare.profile().peerEndpoint() + ": " + refused)
                .satisfies(e -> {
                    assertThat(((LedgerException) e).code()).isEmpty();
                    assertThat(((LedgerException) e).retryable()).isFalse();
                    assertThat(e.getCause()).isInstanceOf(EndorseException.class);
                    assertThat(((EndorseException) e.getCause()).getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
                });
        // An evaluation (a query) is refused by the same check: FAILED_PRECONDITION "evaluate call to
        // endorser returned error: error validating proposal: access denied: ...".
        assertThatThrownBy(bySpare::whoAmI).isInstanceOf(LedgerException.class)
                .hasMessageContaining("FAILED_PRECONDITION: evaluate call to endorser returned error: " + refused);

        // The community's gateway (not revoked) still certifies the meter's next interval.
        final IntervalDigest d2 = interval(meter, t1, 1_100_000);
        assertThat(byUser.recordIntervals(List.of(EnergyLedger.record(meter, d2)))).containsEntry("recorded", 1L);

        // What the device certified before the revocation reads back unchanged, through the
        // community's peer and the DSO's, and passes the FP1 audit: the fingerprints of the samples
        // and the hash chain from the meter's genesis.
        PeerHeights.awaitSame("grid", List.of(admin, user, dso), PeerHeights.DEFAULT_WAIT);
        assertThat(byUser.getInterval(meter, t0)).isEqualTo(before);
        assertThat(dso.energy("grid").getInterval(meter, t0)).isEqualTo(before);
        final List<Map<String, Object>> chain = dso.energy("grid").allIntervals(meter, t0, t1 + QUARTER);
        assertThat(chain).hasSize(2);
        assertThat(chain.get(0)).isEqualTo(before);
        final byte[] link1 = Fp1.link(Fp1.genesis(meter), d1);
        assertThat(chain.get(0)).containsEntry("count", 2L).containsEntry("sum", 2_500_000L)
                .containsEntry("fingerprint", d1.fingerprintHex()).containsEntry("link", Hex.encode(link1));
        assertThat(chain.get(1)).containsEntry("fingerprint", d2.fingerprintHex()).containsEntry("previousLink", Hex.encode(link1))
                .containsEntry("link", Hex.encode(Fp1.link(link1, d2)));
        // The device is still bound: revocation removes the certificate, not the ledger's history.
        assertThat(byUser.getAsset(meter).toString()).contains(spareId);
    }
}
