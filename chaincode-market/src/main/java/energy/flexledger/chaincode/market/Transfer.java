package energy.flexledger.chaincode.market;

import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** A movement of tokens, as the chaincode event {@code Transfer} announces it; {@code from} is empty for a mint, {@code to} for a burn. */
@DataType
public record Transfer(@Property String from, @Property String to, @Property long amount, @Property String reason, @Property String txId) {}
