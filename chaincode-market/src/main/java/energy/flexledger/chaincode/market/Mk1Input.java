package energy.flexledger.chaincode.market;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * The exact MK1 input a clearing used (docs/spec/MK1.md): the request's MK1 fields and its revealed
 * offers. {@code flexledger spec mk1} on it gives the stored output.
 */
@DataType
public record Mk1Input(@Property Mk1Request request, @Property Mk1Offer[] offers) {
    public Mk1Input {
        offers = Canonical.copyOf(offers, "offers");
    }

    @Override
    public Mk1Offer[] offers() {
        return offers.clone();
    }

}
