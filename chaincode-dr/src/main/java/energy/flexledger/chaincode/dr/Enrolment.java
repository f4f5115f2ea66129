package energy.flexledger.chaincode.dr;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * An asset in a program ({@code dr.enrolment/<programId>/<assetId>}): asked for by the asset's owner
 * (PENDING), accepted by the program's owner (ACTIVE).
 */
@DataType
public record Enrolment(@Property String programId, @Property String assetId, @Property String ownerMsp, @Property String zone,
        @Property(schema = {"enum", "PENDING,ACTIVE"}) String status, @Property long requestedAt, @Property String requestedTx,
        @Property long updatedAt, @Property String updatedTx) {

    Enrolment accepted(final long at, final String txId) {
        return new Enrolment(programId, assetId, ownerMsp, zone, DrContract.ACTIVE, requestedAt, requestedTx, at, txId);
    }
}
