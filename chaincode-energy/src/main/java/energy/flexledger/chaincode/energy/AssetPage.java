package energy.flexledger.chaincode.energy;

import energy.flexledger.spec.Canonical;
import java.util.List;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** One page of assets; {@code bookmark} asks for the next (empty: this was the last). */
@DataType
public record AssetPage(@Property Asset[] assets, @Property String bookmark) {
    public AssetPage {
        assets = Canonical.copyOf(assets, "assets");
    }

    AssetPage(final List<Asset> assets, final String bookmark) {
        this(assets.toArray(new Asset[0]), bookmark);
    }

    @Override
    public Asset[] assets() {
        return assets.clone();
    }
}
