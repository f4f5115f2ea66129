package energy.flexledger.chaincode.energy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.annotation.JsonRootName;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** The argument of {@code CertifyBatch}: a topic's data items over (periodStart, periodEnd], by their count and Merkle root. */
@DataType
@JsonRootName("batch")
public record BatchSpec(
        @Property @JsonProperty(required = true) @JsonSetter(nulls = Nulls.FAIL) String batchId,
        @Property @JsonProperty(required = true) @JsonSetter(nulls = Nulls.FAIL) String topic,
        @Property @JsonProperty(required = true) long periodStart,
        @Property @JsonProperty(required = true) long periodEnd,
        @Property @JsonProperty(required = true) long count,
        @Property(schema = {"pattern", "^[0-9a-f]{64}$"}) @JsonProperty(required = true) @JsonSetter(nulls = Nulls.FAIL) String merkleRoot) {}
