package energy.flexledger.chaincode.market;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** The channel's token: set once by an issuer ({@code token:Initialize}); amounts are integers of the smallest unit. */
@DataType
public record TokenInfo(
        @Property @JsonProperty(required = true) String name,
        @Property @JsonProperty(required = true) String symbol,
        @Property @JsonProperty(required = true) long decimals,
        @Property String initializedBy,
        @Property long initializedAt,
        @Property String initializedTx) {}
