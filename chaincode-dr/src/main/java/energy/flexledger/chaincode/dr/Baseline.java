package energy.flexledger.chaincode.dr;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** A baseline: the exact BL1 input and its output ({@code flexledger dr baseline} prints it). */
@DataType
public record Baseline(@Property String assetId, @Property Bl1Input input, @Property Bl1Output output) {}
