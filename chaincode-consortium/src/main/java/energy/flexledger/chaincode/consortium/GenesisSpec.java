package energy.flexledger.chaincode.consortium;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRootName;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** The argument of {@code Genesis}: the founding members, each with its roles, zones and represented orgs. */
@DataType
@JsonRootName("genesis")
public record GenesisSpec(@Property @JsonProperty(required = true) @JsonSetter(nulls = Nulls.FAIL) MemberSpec[] members) {}
