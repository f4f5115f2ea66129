package energy.flexledger.client;

import energy.flexledger.spec.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.client.CommitException;
import org.hyperledger.fabric.client.CommitStatusException;
import org.hyperledger.fabric.client.Contract;
import org.hyperledger.fabric.client.EndorseException;
import org.hyperledger.fabric.client.GatewayException;
import org.hyperledger.fabric.client.SubmitException;

/**
 * Evaluate and submit a chaincode transaction whose result is a JSON object, with the Fabric
 * Gateway's failures mapped to {@link LedgerException} (the chaincode's error code when it gave
 * one). A transaction ordered but invalidated by a concurrent one (MVCC or phantom read conflict)
 * is {@code retryable}: submitting it again re-reads the state; {@link #submitRetrying} also asks
 * again when the endorsing peers, at different heights, signed different results.
 */
final class ChaincodeCalls {
    private ChaincodeCalls() {}

    static Map<String, Object> evaluate(final Contract contract, final String name, final String... args) throws LedgerException {
        try {
            return parse(contract.evaluateTransaction(name, args));
        } catch (GatewayException e) {
            throw EnergyLedger.translate(name, e);
        }
    }

    static Map<String, Object> submit(final Contract contract, final String name, final String... args) throws LedgerException {
        try {
            return parse(contract.submitTransaction(name, args));
        } catch (EndorseException e) {
            throw EnergyLedger.translate(name, e);
        } catch (SubmitException | CommitStatusException e) {
            throw outcomeUnknown(name, e);
        } catch (CommitException e) {
            throw notCommitted(name, e);
        }
    }

    /**
     * {@link #submit} with transient data (never written into a block) and, when {@code endorsers}
     * is not empty, only those orgs' peers asked to endorse: a sealed bid is endorsed by the
     * bidder's own peer alone, so that no other org's peer sees it.
     */
    static Map<String, Object> submitPrivately(final Contract contract, final String name, final Map<String, byte[]> transientData,
            final java.util.List<String> endorsers, final String... args) throws LedgerException {
        try {
            final org.hyperledger.fabric.client.Proposal.Builder proposal = contract.newProposal(name).addArguments(args)
                    .putAllTransient(transientData);
            if (!endorsers.isEmpty()) {
                proposal.setEndorsingOrganizations(endorsers.toArray(new String[0]));
            }
            return parse(proposal.build().endorse().submit());
        } catch (EndorseException e) {
            throw EnergyLedger.translate(name, e);
        } catch (SubmitException | CommitStatusException e) {
            throw outcomeUnknown(name, e);
        } catch (CommitException e) {
            throw notCommitted(name, e);
        }
    }

    /**
     * Endorsed and sent, or at least signed for sending, but whether it committed is not known (the
     * orderer or the commit status did not answer): never "try again", which could apply it twice.
     */
    private static LedgerException outcomeUnknown(final String name, final org.hyperledger.fabric.client.GatewayException e) {
        final LedgerException t = EnergyLedger.translate(name, e);
        final String txId = e instanceof org.hyperledger.fabric.client.TransactionException te ? te.getTransactionId() : null;
        return new LedgerException(t.code().orElse(null), t.getMessage() + "; the outcome is unknown: transaction " + txId
                + " may have committed, so check it (its events, or the balances) before submitting again", txId, false, e);
    }

    private static LedgerException notCommitted(final String name, final CommitException e) {
        return new LedgerException(null, name + " was ordered but not committed: " + e.getCode().name(), e.getTransactionId(),
                readConflict(e), e);
    }

    /** The ledger invalidated the transaction because a concurrent one changed what it read: it changed nothing. */
    private static boolean readConflict(final CommitException e) {
        final String code = e.getCode().name();
        return "MVCC_READ_CONFLICT".equals(code) || "PHANTOM_READ_CONFLICT".equals(code);
    }

    /**
     * {@link #submit}, again (a new proposal, reading the state anew) while the ledger invalidates it
     * for a read conflict, up to {@code attempts} times in all. Only a transaction known to have
     * changed nothing is submitted again: a commit status that did not arrive (timeout) is not retried,
     * since that transaction may have committed.
     */
    static Map<String, Object> submitRetrying(final int attempts, final Contract contract, final String name, final String... args)
            throws LedgerException {
        return submitRetrying(attempts, contract, name, Map.of(), List.of(), args);
    }

    /**
     * {@link #submitRetrying(int, Contract, String, String...)} with transient data (never written into
     * the block) and, when {@code endorsers} is not empty, only those orgs' peers endorsing (a write
     * into an org's implicit collection is endorsed by that org alone).
     */
    static Map<String, Object> submitRetrying(final int attempts, final Contract contract, final String name,
            final Map<String, byte[]> transientData, final List<String> endorsers, final String... args) throws LedgerException {
        for (int i = 1; ; i++) {
            try {
                if (transientData.isEmpty() && endorsers.isEmpty()) {
                    return parse(contract.submitTransaction(name, args));
                }
                final org.hyperledger.fabric.client.Proposal.Builder proposal = contract.newProposal(name).addArguments(args)
                        .putAllTransient(transientData);
                if (!endorsers.isEmpty()) {
                    proposal.setEndorsingOrganizations(endorsers.toArray(new String[0]));
                }
                return parse(proposal.build().endorse().submit());
            } catch (EndorseException e) {
                // Endorsing peers at different heights read different rows and sign different
                // results; nothing was submitted, so asking again (once they caught up) is safe.
                if (!resultsDiffer(e) || i >= attempts) {
                    throw EnergyLedger.translate(name, e);
                }
                pause(i);
            } catch (SubmitException | CommitStatusException e) {
                throw outcomeUnknown(name, e);
            } catch (CommitException e) {
                if (!readConflict(e) || i >= attempts) {
                    throw notCommitted(name, e);
                }
            }
        }
    }

    /** How long a submission that reads what this member's previous transaction wrote waits for the other peers to have that block. */
    static final long VISIBLE_WAIT_MS = 15_000L;

    /** A submission of ours that may endorse on a peer behind ours. */
    @FunctionalInterface
    interface Submission {
        Map<String, Object> run() throws LedgerException;
    }

    /**
     * Runs {@code submission} again while it answers NOT_FOUND, for up to {@link #VISIBLE_WAIT_MS}: what it
     * reads committed on this member's peer, but another endorsing peer may not have that block yet
     * (a NOT_FOUND refusal changed nothing, so asking again is safe).
     */
    static Map<String, Object> onceVisible(final Submission submission) throws LedgerException {
        final long deadline = System.nanoTime() + VISIBLE_WAIT_MS * 1_000_000L;
        for (int attempt = 1; ; attempt++) {
            try {
                return submission.run();
            } catch (LedgerException e) {
                if (e.code().orElse(null) != energy.flexledger.spec.ErrorCode.NOT_FOUND || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                pause(attempt);
            }
        }
    }

    private static boolean resultsDiffer(final EndorseException e) {
        if (String.valueOf(e.getMessage()).contains("ProposalResponsePayloads do not match")) {
            return true;
        }
        for (final org.hyperledger.fabric.protos.gateway.ErrorDetail d : e.getDetails()) {
            if (String.valueOf(d.getMessage()).contains("ProposalResponsePayloads do not match")) {
                return true;
            }
        }
        return false;
    }

    private static void pause(final int attempt) {
        try {
            Thread.sleep(Math.min(50L * attempt, 500L));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, Object> parse(final byte[] result) {
        return Json.parseObject(new String(result, StandardCharsets.UTF_8));
    }
}
