package energy.flexledger.client;

import energy.flexledger.spec.Json;
import java.util.Map;
import org.hyperledger.fabric.client.Contract;

/**
 * Demand response (chaincode-dr) through the Fabric Gateway: programs, enrolments, events,
 * commitments, baselines and settlements. Transactions that the ledger invalidated for a read
 * conflict are submitted again (nothing committed); refusals by the chaincode are not.
 */
public final class DrLedger {
    private final Contract contract;

    DrLedger(final Contract contract) {
        this.contract = contract;
    }

    private Map<String, Object> submit(final String name, final String... args) throws LedgerException {
        return ChaincodeCalls.submitRetrying(TokenLedger.ATTEMPTS, contract, name, args);
    }

    /**
     * A program's terms with BL1 baselines, as {@link #createProgram} takes them: ST1's rates (token units
     * per kWh), cap and threshold (basis points), slot length, the customers' time zone, X of Y
     * ({@code {x, y}}) for weekdays and for weekends and holidays, look-back days and holidays.
     */
    public static Map<String, Object> bl1Program(final String id, final long rewardRate, final long penaltyRate, final long capBps,
            final long thresholdBps, final long slotMinutes, final String timezone, final long[] weekday, final long[] weekend,
            final long lookbackDays, final java.util.List<String> holidays) {
        final Map<String, Object> baseline = new java.util.LinkedHashMap<>();
        baseline.put("method", "BL1");
        baseline.put("slotMinutes", slotMinutes);
        baseline.put("timezone", timezone);
        baseline.put("weekday", Map.of("x", weekday[0], "y", weekday[1]));
        baseline.put("weekend", Map.of("x", weekend[0], "y", weekend[1]));
        baseline.put("lookbackDays", lookbackDays);
        baseline.put("holidays", holidays);
        final Map<String, Object> program = new java.util.LinkedHashMap<>();
        program.put("id", id);
        program.put("rewardRate", rewardRate);
        program.put("penaltyRate", penaltyRate);
        program.put("capBps", capBps);
        program.put("thresholdBps", thresholdBps);
        program.put("baseline", baseline);
        return program;
    }

    /** {@code spec}: id, rewardRate, penaltyRate, capBps, thresholdBps, baseline {method, slotMinutes, timezone, weekday, weekend, lookbackDays, holidays}. */
    public Map<String, Object> createProgram(final Map<String, Object> spec) throws LedgerException {
        return submit("CreateProgram", Json.write(spec));
    }

    public Map<String, Object> program(final String programId) throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "GetProgram", programId);
    }

    public Map<String, Object> programs(final int pageSize, final String bookmark) throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "ListPrograms", Integer.toString(pageSize), bookmark == null ? "" : bookmark);
    }

    public Map<String, Object> enrol(final String programId, final String assetId) throws LedgerException {
        return submit("Enrol", programId, assetId);
    }

    public Map<String, Object> acceptEnrolment(final String programId, final String assetId) throws LedgerException {
        return submit("AcceptEnrolment", programId, assetId);
    }

    public Map<String, Object> enrolment(final String programId, final String assetId) throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "GetEnrolment", programId, assetId);
    }

    /** {@code spec}: id, programId, windowStart, windowEnd, assets, budget, payer. */
    public Map<String, Object> createEvent(final Map<String, Object> spec) throws LedgerException {
        return submit("CreateEvent", Json.write(spec));
    }

    public Map<String, Object> event(final String eventId) throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "GetEvent", eventId);
    }

    public Map<String, Object> events(final int pageSize, final String bookmark) throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "ListEvents", Integer.toString(pageSize), bookmark == null ? "" : bookmark);
    }

    public Map<String, Object> commit(final String eventId, final String assetId, final long committedPowerMilliWatts, final String from)
            throws LedgerException {
        return submit("Commit", eventId, assetId, Long.toString(committedPowerMilliWatts), from);
    }

    public Map<String, Object> commitments(final String eventId) throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "ListCommitments", eventId);
    }

    public Map<String, Object> closeEvent(final String eventId) throws LedgerException {
        return submit("CloseEvent", eventId);
    }

    public Map<String, Object> settle(final String eventId, final String assetId) throws LedgerException {
        return submit("Settle", eventId, assetId);
    }

    /** Settles up to 100 participants of one event in one transaction (chaincode-dr's SettleMany). */
    public Map<String, Object> settleMany(final String eventId, final java.util.List<String> assetIds) throws LedgerException {
        return submit("SettleMany", eventId, Json.write(assetIds));
    }

    public Map<String, Object> settlement(final String eventId, final String assetId) throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "GetSettlement", eventId, assetId);
    }

    /** A settlement with its exact BL1 and ST1 inputs and outputs, recomputed by the chaincode for a reader of the asset's data. */
    public Map<String, Object> settlementDetail(final String eventId, final String assetId) throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "GetSettlementDetail", eventId, assetId);
    }

    /** BL1 for an asset on a local date under a program's terms: {@code {assetId, input, output}}. */
    public Map<String, Object> baseline(final String assetId, final String date, final String programId) throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "PreviewBaseline", assetId, date, programId);
    }

    public Map<String, Object> measureDelivery(final String assetId, final long windowStart, final long windowEnd, final Map<String, Object> terms)
            throws LedgerException {
        return ChaincodeCalls.evaluate(contract, "MeasureDelivery", assetId, Long.toString(windowStart), Long.toString(windowEnd), Json.write(terms));
    }
}
