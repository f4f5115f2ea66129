package energy.flexledger.chaincode;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import javax.security.auth.x500.X500Principal;
import org.hyperledger.fabric.contract.ClientIdentity;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.shim.ChaincodeStub;
import org.hyperledger.fabric.shim.ledger.CompositeKey;

/**
 * A unit-test double for a chaincode's view of the ledger: world state in a sorted map, a settable
 * caller, transaction id and timestamp, and the last event. Unit tests only; the integration tests
 * run against real Fabric.
 */
public final class FakeLedger {
    private final Map<String, byte[]> state = new TreeMap<>();
    private String mspId = "CommunityMSP";
    private String ou = "client";
    private long txCounter;
    private Instant now = Instant.ofEpochMilli(1_767_225_600_000L);
    private String lastEventName;
    private byte[] lastEventPayload;
    private final Map<String, byte[]> validationParameters = new TreeMap<>();
    private int writes;

    /** Acts as an identity of {@code mspId} with NodeOU {@code ou} (admin, client, peer, ...). */
    public FakeLedger as(final String mspId, final String ou) {
        this.mspId = mspId;
        this.ou = ou;
        return this;
    }

    public FakeLedger at(final long epochMillis) {
        this.now = Instant.ofEpochMilli(epochMillis);
        return this;
    }

    /** A fresh transaction context for the current caller. */
    public Context context() {
        txCounter++;
        final ChaincodeStub stub = mock(ChaincodeStub.class);
        when(stub.getTxId()).thenReturn("tx" + txCounter);
        when(stub.getTxTimestamp()).thenReturn(now);
        when(stub.getChannelId()).thenReturn("grid");
        when(stub.getState(anyString())).thenAnswer(inv -> state.get(inv.<String>getArgument(0)));
        doAnswer(inv -> {
            state.put(inv.getArgument(0), inv.<byte[]>getArgument(1).clone());
            writes++;
            return null;
        }).when(stub).putState(anyString(), any(byte[].class));
        when(stub.createCompositeKey(anyString(), any(String[].class))).thenAnswer(inv -> {
            final Object[] args = inv.getArguments();
            final String[] parts = new String[args.length - 1];
            for (int i = 1; i < args.length; i++) {
                parts[i - 1] = (String) args[i];
            }
            return new CompositeKey((String) args[0], parts);
        });
        doAnswer(inv -> {
            validationParameters.put(inv.getArgument(0), inv.<byte[]>getArgument(1).clone());
            return null;
        }).when(stub).setStateValidationParameter(anyString(), any(byte[].class));
        doAnswer(inv -> {
            lastEventName = inv.getArgument(0);
            lastEventPayload = inv.getArgument(1);
            return null;
        }).when(stub).setEvent(anyString(), any(byte[].class));

        final X509Certificate cert = mock(X509Certificate.class);
        when(cert.getSubjectX500Principal()).thenReturn(new X500Principal("CN=someone,OU=" + ou + ",O=test,C=US"));
        final ClientIdentity identity = mock(ClientIdentity.class);
        when(identity.getMSPID()).thenReturn(mspId);
        when(identity.getX509Certificate()).thenReturn(cert);
        when(identity.getId()).thenReturn("x509::CN=someone::" + mspId);

        final Context ctx = mock(Context.class);
        when(ctx.getStub()).thenReturn(stub);
        when(ctx.getClientIdentity()).thenReturn(identity);
        return ctx;
    }

    /** A copy of the world state, to show that a failed transaction changed nothing. */
    public Map<String, String> snapshot() {
        final Map<String, String> copy = new TreeMap<>();
        state.forEach((k, v) -> copy.put(k, new String(v, StandardCharsets.UTF_8)));
        validationParameters.forEach((k, v) -> copy.put("policy:" + k, java.util.Base64.getEncoder().encodeToString(v)));
        return copy;
    }

    /** Writes state directly, as a transaction endorsed by altered chaincode could. */
    public void plant(final String json, final String type, final String... parts) {
        state.put(new CompositeKey(type, parts).toString(), json.getBytes(StandardCharsets.UTF_8));
    }

    /** The MSPs whose peers must endorse changes to the composite key {@code type/parts} (empty: none set). */
    public java.util.List<String> endorsersOf(final String type, final String... parts) {
        final byte[] policy = validationParameters.get(new CompositeKey(type, parts).toString());
        if (policy == null) {
            return java.util.List.of();
        }
        return org.hyperledger.fabric.shim.ext.sbe.impl.StateBasedEndorsementFactory.getInstance().newStateBasedEndorsement(policy).listOrgs();
    }

    public int writes() {
        return writes;
    }

    public String lastEventName() {
        return lastEventName;
    }

    public String lastEventPayload() {
        return lastEventPayload == null ? null : new String(lastEventPayload, StandardCharsets.UTF_8);
    }
}
