package energy.flexledger.client;

import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.IntervalDigest;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecException;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hyperledger.fabric.client.CommitException;
import org.hyperledger.fabric.client.CommitStatusException;
import org.hyperledger.fabric.client.Contract;
import org.hyperledger.fabric.client.EndorseException;
import org.hyperledger.fabric.client.GatewayException;
import org.hyperledger.fabric.client.SubmitException;
import org.hyperledger.fabric.client.TransactionException;
import org.hyperledger.fabric.protos.gateway.ErrorDetail;

/** Typed access to chaincode-energy through the Fabric Gateway. */
public final class EnergyLedger {
    /** How long a submission waits for endorsing peers to become available (after a peer restart). */
    static final Duration DEFAULT_ENDORSE_WAIT = Duration.ofSeconds(30);

    private final Contract contract;
    private final Duration endorseWait;

    EnergyLedger(final Contract contract) {
        this(contract, DEFAULT_ENDORSE_WAIT);
    }

    EnergyLedger(final Contract contract, final Duration endorseWait) {
        this.contract = contract;
        this.endorseWait = endorseWait;
    }

    public Map<String, Object> registerMeter(final String meterId, final String zone, final String saltCommitmentHex)
            throws LedgerException {
        return submit("RegisterMeter", meterId, zone, saltCommitmentHex);
    }

    /**
     * Submits one interval (as transient data: it is private) and waits for it to commit; returns
     * the stored record with its link, read back from the member's own peer.
     */
    public Map<String, Object> recordInterval(final String meterId, final IntervalDigest d) throws LedgerException {
        submitPrivate("RecordInterval", "record", Json.write(record(meterId, d)), List.of(meterId));
        return getInterval(meterId, d.start());
    }

    // ------------------------------------------------------------------ registry

    /** Registers an asset (see chaincode-energy's RegisterAsset for the fields). */
    public Map<String, Object> registerAsset(final Map<String, Object> asset) throws LedgerException {
        return submit("RegisterAsset", Json.write(asset));
    }

    public Map<String, Object> updateAsset(final String assetId, final Map<String, Object> changes) throws LedgerException {
        return submit("UpdateAsset", assetId, Json.write(changes));
    }

    public Map<String, Object> deactivateAsset(final String assetId) throws LedgerException {
        return submit("DeactivateAsset", assetId);
    }

    public Map<String, Object> getAsset(final String assetId) throws LedgerException {
        return evaluate("GetAsset", assetId);
    }

    /** One page of assets by {@code owner}, {@code zone} or {@code type}: {@code {"assets": [...], "bookmark"}}. */
    public Map<String, Object> queryAssets(final String by, final String value, final int pageSize, final String bookmark)
            throws LedgerException {
        return evaluate("QueryAssets", by, value, Integer.toString(pageSize), bookmark);
    }

    /** The caller as the chaincode sees it: {@code mspId}, {@code role}, {@code id} (what devices are bound by). */
    public Map<String, Object> whoAmI() throws LedgerException {
        return evaluate("WhoAmI");
    }

    // ------------------------------------------------------------------ intervals

    /**
     * Certifies many interval records, of any meters, in one transaction; returns
     * {@code {"txId", "recorded", "unchanged", "meters": [meter ids]}} (nothing of the private data:
     * the result is written into the block).
     */
    public Map<String, Object> recordIntervals(final List<Map<String, Object>> records) throws LedgerException {
        final java.util.Set<String> meters = new java.util.TreeSet<>();
        for (final Map<String, Object> r : records) {
            if (r.get("meterId") instanceof String m) {
                meters.add(m);
            }
        }
        return submitPrivate("RecordIntervals", "records", Json.write(new ArrayList<Object>(records)), meters);
    }

    /** An interval record as RecordIntervals takes it. */
    public static Map<String, Object> record(final String meterId, final IntervalDigest d) {
        return d.toRecord(meterId);
    }

    /** One page of certified records with {@code from <= start < to}: {@code {"records", "bookmark", "head"}}. */
    public Map<String, Object> getIntervals(final String meterId, final long from, final long to, final int pageSize, final String bookmark)
            throws LedgerException {
        return evaluate("GetIntervals", meterId, Long.toString(from), Long.toString(to), Integer.toString(pageSize), bookmark);
    }

    /** Every certified record with {@code from <= start < to}, oldest first, page after page. */
    public List<Map<String, Object>> allIntervals(final String meterId, final long from, final long to) throws LedgerException {
        return allPages("GetIntervals", "records", meterId, Long.toString(from), Long.toString(to));
    }

