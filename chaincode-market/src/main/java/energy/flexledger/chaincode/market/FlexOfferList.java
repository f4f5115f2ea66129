package energy.flexledger.chaincode.market;

import energy.flexledger.spec.Canonical;
import java.util.List;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** The offers of one request, in offer id order. */
@DataType
public record FlexOfferList(@Property String requestId, @Property FlexOffer[] offers) {
    public FlexOfferList {
        offers = Canonical.copyOf(offers, "offers");
    }

    FlexOfferList(final String requestId, final List<FlexOffer> offers) {
        this(requestId, offers.toArray(new FlexOffer[0]));
    }

    @Override
    public FlexOffer[] offers() {
        return offers.clone();
    }
}
