package energy.flexledger.client;

import energy.flexledger.spec.Canonical;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Json;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.client.Contract;

/**
 * The flexibility marketplace (chaincode-market's {@code flex} contract, MK1) through the Fabric
 * Gateway. An offer is sealed first — the bid goes into this member's implicit private data
 * collection in a transaction endorsed by this member's own peer alone — and then submitted, which
 * puts only its hash on the channel; after the deadline {@link #revealOffer} reads the bid back from
 * this member's own peer and reveals it. Read conflicts are submitted again (nothing committed).
 */
public final class MarketLedger {
    /** The transient field that carries a sealed bid (the chaincode's {@code Seals.TRANSIENT}). */
    static final String SEALED = "sealed";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Contract contract;
    private final String mspId;
    private final EnergyLedger energy;

    MarketLedger(final Contract contract, final String mspId, final EnergyLedger energy) {
        this.contract = contract;
        this.mspId = mspId;
        this.energy = energy;
    }

    /**
     * Posts a request; its escrow leaves {@code spec.payer} in the same transaction. {@code spec}: id,
     * zone, quantityWh, maxPrice, deadline, revealBy, windowStart, windowEnd, mode, payer,
     * baselineProgram (the DR program whose baseline terms measure delivery).
     */
    public Map<String, Object> postRequest(final Map<String, Object> spec) throws LedgerException {
        return ChaincodeCalls.submitRetrying(TokenLedger.ATTEMPTS, contract, "PostRequest", Json.write(spec));
    }

