package energy.flexledger.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.client.EnergyLedger;
import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.MemberProfile;
import energy.flexledger.client.PeerHeights;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.IntervalDigest;
import energy.flexledger.spec.Json;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.client.EndorseException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A device's life on the real network (docs/decisions/0012-fabric-ca.md), through the command line:
 * {@code flexledger device enroll} registers and enrols a new device for a new meter at the
 * community's Fabric CA (attribute {@code flexledger.asset}, a client profile), the device certifies
 * an interval, {@code flexledger device revoke} revokes it (the CA revokes it and the CRL goes into
 * CommunityMSP in every channel config the community is in), and from then on Fabric refuses it,
 * while the community's gateway identity still writes and what the device certified before reads
 * back unchanged and still passes the FP1 audit. Bad input changes nothing and has its exit code.
 *
 * <p>Each run enrols a device of its own name ({@code rev-<millis>}), so it can run again on the
 * same network; the revocation is permanent for the network's life.
 */
@Tag("integration")
class RevocationIT {
    private static final long QUARTER = 900_000L;
    private static final byte[] SALT = Hex.decode("1f1e1d1c1b1a19181716151413121110101112131415161718191a1b1c1d1e1f");

    private static Path work;
    private static LedgerConnection admin;
    private static LedgerConnection user;
    private static LedgerConnection dso;

    @BeforeAll
    static void connect() throws IOException {
        final String env = System.getenv("FLEXLEDGER_WORK");
        work = env != null ? Path.of(env) : InProcessCli.ROOT.resolve("work/network");
        admin = LedgerConnection.open(MemberProfile.fromWork(work, "community", "admin"));
        user = LedgerConnection.open(MemberProfile.fromWork(work, "community", "user"));
        dso = LedgerConnection.open(MemberProfile.fromWork(work, "dso", "user"));
    }

