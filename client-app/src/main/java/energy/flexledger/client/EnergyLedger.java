package energy.flexledger.client;

import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.IntervalDigest;
import energy.flexledger.spec.Json;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

    /** Submits one interval and waits for it to commit; returns the stored record with its link. */
    public Map<String, Object> recordInterval(final String meterId, final IntervalDigest d) throws LedgerException {
        return submit("RecordInterval", meterId, Long.toString(d.start()), Long.toString(d.end()), Long.toString(d.count()),
                Long.toString(d.sum()), d.fingerprintHex());
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
        final long deadline = System.nanoTime() + endorseWait.toNanos();
        long pauseMillis = 250;
        while (true) {
            try {
                return submitOnce(name, args);
            } catch (EndorseException e) {
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

    /** The gateway found no set of live peers that satisfies the endorsement policy (yet). */
    static boolean endorsersUnavailable(final GatewayException e) {
        final Status.Code code = e.getStatus().getCode();
        return code == Status.Code.UNAVAILABLE
                || code == Status.Code.FAILED_PRECONDITION && String.valueOf(e.getStatus().getDescription()).contains("no combination of peers");
    }

    private Map<String, Object> submitOnce(final String name, final String... args) throws EndorseException, LedgerException {
        try {
            return parse(contract.submitTransaction(name, args));
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
