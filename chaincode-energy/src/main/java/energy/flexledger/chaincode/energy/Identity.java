package energy.flexledger.chaincode.energy;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** The caller as the chaincode sees it: its MSP, its NodeOU role and its identity id (what binds a device). */
@DataType
public record Identity(@Property String mspId, @Property(schema = {"enum", "admin,client,peer,orderer,none"}) String role, @Property String id) {}