    /** Every asset by {@code owner}, {@code zone} or {@code type}, page after page. */
    public List<Map<String, Object>> allAssets(final String by, final String value) throws LedgerException {
        return allPages("QueryAssets", "assets", by, value);
    }

    /** Every subscription by {@code topic}, {@code provider} or {@code consumer}, page after page. */
    public List<Map<String, Object>> allSubscriptions(final String by, final String value) throws LedgerException {
        return allPages("QuerySubscriptions", "subscriptions", by, value);
    }

    /** Evaluates a paged query (its last two arguments: page size, bookmark) until the bookmark runs out. */
    private List<Map<String, Object>> allPages(final String name, final String listField, final String... args) throws LedgerException {
        final List<Map<String, Object>> out = new ArrayList<>();
        final String[] paged = java.util.Arrays.copyOf(args, args.length + 2);
        paged[args.length] = "1000";
        String bookmark = "";
        do {
            paged[args.length + 1] = bookmark;
            final Map<String, Object> page = evaluate(name, paged);
            for (final Object item : (List<?>) page.get(listField)) {
                out.add(Json.Obj.of(item, name + "." + listField).toMap());
            }
            bookmark = (String) page.get("bookmark");
        } while (!bookmark.isEmpty());
        return out;
    }

    /**
     * The SHA-256 (hex) the channel keeps of a segment of certified records: canonical JSON of the
     * meter id, the segment's start (its first record's) and the records one transaction added to
     * that day, in order, as {@code GetIntervals} returns them (they share their {@code txId}).
     */
    public static String segmentHash(final String meterId, final long segmentStart, final List<Map<String, Object>> records) {
        final Map<String, Object> segment = new LinkedHashMap<>();
        segment.put("meterId", meterId);
        segment.put("segmentStart", segmentStart);
        segment.put("records", new ArrayList<Object>(records));
        return energy.flexledger.spec.Hex.encode(energy.flexledger.spec.Sha256.of(Json.write(segment).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The channel's hash of the segment that starts at {@code segmentStart}: for members outside
     * the owner's private data collection. {@code {"segmentStart", "segmentHash", "collection", ...}}.
     */
    public Map<String, Object> getIntervalHash(final String meterId, final long segmentStart) throws LedgerException {
        return evaluate("GetIntervalHash", meterId, Long.toString(segmentStart));
    }

    public Map<String, Object> getHead(final String meterId) throws LedgerException {
        return evaluate("GetHead", meterId);
    }

    // ------------------------------------------------------------------ batches and subscriptions

    public Map<String, Object> certifyBatch(final Map<String, Object> batch) throws LedgerException {
        return submit("CertifyBatch", Json.write(batch));
    }

    public Map<String, Object> getBatch(final String batchId) throws LedgerException {
        return evaluate("GetBatch", batchId);
    }

    /** Asks the ledger whether {@code leafHex} is item {@code index} of the batch; {@code {"valid": bool, ...}}. */
    public Map<String, Object> verifyBatchInclusion(final String batchId, final String leafHex, final long index, final List<String> proof)
            throws LedgerException {
        return evaluate("VerifyBatchInclusion", batchId, leafHex, Long.toString(index), Json.write(new ArrayList<Object>(proof)));
    }

    public Map<String, Object> queryBatches(final String by, final String value, final int pageSize, final String bookmark)
            throws LedgerException {
        return evaluate("QueryBatches", by, value, Integer.toString(pageSize), bookmark);
    }

    public Map<String, Object> requestAccess(final String subscriptionId, final String providerMsp, final String topic) throws LedgerException {
        return submit("RequestAccess", subscriptionId, providerMsp, topic);
    }

    public Map<String, Object> acceptAccess(final String subscriptionId) throws LedgerException {
        return submit("AcceptAccess", subscriptionId);
    }

    public Map<String, Object> declineAccess(final String subscriptionId) throws LedgerException {
        return submit("DeclineAccess", subscriptionId);
    }

    public Map<String, Object> revokeAccess(final String subscriptionId) throws LedgerException {
        return submit("RevokeAccess", subscriptionId);
    }

    public Map<String, Object> getSubscription(final String subscriptionId) throws LedgerException {
        return evaluate("GetSubscription", subscriptionId);
    }

    public Map<String, Object> querySubscriptions(final String by, final String value, final int pageSize, final String bookmark)
            throws LedgerException {
        return evaluate("QuerySubscriptions", by, value, Integer.toString(pageSize), bookmark);
    }

    /** A transaction that reads and writes nothing: the baseline cost of a transaction, for benchmarks. */
    public void noop() throws LedgerException {
        submit("Noop");
    }

    /** Submits any transaction by name: for tests of the submission path. */
    Map<String, Object> submitRaw(final String name, final String... args) throws LedgerException {
        return submit(name, args);
    }

    public Map<String, Object> getMeter(final String meterId) throws LedgerException {
        return evaluate("GetMeter", meterId);
    }

    public Map<String, Object> getInterval(final String meterId, final long start) throws LedgerException {
        return evaluate("GetInterval", meterId, Long.toString(start));
    }

    private Map<String, Object> submit(final String name, final String... args) throws LedgerException {
        return submit(name, Map.of(), args);
    }

    /**
     * Submits with private input as transient data under {@code key}: the endorsing peers see it,
     * the block does not (arguments are written into the block for every channel member).
     */
    private Map<String, Object> submitPrivate(final String name, final String key, final String json,
            final java.util.Collection<String> meterIds) throws LedgerException {
        return submit(name, Map.of(key, json.getBytes(StandardCharsets.UTF_8)), meterIds);
    }

    private Map<String, Object> submit(final String name, final Map<String, byte[]> transientData, final String... args)
            throws LedgerException {
        return submit(name, transientData, List.of(), args);
    }

    /**
     * The gateway plans endorsements for a transaction that carries transient data among the peers
     * of the private data collections it touches, and also for the chaincodes it calls (the
     * consortium's MAJORITY policy): for a meter whose collection has fewer member orgs than a
     * majority of the channel, no plan exists ("no combination of peers"). Validation checks only
     * the policies of what the transaction writes (energy's keys and collections), so the meters'
     * common readers, named explicitly, endorse it.
     */
    private Map<String, Object> submit(final String name, final Map<String, byte[]> transientData, final java.util.Collection<String> meterIds,
            final String... args) throws LedgerException {
        final long deadline = System.nanoTime() + endorseWait.toNanos();
        long pauseMillis = 250;
        List<String> endorsers = List.of();
        while (true) {
            try {
                return submitOnce(name, transientData, endorsers, args);
            } catch (EndorseException e) {
                if (endorsers.isEmpty() && !meterIds.isEmpty() && noPlan(e)) {
                    endorsers = readersOf(meterIds);
                    if (endorsers.size() >= 2) {
                        continue;
                    }
                }
                // Nothing was endorsed, so nothing can have happened: trying again is safe. Only
                // "no endorsers available" is worth it; a chaincode refusal would answer the same again.
                final LedgerException failure = translate(name, e);
                if (!endorsersUnavailable(e) || failure.code().isPresent() || System.nanoTime() + pauseMillis * 1_000_000L > deadline) {
                    throw failure;
                }
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw failure;
                }
                pauseMillis = Math.min(pauseMillis * 2, 4_000);
            }
        }
    }

    private final Map<String, List<String>> readers = new java.util.concurrent.ConcurrentHashMap<>();

    /** The orgs that read every one of the meters' data (their collections' common members), in the first meter's order. */
    @SuppressWarnings("unchecked")
    List<String> readersOf(final java.util.Collection<String> meterIds) throws LedgerException {
        List<String> common = null;
        for (final String meter : meterIds) {
            List<String> r = readers.get(meter);
            if (r == null) {
                final Object listed = evaluate("GetAsset", meter).get("dataReaders");
                r = listed instanceof List ? List.copyOf((List<String>) listed) : List.of();
                readers.put(meter, r);
            }
            if (common == null) {
                common = new ArrayList<>(r);
            } else {
                common.retainAll(r);
            }
        }
        return common == null ? List.of() : common;
    }

    static boolean noPlan(final GatewayException e) {
        return e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION
                && String.valueOf(e.getStatus().getDescription()).contains("no combination of peers");
    }

    /** The gateway found no set of live peers that satisfies the endorsement policy (yet). */
    static boolean endorsersUnavailable(final GatewayException e) {
        final Status.Code code = e.getStatus().getCode();
        final String description = String.valueOf(e.getStatus().getDescription());
        if (notDeployed(description) || unknownChannel(description)) {
            return false; // waiting changes nothing
        }
        return code == Status.Code.UNAVAILABLE || code == Status.Code.FAILED_PRECONDITION && description.contains("no combination of peers");
    }

    /** The gateway knows no definition of the chaincode on the channel: it is deployed elsewhere, or not at all. */
    private static boolean notDeployed(final String description) {
        return description.contains("No metadata was found for chaincode") || description.contains("no peers available to evaluate chaincode");
    }

    /** The gateway's peer has no such channel (or is not a member of it). */
    private static boolean unknownChannel(final String description) {
        return description.contains("failed to get config for channel");
    }

    /**
     * Refuses arguments that are not valid Unicode before they are encoded: Java's UTF-8 encoder
     * turns a lone surrogate into '?', so {@code ADV-\ud800} would reach the ledger as {@code ADV-?}
     * and name another asset.
     */
    static void requireUnicode(final String name, final String... args) {
        for (int i = 0; i < args.length; i++) {
            final String a = args[i];
            for (int k = 0; a != null && k < a.length(); k++) {
                final char c = a.charAt(k);
                final boolean paired = Character.isHighSurrogate(c) && k + 1 < a.length() && Character.isLowSurrogate(a.charAt(k + 1));
                if (paired) {
                    k++;
                } else if (Character.isSurrogate(c)) {
                    throw new SpecException(ErrorCode.BAD_REQUEST, name + ": argument " + (i + 1) + " is not valid Unicode (a lone surrogate"
                            + " at index " + k + "); it would reach the ledger changed");
                }
            }
        }
    }

    private Map<String, Object> submitOnce(final String name, final Map<String, byte[]> transientData, final List<String> endorsers,
            final String... args) throws EndorseException, LedgerException {
        requireUnicode(name, args);
        try {
            if (transientData.isEmpty()) {
                return parse(contract.submitTransaction(name, args));
            }
            final org.hyperledger.fabric.client.Proposal.Builder proposal = contract.newProposal(name).addArguments(args).putAllTransient(transientData);
            if (!endorsers.isEmpty()) {
                proposal.setEndorsingOrganizations(endorsers.toArray(new String[0]));
            }
            return parse(proposal.build().endorse().submit());
        } catch (SubmitException | CommitStatusException e) {
            throw translate(name, e);
        } catch (CommitException e) {
            // Validation failures (MVCC_READ_CONFLICT, ENDORSEMENT_POLICY_FAILURE, ...): the ledger did
            // not change; conflicts go away when the whole flow is retried.
            final String validation = e.getCode().name();
            throw new LedgerException(null, name + " was ordered but not committed: " + validation, e.getTransactionId(),
                    "MVCC_READ_CONFLICT".equals(validation) || "PHANTOM_READ_CONFLICT".equals(validation), e);
        }
    }

    private Map<String, Object> evaluate(final String name, final String... args) throws LedgerException {
        requireUnicode(name, args);
        try {
            return parse(contract.evaluateTransaction(name, args));
        } catch (GatewayException e) {
            throw translate(name, e);
        }
    }

    private static Map<String, Object> parse(final byte[] result) {
        return Json.parseObject(new String(result, StandardCharsets.UTF_8));
    }

    static LedgerException translate(final String name, final GatewayException e) {
        final StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        for (final ErrorDetail d : e.getDetails()) {
            text.append(" | ").append(d.getMspId()).append('@').append(d.getAddress()).append(": ").append(d.getMessage());
        }
        final String txId = e instanceof TransactionException ? ((TransactionException) e).getTransactionId() : null;
        final Optional<ErrorCode> code = LedgerException.findCode(text.toString());
        if (code.isPresent()) {
            return new LedgerException(code.get(), LedgerException.chaincodeMessage(text.toString(), code.get()), txId, false, e);
        }
        final String description = String.valueOf(e.getStatus().getDescription());
        if (notDeployed(description)) {
            return new LedgerException(null, name + " failed: the chaincode is not deployed on this channel (" + description
                    + "); check --channel: network-config/README.md says which chaincode runs on which channel", txId, false, e);
        }
        if (unknownChannel(description)) {
            return new LedgerException(null, name + " failed: this member's peer has no such channel (" + description
                    + "); check --channel: the local network has grid and community", txId, false, e);
        }
        final Status.Code grpc = e.getStatus().getCode();
        final boolean retryable = grpc == Status.Code.UNAVAILABLE || grpc == Status.Code.DEADLINE_EXCEEDED
                || grpc == Status.Code.RESOURCE_EXHAUSTED;
        if (grpc == Status.Code.UNAVAILABLE && e.getDetails().isEmpty()) {
            return new LedgerException(null, name + " failed: the peer is not reachable (" + text
                    + "); is the network up? scripts/network.sh status tells", txId, true, e);
        }
        return new LedgerException(null, name + " failed: " + text, txId, retryable, e);
    }
}
