package energy.flexledger.chaincode.dr;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * A participant's settlement ({@code dr.settlement/<eventId>/<assetId>}, world state), final and made
 * once: the figures that moved tokens — delivered and committed energy, performance, reward, penalty,
 * where the tokens went — the customer's earlier event days the baseline left out, the SHA-256 of the
 * exact BL1 input, and of the BL1 output and the ST1 input and output keyed with that input. The inputs
 * hold the meter's certified averages, which are private to its readers (decision 0014), so they are
 * not written here: {@code GetSettlementDetail} recomputes them for the asset's readers from the
 * certified data and checks them against these hashes.
 */
@DataType
public record Settlement(@Property String eventId, @Property String assetId, @Property String programId, @Property long committedPower,
        @Property long deliveredMilliWh, @Property long committedMilliWh, @Property long performanceBps, @Property long reward,
        @Property long penalty, @Property String participantAccount, @Property long toParticipant, @Property String ownerAccount,
        @Property long toOwner, @Property String[] excludedDates, @Property(schema = {"pattern", "^[0-9a-f]{64}$"}) String baselineInputHash,
        @Property(schema = {"pattern", "^[0-9a-f]{64}$"}) String baselineOutputHash,
        @Property(schema = {"pattern", "^[0-9a-f]{64}$"}) String st1InputHash,
        @Property(schema = {"pattern", "^[0-9a-f]{64}$"}) String st1OutputHash, @Property String settledBy, @Property long settledAt,
        @Property String txId) {

    public Settlement {
        excludedDates = energy.flexledger.spec.Canonical.copyOf(excludedDates, "excludedDates");
    }

    @Override
    public String[] excludedDates() {
        return excludedDates.clone();
    }
}
