package energy.flexledger.chaincode.market;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * A balanced movement of tokens that demand response asks for (decision 0019): every debit and
 * every credit, each account at most once on each side, debits summing to credits. Debits come from
 * the DR rules' escrow accounts ({@code escrow:dr-...}) or from accounts the transaction's creator
 * controls.
 */
@DataType
public record EscrowMove(@Property Leg[] debits, @Property Leg[] credits, @Property String txId) {
    public EscrowMove {
        debits = Canonical.copyOf(debits, "debits");
        credits = Canonical.copyOf(credits, "credits");
    }

    @Override
    public Leg[] debits() {
        return debits.clone();
    }

    @Override
    public Leg[] credits() {
        return credits.clone();
    }
}
