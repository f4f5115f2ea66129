package energy.flexledger.chaincode;

import org.hyperledger.fabric.contract.annotation.DataType;

/** The result of a transaction that answers nothing: the empty object {@code {}}. */
@DataType
public record Nothing() {
    public static final Nothing INSTANCE = new Nothing();
}
