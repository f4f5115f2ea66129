package energy.flexledger.chaincode.dr;

import energy.flexledger.chaincode.Failures;
import energy.flexledger.spec.Canonical;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hyperledger.fabric.shim.ChaincodeStub;

/**
 * chaincode-dr's calls to the other chaincodes of its channel, in the same transaction and as the
 * same creator (so their own access rules apply): {@code energy} for assets and certified interval
 * averages (private data: only the asset's readers' peers answer), {@code market} for token
 * balances and the balanced escrow movements its {@code escrow:Move} lets DR's rules make.
 */
final class OtherChaincodes {
    static final String ENERGY = "energy";
    static final String MARKET = "market";

    private final ChaincodeStub stub;
    private final java.util.Set<String> called = new java.util.HashSet<>();

    OtherChaincodes(final ChaincodeStub stub) {
        this.stub = stub;
    }

    private Map<String, Object> call(final String chaincode, final String... args) {
        if (!called.add(chaincode)) {
            // The Java shim keys a chaincode's running tasks by transaction id and removes a finished one
            // after it answered: a second call to the same chaincode in the same transaction can arrive
            // first and lose its task ("Task map missing entry"). Each rule asks each chaincode once.
            throw Failures.fail(ErrorCode.INVALID_STATE, "chaincode '" + chaincode + "' is called twice in one transaction (" + args[0] + ")");
        }
        final String payload = energy.flexledger.chaincode.ChaincodeCall.call(stub, chaincode, args);
        return Json.parseObject(payload);
    }

    /** The asset as energy shows it to the caller (ownerMsp, zone, intervalMs, dataDso, status, ...). */
    Map<String, Object> asset(final String assetId) {
        return call(ENERGY, "GetAsset", assetId);
    }

    /**
     * The registry facts of a metering asset and its certified averages {@code [start, avg]} with
     * {@code from <= start < to}, oldest first: one call (a Java chaincode called twice in a row within
     * one transaction can lose the second call's task: the shim removes a finished task by its
     * transaction id after it answered), by single-key reads (so the transaction may write).
     */
    Meter meter(final String meterId, final long from, final long to) {
        final Meter m = meters(List.of(meterId), from, to).get(0);
        if (m.error() != null) {
            ErrorCode code = ErrorCode.INVALID_STATE;
            for (final ErrorCode c : ErrorCode.values()) {
                if (c.name().equals(m.error())) {
                    code = c;
                }
            }
            throw Failures.fail(code, "energy GetAverages: " + m.message());
        }
        return m;
    }

    /** {@link #meter} for several meters, still in one call. */
    List<Meter> meters(final List<String> meterIds, final long from, final long to) {
        final Map<String, Object> list = call(ENERGY, "GetAverages", Json.write(meterIds), Long.toString(from), Long.toString(to));
        final List<Meter> out = new ArrayList<>();
        for (final Object item : (List<?>) list.get("meters")) {
            final Json.Obj m = Json.Obj.of(item, "meter");
            if (m.has("error")) {
                out.add(new Meter(m.getString("meterId"), null, null, null, 0, null, List.of(), m.getString("error"), m.getString("message")));
                continue;
            }
            final List<long[]> readings = new ArrayList<>();
            int i = 0;
            for (final Object r : m.getList("readings")) {
                readings.add(Json.pair(r, "readings[" + i++ + "]", "[start, avg]"));
            }
            final Object dataDso = m.toMap().get("dataDso");
            out.add(new Meter(m.getString("meterId"), m.getString("ownerMsp"), m.getString("zone"), dataDso == null ? null : String.valueOf(dataDso),
                    m.getLong("intervalMs"), m.getString("status"), readings, null, null));
        }
        return out;
    }

    /** What chaincode-energy says of a metering asset, and its certified averages in the range asked for. */
    record Meter(String meterId, String ownerMsp, String zone, String dataDso, long intervalMs, String status, List<long[]> readings,
            String error, String message) {}

    /** Moves the whole balance of a DR escrow account to {@code to} (one market call); returns the amount moved. */
    long drain(final String escrowAccount, final String to, final String reason) {
        return Json.Obj.of(call(MARKET, "escrow:Drain", escrowAccount, to, reason), "drain").getLong("amount");
    }

    /** One balanced movement (at most one per transaction: each account changes once). */
    void move(final List<Leg> debits, final List<Leg> credits) {
        final Map<String, Object> move = new LinkedHashMap<>();
        move.put("debits", legs(debits));
        move.put("credits", legs(credits));
        move.put("txId", "");
        call(MARKET, "escrow:Move", Canonical.write(move));
    }

    private static List<Object> legs(final List<Leg> legs) {
        final List<Object> out = new ArrayList<>();
        for (final Leg l : legs) {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("account", l.account());
            m.put("amount", l.amount());
            m.put("reason", l.reason());
            out.add(m);
        }
        return out;
    }

    /** A leg of a movement: an account and a positive amount. */
    record Leg(String account, long amount, String reason) {
        static Optional<Leg> of(final String account, final long amount, final String reason) {
            return amount > 0 ? Optional.of(new Leg(account, amount, reason)) : Optional.empty();
        }
    }
}
