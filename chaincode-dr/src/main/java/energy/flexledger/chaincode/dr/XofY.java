package energy.flexledger.chaincode.dr;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** BL1's X of the Y most recent eligible days. */
@DataType
public record XofY(@Property long x, @Property long y) {}
