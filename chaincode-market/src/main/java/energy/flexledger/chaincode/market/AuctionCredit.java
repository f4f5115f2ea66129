package energy.flexledger.chaincode.market;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * What one account received from the auction's escrow at the clearing: {@code paid} for energy it
 * sold, {@code refund} of what it locked as a buyer and did not spend; credited as one row of
 * {@code paid + refund}.
 */
@DataType
public record AuctionCredit(@Property String account, @Property long paid, @Property long refund) {}
