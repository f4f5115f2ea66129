package energy.flexledger.chaincode.market;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * What {@code auction:ClearAuction} answers: the figures of the clearing, without the full DA1
 * input and output (thousands of orders would make the answer as large as the record;
 * {@code auction:GetClearing} returns them).
 */
@DataType
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuctionCleared(
        @Property String auctionId,
        @Property Long clearingPrice,
        @Property long volumeWh,
        @Property long trades,
        @Property long orders,
        @Property long unrevealed,
        @Property long escrowReleased,
        @Property long clearedAt,
        @Property String txId) {}
