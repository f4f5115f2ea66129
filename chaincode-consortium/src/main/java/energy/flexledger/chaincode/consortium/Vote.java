package energy.flexledger.chaincode.consortium;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * One member org's vote for a change of the consortium ({@code vote/<changeId>/<mspId>}), cast by
 * a transaction whose creator is an admin of that org: Fabric has verified that signature, so no
 * other org can cast it. {@code change} is the canonical JSON of what is voted for, including the
 * consortium version it applies to.
 */
@DataType
public record Vote(@Property String changeId, @Property String mspId, @Property String change, @Property long at, @Property String txId) {}
