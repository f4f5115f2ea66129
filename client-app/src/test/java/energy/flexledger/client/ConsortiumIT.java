package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.spec.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The consortium on the real network: bootstrapped from network-config/consortium.json, read by
 * every member, and changed only with the endorsement of a majority of the member orgs (the
 * channel's MAJORITY Endorsement policy), whatever the chaincode on a minority's peers says.
 */
@Tag("integration")
class ConsortiumIT {
    private static Path work;
    private static PeerCli cli;
    private static LedgerConnection cpo;
    private static PeersInSync peers;

    @BeforeAll
    static void connect() throws Exception {
        final Path root = Path.of(System.getProperty("flexledger.root", "..")).toAbsolutePath().normalize();
        final String env = System.getenv("FLEXLEDGER_WORK");
        work = env != null ? Path.of(env) : root.resolve("work/network");
        cli = new PeerCli(root, work);
        cpo = LedgerConnection.open(MemberProfile.fromWork(work, "cpo", "user"));
        peers = new PeersInSync(work);
    }

    @AfterAll
    static void close() {
        if (cpo != null) {
            cpo.close();
        }
        if (peers != null) {
            peers.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> member(final String mspId) throws Exception {
        final Map<String, Object> consortium = Json.parseObject(new String(cpo.evaluate("grid", "consortium", "GetConsortium"),
                java.nio.charset.StandardCharsets.UTF_8));
        for (final Object m : (List<?>) consortium.get("members")) {
            if (mspId.equals(((Map<?, ?>) m).get("mspId"))) {
                return (Map<String, Object>) m;
            }
        }
        throw new AssertionError(mspId + " is not in " + consortium);
    }

    @Test
    void theBootstrapMembersAndTheirRolesAreOnTheLedger() throws Exception {
        assertThat(member("DsoMSP")).containsEntry("roles", List.of("DSO", "ISSUER")).containsEntry("zones", List.of("zone-1", "zone-2"));
        assertThat(member("AggregatorMSP")).containsEntry("roles", List.of("AGGREGATOR"))
                .containsEntry("represents", List.of("CommunityMSP", "CpoMSP"));
        assertThat(member("CommunityMSP")).containsEntry("roles", List.of("COMMUNITY"));
        assertThat(member("CpoMSP")).containsEntry("roles", List.of("CPO"));
    }

    @Test
    void aChangeNeedsTheVotesOfAMajorityOfMembersAndEndorsementsOfAMajorityOfOrgs() throws Exception {
        final String grant = Json.write(Map.of("Args", List.of("GrantRole", "CommunityMSP", "CPO")));
        // Endorsed by one, then two of the four orgs' peers: not a majority; Fabric invalidates it.
        assertThat(cli.invokeEndorsedBy("community", "admin", "consortium", List.of("community"), grant, null, false))
                .contains("ENDORSEMENT_POLICY_FAILURE");
        assertThat(cli.invokeEndorsedBy("community", "admin", "consortium", List.of("community", "aggregator"), grant, null, false))
                .contains("ENDORSEMENT_POLICY_FAILURE");
        // Endorsed by three, it commits, but it is one org's vote: nothing changes until a majority of
        // the members (three of four) voted, each through its own admin.
        final List<String> majority = List.of("community", "aggregator", "dso");
        final String first = cli.invokeEndorsedBy("community", "admin", "consortium", majority, grant, null, true);
        assertThat(first).contains("\\\"applied\\\":false");
        cli.invokeEndorsedBy("aggregator", "admin", "consortium", majority, grant, null, true);
        peers.await("grid");
        assertThat(member("CommunityMSP")).containsEntry("roles", List.of("COMMUNITY"));
        // The third vote through the Fabric Gateway, as the flexledger CLI casts it: it applies.
        try (LedgerConnection dsoAdmin = LedgerConnection.open(MemberProfile.fromWork(work, "dso", "admin"))) {
            assertThat(dsoAdmin.consortium("grid").grant("CommunityMSP", "CPO")).containsEntry("applied", true);
        }
        peers.await("grid");
        assertThat(member("CommunityMSP")).containsEntry("roles", List.of("COMMUNITY", "CPO"));
        final String withdraw = Json.write(Map.of("Args", List.of("WithdrawRole", "CommunityMSP", "CPO")));
        for (final String org : List.of("cpo", "dso", "community")) {
            cli.invokeEndorsedBy(org, "admin", "consortium", majority, withdraw, null, true);
        }
        peers.await("grid");
        assertThat(member("CommunityMSP")).containsEntry("roles", List.of("COMMUNITY"));
    }

    @Test
    void onlyAnAdminProposesAChange() throws Exception {
        final String grant = Json.write(Map.of("Args", List.of("GrantRole", "CpoMSP", "AGGREGATOR")));
        assertThat(cli.invokeEndorsedBy("cpo", "user", "consortium", List.of("cpo", "aggregator", "dso"), grant, null, false))
                .contains("ACCESS_DENIED");
    }
}