    @AfterAll
    static void close() {
        for (final LedgerConnection c : new LedgerConnection[] {admin, user, dso}) {
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

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(final Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(final Object o) {
        return (List<Object>) o;
    }

    private static String[] cli(final String... args) {
        final String[] all = new String[args.length + 2];
        all[0] = "--work";
        all[1] = work.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return all;
    }

    @Test
    void aDeviceEnrolledAndRevokedWithTheCliIsRefusedWhileItsRecordsAndTheGatewayStayValid() throws Exception {
        final String meter = "REV-" + System.currentTimeMillis();
        final String name = "rev-" + System.currentTimeMillis();

        // Bad input is refused before anything changes: exit 2, nothing enrolled.
        assertThat(InProcessCli.run(cli("--org", "community", "device", "enroll", "--device", "bad name!", "--asset", meter)).code())
                .isEqualTo(2);
        assertThat(InProcessCli.run(cli("--org", "community", "device", "enroll", "--device", "User1")).code()).isEqualTo(2);
        assertThat(InProcessCli.run(cli("--org", "community", "device", "enroll", "--device", name, "--asset", "bad asset")).code())
                .isEqualTo(2);
        assertThat(InProcessCli.run(cli("--org", "nowhere", "device", "enroll", "--device", name)).code()).isEqualTo(2);
        assertThat(InProcessCli.run(cli("--org", "community", "device", "revoke", "--device", name, "--reason", "bored")).code())
                .isEqualTo(2);
        final InProcessCli.Run unknown = InProcessCli.run(cli("--org", "community", "device", "revoke", "--device", name));
        assertThat(unknown.code()).isEqualTo(3);
        assertThat(Json.parseObject(unknown.out())).containsEntry("error", "NOT_FOUND");
        assertThat(work.resolve("clients/community-" + name + ".properties")).doesNotExist();

        // Enrol: the community's CA registers and enrols the device with the meter as its asset.
        final Map<String, Object> enrolled = InProcessCli.ok(cli("--org", "community", "device", "enroll", "--device", name, "--asset", meter));
        assertThat(enrolled).containsEntry("org", "community").containsEntry("mspId", "CommunityMSP").containsEntry("device", name)
                .containsEntry("enrollmentId", name + "@community.flexledger.local").containsEntry("asset", meter)
                .containsEntry("revoked", false)
                .containsEntry("profile", work.resolve("clients/community-" + name + ".properties").toAbsolutePath().normalize().toString());
        final String deviceId = (String) enrolled.get("identityId");
        final String serial = (String) enrolled.get("serial");
        assertThat(serial).matches("[0-9a-f]+");
        assertThat(Path.of((String) enrolled.get("mspDir")).resolve("keystore/priv_sk")).isRegularFile();
        assertThat(Files.readString(Path.of((String) enrolled.get("certFile")))).startsWith("-----BEGIN CERTIFICATE-----");
        // The name is used once.
        final InProcessCli.Run again = InProcessCli.run(cli("--org", "community", "device", "enroll", "--device", name, "--asset", meter));
        assertThat(again.code()).isEqualTo(3);
        assertThat(Json.parseObject(again.out())).containsEntry("error", "ALREADY_EXISTS");
        // list shows it.
        final InProcessCli.Run listed = InProcessCli.run(cli("--org", "community", "device", "list"));
        assertThat(listed.code()).isZero();
        assertThat(list(Json.parse(listed.out()))).anySatisfy(d -> assertThat(map(d))
                .containsEntry("device", name).containsEntry("identityId", deviceId).containsEntry("revoked", false));

        try (LedgerConnection device = LedgerConnection.open(MemberProfile.fromWork(work, "community", name))) {
            final EnergyLedger byAdmin = admin.energy("grid");
            final EnergyLedger byUser = user.energy("grid");
            final EnergyLedger byDevice = device.energy("grid");
            // The identity id the command printed is the one chaincode sees.
            assertThat(byDevice.whoAmI()).containsEntry("id", deviceId).containsEntry("mspId", "CommunityMSP");
            // The community's admin binds the device (and the gateway) to the new meter.
            final Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("assetId", meter);
            spec.put("type", "METER");
            spec.put("zone", "zone-1"); // a zone the DSO operates (decision 0014)
            spec.put("gatewayId", byUser.whoAmI().get("id"));
            spec.put("deviceId", deviceId);
            spec.put("saltCommitment", Hex.encode(Fp1.saltCommitment(SALT)));
            byAdmin.registerAsset(spec);
            PeerHeights.awaitSame("grid", List.of(admin, user, device, dso), PeerHeights.DEFAULT_WAIT);

            // Before: the device certifies an interval; it commits.
            final long t0 = Math.floorDiv(System.currentTimeMillis(), QUARTER) * QUARTER - 10 * QUARTER;
            final IntervalDigest d1 = interval(meter, t0, 1_200_000, 1_300_000);
            final Map<String, Object> committed = byDevice.recordIntervals(List.of(EnergyLedger.record(meter, d1)));
            assertThat(committed).containsEntry("recorded", 1L);
            final Map<String, Object> before = byUser.getInterval(meter, t0);
            assertThat(before).containsEntry("fingerprint", d1.fingerprintHex());
            PeerHeights.awaitSame("grid", List.of(admin, user, device, dso), PeerHeights.DEFAULT_WAIT);

            // Revoke: the CA revokes the device's certificate, the CRL goes into both channels of the community.
            final Map<String, Object> revoked = InProcessCli.ok(cli("--org", "community", "device", "revoke", "--device", name));
            assertThat(revoked).containsEntry("device", name).containsEntry("identityId", deviceId).containsEntry("serial", serial)
                    .containsEntry("revoked", true).containsEntry("reason", "keycompromise");
            assertThat(list(revoked.get("revokedSerials"))).containsExactly(serial);
            final List<Object> channels = list(revoked.get("channels"));
            assertThat(channels).extracting(c -> map(c).get("channel")).containsExactly("grid", "community");
            assertThat(channels).allSatisfy(c -> assertThat(map(c).get("configBlock")).isInstanceOf(Long.class));

            // After: Fabric itself refuses the revoked certificate (not a FlexLedger ACCESS_DENIED). The
            // gateway's peer (peer0.community) validates the proposal's creator against CommunityMSP as
            // the channel config now defines it, with the CRL, and refuses it before any chaincode runs;
            // its log says "The certificate has been revoked". A submit fails at endorsement: gRPC
            // ABORTED "failed to endorse transaction, see attached details for more info", the detail
            // from CommunityMSP's peer being "error validating proposal: access denied: channel [grid]
            // creator org [CommunityMSP]". Nothing was endorsed, so nothing was ordered; no FlexLedger
            // error code, not retryable.
            final String refused = "error validating proposal: access denied: channel [grid] creator org [CommunityMSP]";
            final long t1 = t0 + QUARTER;
            assertThatThrownBy(() -> byDevice.recordIntervals(List.of(EnergyLedger.record(meter, interval(meter, t1, 5)))))
                    .isInstanceOf(LedgerException.class)
                    .hasMessageContaining("ABORTED: failed to endorse transaction")
                    .hasMessageContaining("CommunityMSP@" + device.profile().peerEndpoint() + ": " + refused)
                    .satisfies(e -> {
                        assertThat(((LedgerException) e).code()).isEmpty();
                        assertThat(((LedgerException) e).retryable()).isFalse();
                        assertThat(e.getCause()).isInstanceOf(EndorseException.class);
                        assertThat(((EndorseException) e.getCause()).getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
                    });
            // An evaluation (a query) is refused by the same check: FAILED_PRECONDITION "evaluate call to
            // endorser returned error: error validating proposal: access denied: ...".
            assertThatThrownBy(byDevice::whoAmI).isInstanceOf(LedgerException.class)
                    .hasMessageContaining("FAILED_PRECONDITION: evaluate call to endorser returned error: " + refused);
            // The command line as the device: the same refusal, exit 4 (not a FlexLedger error code).
            assertThat(InProcessCli.run(cli("--org", "community", "--as", name, "whoami")).code()).isEqualTo(4);

            // The revoked device keeps its name: enrolling it again is refused; list shows it revoked.
            assertThat(InProcessCli.run(cli("--org", "community", "device", "enroll", "--device", name)).code()).isEqualTo(3);
            assertThat(list(Json.parse(InProcessCli.run(cli("--org", "community", "device", "list")).out())))
                    .anySatisfy(d -> assertThat(map(d)).containsEntry("device", name).containsEntry("revoked", true));

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
            assertThat(byUser.getAsset(meter).toString()).contains(deviceId);
        }
    }
}
