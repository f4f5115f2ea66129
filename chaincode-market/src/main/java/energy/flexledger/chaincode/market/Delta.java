package energy.flexledger.chaincode.market;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * One row of an account: a signed change of its balance, written under its own key
 * ({@code tok.delta/<account>/<txId>/<n>}) so that transactions crediting one account never write
 * the same key. An account's balance is the sum of its rows; a debit replaces the rows it read by
 * one (compaction). {@code reason}: mint, burn, transfer, escrow, release, compacted.
 */
@DataType
public record Delta(@Property String account, @Property long amount, @Property String reason, @Property String counterparty,
        @Property String txId, @Property long at) {}
