package energy.flexledger.chaincode;

import energy.flexledger.spec.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.contract.Context;

/** The answer of every chaincode's {@code Describe} transaction: what it is and what it offers. */
public final class Describe {
    private Describe() {}

    /** Checks that the caller may read, then describes the chaincode as canonical JSON. */
    public static String of(final Context ctx, final String chaincode, final String version, final List<String> transactions) {
        Caller.of(ctx).requireMemberReader();
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("chaincode", chaincode);
        out.put("version", version);
        out.put("channel", ctx.getStub().getChannelId());
        out.put("transactions", List.copyOf(transactions));
        return Json.write(out);
    }
}
