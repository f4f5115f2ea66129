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
 * <p>The token ({@link TokenContract}, {@code token:<Transaction>}) and the flexibility marketplace
 * ({@link FlexContract}, {@code flex:<Transaction>}) and the P2P double auction ({@link AuctionContract},
 * {@code auction:<Transaction>}) are contracts of their own. This default contract answers {@code Describe}.
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
        return Describe.of(ctx, "market", "0.4.0", List.of("token:Initialize", "token:TokenInfo", "token:TotalSupply", "token:BalanceOf",
                "token:MyAccount", "token:Transfer", "token:Approve", "token:Allowance", "token:TransferFrom", "token:Mint", "token:Burn",
                "token:Compact", "token:Audit", "flex:PostRequest", "flex:GetRequest", "flex:ListRequests", "flex:SealOffer",
                "flex:SubmitOffer", "flex:WithdrawOffer", "flex:RevealOffer", "flex:ListOffers", "flex:MySealedOffer", "flex:ClearRequest",
                "flex:GetClearing", "flex:PayRequest", "flex:GetPayment", "escrow:Move", "escrow:Drain", "auction:OpenAuction",
                "auction:GetAuction", "auction:ListAuctions", "auction:SealOrder", "auction:SubmitOrder", "auction:WithdrawOrder",
                "auction:RevealOrder", "auction:ListOrders", "auction:MySealedOrder", "auction:ClearAuction", "auction:GetClearing"));
    }
}
