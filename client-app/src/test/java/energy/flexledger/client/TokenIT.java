package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.spec.ErrorCode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The reward token on the real network (chaincode-market's {@code token} contract, decision 0016):
 * minting only by the issuer's admin (the ISSUER role on the ledger), overdrafts refused, and
 * conservation under concurrency — several members paying one hot account and each other at once,
 * then every balance exact and {@code minted − burned = balances + escrow}, no transfer lost to a
 * read conflict (the client submits again what the ledger invalidated).
 */
@Tag("integration")
class TokenIT {
    private static final Map<String, LedgerConnection> admins = new LinkedHashMap<>();
    private static LedgerConnection issuer;
    private static String issuerMsp;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void setUp() throws IOException, LedgerException {
        final Path work = EnergyRoleMatrix.work();
        final Map<String, String> orgs = EnergyRoleMatrix.orgsByMsp(work);
        for (final String org : orgs.values()) {
            admins.put(org, LedgerConnection.open(MemberProfile.fromWork(work, org, "admin")));
        }
        final LedgerConnection any = admins.values().iterator().next();
        for (final Map<String, Object> m : (List<Map<String, Object>>) any.consortium("grid").consortium().get("members")) {
            if (((List<Object>) m.get("roles")).contains("ISSUER") && issuer == null) {
                issuerMsp = (String) m.get("mspId");
                issuer = admins.get(orgs.get(issuerMsp));
            }
        }
        assertThat(issuer).as("a member holding ISSUER in the consortium").isNotNull();
        try {
            issuer.token("grid").info();
        } catch (LedgerException e) {
            assertThat(e.code()).contains(ErrorCode.NOT_FOUND);
            issuer.token("grid").initialize("FlexLedger Reward", "FLEX", 3);
        }
    }

    @AfterAll
    static void close() {
        admins.values().forEach(LedgerConnection::close);
    }

    private static long balance(final String account) throws LedgerException {
        return (Long) issuer.token("grid").balance(account).get("balance");
    }

    @Test
    void onlyTheIssuersAdminMintsAndNobodyOverdraws() throws Exception {
        final Path work = EnergyRoleMatrix.work();
        for (final Map.Entry<String, LedgerConnection> e : admins.entrySet()) {
            if (e.getValue() == issuer) {
                continue;
            }
            assertThatThrownBy(() -> e.getValue().token("grid").mint("org:" + e.getValue().profile().mspId(), 5))
                    .isInstanceOfSatisfying(LedgerException.class, x -> assertThat(x.code()).as(e.getKey()).contains(ErrorCode.ACCESS_DENIED));
        }
        final String issuerOrg = EnergyRoleMatrix.orgsByMsp(work).get(issuerMsp);
        try (LedgerConnection issuerUser = LedgerConnection.open(MemberProfile.fromWork(work, issuerOrg, "user"))) {
            assertThatThrownBy(() -> issuerUser.token("grid").mint("org:" + issuerMsp, 5))
                    .isInstanceOfSatisfying(LedgerException.class, x -> assertThat(x.code()).contains(ErrorCode.ACCESS_DENIED));
        }
        final Map.Entry<String, LedgerConnection> payer = admins.entrySet().stream().filter(e -> e.getValue() != issuer).findFirst().orElseThrow();
        final String account = "org:" + payer.getValue().profile().mspId();
        issuer.token("grid").mint(account, 40);
        final long before = balance(account);
        assertThatThrownBy(() -> payer.getValue().token("grid").transfer(account, "org:" + issuerMsp, before + 1))
                .isInstanceOfSatisfying(LedgerException.class, x -> assertThat(x.code()).contains(ErrorCode.INSUFFICIENT_FUNDS));
        assertThat(balance(account)).isEqualTo(before);
    }

    /**
     * Two debits of one account that together exceed its balance, submitted at the same moment by
     * two identities allowed to move it (its org's admin, twice): exactly one commits, the other
     * is refused with INSUFFICIENT_FUNDS (when it read the balance after the first committed, or
     * when the ledger invalidated it and the client submitted it again), never both.
     */
    @Test
    void twoConcurrentDebitsThatTogetherOverdrawCommitOnlyOnce() throws Exception {
        final Path work = EnergyRoleMatrix.work();
        final LedgerConnection payer = admins.values().stream().filter(c -> c != issuer).findFirst().orElseThrow();
        final String account = "org:" + payer.profile().mspId();
        final String org = EnergyRoleMatrix.orgsByMsp(work).get(payer.profile().mspId());
        try (LedgerConnection second = LedgerConnection.open(MemberProfile.fromWork(work, org, "admin"))) {
            final long balance = balance(account);
            issuer.token("grid").mint(account, 100);
            PeerHeights.awaitSame("grid", admins.values(), PeerHeights.DEFAULT_WAIT);
            final long start = balance(account);
            assertThat(start).isEqualTo(balance + 100);
            final long amount = start / 2 + 1;   // two of them overdraw
            final java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            final ExecutorService pool = Executors.newFixedThreadPool(2);
            final List<Future<String>> results = new ArrayList<>();
            for (final LedgerConnection c : List.of(payer, second)) {
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        c.token("grid").transfer(account, "org:" + issuerMsp, amount);
                        return "committed";
                    } catch (LedgerException e) {
                        return e.code().map(Enum::name).orElse("ERROR " + e.getMessage());
                    }
                }));
            }
            go.countDown();
            pool.shutdown();
            final List<String> outcomes = new ArrayList<>();
            for (final Future<String> f : results) {
                outcomes.add(f.get(5, TimeUnit.MINUTES));
            }
            assertThat(outcomes).containsExactlyInAnyOrder("committed", ErrorCode.INSUFFICIENT_FUNDS.name());
            PeerHeights.awaitSame("grid", admins.values(), PeerHeights.DEFAULT_WAIT);
            assertThat(balance(account)).isEqualTo(start - amount);
        }
    }

    @Test
    void concurrentPaymentsConserveEveryToken() throws Exception {
        final TokenLedger token = issuer.token("grid");
        final Map<String, Object> audit0 = token.audit();
        assertThat(audit0).containsEntry("consistent", true);
        final List<String> payers = new ArrayList<>();
        for (final LedgerConnection c : admins.values()) {
            if (c != issuer) {
                payers.add("org:" + c.profile().mspId());
            }
        }
        // A hot account that many pay at once: the issuer's org account.
        final String hot = "org:" + issuerMsp;
        final Map<String, Long> start = new LinkedHashMap<>();
        for (final String p : payers) {
            token.mint(p, 1_000);
            start.put(p, balance(p));
        }
        final long hotStart = balance(hot);
        final int rounds = 8;
        final ExecutorService pool = Executors.newFixedThreadPool(payers.size());
        final List<Future<Integer>> done = new ArrayList<>();
        for (int i = 0; i < payers.size(); i++) {
            final String from = payers.get(i);
            final String next = payers.get((i + 1) % payers.size());
            final LedgerConnection as = admins.values().stream().filter(c -> from.equals("org:" + c.profile().mspId())).findFirst().orElseThrow();
            done.add(pool.submit(() -> {
                int n = 0;
                for (int r = 0; r < rounds; r++) {
                    as.token("grid").transfer(from, hot, 10);     // into the hot account: no conflict
                    as.token("grid").transfer(from, next, 3);     // into an account its owner is debiting: retried on conflict
                    n += 2;
                }
                return n;
            }));
        }
        pool.shutdown();
        for (final Future<Integer> f : done) {
            f.get(10, TimeUnit.MINUTES);   // every transfer returned committed (or the test fails here)
        }
        PeerHeights.awaitSame("grid", admins.values(), PeerHeights.DEFAULT_WAIT);
        // Each payer paid 10 + 3 per round and received 3 per round from its neighbour.
        for (final String p : payers) {
            assertThat(balance(p)).as(p).isEqualTo(start.get(p) - rounds * 10L);
        }
        assertThat(balance(hot)).isEqualTo(hotStart + (long) payers.size() * rounds * 10);
        final Map<String, Object> audit = token.audit();
        assertThat(audit).containsEntry("consistent", true);
        assertThat((Long) audit.get("minted") - (Long) audit.get("burned")).isEqualTo((Long) audit.get("balances") + (Long) audit.get("escrow"))
                .isEqualTo((Long) audit.get("supply"));
        assertThat((Long) audit.get("minted") - (Long) audit0.get("minted")).isEqualTo(1_000L * payers.size());
    }
}
