package energy.flexledger.chaincode.market;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** What one mint or burn did to the supply, under its own key ({@code tok.supply/<txId>}): no hot supply key. */
@DataType
public record SupplyChange(@Property long minted, @Property long burned, @Property String txId, @Property long at) {}
