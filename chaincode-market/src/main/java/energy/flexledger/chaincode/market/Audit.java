package energy.flexledger.chaincode.market;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * The whole token ledger summed: minted − burned must equal balances + escrow (= supply), exactly;
 * {@code consistent} says whether it does. {@code accounts} and {@code rows} count what was summed.
 */
@DataType
public record Audit(@Property long minted, @Property long burned, @Property long balances, @Property long escrow, @Property long supply,
        @Property long accounts, @Property long rows, @Property boolean consistent) {}
