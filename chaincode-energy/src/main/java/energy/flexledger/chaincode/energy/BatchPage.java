package energy.flexledger.chaincode.energy;

import energy.flexledger.spec.Canonical;
import java.util.List;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** One page of batches; {@code bookmark} asks for the next (empty: this was the last). */
@DataType
public record BatchPage(@Property Batch[] batches, @Property String bookmark) {
    public BatchPage {
        batches = Canonical.copyOf(batches, "batches");
    }

    BatchPage(final List<Batch> batches, final String bookmark) {
        this(batches.toArray(new Batch[0]), bookmark);
    }

    @Override
    public Batch[] batches() {
        return batches.clone();
    }
}
