package energy.flexledger.client.store;

import energy.flexledger.client.EnergyLedger;
import energy.flexledger.client.LedgerException;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.SpecException;
import java.io.IOException;
import java.util.Map;

/** Starting a meter in the member store where its chain on the ledger continues. */
public final class MeterTracking {
    private MeterTracking() {
    }

    /** Records the meter's plausible range ({@code maxAbsValue} of its registration) in the store, if the ledger has one. */
    public static void refreshBound(final MemberStore store, final EnergyLedger energy, final String meterId) throws IOException, LedgerException {
        final Object bound = energy.getMeter(meterId).get("maxAbsValue");
        if (bound instanceof Long) {
            store.setBound(meterId, (Long) bound);
        }
    }

    /**
     * Tracks {@code meterId} from the ledger's record of it: its interval length, its head (the open
     * interval starts at {@code lastEnd}), or, for a meter with no certified interval yet, the
     * interval holding {@code firstSampleTime}; and checks that {@code salt} is the one its
     * registration committed to ({@code BAD_SALT} otherwise).
     */
    public static MemberStore.Tracked fromLedger(final MemberStore store, final byte[] salt, final EnergyLedger energy, final String meterId,
            final Long firstSampleTime) throws IOException, LedgerException {
        final Map<String, Object> meter = energy.getMeter(meterId);
        if (!Hex.encode(Fp1.saltCommitment(salt)).equals(meter.get("saltCommitment"))) {
            throw new SpecException(ErrorCode.BAD_SALT, "the salt kept for meter '" + meterId + "' is not the one its registration committed to");
        }
        final long intervalMs = (Long) meter.get("intervalMs");
        final Object lastEnd = meter.get("lastEnd");
        final long start;
        if (lastEnd != null) {
            start = (Long) lastEnd;
        } else if (firstSampleTime != null) {
            // A chain never restarts: starting it at a reset device clock (1970) or one running
            // ahead would block the meter for good. Both bounds on the store's clock.
            final long now = store.now();
            final Object earliest = meter.get("earliestStart");
            final long floor = earliest instanceof Long ? (Long) earliest
                    : now - Math.multiplyExact(MemberStore.MAX_GAP_INTERVALS, intervalMs);
            if (firstSampleTime <= floor) {
                throw new SpecException(ErrorCode.BAD_INTERVAL, "meter '" + meterId + "''s first sample (" + firstSampleTime + ") lies before its"
                        + " earliest start (" + floor + ", from its registration and back-fill window): is the device's clock right?");
            }
            if (firstSampleTime > now + MemberStore.MAX_CLOCK_SKEW_MS) {
                throw new SpecException(ErrorCode.BAD_INTERVAL, "meter '" + meterId + "''s first sample (" + firstSampleTime + ") is ahead of this"
                        + " member's clock (" + now + "): is the device's clock right? A chain started in the future would block the meter");
            }
            start = Math.multiplyExact(Math.floorDiv(firstSampleTime - 1, intervalMs), intervalMs);
        } else {
            throw new SpecException(ErrorCode.BAD_REQUEST, "meter '" + meterId + "' has no certified interval yet: its first sample says where"
                    + " its chain starts");
        }
        final Object bound = meter.get("maxAbsValue");
        final MemberStore.Tracked tracked = store.track(meterId, salt, intervalMs, start, bound instanceof Long ? (Long) bound : null);
        // After a reset: the samples stored beyond the ledger's head go into the new chain first.
        store.replayReset(meterId, salt);
        return store.tracked(meterId).orElse(tracked);
    }
}
