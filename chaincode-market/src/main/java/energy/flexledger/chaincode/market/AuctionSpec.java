package energy.flexledger.chaincode.market;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * The terms of a double auction as its opener gives them ({@code auction:OpenAuction}): one zone, one
 * delivery interval (whole quarter-hours), the gate closure (orders until then), the reveal deadline
 * and the most energy the zone's connection carries in the interval.
 */
@DataType
public record AuctionSpec(
        @Property String id,
        @Property String zone,
        @Property long deliveryStart,
        @Property long deliveryEnd,
        @Property long gateClosure,
        @Property long revealBy,
        @Property long capacityWh) {}
