package energy.flexledger.chaincode.dr;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** Delivered energy of several assets in one window under one program's baseline terms, in the order asked for. */
@DataType
public record DeliveryList(@Property String programId, @Property long windowStart, @Property long windowEnd, @Property AssetDelivery[] assets) {
    public DeliveryList {
        assets = Canonical.copyOf(assets, "assets");
    }

    @Override
    public AssetDelivery[] assets() {
        return assets.clone();
    }
}
