package energy.flexledger.chaincode.energy;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** Whether {@code leaf} is item {@code index} of a certified batch, by its Merkle proof. */
@DataType
public record Inclusion(@Property String batchId, @Property String leaf, @Property long index, @Property boolean valid) {}
