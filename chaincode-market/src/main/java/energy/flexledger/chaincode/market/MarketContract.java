package energy.flexledger.chaincode.market;

import energy.flexledger.chaincode.CanonicalSerializer;
import energy.flexledger.chaincode.CheckedContract;
import energy.flexledger.chaincode.Describe;
import java.util.List;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.contract.annotation.Contract;
import org.hyperledger.fabric.contract.annotation.Default;
import org.hyperledger.fabric.contract.annotation.Info;
import org.hyperledger.fabric.contract.annotation.License;
import org.hyperledger.fabric.contract.annotation.Transaction;

/**
 * chaincode-market: Reward token, flexibility marketplace (MK1) and P2P energy auctions (DA1).
 *
 * <p>This first version is deployed and reachable but implements no domain transactions yet: it
 * answers {@code Describe} so that the network scripts can prove the deployment path end to end.
 */
@Contract(
        name = "market",
        transactionSerializer = CanonicalSerializer.NAME,
        info = @Info(title = "FlexLedger market", description = "Reward token, flexibility marketplace (MK1) and P2P energy auctions (DA1)", version = "0.1.0", license = @License(name = "Apache-2.0")))
@Default
public final class MarketContract extends CheckedContract {
    /** What this chaincode is and which domain transactions it offers so far. */
    @Transaction(name = "Describe", intent = Transaction.TYPE.EVALUATE)
    public Describe describe(final Context ctx) {
        return Describe.of(ctx, "market", "0.1.0", List.of());
    }
}
