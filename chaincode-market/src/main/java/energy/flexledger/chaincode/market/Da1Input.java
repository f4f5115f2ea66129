package energy.flexledger.chaincode.market;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * The exact DA1 input a clearing used (docs/spec/DA1.md): the revealed orders and the zone's
 * capacity. {@code flexledger spec da1} on it gives the stored output.
 */
@DataType
public record Da1Input(@Property Da1Order[] orders, @Property long capacityWh) {
    public Da1Input {
        orders = Canonical.copyOf(orders, "orders");
    }

    @Override
    public Da1Order[] orders() {
        return orders.clone();
    }
}
