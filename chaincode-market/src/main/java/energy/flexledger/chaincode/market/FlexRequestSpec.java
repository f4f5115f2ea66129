package energy.flexledger.chaincode.market;


import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * What a DSO asks for when it posts a flexibility request (the argument of {@code flex:PostRequest}).
 * Times are epoch milliseconds: offers until {@code deadline}, reveals until {@code revealBy}, delivery
 * in [{@code windowStart}, {@code windowEnd}). {@code maxPrice} is in token units per kWh; the escrow
 * (MK1: {@code ceilDiv(quantityWh * maxPrice, 1000)}) is taken from {@code payer}, an account the
 * caller controls. Delivery is measured against each asset's BL1 baseline under the terms of the DR
 * program {@code baselineProgram} (chaincode-dr).
 */
@DataType
public record FlexRequestSpec(
        @Property String id,
        @Property String zone,
        @Property long quantityWh,
        @Property long maxPrice,
        @Property long deadline,
        @Property long revealBy,
        @Property long windowStart,
        @Property long windowEnd,
        @Property(schema = {"enum", "SINGLE,MERIT"}) String mode,
        @Property String payer,
        @Property String baselineProgram) {}
