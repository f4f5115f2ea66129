package energy.flexledger.chaincode.market;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** How much {@code spender} may still move out of {@code owner}'s account ({@code token:TransferFrom}). */
@DataType
public record Allowance(@Property String owner, @Property String spender, @Property long amount, @Property String txId) {}
