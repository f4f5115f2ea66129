package energy.flexledger.chaincode.market;

import com.fasterxml.jackson.annotation.JsonInclude;
import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * An offer on the channel ({@code flex.offer/<requestId>/<offerId>}): who offered, when (the MK1
 * {@code submittedAt}: the submitting transaction's time), the hash of the sealed bid, and — once
 * revealed after the deadline — the quantity, price and assets. Payments go to {@code payTo}, the
 * provider org's account. Status: SEALED, REVEALED, WITHDRAWN.
 */
@DataType
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FlexOffer(
        @Property String requestId,
        @Property String offerId,
        @Property String provider,
        @Property String payTo,
        @Property String sealHash,
        @Property(schema = {"enum", "SEALED,REVEALED,WITHDRAWN"}) String status,
        @Property long submittedAt,
        @Property String submittedTx,
        @Property Long quantityWh,
        @Property Long price,
        @Property String[] assets,
        @Property long updatedAt,
        @Property String updatedTx) {

    public FlexOffer {
        assets = assets == null ? null : Canonical.copyOf(assets, "assets");
    }

    @Override
    public String[] assets() {
        return assets == null ? null : assets.clone();
    }

    FlexOffer revealed(final SealedOffer bid, final long at, final String txId) {
        return new FlexOffer(requestId, offerId, provider, payTo, sealHash, FlexContract.REVEALED, submittedAt, submittedTx, bid.quantityWh(),
                bid.price(), bid.assets(), at, txId);
    }

    FlexOffer withdrawn(final long at, final String txId) {
        return new FlexOffer(requestId, offerId, provider, payTo, sealHash, FlexContract.WITHDRAWN, submittedAt, submittedTx, null, null, null,
                at, txId);
    }
}
