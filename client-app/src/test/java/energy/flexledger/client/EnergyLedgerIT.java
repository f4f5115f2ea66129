package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.IntervalDigest;
import energy.flexledger.spec.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Against the real Fabric network that scripts/test.sh starts (FLEXLEDGER_WORK): the community
 * certifies intervals through the Fabric Gateway, reads them back through the gateway and through
 * Fabric's own peer CLI, and other orgs are refused.
 */
@Tag("integration")
class EnergyLedgerIT {
    private static final long T0 = 1_767_225_600_000L;
    private static final long QUARTER = 900_000L;
    private static final byte[] SALT = Hex.decode("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    private static Path root;
    private static Path work;
    private static LedgerConnection community;
    private static LedgerConnection aggregator;
    private static PeersInSync peers;

    @BeforeAll
    static void connect() throws IOException {
        root = Path.of(System.getProperty("flexledger.root", "..")).toAbsolutePath().normalize();
        final String env = System.getenv("FLEXLEDGER_WORK");
        work = env != null ? Path.of(env) : root.resolve("work/network");
        community = LedgerConnection.open(MemberProfile.fromWork(work, "community", "user"));
        aggregator = LedgerConnection.open(MemberProfile.fromWork(work, "aggregator", "user"));
        peers = new PeersInSync(work);
    }

    @AfterAll
    static void close() {
        if (community != null) {
            community.close();
        }
        if (aggregator != null) {
            aggregator.close();
        }
        if (peers != null) {
            peers.close();
        }
    }

    private static String uniqueMeter(final String prefix) {
        return prefix + "-" + System.nanoTime();
    }

    private static IntervalDigest interval(final String meterId, final long start, final long... values) {
        final Fp1.Accumulator acc = Fp1.interval(SALT, meterId, start, start + QUARTER);
        for (int i = 0; i < values.length; i++) {
            acc.add(start + (i + 1) * 60_000L, values[i]);
        }
        return acc.digest();
    }

    private static EnergyLedger registered(final String meterId) throws LedgerException {
        final EnergyLedger energy = community.energy("grid");
        energy.registerMeter(meterId, "zone-it", Hex.encode(Fp1.saltCommitment(SALT)));
        peers.await("grid");
        return energy;
    }

    /** A meter of the community with the interval (T0, T0 + 15 min] recorded. */
    private static EnergyLedger registeredWithOneInterval(final String meterId) throws LedgerException {
        final EnergyLedger energy = registered(meterId);
        energy.recordInterval(meterId, interval(meterId, T0, 10));
        peers.await("grid");
        return energy;
    }

    /** Queries chaincode-energy with Fabric's peer CLI as the given org's user; returns its output. */
    private static String peerQuery(final String org, final String... args) throws IOException, InterruptedException {
        return peerCli(org, "peer chaincode query -C grid -n energy -c \"$1\"", Json.write(Map.of("Args", List.of((Object[]) args))), true);
    }

    /**
     * Runs a peer CLI command line as the org's user (environment from {@code network.sh env}), with
     * {@code $1} bound to {@code arg}; asserts success or failure and returns stdout and stderr.
     */
    private static String peerCli(final String org, final String command, final String arg, final boolean mustSucceed)
            throws IOException, InterruptedException {
        final ProcessBuilder pb = new ProcessBuilder("bash", "-c",
                "set -e; eval \"$(scripts/network.sh env " + org + " user)\"; " + command, "_", arg)
                .directory(root.toFile())
                .redirectErrorStream(true);
        pb.environment().put("FLEXLEDGER_WORK", work.toString());
        final Process p = pb.start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("peer CLI finished").isTrue();
        if (mustSucceed) {
            assertThat(p.exitValue()).as("peer CLI exit code; output: %s", out).isZero();
        } else {
            assertThat(p.exitValue()).as("peer CLI exit code; output: %s", out).isNotZero();
        }
        return out;
    }

    @Test
    void recordedIntervalReadsBackThroughTheGatewayAndThePeerCli() throws Exception {
        final String meter = uniqueMeter("IT-RW");
        final EnergyLedger energy = registered(meter);
        final IntervalDigest d = interval(meter, T0, 1_500_000, -250_000, 7);

        final Map<String, Object> recorded = energy.recordInterval(meter, d);
        final String expectedLink = Hex.encode(Fp1.link(Fp1.genesis(meter), d));
        assertThat(recorded).containsEntry("count", 3L).containsEntry("sum", 1_250_007L).containsEntry("avg", 416_669L)
                .containsEntry("fingerprint", d.fingerprintHex()).containsEntry("link", expectedLink);

        assertThat(energy.getInterval(meter, T0)).isEqualTo(recorded);
        peers.await("grid");
        // Another member reads the same record through its own peer.
        assertThat(aggregator.energy("grid").getInterval(meter, T0)).isEqualTo(recorded);
        // Fabric's own CLI, as the DSO's user (a reader of the community's interval data), sees
        // byte-for-byte the canonical JSON.
        assertThat(peerQuery("dso", "GetInterval", meter, Long.toString(T0))).isEqualTo(Json.write(recorded));
        // The CPO is a member but not a reader: refused, yet the channel's hash of the record is
        // there for it, and matches the record a reader could hand over.
        final String refused = peerCli("cpo", "peer chaincode query -C grid -n energy -c \"$1\"",
                Json.write(Map.of("Args", List.of("GetInterval", meter, Long.toString(T0)))), false);
        assertThat(refused).contains("ACCESS_DENIED");
        assertThat(Json.parseObject(peerQuery("cpo", "GetIntervalHash", meter, Long.toString(T0))))
                .containsEntry("pageStart", T0).containsEntry("pageHash", EnergyLedger.pageHash(meter, T0, List.of(recorded)));
        assertThat(Json.parseObject(peerQuery("community", "GetMeter", meter)))
                .containsEntry("intervals", 1L).containsEntry("lastEnd", T0 + QUARTER).containsEntry("headLink", expectedLink);
    }

    @Test
    void anotherOrgsUserIsRefusedAndTheChainIsUnchanged() throws Exception {
        final String meter = uniqueMeter("IT-ACL");
        final EnergyLedger energy = registeredWithOneInterval(meter);
        final Map<String, Object> before = energy.getMeter(meter);

        assertThatThrownBy(() -> aggregator.energy("grid").recordInterval(meter, interval(meter, T0 + QUARTER, 99)))
                .isInstanceOfSatisfying(LedgerException.class, e -> {
                    assertThat(e.code()).contains(ErrorCode.ACCESS_DENIED);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("CommunityMSP");
                });
        assertThat(energy.getMeter(meter)).isEqualTo(before);
        assertThatThrownBy(() -> energy.getInterval(meter, T0 + QUARTER))
                .isInstanceOfSatisfying(LedgerException.class, e -> assertThat(e.code()).contains(ErrorCode.NOT_FOUND));
    }

    @Test
    void theBlocksCarryNoPrivateFieldOfACertifiedInterval() throws Exception {
        final String meter = uniqueMeter("IT-BLOCK");
        final EnergyLedger energy = registered(meter);
        final IntervalDigest d = interval(meter, T0, 1_234_567, 7_654_321);
        final Map<String, Object> recorded = energy.recordInterval(meter, d);
        peers.await("grid");
        // The CPO, a channel member outside the community's collection, reads the newest blocks
        // from the orderer: they hold the registration (the meter id is public) but neither the
        // fingerprint nor the link of the interval, in any form the data had on its way.
        final String script = "h=$(peer channel getinfo -c grid | sed 's/.*\"height\":\\([0-9]*\\).*/\\1/'); d=$(mktemp -d);"
                + " for n in $(seq $((h > 6 ? h - 6 : 0)) $((h - 1))); do peer channel fetch $n $d/$n.block -c grid -o \"$FLEXLEDGER_ORDERER\""
                + " --tls --cafile \"$FLEXLEDGER_ORDERER_CA\" 2>/dev/null; done;"
                + " for s in \"$1\" " + d.fingerprintHex() + " " + recorded.get("link") + " " + java.util.Base64.getEncoder()
                        .encodeToString(Hex.decode(d.fingerprintHex())).substring(0, 20)
                + "; do printf '%s=%s\\n' \"${s:0:12}\" \"$(cat $d/*.block | grep -a -c -F \"$s\" || true)\"; done; rm -rf $d";
        final String out = peerCli("cpo", script, meter, true);
        final Map<String, Long> found = new java.util.HashMap<>();
        out.lines().filter(l -> l.contains("=")).forEach(l -> found.put(l.substring(0, l.lastIndexOf('=')),
                Long.parseLong(l.substring(l.lastIndexOf('=') + 1).trim())));
        assertThat(found).as(out).hasSize(4);
        assertThat(found.get(meter.substring(0, 12))).as("the public meter id is in the blocks: the search works").isPositive();
        assertThat(found.get(d.fingerprintHex().substring(0, 12))).as("fingerprint as hex").isZero();
        assertThat(found.get(((String) recorded.get("link")).substring(0, 12))).as("link as hex").isZero();
        assertThat(found.values().stream().filter(v -> v == 0).count()).as("fingerprint as base64 too").isEqualTo(3);
    }

    @Test
    void aWriteNotEndorsedByTheOwnersPeerIsInvalidatedByFabric() throws Exception {
        final String meter = uniqueMeter("IT-SBE");
        final EnergyLedger energy = registeredWithOneInterval(meter);
        final Map<String, Object> before = energy.getMeter(meter);

        // The community's own user asks only the DSO's and the aggregator's peers to endorse: the
        // chaincode's checks pass and two endorsements satisfy the chaincode policy, but the chain
        // head's key-level policy wants the owner's peer, so Fabric's validation rejects the transaction.
        final IntervalDigest next = interval(meter, T0 + QUARTER, 20);
        final MemberProfile dso = MemberProfile.fromWork(work, "dso", "user");
        final MemberProfile agg = MemberProfile.fromWork(work, "aggregator", "user");
        final String record = Json.write(EnergyLedger.record(meter, next));
        final String transientJson = Json.write(Map.of("record", java.util.Base64.getEncoder().encodeToString(record.getBytes(StandardCharsets.UTF_8))));
        final String out = peerCli("community",
                "peer chaincode invoke -o \"$FLEXLEDGER_ORDERER\" --tls --cafile \"$FLEXLEDGER_ORDERER_CA\" -C grid -n energy"
                        + " --peerAddresses " + dso.peerEndpoint() + " --tlsRootCertFiles " + dso.tlsCaCert()
                        + " --peerAddresses " + agg.peerEndpoint() + " --tlsRootCertFiles " + agg.tlsCaCert()
                        + " -c '{\"Args\":[\"RecordInterval\"]}' --transient \"$1\" --waitForEvent", transientJson, false);
        assertThat(out).contains("ENDORSEMENT_POLICY_FAILURE");
        assertThat(energy.getMeter(meter)).isEqualTo(before);
    }

    @Test
    void resubmissionIsANoOpAndADifferentRecordIsConflict() throws Exception {
        final String meter = uniqueMeter("IT-IDEM");
        final EnergyLedger energy = registered(meter);
        final IntervalDigest d = interval(meter, T0, 5, 6);
        final Map<String, Object> first = energy.recordInterval(meter, d);
        assertThat(energy.recordInterval(meter, d)).isEqualTo(first);
        assertThat(energy.getMeter(meter)).containsEntry("intervals", 1L);

        assertThatThrownBy(() -> energy.recordInterval(meter, interval(meter, T0, 5, 7)))
                .isInstanceOfSatisfying(LedgerException.class, e -> assertThat(e.code()).contains(ErrorCode.CONFLICT));
        assertThatThrownBy(() -> energy.recordInterval(meter, interval(meter, T0 + 2 * QUARTER, 1)))
                .isInstanceOfSatisfying(LedgerException.class, e -> assertThat(e.code()).contains(ErrorCode.NOT_CONTIGUOUS));
        assertThat(energy.getInterval(meter, T0)).isEqualTo(first);
    }

    @Test
    void registeringAnExistingMeterIsAlreadyExists() throws Exception {
        final String meter = uniqueMeter("IT-DUP");
        registered(meter);
        assertThatThrownBy(() -> aggregator.energy("grid").registerMeter(meter, "z", Hex.encode(Fp1.saltCommitment(SALT))))
                .isInstanceOfSatisfying(LedgerException.class, e -> assertThat(e.code()).contains(ErrorCode.ALREADY_EXISTS));
        assertThat(community.energy("grid").getMeter(meter)).containsEntry("ownerMsp", "CommunityMSP");
    }
}
