package energy.flexledger.client.http;

import energy.flexledger.client.LedgerException;
import java.util.List;
import java.util.Map;

/**
 * What the HTTP API reads from the ledger, as one Fabric identity of the member: the chaincodes
 * decide what that identity may see (a device's identity only its asset's data). Each method is one
 * of {@code EnergyLedger}'s, {@code DrLedger}'s, {@code MarketLedger}'s or {@code TokenLedger}'s
 * queries; {@link FabricLedgerReads} is the real one.
 */
public interface LedgerReads {
    Map<String, Object> asset(String assetId) throws LedgerException;

    /** {@code by}: owner, zone or type. */
    Map<String, Object> assets(String by, String value, int pageSize, String bookmark) throws LedgerException;

    Map<String, Object> meter(String meterId) throws LedgerException;

    Map<String, Object> intervals(String meterId, long from, long to, int pageSize, String bookmark) throws LedgerException;

    /** Every certified record of a meter in {@code [from, to)}: for the audit. */
    List<Map<String, Object>> allIntervals(String meterId, long from, long to) throws LedgerException;

    Map<String, Object> batch(String batchId) throws LedgerException;

    Map<String, Object> batches(String by, String value, int pageSize, String bookmark) throws LedgerException;

    Map<String, Object> subscription(String subscriptionId) throws LedgerException;

    Map<String, Object> subscriptions(String by, String value, int pageSize, String bookmark) throws LedgerException;

    Map<String, Object> program(String programId) throws LedgerException;

    Map<String, Object> programs(int pageSize, String bookmark) throws LedgerException;

    Map<String, Object> event(String eventId) throws LedgerException;

    Map<String, Object> events(int pageSize, String bookmark) throws LedgerException;

    Map<String, Object> commitments(String eventId) throws LedgerException;

    Map<String, Object> settlement(String eventId, String assetId) throws LedgerException;

    /** A settlement with its exact BL1 and ST1 inputs and outputs (baseline against actual, slot by slot): the dashboard's chart. */
    Map<String, Object> settlementDetail(String eventId, String assetId) throws LedgerException;

    Map<String, Object> baseline(String assetId, String date, String programId) throws LedgerException;

    Map<String, Object> request(String requestId) throws LedgerException;

    Map<String, Object> requests(int pageSize, String bookmark) throws LedgerException;

    Map<String, Object> offers(String requestId) throws LedgerException;

    Map<String, Object> clearing(String requestId) throws LedgerException;

    Map<String, Object> payment(String requestId) throws LedgerException;

    Map<String, Object> balance(String account) throws LedgerException;

    /** The reachability probe of {@code /ready}: the channel's height on the member's peer. */
    long height() throws LedgerException;

    /** The member's ledger as each of its identities: the credential's identity picks one. */
    interface Source extends AutoCloseable {
        /** @throws java.io.IOException when the identity's profile or key cannot be loaded */
        LedgerReads as(String identity) throws java.io.IOException;

        @Override
        void close();
    }
}
