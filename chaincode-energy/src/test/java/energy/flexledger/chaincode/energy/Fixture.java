package energy.flexledger.chaincode.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.chaincode.ContractCalls;
import energy.flexledger.chaincode.FakeLedger;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.IntervalDigest;
import energy.flexledger.spec.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.hyperledger.fabric.shim.ChaincodeException;

/** Identities, a community meter and helpers shared by the chaincode-energy unit tests. */
class Fixture {
    static final byte[] SALT = new byte[32];
    static final String COMMITMENT = Hex.encode(Fp1.saltCommitment(SALT));
    static final long T0 = 1_767_225_600_000L;
    static final long QUARTER = 900_000L;
    static final long NOW = T0 + 86_400_000L;

    static final String COMMUNITY = "CommunityMSP";
    static final String AGGREGATOR = "AggregatorMSP";
    static final String GATEWAY_ID = FakeLedger.idOf(COMMUNITY, "client", "gateway");
    static final String DEVICE_ID = FakeLedger.idOf(COMMUNITY, "client", "device");

    final EnergyContract contract = new EnergyContract();
    final ContractCalls calls = new ContractCalls(contract);

    /** Runs a transaction as a peer would: text arguments and result through the contract's serializer. */
    String call(final String method, final org.hyperledger.fabric.contract.Context ctx, final String... args) {
        return calls.call(method, ctx, args);
    }
    final FakeLedger ledger = new FakeLedger().at(NOW);

    FakeLedger asAdmin() {
        return ledger.as(COMMUNITY, "admin", "admin");
    }

    FakeLedger asGateway() {
        return ledger.as(COMMUNITY, "client", "gateway");
    }

    FakeLedger asDevice() {
        return ledger.as(COMMUNITY, "client", "device");
    }

    /** The community's admin registers {@code meterId}, bound to the community's gateway and device. */
    Map<String, Object> meter(final String meterId) {
        final Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("assetId", meterId);
        spec.put("type", "METER");
        spec.put("zone", "zone-1");
        spec.put("deviceId", DEVICE_ID);
        spec.put("gatewayId", GATEWAY_ID);
        spec.put("saltCommitment", COMMITMENT);
        return Json.parseObject(call("registerAsset", asAdmin().context(), Json.write(spec)));
    }

    static IntervalDigest digest(final String meterId, final long start, final long... values) {
        final Fp1.Accumulator acc = Fp1.interval(SALT, meterId, start, start + QUARTER);
        for (int i = 0; i < values.length; i++) {
            acc.add(start + (i + 1) * 60_000L, values[i]);
        }
        return acc.digest();
    }

    static Map<String, Object> recordOf(final String meterId, final IntervalDigest d) {
        return d.toRecord(meterId);
    }

    /** {@code n} contiguous quarter-hours of {@code meterId} from {@code from}, one sample each. */
    static List<Object> quarters(final String meterId, final long from, final int n) {
        final List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(recordOf(meterId, digest(meterId, from + i * QUARTER, 1000 + i)));
        }
        return out;
    }

    /** The call fails with {@code code}; like Fabric, the fake then commits none of its writes. */
    void rejects(final String code, final ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ChaincodeException.class, e -> {
            assertThat(e).hasMessageStartingWith(code + ": ");
            assertThat(new String(e.getPayload(), StandardCharsets.UTF_8)).isEqualTo(code);
        });
        ledger.abort();
    }
}
