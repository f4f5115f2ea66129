package energy.flexledger.chaincode.energy;

import energy.flexledger.chaincode.Caller;
import energy.flexledger.chaincode.Failures;
import energy.flexledger.chaincode.MemberOrg;
import energy.flexledger.chaincode.StateStore;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.IntervalDigest;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.contract.ContractInterface;
import org.hyperledger.fabric.contract.annotation.Contact;
import org.hyperledger.fabric.contract.annotation.Contract;
import org.hyperledger.fabric.contract.annotation.Default;
import org.hyperledger.fabric.contract.annotation.Info;
import org.hyperledger.fabric.contract.annotation.License;
import org.hyperledger.fabric.contract.annotation.Transaction;
import org.hyperledger.fabric.shim.ChaincodeStub;

/**
 * chaincode-energy: the meter registry and FP1 interval certification (eDREAM second-tier storage).
 *
 * <p>State, one key per entity (composite keys):
 * <ul>
 *   <li>{@code meter/<meterId>}: owner MSP, zone, SHA-256 commitment of the off-chain salt;</li>
 *   <li>{@code meterhead/<meterId>}: end of the last interval and the head of the FP1 link chain;</li>
 *   <li>{@code interval/<meterId>/<sortable start>}: count, sum, avg, fingerprint, link.</li>
 * </ul>
 *
 * <p>Every key of a meter carries a state-based endorsement policy: only a peer of the owner org
 * can endorse changes to it.
 *
 * <p>Role table (README.md, "Access control"): registering needs an admin or client of a member
 * org, which becomes the meter's owner; recording an interval needs an admin or client of the
 * owner org; reading needs any identity of a member org.
 */
@Contract(
        name = "energy",
        info = @Info(
                title = "FlexLedger energy",
                description = "Meter registry and FP1 certification of metering data",
                version = "0.1.0",
                license = @License(name = "Apache-2.0"),
                contact = @Contact(name = "FlexLedger")))
@Default
public final class EnergyContract implements ContractInterface {
    static final String METER = "meter";
    static final String HEAD = "meterhead";
    static final String INTERVAL = "interval";
    static final String EVENT_METER_REGISTERED = "MeterRegistered";
    static final String EVENT_INTERVAL_RECORDED = "IntervalRecorded";
    private static final int MAX_ZONE_BYTES = 64;
    /** How far an interval's end may lie beyond the transaction time: clocks of devices and peers differ. */
    static final long MAX_CLOCK_SKEW_MS = 5 * 60_000L;

