package energy.flexledger.chaincode.market;

import energy.flexledger.spec.Canonical;
import java.util.List;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** One page of auctions; {@code bookmark} asks for the next (empty: this was the last). */
@DataType
public record AuctionPage(@Property Auction[] auctions, @Property String bookmark) {
    public AuctionPage {
        auctions = Canonical.copyOf(auctions, "auctions");
    }

    AuctionPage(final List<Auction> auctions, final String bookmark) {
        this(auctions.toArray(new Auction[0]), bookmark);
    }

    @Override
    public Auction[] auctions() {
        return auctions.clone();
    }
}
