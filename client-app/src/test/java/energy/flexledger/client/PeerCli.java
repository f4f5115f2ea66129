package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Fabric's own {@code peer} CLI as an outside client of the test network: it sends a proposal to
 * exactly the peers it is told to, which the Fabric Gateway's endorsement planning never does, so
 * tests can show Fabric invalidating a transaction that too few orgs endorsed.
 */
final class PeerCli {
    private final Path root;
    private final Path work;

    PeerCli(final Path root, final Path work) {
        this.root = root;
        this.work = work;
    }

    /**
     * Runs a command line as the org's identity {@code who} (environment from {@code network.sh env}),
     * with {@code $1} bound to {@code arg}; asserts success or failure and returns stdout and stderr.
     */
    String run(final String org, final String who, final String command, final String arg, final boolean mustSucceed)
            throws IOException, InterruptedException {
        final ProcessBuilder pb = new ProcessBuilder("bash", "-c",
                "set -e; eval \"$(scripts/network.sh env " + org + " " + who + ")\"; " + command, "_", arg)
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

    /**
     * Submits {@code argsJson} to {@code chaincode} on grid as {@code org}'s {@code who}, endorsed by
     * exactly the peers of {@code endorsers}, with {@code transientJson} (base64 values) and
     * {@code --waitForEvent}, so the output says whether the transaction committed as VALID.
     */
    String invokeEndorsedBy(final String org, final String who, final String chaincode, final List<String> endorsers, final String argsJson,
            final String transientJson, final boolean mustSucceed) throws Exception {
        final StringBuilder peersArgs = new StringBuilder();
        for (final String e : endorsers) {
            final MemberProfile p = MemberProfile.fromWork(work, e, "user");
            peersArgs.append(" --peerAddresses ").append(p.peerEndpoint()).append(" --tlsRootCertFiles ").append(p.tlsCaCert());
        }
        return run(org, who, "peer chaincode invoke -o \"$FLEXLEDGER_ORDERER\" --tls --cafile \"$FLEXLEDGER_ORDERER_CA\" -C grid -n " + chaincode
                + peersArgs + " -c \"$1\"" + (transientJson == null ? "" : " --transient '" + transientJson + "'") + " --waitForEvent",
                argsJson, mustSucceed);
    }
}
