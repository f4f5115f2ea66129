package energy.flexledger.chaincode.market;

import energy.flexledger.spec.Canonical;
import java.util.List;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** One page of requests; {@code bookmark} asks for the next (empty: this was the last). */
@DataType
public record FlexRequestPage(@Property FlexRequest[] requests, @Property String bookmark) {
    public FlexRequestPage {
        requests = Canonical.copyOf(requests, "requests");
    }

    FlexRequestPage(final List<FlexRequest> requests, final String bookmark) {
        this(requests.toArray(new FlexRequest[0]), bookmark);
    }

    @Override
    public FlexRequest[] requests() {
        return requests.clone();
    }
}
