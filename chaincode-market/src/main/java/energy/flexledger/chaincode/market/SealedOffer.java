package energy.flexledger.chaincode.market;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * A provider's offer as it is sealed (its org's implicit collection) and later revealed (transient
 * data): the quantity in Wh, the price in token units per kWh, the assets that will deliver, and a
 * salt of at least 128 bits. Its canonical JSON's SHA-256 is what the channel records.
 */
@DataType
public record SealedOffer(
        @Property String requestId,
        @Property String offerId,
        @Property long quantityWh,
        @Property long price,
        @Property String[] assets,
        @Property String salt) {

    public SealedOffer {
        assets = Canonical.copyOf(assets, "assets");
    }

    @Override
    public String[] assets() {
        return assets.clone();
    }
}
