package energy.flexledger.chaincode.market;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * An auction's clearing ({@code auc.clearing/<auctionId>}): the exact DA1 input and output, the
 * orders left out because they were never revealed, and the settlement: {@code escrowReleased}
 * left the escrow in one debit and went, one credit per account, to the sellers (their trades at
 * the clearing price, {@code floorDiv(quantityWh * clearingPrice, 1000)} each) and back to the
 * buyers (what they locked and did not spend). Anyone recomputes {@code output} from {@code input}
 * with {@code flexledger spec da1}.
 */
@DataType
public record AuctionClearing(
        @Property String auctionId,
        @Property Da1Input input,
        @Property Da1Output output,
        @Property String[] unrevealed,
        @Property long escrowReleased,
        @Property AuctionCredit[] credits,
        @Property String clearedBy,
        @Property long clearedAt,
        @Property String txId) {

    public AuctionClearing {
        unrevealed = Canonical.copyOf(unrevealed, "unrevealed");
        credits = Canonical.copyOf(credits, "credits");
    }

    @Override
    public String[] unrevealed() {
        return unrevealed.clone();
    }

    @Override
    public AuctionCredit[] credits() {
        return credits.clone();
    }
}