    public Map<String, Object> request(final String requestId) throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "GetRequest", requestId);
    }

    public Map<String, Object> requests(final int pageSize, final String bookmark) throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "ListRequests", Integer.toString(pageSize), bookmark == null ? "" : bookmark);
    }

    public Map<String, Object> offers(final String requestId) throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "ListOffers", requestId);
    }

    /** The bid as it will be sealed: canonical JSON with a fresh 256-bit salt. */
    public static byte[] bid(final String requestId, final String offerId, final long quantityWh, final long price, final List<String> assets) {
        final byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        final Map<String, Object> bid = new LinkedHashMap<>();
        bid.put("requestId", requestId);
        bid.put("offerId", offerId);
        bid.put("quantityWh", quantityWh);
        bid.put("price", price);
        bid.put("assets", assets);
        bid.put("salt", Hex.encode(salt));
        return Canonical.write(bid).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Seals the bid with this member's own peer alone, then submits its hash to the channel. Returns
     * {@code {"seal": {...}, "offer": {...}}}. The bid stays in this member's peer until revealed.
     */
    public Map<String, Object> submitOffer(final String requestId, final String offerId, final long quantityWh, final long price,
            final List<String> assets) throws LedgerException {
        final Map<String, Object> seal = ChaincodeCalls.submitPrivately(contract, "SealOffer",
                Map.of(SEALED, bid(requestId, offerId, quantityWh, price, assets)), List.of(mspId), requestId, offerId);
        // The seal committed on this member's peer; the other endorsing peer may not have its block yet (NOT_FOUND): again.
        final Map<String, Object> offer = ChaincodeCalls.onceVisible(
                () -> ChaincodeCalls.submitRetrying(TokenLedger.ATTEMPTS, contract, "SubmitOffer", requestId, offerId));
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("seal", seal);
        out.put("offer", offer);
        return out;
    }

    public Map<String, Object> withdrawOffer(final String requestId, final String offerId) throws LedgerException {
        return ChaincodeCalls.submitRetrying(TokenLedger.ATTEMPTS, contract, "WithdrawOffer", requestId, offerId);
    }

    /** This member's sealed bid, from its own peer (no other peer holds it). */
    public Map<String, Object> sealedOffer(final String requestId, final String offerId) throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "MySealedOffer", requestId, offerId);
    }

    /** Reveals a sealed offer after the deadline: the bid, read back from this member's peer, checked against its hash on the channel. */
    public Map<String, Object> revealOffer(final String requestId, final String offerId) throws LedgerException {
        final byte[] bid = Canonical.write(sealedOffer(requestId, offerId)).getBytes(StandardCharsets.UTF_8);
        return revealOffer(requestId, offerId, bid);
    }

    /**
     * Reveals exactly {@code bid} (a provider that kept its bid elsewhere, or a test of a mismatch). The
     * first reveal of a request also closes it to offers, so reveals sent at once can be invalidated by
     * a read conflict: such a reveal changed nothing and is sent again.
     */
    public Map<String, Object> revealOffer(final String requestId, final String offerId, final byte[] bid) throws LedgerException {
        for (int attempt = 1; ; attempt++) {
            try {
                return ChaincodeCalls.submitPrivately(contract, "RevealOffer", Map.of(SEALED, bid), List.of(), requestId, offerId);
            } catch (LedgerException e) {
                if (!e.retryable() || e.code().isPresent() || attempt >= TokenLedger.ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    public Map<String, Object> clear(final String requestId) throws LedgerException {
        return ChaincodeCalls.submitRetrying(TokenLedger.ATTEMPTS, contract, "ClearRequest", requestId);
    }

    /**
     * {@link #clear}, timed for a measurement: {@code endorseMs} is the endorsement as this client sees it (every
     * endorsing peer runs MK1), {@code commitMs} ordering and commit. Returns {@code {"result", "endorseMs", "commitMs"}};
     * no retry (a measurement of one transaction).
     */
    public Map<String, Object> clearTimed(final String requestId) throws LedgerException {
        final long start = System.nanoTime();
        try {
            final org.hyperledger.fabric.client.Transaction tx = contract.newProposal("ClearRequest").addArguments(requestId).build().endorse();
            final long endorsed = System.nanoTime();
            final org.hyperledger.fabric.client.SubmittedTransaction submitted = tx.submitAsync();
            final org.hyperledger.fabric.client.Status status = submitted.getStatus();
            final long committed = System.nanoTime();
            if (!status.isSuccessful()) {
                throw new LedgerException(null, "ClearRequest was ordered but not committed: " + status.getCode().name(), status.getTransactionId(),
                        false, null);
            }
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("result", Json.parseObject(new String(submitted.getResult(), StandardCharsets.UTF_8)));
            out.put("endorseMs", (endorsed - start) / 1_000_000L);
            out.put("commitMs", (committed - endorsed) / 1_000_000L);
            return out;
        } catch (org.hyperledger.fabric.client.GatewayException e) {
            throw EnergyLedger.translate("ClearRequest", e);
        }
    }

    /** Pays a cleared request after its window from the delivery chaincode-dr measures (MK1 step 5). */
    public Map<String, Object> pay(final String requestId) throws LedgerException {
        try {
            return ChaincodeCalls.submitRetrying(TokenLedger.ATTEMPTS, contract, "PayRequest", requestId);
        } catch (LedgerException e) {
            if (!(e.getCause() instanceof org.hyperledger.fabric.client.EndorseException endorse) || !EnergyLedger.noPlan(endorse)) {
                throw e;
            }
            // The payment reads every awarded asset's private data: the gateway plans among the peers of all their collections
            // and, with several collections, may find no plan. The orgs that read all of them endorse it, named explicitly.
            final List<String> endorsers = energy.readersOf(awardedAssets(requestId));
            if (endorsers.size() < 2) {
                throw e;
            }
            return ChaincodeCalls.submitPrivately(contract, "PayRequest", Map.of(), endorsers, requestId);
        }
    }

    /** The assets of a cleared request's awarded offers. */
    @SuppressWarnings("unchecked")
    private java.util.Set<String> awardedAssets(final String requestId) throws LedgerException {
        final java.util.Set<String> awarded = new java.util.HashSet<>();
        for (final Object a : (List<Object>) ((Map<String, Object>) clearing(requestId).get("output")).get("awards")) {
            awarded.add((String) ((Map<String, Object>) a).get("offerId"));
        }
        final java.util.Set<String> assets = new java.util.TreeSet<>();
        for (final Object o : (List<Object>) offers(requestId).get("offers")) {
            final Map<String, Object> offer = (Map<String, Object>) o;
            if (awarded.contains(offer.get("offerId")) && offer.get("assets") != null) {
                assets.addAll((List<String>) offer.get("assets"));
            }
        }
        return assets;
    }

    public Map<String, Object> payment(final String requestId) throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "GetPayment", requestId);
    }

    /** A cleared request's exact MK1 input and output. */
    public Map<String, Object> clearing(final String requestId) throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "GetClearing", requestId);
    }
}
