package energy.flexledger.chaincode.dr;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** A demand-response program ({@code dr.program/<id>}), run by {@code owner} (a DSO, or an aggregator for its own customers). */
@DataType
public record Program(@Property String id, @Property String owner, @Property long rewardRate, @Property long penaltyRate,
        @Property long capBps, @Property long thresholdBps, @Property BaselineTerms baseline, @Property long createdAt,
        @Property String createdTx) {}
