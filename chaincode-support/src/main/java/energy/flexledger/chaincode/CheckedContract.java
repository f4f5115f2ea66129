package energy.flexledger.chaincode;

import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.contract.ContractInterface;
import org.hyperledger.fabric.shim.ChaincodeStub;

/**
 * What every FlexLedger contract is: a {@link ContractInterface} that refuses a wrong argument
 * count or arguments that are not UTF-8 with {@code BAD_REQUEST} ({@link Arguments}) before
 * Fabric's routing converts them.
 */
public abstract class CheckedContract implements ContractInterface {
    @Override
    public Context createContext(final ChaincodeStub stub) {
        Arguments.check(this, stub);
        return ContractInterface.super.createContext(stub);
    }
}
