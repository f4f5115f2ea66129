package energy.flexledger.chaincode.dr;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * A participant's settlement ({@code dr.settlement/<eventId>/<assetId>}), final and made once: the
 * baseline (exact BL1 input and output), the exact ST1 input and output, and where the tokens went —
 * the reward and the unused collateral to the participant, the penalty and the unused reserve back to
 * the program owner's payer account.
 */
@DataType
public record Settlement(@Property String eventId, @Property String assetId, @Property Baseline baseline, @Property St1Input input,
        @Property St1Output output, @Property String participantAccount, @Property long toParticipant, @Property String ownerAccount,
        @Property long toOwner, @Property String settledBy, @Property long settledAt, @Property String txId) {}
