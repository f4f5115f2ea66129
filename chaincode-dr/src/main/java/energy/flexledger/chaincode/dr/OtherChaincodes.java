package energy.flexledger.chaincode.dr;

import energy.flexledger.chaincode.Failures;
import energy.flexledger.spec.Canonical;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hyperledger.fabric.shim.Chaincode;
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
    /** Interval records per page read from energy (its largest page). */
    static final int PAGE = 1000;

    private final ChaincodeStub stub;

    OtherChaincodes(final ChaincodeStub stub) {
        this.stub = stub;
    }

    private Map<String, Object> call(final String chaincode, final String... args) {
        final Chaincode.Response response;
        try {
            response = stub.invokeChaincodeWithStringArgs(chaincode, List.of(args), stub.getChannelId());
        } catch (RuntimeException e) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "chaincode '" + chaincode + "' could not be called for " + args[0] + ": " + e.getMessage());
        }
        final String payload = response.getPayload() == null ? "" : new String(response.getPayload(), StandardCharsets.UTF_8);
        if (response.getStatus() != Chaincode.Response.Status.SUCCESS) {
            final String message = String.valueOf(response.getMessage());
            for (final ErrorCode code : ErrorCode.values()) {
                if (message.startsWith(code.name() + ":")) {
                    throw Failures.fail(code, chaincode + " " + args[0] + ": " + message.substring(code.name().length() + 1).trim());
                }
            }
            throw Failures.fail(ErrorCode.INVALID_STATE, chaincode + " " + args[0] + " failed: " + message);
        }
        return Json.parseObject(payload);
    }

    /** The asset as energy shows it to the caller (ownerMsp, zone, intervalMs, dataDso, status, ...). */
    Map<String, Object> asset(final String assetId) {
        return call(ENERGY, "GetAsset", assetId);
    }

    /** Certified averages {@code [start, avg]} of the meter's intervals with {@code from <= start < to}, oldest first. */
    List<long[]> readings(final String meterId, final long from, final long to) {
        final List<long[]> out = new ArrayList<>();
        String bookmark = "";
        do {
            final Map<String, Object> page = call(ENERGY, "GetIntervals", meterId, Long.toString(from), Long.toString(to), Integer.toString(PAGE),
                    bookmark);
            for (final Object r : (List<?>) page.get("records")) {
                final Json.Obj record = Json.Obj.of(r, "record");
                out.add(new long[] {record.getLong("start"), record.getLong("avg")});
            }
            bookmark = String.valueOf(page.getOrDefault("bookmark", ""));
        } while (!bookmark.isEmpty());
        return out;
    }

    long balance(final String account) {
        return Json.Obj.of(call(MARKET, "token:BalanceOf", account), "balance").getLong("balance");
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
