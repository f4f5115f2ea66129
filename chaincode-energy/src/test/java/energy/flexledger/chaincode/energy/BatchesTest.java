package energy.flexledger.chaincode.energy;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.Merkle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchesTest extends Fixture {
    private final List<byte[]> leaves = new ArrayList<>();

    private String certify(final String batchId, final int items) {
        for (int i = 0; i < items; i++) {
            leaves.add(Merkle.leaf(("reading-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        return "{\"batchId\":\"" + batchId + "\",\"topic\":\"community/load\",\"periodStart\":" + T0 + ",\"periodEnd\":" + (T0 + QUARTER)
                + ",\"count\":" + items + ",\"merkleRoot\":\"" + Hex.encode(Merkle.root(leaves)) + "\"}";
    }

    private static String proof(final List<byte[]> siblings) {
        final List<Object> hex = new ArrayList<>();
        siblings.forEach(s -> hex.add(Hex.encode(s)));
        return Json.write(hex);
    }

    @Test
    void aCertifiedBatchProvesItsItemsAndNothingElse() {
        final String spec = certify("B-1", 7);
        final Map<String, Object> batch = Json.parseObject(call("certifyBatch", asGateway().context(), spec));
        assertThat(batch).containsEntry("providerMsp", COMMUNITY).containsEntry("count", 7L);
        assertThat(ledger.lastEventName()).isEqualTo("BatchCertified");
        assertThat(ledger.policyOf(Batches.BATCH, "B-1")).isEqualTo("AND('CommunityMSP.peer', OR('DsoMSP.peer', 'AggregatorMSP.peer'))");
        for (int i = 0; i < 7; i++) {
            final String result = call("verifyBatchInclusion", ledger.as(AGGREGATOR, "peer", "peer0").context(), "B-1",
                    Hex.encode(leaves.get(i)), Integer.toString(i), proof(Merkle.proof(leaves, i)));
            assertThat(Json.parseObject(result)).containsEntry("valid", true);
        }
        final String wrongIndex = call("verifyBatchInclusion", ledger.context(), "B-1", Hex.encode(leaves.get(2)), "3",
                proof(Merkle.proof(leaves, 2)));
        assertThat(Json.parseObject(wrongIndex)).containsEntry("valid", false);
        final String foreign = call("verifyBatchInclusion", ledger.context(), "B-1", Hex.encode(Merkle.leaf(new byte[] {9})), "2",
                proof(Merkle.proof(leaves, 2)));
        assertThat(Json.parseObject(foreign)).containsEntry("valid", false);
    }

    @Test
    void certifyingAgainIsANoOpAndADifferentBatchUnderTheSameIdIsAlreadyExists() {
        final String spec = certify("B-1", 3);
        final String first = call("certifyBatch", asGateway().context(), spec);
        final Map<String, String> before = ledger.snapshot();
        assertThat(call("certifyBatch", asAdmin().context(), spec)).isEqualTo(first);
        assertThat(ledger.eventOf(ledger.lastTxId())).as("a retry announces nothing").isNull();
        assertThat(ledger.snapshot()).isEqualTo(before);
        rejects("ALREADY_EXISTS", () -> call("certifyBatch", asGateway().context(), spec.replace("\"count\":3", "\"count\":4")));
        rejects("ALREADY_EXISTS", () -> call("certifyBatch", ledger.as(AGGREGATOR, "client", "gw").context(), spec));
    }

    @Test
    void badBatchesAndProofsAreRejected() {
        final String spec = certify("B-1", 2);
        rejects("BAD_REQUEST", () -> call("certifyBatch", asGateway().context(), spec.replace("\"count\":2", "\"count\":0")));
        rejects("BAD_INTERVAL", () -> call("certifyBatch", asGateway().context(),
                spec.replace("\"periodEnd\":" + (T0 + QUARTER), "\"periodEnd\":" + T0)));
        rejects("BAD_REQUEST", () -> call("certifyBatch", asGateway().context(), spec.replace("\"merkleRoot\":\"", "\"merkleRoot\":\"A")));
        rejects("BAD_REQUEST", () -> call("certifyBatch", asGateway().context(), spec.replace("\"topic\"", "\"extra\":1,\"topic\"")));
        call("certifyBatch", asGateway().context(), spec);
        rejects("BAD_JSON", () -> call("verifyBatchInclusion", ledger.context(), "B-1", Hex.encode(leaves.get(0)), "0", "{}"));
        rejects("BAD_REQUEST", () -> call("verifyBatchInclusion", ledger.context(), "B-1", Hex.encode(leaves.get(0)), "0", "[\"zz\"]"));
        rejects("BAD_REQUEST", () -> call("verifyBatchInclusion", ledger.context(), "B-1", "00", "0", "[]"));
        rejects("NOT_FOUND", () -> call("verifyBatchInclusion", ledger.context(), "B-404", Hex.encode(leaves.get(0)), "0", "[]"));
    }

    @Test
    void devicesMayNotCertifyAndBatchesAreFoundByTopicAndProvider() {
        meter("MTR-1");
        rejects("ACCESS_DENIED", () -> call("certifyBatch", asDevice().context(), certify("B-1", 1)));
        call("certifyBatch", asGateway().context(), certify("B-2", 1));
        assertThat((List<?>) Json.parseObject(call("queryBatches", asDevice().context(), "topic", "community/load", "", "")).get("batches"))
                .hasSize(1);
        assertThat((List<?>) Json.parseObject(call("queryBatches", asDevice().context(), "provider", AGGREGATOR, "", "")).get("batches"))
                .isEmpty();
        rejects("BAD_REQUEST", () -> call("queryBatches", asDevice().context(), "colour", "x", "", ""));
    }

    @Test
    void anyMemberReadsABatchAsCertifiedButStrangersDoNot() {
        final String certified = call("certifyBatch", asGateway().context(), certify("B-1", 4));
        final Map<String, Object> batch = Json.parseObject(call("getBatch", ledger.as("CpoMSP", "client", "cpo-user").context(), "B-1"));
        assertThat(Json.write(batch)).isEqualTo(certified);
        assertThat(batch).containsEntry("batchId", "B-1").containsEntry("topic", "community/load").containsEntry("count", 4L)
                .containsEntry("merkleRoot", Hex.encode(Merkle.root(leaves))).containsEntry("providerMsp", COMMUNITY);
        assertThat(call("getBatch", ledger.as("DsoMSP", "peer", "peer0").context(), "B-1")).isEqualTo(certified);
        rejects("ACCESS_DENIED", () -> call("getBatch", ledger.as("OrdererMSP", "admin", "orderer-admin").context(), "B-1"));
        rejects("NOT_FOUND", () -> call("getBatch", asGateway().context(), "B-404"));
    }
}
