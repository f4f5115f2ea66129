package energy.flexledger.chaincode.dr;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * A program's terms (the argument of {@code CreateProgram}): ST1's reward and penalty rates (token
 * units per kWh), reward cap and penalty threshold (basis points of the commitment), and the
 * baseline method.
 */
@DataType
public record ProgramSpec(@Property String id, @Property long rewardRate, @Property long penaltyRate, @Property long capBps,
        @Property long thresholdBps, @Property BaselineTerms baseline) {}
