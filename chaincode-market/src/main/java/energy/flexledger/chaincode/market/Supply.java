package energy.flexledger.chaincode.market;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** Everything minted and burned so far, and their difference: the total supply. */
@DataType
public record Supply(@Property long minted, @Property long burned, @Property long supply) {}
