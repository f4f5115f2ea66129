package energy.flexledger.client;

import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Json;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.client.Contract;

/**
 * The P2P double auction (chaincode-market's {@code auction} contract, DA1) through the Fabric
 * Gateway. An order is sealed in two transactions: {@code SealOrder}, endorsed by this member's own
 * peer only (the order goes into its org's implicit collection, which no other org's peer sees),
 * then {@code SubmitOrder}, endorsed as usual, which puts its hash on the channel. After the gate
 * closure {@link #reveal} reads the order back from the member's own peer and sends it again as
 * transient data; the chaincode checks it against the hash.
 */
public final class AuctionLedger {
    /** Submissions of one call at most (the first and the retries after read conflicts). */
    public static final int ATTEMPTS = 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Contract contract;
    private final String mspId;

    AuctionLedger(final Contract contract, final String mspId) {
        this.contract = contract;
        this.mspId = mspId;
    }

    /** Opens an auction ({@code terms}: id, zone, deliveryStart, deliveryEnd, gateClosure, revealBy, capacityWh). */
    public Map<String, Object> open(final Map<String, Object> terms) throws LedgerException {
        return ChaincodeCalls.submitRetrying(ATTEMPTS, contract, "OpenAuction", Json.write(terms));
    }

    public Map<String, Object> auction(final String auctionId) throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "GetAuction", auctionId);
    }

    /** Every auction, all pages read. */
    @SuppressWarnings("unchecked")
    public List<Object> auctions() throws LedgerException {
        final List<Object> all = new ArrayList<>();
        String bookmark = "";
        do {
            final Map<String, Object> page = ChaincodeCalls.evaluate(contract, "ListAuctions", "200", bookmark);
            all.addAll((List<Object>) page.get("auctions"));
            bookmark = (String) page.get("bookmark");
        } while (bookmark != null && !bookmark.isEmpty());
        return all;
    }

    /** A new salt of 128 bits, as lower-case hex. */
    public static String salt() {
        final byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return Hex.encode(salt);
    }

    /** The sealed order's canonical fields, in the chaincode's {@code SealedOrder} shape. */
    public static Map<String, Object> sealedOrder(final String auctionId, final String orderId, final String side, final long quantityWh,
            final long price, final String salt) {
        final Map<String, Object> order = new LinkedHashMap<>();
        order.put("auctionId", auctionId);
        order.put("orderId", orderId);
        order.put("side", side);
        order.put("quantityWh", quantityWh);
        order.put("price", price);
        order.put("salt", salt);
        return order;
    }

    /** Writes the order into this member's implicit collection, endorsed by its own peer alone; the receipt has its hash. */
    public Map<String, Object> seal(final Map<String, Object> order) throws LedgerException {
        return ChaincodeCalls.submitRetrying(ATTEMPTS, contract, "SealOrder", transientOf(order), List.of(mspId),
                (String) order.get("auctionId"), (String) order.get("orderId"));
    }

    /** Puts the sealed order's hash on the channel: the order now takes part, paid from or to the caller's identity account. */
    public Map<String, Object> submit(final String auctionId, final String orderId) throws LedgerException {
        return ChaincodeCalls.submitRetrying(ATTEMPTS, contract, "SubmitOrder", auctionId, orderId);
    }

    /**
     * {@link #seal} then {@link #submit}: {@code {"seal": receipt, "order": the order on the channel}}.
     * The seal committed on this member's peer; the other member's peer, which endorses the submission
     * too, may not have its block yet and answer NOT_FOUND: the submission is sent again, a little
     * later, for up to about {@link #SEAL_VISIBLE_MS} (it changed nothing).
     */
    public Map<String, Object> order(final Map<String, Object> order) throws LedgerException {
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("seal", seal(order));
        out.put("order", ChaincodeCalls.onceVisible(() -> submit((String) order.get("auctionId"), (String) order.get("orderId"))));
        return out;
    }

    /** How long {@link #order} waits for the other peers to have the block of its seal. */
    public static final long SEAL_VISIBLE_MS = ChaincodeCalls.VISIBLE_WAIT_MS;

    public Map<String, Object> withdraw(final String auctionId, final String orderId) throws LedgerException {
        return ChaincodeCalls.submitRetrying(ATTEMPTS, contract, "WithdrawOrder", auctionId, orderId);
    }

    /** This member's own sealed order, as its own peer holds it (no other org's peer can answer). */
    public Map<String, Object> mySealedOrder(final String auctionId, final String orderId) throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "MySealedOrder", auctionId, orderId);
    }

    /** Reveals an order after the gate closure: read back from the member's own peer, sent as transient data. */
    public Map<String, Object> reveal(final String auctionId, final String orderId) throws LedgerException {
        return reveal(mySealedOrder(auctionId, orderId));
    }

    /** Reveals {@code order} as given (the exact fields sealed: anything else is SEAL_MISMATCH). */
    public Map<String, Object> reveal(final Map<String, Object> order) throws LedgerException {
        return ChaincodeCalls.submitRetrying(ATTEMPTS, contract, "RevealOrder", transientOf(order), List.of(),
                (String) order.get("auctionId"), (String) order.get("orderId"));
    }

    public Map<String, Object> orders(final String auctionId) throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "ListOrders", auctionId);
    }

    /** Clears the auction by DA1 and settles it: the clearing's figures (the full record: {@link #clearing}). */
    public Map<String, Object> clear(final String auctionId) throws LedgerException {
        return clear(auctionId, List.of());
    }

    /**
     * {@link #clear(String)} endorsed by {@code endorsingOrgs} when not empty: their peers run the clearing
     * at once, rather than this member's peer first and the other after it ({@link #endorsers}).
     */
    public Map<String, Object> clear(final String auctionId, final List<String> endorsingOrgs) throws LedgerException {
        return ChaincodeCalls.submitRetrying(ATTEMPTS, contract, "ClearAuction", Map.of(), endorsingOrgs, auctionId);
    }

    /**
     * Two orgs that satisfy the channel's "any two members" policy for a clearing: this member and the
     * next member in the consortium's order (read from the ledger).
     */
    @SuppressWarnings("unchecked")
    public static List<String> endorsers(final LedgerConnection connection, final String channel) throws LedgerException {
        final List<String> members = new java.util.ArrayList<>();
        for (final Object m : (List<Object>) connection.consortium(channel).consortium().get("members")) {
            members.add((String) ((Map<String, Object>) m).get("mspId"));
        }
        final String own = connection.profile().mspId();
        final int at = members.indexOf(own);
        if (at < 0 || members.size() < 2) {
            throw new LedgerException(null, own + " and at least one other member must be in the consortium of " + channel, null, false, null);
        }
        return List.of(own, members.get((at + 1) % members.size()));
    }

    /**
     * {@link #clear}, with the time of its endorsement (the gateway's peers running the clearing) and
     * of its ordering and commit measured apart: {@code {"result", "endorseMs", "commitMs"}}.
     */
    public Map<String, Object> clearTimed(final String auctionId) throws LedgerException {
        return clearTimed(auctionId, List.of());
    }

    /**
     * {@link #clearTimed(String)} endorsed by {@code endorsingOrgs} when not empty: the gateway then
     * asks their peers at once, instead of its own peer first (to learn what the transaction
     * touches) and the others after it, so a long clearing costs one chaincode run, not two in a row.
     */
    public Map<String, Object> clearTimed(final String auctionId, final List<String> endorsingOrgs) throws LedgerException {
        final long start = System.nanoTime();
        try {
            final org.hyperledger.fabric.client.Proposal.Builder proposal = contract.newProposal("ClearAuction").addArguments(auctionId);
            if (!endorsingOrgs.isEmpty()) {
                proposal.setEndorsingOrganizations(endorsingOrgs.toArray(new String[0]));
            }
            final org.hyperledger.fabric.client.Transaction tx = proposal.build().endorse();
            final long endorsed = System.nanoTime();
            final byte[] result = tx.submit();
            final long committed = System.nanoTime();
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("result", Json.parseObject(new String(result, StandardCharsets.UTF_8)));
            out.put("endorseMs", (endorsed - start) / 1_000_000L);
            out.put("commitMs", (committed - endorsed) / 1_000_000L);
            return out;
        } catch (org.hyperledger.fabric.client.GatewayException e) {
            throw EnergyLedger.translate("ClearAuction", e);
        } catch (org.hyperledger.fabric.client.CommitException e) {
            throw new LedgerException(null, "ClearAuction was ordered but not committed: " + e.getCode().name(), e.getTransactionId(), false, e);
        }
    }

    /** The stored clearing: the exact DA1 input and output, unrevealed orders, the credits. */
    public Map<String, Object> clearing(final String auctionId) throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "GetClearing", auctionId);
    }

    private static Map<String, byte[]> transientOf(final Map<String, Object> order) {
        return Map.of("sealed", Json.write(order).getBytes(StandardCharsets.UTF_8));
    }
}
