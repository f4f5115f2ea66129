package energy.flexledger.chaincode.energy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * One interval record as a meter's device or gateway submits it (transient data, never an
 * argument): the meter, the interval (start, end] and its FP1 count, sum and fingerprint. An
 * {@code avg}, when given, must be the one FP1 derives from count and sum.
 */
@DataType
public record IntervalInput(
        @Property @JsonProperty(required = true) @JsonSetter(nulls = Nulls.FAIL) String meterId,
        @Property @JsonProperty(required = true) long start,
        @Property @JsonProperty(required = true) long end,
        @Property @JsonProperty(required = true) long count,
        @Property @JsonProperty(required = true) long sum,
        @Property Long avg,
        @Property(schema = {"pattern", "^[0-9a-f]{64}$"}) @JsonProperty(required = true) @JsonSetter(nulls = Nulls.FAIL) String fingerprint) {}
