package energy.flexledger.chaincode.dr;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * A settlement with its exact inputs and outputs, recomputed from certified data for a reader of the
 * asset's data and checked against the hashes the settlement stored: {@code baseline} (BL1 input and
 * output), {@code input} and {@code output} (ST1's).
 */
@DataType
public record SettlementDetail(@Property Settlement settlement, @Property Baseline baseline, @Property St1Input input,
        @Property St1Output output) {}
