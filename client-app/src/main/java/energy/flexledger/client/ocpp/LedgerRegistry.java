package energy.flexledger.client.ocpp;

import energy.flexledger.client.EnergyLedger;
import energy.flexledger.client.LedgerException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stations known from the ledger's asset registry: a station may connect when its id is an ACTIVE
 * CHARGING_STATION asset owned by this member's MSP (the MSP of the gateway's own identity, never a
 * name in code). A positive answer is kept for {@code cacheMs}; a refusal is asked again every time.
 */
public final class LedgerRegistry implements CentralSystem.Registry {
    private final EnergyLedger energy;
    private final String ownMsp;
    private final long cacheMs;
    private final Map<String, Long> checkedAt = new ConcurrentHashMap<>();

    public LedgerRegistry(final EnergyLedger energy, final String ownMsp, final long cacheMs) {
        this.energy = energy;
        this.ownMsp = ownMsp;
        this.cacheMs = cacheMs;
    }

    @Override
    public void check(final String stationId) throws CentralSystem.Refused {
        final Long at = checkedAt.get(stationId);
        final long now = System.currentTimeMillis();
        if (at != null && now - at < cacheMs) {
            return;
        }
        final Map<String, Object> asset;
        try {
            asset = energy.getAsset(stationId);
        } catch (LedgerException e) {
            throw new CentralSystem.Refused(e.code().map(c -> c.name() + ": ").orElse("the ledger did not answer: ") + e.getMessage());
        }
        refuseUnless(stationId, asset, ownMsp);
        checkedAt.put(stationId, now);
    }

    /** Why {@code asset} (GetAsset's answer) does not let {@code stationId} connect to {@code ownMsp}'s gateway, if it does not. */
    static void refuseUnless(final String stationId, final Map<String, Object> asset, final String ownMsp) throws CentralSystem.Refused {
        if (!"CHARGING_STATION".equals(asset.get("type"))) {
            throw new CentralSystem.Refused("asset '" + stationId + "' is a " + asset.get("type") + ", not a CHARGING_STATION");
        }
        if (!ownMsp.equals(asset.get("ownerMsp"))) {
            throw new CentralSystem.Refused("station '" + stationId + "' belongs to " + asset.get("ownerMsp") + ", not to this member");
        }
        if (!"ACTIVE".equals(asset.get("status"))) {
            throw new CentralSystem.Refused("station '" + stationId + "' is " + asset.get("status"));
        }
    }
}
