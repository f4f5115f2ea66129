package energy.flexledger.chaincode.consortium;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.annotation.JsonRootName;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** The argument of {@code AdmitMember}: an org's MSP id, its roles, and (a DSO's) zones and (an aggregator's) represented orgs. */
@DataType
@JsonRootName("member")
public record MemberSpec(
        @Property @JsonProperty(required = true) @JsonSetter(nulls = Nulls.FAIL) String mspId,
        @Property @JsonProperty(required = true) @JsonSetter(nulls = Nulls.FAIL) String[] roles,
        @Property String[] zones,
        @Property String[] represents) {}
