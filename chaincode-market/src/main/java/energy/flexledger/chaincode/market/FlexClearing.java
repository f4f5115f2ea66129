package energy.flexledger.chaincode.market;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * A request's clearing ({@code flex.clearing/<requestId>}): the exact MK1 input and output, the offers
 * left out because they were never revealed, and where the unused escrow went. Anyone recomputes
 * {@code output} from {@code input} with {@code flexledger spec mk1}.
 */
@DataType
public record FlexClearing(
        @Property String requestId,
        @Property Mk1Input input,
        @Property Mk1Output output,
        @Property String[] unrevealed,
        @Property String refundedTo,
        @Property String clearedBy,
        @Property long clearedAt,
        @Property String txId) {

    public FlexClearing {
        unrevealed = Canonical.copyOf(unrevealed, "unrevealed");
    }

    @Override
    public String[] unrevealed() {
        return unrevealed.clone();
    }
}
