package energy.flexledger.chaincode.market;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * What an awarded offer delivered: the Wh MK1 pays for (the sum over its assets that count) and, per
 * asset, what chaincode-dr measured and whether it counted — an asset counts when it lies in the
 * request's zone and its owner is the provider or is represented by it.
 */
@DataType
public record OfferDelivery(@Property String offerId, @Property long deliveredWh, @Property MeasuredAsset[] assets) {
    public OfferDelivery {
        assets = Canonical.copyOf(assets, "assets");
    }

    @Override
    public MeasuredAsset[] assets() {
        return assets.clone();
    }
}
