package energy.flexledger.chaincode.market;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * A request's payment ({@code flex.payment/<requestId>}), made once after the delivery window: the
 * exact MK1 input (the clearing's, plus {@code delivered}: offer id and Wh, as {@code flexledger market
 * show} prints it for {@code flexledger spec mk1}), the payments and the refund, and every asset's
 * measured delivery. Tokens moved in the same transaction: the reserved escrow to the winners, the
 * rest to the payer.
 */
@DataType
public record FlexPayment(
        @Property String requestId,
        @Property Mk1Input input,
        @Property OfferDelivery[] delivered,
        @Property Mk1Payment[] payments,
        @Property long refundAtDelivery,
        @Property String refundedTo,
        @Property String baselineProgram,
        @Property String paidBy,
        @Property long paidAt,
        @Property String txId) {

    public FlexPayment {
        delivered = Canonical.copyOf(delivered, "delivered");
        payments = Canonical.copyOf(payments, "payments");
    }

    @Override
    public OfferDelivery[] delivered() {
        return delivered.clone();
    }

    @Override
    public Mk1Payment[] payments() {
        return payments.clone();
    }
}
