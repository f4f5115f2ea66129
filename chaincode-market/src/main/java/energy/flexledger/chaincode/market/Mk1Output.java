package energy.flexledger.chaincode.market;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** MK1's clearing output, as the spec prints it. */
@DataType
public record Mk1Output(
        @Property(schema = {"enum", "UNFILLED,PARTIAL,FILLED"}) String status,
        @Property long escrow,
        @Property long reserved,
        @Property long refundAtClearing,
        @Property long awardedWh,
        @Property Mk1Award[] awards) {

    public Mk1Output {
        awards = Canonical.copyOf(awards, "awards");
    }

    @Override
    public Mk1Award[] awards() {
        return awards.clone();
    }

}
