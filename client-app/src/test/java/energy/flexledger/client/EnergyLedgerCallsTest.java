package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.RETURNS_SELF;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.IntervalDigest;
import energy.flexledger.spec.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.client.Contract;
import org.hyperledger.fabric.client.Proposal;
import org.hyperledger.fabric.client.Transaction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** Which transaction each EnergyLedger call submits or evaluates, with which arguments, and where private data goes. */
class EnergyLedgerCallsTest {
    private final Contract contract = mock(Contract.class);
    private final Proposal.Builder builder = mock(Proposal.Builder.class, RETURNS_SELF);
    private final Proposal proposal = mock(Proposal.class);
    private final Transaction transaction = mock(Transaction.class);
    private final EnergyLedger ledger = new EnergyLedger(contract);
    private static final byte[] OK = "{\"ok\":true,\"records\":[],\"bookmark\":\"\"}".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void answers() throws Exception {
        when(contract.evaluateTransaction(anyString(), any(String[].class))).thenReturn(OK);
        when(contract.submitTransaction(anyString(), any(String[].class))).thenReturn(OK);
        when(contract.newProposal(anyString())).thenReturn(builder);
        when(builder.build()).thenReturn(proposal);
        when(proposal.endorse()).thenReturn(transaction);
        when(transaction.submit()).thenReturn(OK);
    }

    @Test
    void registryCallsCarryTheirArguments() throws Exception {
        ledger.registerAsset(Map.of("assetId", "A", "type", "EV", "zone", "z"));
        verify(contract).submitTransaction("RegisterAsset", "{\"assetId\":\"A\",\"type\":\"EV\",\"zone\":\"z\"}");
        ledger.updateAsset("A", Map.of("zone", "y"));
        verify(contract).submitTransaction("UpdateAsset", "A", "{\"zone\":\"y\"}");
        ledger.deactivateAsset("A");
        verify(contract).submitTransaction("DeactivateAsset", "A");
        assertThat(ledger.getAsset("A")).containsEntry("ok", true);
        verify(contract).evaluateTransaction("GetAsset", "A");
        ledger.queryAssets("owner", "CommunityMSP", 10, "b");
        verify(contract).evaluateTransaction("QueryAssets", "owner", "CommunityMSP", "10", "b");
        ledger.whoAmI();
        verify(contract).evaluateTransaction("WhoAmI", new String[0]);
        ledger.noop();
        verify(contract).submitTransaction("Noop", new String[0]);
    }

    @Test
    void intervalRecordsTravelAsTransientDataNeverAsArguments() throws Exception {
        final IntervalDigest d = Fp1.interval(new byte[32], "M", 0, 900_000).add(1, 5).digest();
        ledger.recordIntervals(List.of(EnergyLedger.record("M", d)));
        verify(contract).newProposal("RecordIntervals");
        @SuppressWarnings("unchecked")
        final ArgumentCaptor<Map<String, byte[]>> transientData = ArgumentCaptor.forClass(Map.class);
        verify(builder).putAllTransient(transientData.capture());
        verify(builder).addArguments(new String[0]);
        final String records = new String(transientData.getValue().get("records"), StandardCharsets.UTF_8);
        assertThat(Json.parse(records)).isEqualTo(Json.parse("[" + Json.write(EnergyLedger.record("M", d)) + "]"));
        ledger.recordInterval("M", d);
        verify(contract).evaluateTransaction("GetInterval", "M", "0");
    }

    @Test
    void readsPageThroughEveryBookmark() throws Exception {
        when(contract.evaluateTransaction(eq("GetIntervals"), any(String[].class)))
                .thenReturn("{\"records\":[{\"start\":1}],\"bookmark\":\"00000000000000000002\"}".getBytes(StandardCharsets.UTF_8))
                .thenReturn("{\"records\":[{\"start\":2}],\"bookmark\":\"\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(ledger.allIntervals("M", 0, 10)).extracting(r -> r.get("start")).containsExactly(1L, 2L);
        verify(contract).evaluateTransaction("GetIntervals", "M", "0", "10", "1000", "00000000000000000002");
        ledger.getHead("M");
        verify(contract).evaluateTransaction("GetHead", "M");
        ledger.getIntervalHash("M", 5);
        verify(contract).evaluateTransaction("GetIntervalHash", "M", "5");
    }

    @Test
    void batchAndSubscriptionCalls() throws Exception {
        ledger.certifyBatch(Map.of("batchId", "B"));
        verify(contract).submitTransaction("CertifyBatch", "{\"batchId\":\"B\"}");
        ledger.getBatch("B");
        verify(contract).evaluateTransaction("GetBatch", "B");
        ledger.verifyBatchInclusion("B", "aa", 3, List.of("bb", "cc"));
        verify(contract).evaluateTransaction("VerifyBatchInclusion", "B", "aa", "3", "[\"bb\",\"cc\"]");
        ledger.queryBatches("topic", "t", 5, "");
        verify(contract).evaluateTransaction("QueryBatches", "topic", "t", "5", "");
        ledger.requestAccess("S", "CommunityMSP", "t");
        verify(contract).submitTransaction("RequestAccess", "S", "CommunityMSP", "t");
        ledger.acceptAccess("S");
        verify(contract).submitTransaction("AcceptAccess", "S");
        ledger.declineAccess("S");
        verify(contract).submitTransaction("DeclineAccess", "S");
        ledger.revokeAccess("S");
        verify(contract).submitTransaction("RevokeAccess", "S");
        ledger.getSubscription("S");
        verify(contract).evaluateTransaction("GetSubscription", "S");
        ledger.querySubscriptions("consumer", "AggregatorMSP", 5, "");
        verify(contract).evaluateTransaction("QuerySubscriptions", "consumer", "AggregatorMSP", "5", "");
    }

    @Test
    void theSegmentHashIsTheSha256OfTheSegmentsCanonicalJson() {
        final Map<String, Object> r = Map.of("start", 0L);
        final String expected = energy.flexledger.spec.Hex.encode(energy.flexledger.spec.Sha256.of(
                "{\"meterId\":\"M\",\"records\":[{\"start\":0}],\"segmentStart\":0}".getBytes(StandardCharsets.UTF_8)));
        assertThat(EnergyLedger.segmentHash("M", 0, List.of(r))).isEqualTo(expected);
    }

    @Test
    void anArgumentThatIsNotValidUnicodeIsRefusedBeforeItIsEncoded() throws Exception {
        // Encoded, the lone surrogate would become '?': another asset's id.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ledger.getAsset("ADV-\ud800"))
                .isInstanceOfSatisfying(energy.flexledger.spec.SpecException.class,
                        e -> assertThat(e.code()).isEqualTo(energy.flexledger.spec.ErrorCode.BAD_REQUEST));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ledger.deactivateAsset("\udc00X"))
                .isInstanceOf(energy.flexledger.spec.SpecException.class);
        org.mockito.Mockito.verifyNoInteractions(contract);
        ledger.getAsset("EV-\ud83d\ude97");
        verify(contract).evaluateTransaction("GetAsset", "EV-\ud83d\ude97");
    }
}
