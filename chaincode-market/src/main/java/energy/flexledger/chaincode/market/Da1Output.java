package energy.flexledger.chaincode.market;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** DA1's output, as the spec prints it: the clearing price ({@code null} without trades), the volume and the trades in matching order. */
@DataType
public record Da1Output(@Property Long clearingPrice, @Property long volumeWh, @Property Da1Trade[] trades) {
    public Da1Output {
        trades = Canonical.copyOf(trades, "trades");
    }

    @Override
    public Da1Trade[] trades() {
        return trades.clone();
    }
}
