package energy.flexledger.chaincode.market;


import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** What {@code flex:SealOffer} did: the bid is in {@code collection}, the channel knows only {@code sealHash}. */
@DataType
public record SealReceipt(@Property String requestId, @Property String offerId, @Property String provider, @Property String collection,
        @Property String sealHash) {}
