package energy.flexledger.chaincode;

import energy.flexledger.spec.Canonical;
import java.util.List;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** The answer of every chaincode's {@code Describe} transaction: what it is, on which channel, and what it offers. */
@DataType
public record Describe(@Property String chaincode, @Property String version, @Property String channel, @Property String[] transactions) {
    public Describe {
        transactions = Canonical.copyOf(transactions, "transactions");
    }

    @Override
    public String[] transactions() {
        return transactions.clone();
    }

    /** Checks that the caller may read, then describes the chaincode. */
    public static Describe of(final Context ctx, final String chaincode, final String version, final List<String> transactions) {
        Caller.of(ctx).requireMemberReader();
        return new Describe(chaincode, version, ctx.getStub().getChannelId(), transactions.toArray(new String[0]));
    }
}
