package energy.flexledger.chaincode.market;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** One leg of a balanced escrow movement: an account and a positive amount. */
@DataType
public record Leg(@Property String account, @Property long amount, @Property String reason) {}
