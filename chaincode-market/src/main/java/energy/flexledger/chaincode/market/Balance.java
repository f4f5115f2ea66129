package energy.flexledger.chaincode.market;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** An account's balance and the number of rows it is the sum of (compaction folds them into one). */
@DataType
public record Balance(@Property String account, @Property long balance, @Property long rows) {}
