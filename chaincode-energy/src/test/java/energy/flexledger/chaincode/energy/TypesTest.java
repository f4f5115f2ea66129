package energy.flexledger.chaincode.energy;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.spec.Canonical;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ledger types: immutable, and written as the canonical JSON the chaincode has always stored. */
class TypesTest {
    private static final String LINK = "ab".repeat(32);

    @Test
    void averagesCopyTheirReadings() {
        final long[][] readings = {{0, 5}};
        final Averages a = new Averages("M", "O", "z", null, 900_000, "ACTIVE", readings, null, null);
        readings[0] = new long[] {1, 1};
        assertThat(a.readings()[0]).containsExactly(0, 5);
        assertThat(new AveragesList(new Averages[] {a}).meters()).hasSize(1);
        assertThat(Averages.failed("M", "NOT_FOUND", "m").readings()).isEmpty();
    }

    @Test
    void arrayMembersAreCopiedInAndOut() {
        final IntervalRecord r = new IntervalRecord("M", 0, 900_000, 1, 5, 5, LINK, LINK, LINK, 7, "tx");
        final IntervalRecord[] records = {r};
        final Segment segment = new Segment("M", 0, records);
        records[0] = null;
        segment.records()[0] = null;
        assertThat(segment.records()).containsExactly(r);
        assertThat(segment.firstStart()).isZero();
        assertThat(new Segment("M", 0, new IntervalRecord[0]).firstStart()).isEqualTo(Long.MAX_VALUE);

        final String[] meters = {"M"};
        final IntervalsRecorded recorded = new IntervalsRecorded("tx", 1, 0, meters);
        meters[0] = "X";
        recorded.meters()[0] = "Y";
        assertThat(recorded.meters()).containsExactly("M");

        final IntervalPage page = new IntervalPage("M", new IntervalRecord[] {r}, "", new ChainHead("M", 1, 900_000L, LINK));
        page.records()[0] = null;
        assertThat(page.records()).containsExactly(r);

        final Asset asset = new Asset("A", "EMS", "O", "z", null, null, null, null, null, null, null, null, null, "ACTIVE", 1L, "t", 1L, "t");
        assertThat(new AssetPage(List.of(asset), "").assets()).containsExactly(asset);
        final AssetView view = AssetView.of(asset, null, new String[] {"O", "D"});
        view.dataReaders()[0] = "X";
        assertThat(view.dataReaders()).containsExactly("O", "D");
        assertThat(AssetView.of(asset, null, null).dataReaders()).isNull();
        final Batch batch = new Batch("B", "t", 0, 1, 1, LINK, "O", "id", 1, "tx");
        assertThat(new BatchPage(List.of(batch), "").batches()).containsExactly(batch);
        final Subscription sub = new Subscription("S", "t", "P", "C", 1, "id", "tx", null, null, null, "REQUESTED", 1, "tx");
        assertThat(new SubscriptionPage(List.of(sub), "b").subscriptions()).containsExactly(sub);
    }

    @Test
    void typesWriteTheCanonicalJsonOfTheirMembers() {
        // Optional members of an asset are left out when absent; the bindings are always written.
        final Asset ems = new Asset("A", "EMS", "O", "z", null, null, null, null, null, null, null, null, null, "ACTIVE", 1L, "t", 2L, "u");
        assertThat(Canonical.write(ems)).isEqualTo("{\"assetId\":\"A\",\"deviceId\":null,\"gatewayId\":null,\"ownerMsp\":\"O\","
                + "\"registeredAt\":1,\"registeredTx\":\"t\",\"status\":\"ACTIVE\",\"type\":\"EMS\",\"updatedAt\":2,\"updatedTx\":\"u\",\"zone\":\"z\"}");
        assertThat(Canonical.read(Canonical.write(ems), Asset.class, null)).isEqualTo(ems);
        // A head before its first record says so with an explicit null.
        final ChainHead head = new ChainHead("M", 0, null, LINK);
        assertThat(Canonical.write(head)).isEqualTo("{\"headLink\":\"" + LINK + "\",\"intervals\":0,\"lastEnd\":null,\"meterId\":\"M\"}");
        assertThat(head.chainStart(900_000)).isEqualTo(Long.MAX_VALUE);
        assertThat(head.advance(1_800_000, LINK).chainStart(900_000)).isEqualTo(900_000);
        assertThat(Canonical.write(new energy.flexledger.chaincode.Nothing())).isEqualTo("{}");
    }
}