    /**
     * Registers a meter owned by the caller's organisation. Sending the same registration again
     * returns the stored meter; a different one for a taken id is {@code ALREADY_EXISTS}.
     *
     * @param saltCommitment lowercase hex SHA-256 of the meter's 32-byte salt (the salt stays off-chain)
     * @return the meter as canonical JSON
     */
    @Transaction(name = "RegisterMeter", intent = Transaction.TYPE.SUBMIT)
    public String registerMeter(final Context ctx, final String meterId, final String zone, final String saltCommitment) {
        final MemberOrg owner = Caller.of(ctx).requireMemberWriter("register meters");
        checkMeterId(meterId);
        if (zone == null || zone.isEmpty() || zone.getBytes(StandardCharsets.UTF_8).length > MAX_ZONE_BYTES) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "zone must be 1.." + MAX_ZONE_BYTES + " UTF-8 bytes");
        }
        if (!Hex.isLowerHex(saltCommitment, Fp1.HASH_BYTES)) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "saltCommitment must be 64 lowercase hex digits (SHA-256 of the salt)");
        }
        final ChaincodeStub stub = ctx.getStub();
        final StateStore state = new StateStore(stub);
        final String key = state.key(METER, meterId);
        final Optional<Map<String, Object>> existing = state.read(key);
        if (existing.isPresent()) {
            final Map<String, Object> m = existing.get();
            // The same registration sent again (a retry after a lost answer) is a no-op.
            if (owner.mspId().equals(m.get("ownerMsp")) && zone.equals(m.get("zone")) && saltCommitment.equals(m.get("saltCommitment"))) {
                return Json.write(m);
            }
            throw Failures.fail(ErrorCode.ALREADY_EXISTS, "meter '" + meterId + "' is already registered by " + m.get("ownerMsp"));
        }
        final Map<String, Object> meter = new LinkedHashMap<>();
        meter.put("meterId", meterId);
        meter.put("ownerMsp", owner.mspId());
        meter.put("zone", zone);
        meter.put("saltCommitment", saltCommitment);
        meter.put("registeredAt", stub.getTxTimestamp().toEpochMilli());
        meter.put("registeredTx", stub.getTxId());
        final String json = state.write(key, meter);

        final Map<String, Object> head = new LinkedHashMap<>();
        head.put("meterId", meterId);
        head.put("intervals", 0L);
        head.put("lastEnd", null);
        head.put("headLink", Hex.encode(Fp1.genesis(meterId)));
        final String headKey = state.key(HEAD, meterId);
        state.write(headKey, head);
        // The meter and its chain head change only with the owner's endorsement, even if another
        // member's peer ran altered chaincode: the head link commits to the meter's whole history.
        state.requireEndorsementBy(key, owner.mspId());
        state.requireEndorsementBy(headKey, owner.mspId());

        stub.setEvent(EVENT_METER_REGISTERED, json.getBytes(StandardCharsets.UTF_8));
        return json;
    }

    /**
     * Records one FP1 interval {@code (start, end]} of a meter and extends its link chain.
     *
     * <p>Re-submitting an interval already recorded with the same values is a no-op that returns the
     * stored record; a different record for the same interval is {@code CONFLICT}. Otherwise the
     * interval must start where the meter's last one ended ({@code NOT_CONTIGUOUS}).
     *
     * @return the interval record as canonical JSON
     */
    @Transaction(name = "RecordInterval", intent = Transaction.TYPE.SUBMIT)
    public String recordInterval(final Context ctx, final String meterId, final String start, final String end,
            final String count, final String sum, final String fingerprint) {
        final Caller caller = Caller.of(ctx);
        caller.requireMemberWriter("record intervals");
        checkMeterId(meterId);
        final IntervalDigest digest = parseDigest(start, end, count, sum, fingerprint);

        final ChaincodeStub stub = ctx.getStub();
        final StateStore state = new StateStore(stub);
        final Map<String, Object> meter = readMeter(state, meterId);
        caller.requireWriterOf((String) meter.get("ownerMsp"), "record intervals of meter '" + meterId + "'");

        if (digest.end() > Math.addExact(stub.getTxTimestamp().toEpochMilli(), MAX_CLOCK_SKEW_MS)) {
            // A chain never restarts: one interval in the future (a typo, microseconds for
            // milliseconds) would block the meter for good.
            throw Failures.fail(ErrorCode.BAD_INTERVAL, "interval end " + digest.end() + " is in the future (transaction time "
                    + stub.getTxTimestamp().toEpochMilli() + "); intervals are certified once they have closed");
        }
        final String headKey = state.key(HEAD, meterId);
        final Map<String, Object> head = readHead(state, meterId);
        final Object lastEnd = head.get("lastEnd");

        final String intervalKey = state.key(INTERVAL, meterId, StateStore.sortable(digest.start()));
        final Optional<Map<String, Object>> existing = state.read(intervalKey);
        // Only records behind the chain head are part of the meter's history; honest transactions
        // never write an interval without advancing the head.
        if (existing.isPresent() && lastEnd != null && digest.start() < (Long) lastEnd) {
            if (sameDigest(existing.get(), digest)) {
                return Json.write(existing.get());
            }
            throw Failures.fail(ErrorCode.CONFLICT, "meter '" + meterId + "' already has a different record for the interval starting at "
                    + digest.start());
        }
        if (lastEnd != null && (Long) lastEnd != digest.start()) {
            throw Failures.fail(ErrorCode.NOT_CONTIGUOUS, "meter '" + meterId + "' continues at " + lastEnd + ", not at " + digest.start());
        }
        final String previousLink = (String) head.get("headLink");
        final String link = Hex.encode(Fp1.link(Hex.decode(previousLink), digest));

        final Map<String, Object> record = digest.toMap();
        record.put("meterId", meterId);
        record.put("previousLink", previousLink);
        record.put("link", link);
        record.put("recordedAt", stub.getTxTimestamp().toEpochMilli());
        record.put("txId", stub.getTxId());
        final String json = state.write(intervalKey, record);
        state.requireEndorsementBy(intervalKey, (String) meter.get("ownerMsp"));

        head.put("intervals", Math.addExact((Long) head.get("intervals"), 1L));
        head.put("lastEnd", digest.end());
        head.put("headLink", link);
        state.write(headKey, head);

        stub.setEvent(EVENT_INTERVAL_RECORDED, json.getBytes(StandardCharsets.UTF_8));
        return json;
    }

    /** The meter with its chain head ({@code intervals}, {@code lastEnd}, {@code headLink}). */
    @Transaction(name = "GetMeter", intent = Transaction.TYPE.EVALUATE)
    public String getMeter(final Context ctx, final String meterId) {
        Caller.of(ctx).requireMemberReader();
        checkMeterId(meterId);
        final StateStore state = new StateStore(ctx.getStub());
        final Map<String, Object> meter = readMeter(state, meterId);
        final Map<String, Object> head = readHead(state, meterId);
        meter.put("intervals", head.get("intervals"));
        meter.put("lastEnd", head.get("lastEnd"));
        meter.put("headLink", head.get("headLink"));
        return Json.write(meter);
    }

    /** The recorded interval of a meter that starts at {@code start}. */
    @Transaction(name = "GetInterval", intent = Transaction.TYPE.EVALUATE)
    public String getInterval(final Context ctx, final String meterId, final String start) {
        Caller.of(ctx).requireMemberReader();
        checkMeterId(meterId);
        final long from = Failures.parseLong("start", start);
        final StateStore state = new StateStore(ctx.getStub());
        final Object lastEnd = readHead(state, meterId).get("lastEnd");
        final Optional<Map<String, Object>> record = state.read(state.key(INTERVAL, meterId, StateStore.sortable(from)));
        // Only records behind the chain head belong to the meter's certified history.
        if (record.isEmpty() || lastEnd == null || from >= (Long) lastEnd) {
            throw Failures.fail(ErrorCode.NOT_FOUND, "meter '" + meterId + "' has no interval starting at " + from);
        }
        return Json.write(record.get());
    }

    private static Map<String, Object> readMeter(final StateStore state, final String meterId) {
        return state.read(state.key(METER, meterId))
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "meter '" + meterId + "' is not registered"));
    }

    private static Map<String, Object> readHead(final StateStore state, final String meterId) {
        // RegisterMeter writes the head with the meter: no head, no meter.
        return state.read(state.key(HEAD, meterId))
                .orElseThrow(() -> Failures.fail(ErrorCode.NOT_FOUND, "meter '" + meterId + "' is not registered"));
    }

    /** FP1's 1..128 UTF-8 bytes, without the two code points that composite keys reserve. */
    private static void checkMeterId(final String meterId) {
        try {
            Fp1.checkMeterId(meterId);
        } catch (SpecException e) {
            throw Failures.from(e);
        }
        if (meterId.indexOf('\u0000') >= 0 || meterId.contains(new String(Character.toChars(0x10FFFF)))) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "meterId must not contain U+0000 or U+10FFFF");
        }
    }

    private static IntervalDigest parseDigest(final String start, final String end, final String count, final String sum,
            final String fingerprint) {
        final long s = Failures.parseLong("start", start);
        final long e = Failures.parseLong("end", end);
        final long c = Failures.parseLong("count", count);
        final long total = Failures.parseLong("sum", sum);
        if (!Hex.isLowerHex(fingerprint, Fp1.HASH_BYTES)) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "fingerprint must be 64 lowercase hex digits");
        }
        final IntervalDigest digest;
        try {
            digest = new IntervalDigest(s, e, c, total, Hex.decode(fingerprint));
        } catch (SpecException ex) {
            throw Failures.from(ex);
        }
        // Samples have strictly increasing millisecond times inside (start, end].
        if (Long.compareUnsigned(c, e - s) > 0) {
            throw Failures.fail(ErrorCode.BAD_REQUEST, "count " + c + " cannot fit into " + (e - s) + " ms");
        }
        return digest;
    }

    private static boolean sameDigest(final Map<String, Object> record, final IntervalDigest digest) {
        return Long.valueOf(digest.end()).equals(record.get("end"))
                && Long.valueOf(digest.count()).equals(record.get("count"))
                && Long.valueOf(digest.sum()).equals(record.get("sum"))
                && digest.fingerprintHex().equals(record.get("fingerprint"));
    }
}
