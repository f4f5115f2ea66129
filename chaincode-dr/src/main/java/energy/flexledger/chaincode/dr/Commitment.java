package energy.flexledger.chaincode.dr;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * A participant's commitment ({@code dr.commitment/<eventId>/<assetId>}): the average reduction it
 * promised, who committed (the owner or its aggregator) and the account it is paid in ({@code payTo}: the one it
 * locked its collateral from), the collateral it
 * locked (the largest penalty ST1 can charge) and the reward reserved for it from the event's budget
 * (the largest reward ST1 can pay); both sit in {@code escrowAccount} until settlement. Its key carries
 * a key-level policy: settling it needs the zone's DSO and the owner or its aggregator.
 */
@DataType
public record Commitment(@Property String eventId, @Property String assetId, @Property String committer, @Property String payTo,
        @Property long committedPower, @Property long committedMilliWh, @Property long collateral, @Property long maxReward,
        @Property String collateralFrom, @Property String escrowAccount,
        @Property(schema = {"enum", "COMMITTED,SETTLED"}) String status, @Property long committedAt, @Property String committedTx,
        @Property long updatedAt, @Property String updatedTx) {

    Commitment settled(final long at, final String txId) {
        return new Commitment(eventId, assetId, committer, payTo, committedPower, committedMilliWh, collateral, maxReward, collateralFrom,
                escrowAccount, DrContract.SETTLED, committedAt, committedTx, at, txId);
    }
}
