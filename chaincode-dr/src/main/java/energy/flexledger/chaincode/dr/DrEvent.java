package energy.flexledger.chaincode.dr;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * A demand-response event ({@code dr.event/<id>}): the window, the local day it falls on (the BL1
 * target date), the assets called, and the budget locked in {@code budgetAccount} when it was created.
 * Participants commit until the window starts.
 */
@DataType
public record DrEvent(@Property String id, @Property String programId, @Property String owner, @Property long windowStart,
        @Property long windowEnd, @Property String localDate, @Property String[] assets, @Property long budget, @Property String payer,
        @Property String budgetAccount, @Property long createdAt, @Property String createdTx) {

    public DrEvent {
        assets = Canonical.copyOf(assets, "assets");
    }

    @Override
    public String[] assets() {
        return assets.clone();
    }
}
