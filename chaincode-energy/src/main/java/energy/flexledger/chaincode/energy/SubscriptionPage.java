package energy.flexledger.chaincode.energy;

import energy.flexledger.spec.Canonical;
import java.util.List;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** One page of subscriptions; {@code bookmark} asks for the next (empty: this was the last). */
@DataType
public record SubscriptionPage(@Property Subscription[] subscriptions, @Property String bookmark) {
    public SubscriptionPage {
        subscriptions = Canonical.copyOf(subscriptions, "subscriptions");
    }

    SubscriptionPage(final List<Subscription> subscriptions, final String bookmark) {
        this(subscriptions.toArray(new Subscription[0]), bookmark);
    }

    @Override
    public Subscription[] subscriptions() {
        return subscriptions.clone();
    }
}
