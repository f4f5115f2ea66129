package energy.flexledger.chaincode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateStoreTest {
    private final FakeLedger ledger = new FakeLedger();

    @Test
    void aPrivateValueThePeerDoesNotHoldYetIsAStableInvalidState() {
        final org.hyperledger.fabric.shim.ChaincodeStub stub = org.mockito.Mockito.mock(org.hyperledger.fabric.shim.ChaincodeStub.class);
        // What the shim throws when the peer answers "private data matching public hash version is not available".
        org.mockito.Mockito.when(stub.getPrivateData("c", "k")).thenThrow(new RuntimeException("Unsuccessful response received."));
        assertThatThrownBy(() -> new StateStore(stub).readPrivate("c", "k", String.class))
                .isInstanceOfSatisfying(org.hyperledger.fabric.shim.ChaincodeException.class, e -> {
                    assertThat(new String(e.getPayload(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("INVALID_STATE");
                    assertThat(e.getMessage()).contains("'k'").contains("not yet reconciled");
                });
    }

    @Test
    void sortableKeysOrderLikeTheNumbers() {
        final long[] values = {Long.MIN_VALUE, -1_000_000L, -1L, 0L, 1L, 1_767_225_600_000L, Long.MAX_VALUE};
        final List<String> encoded = new ArrayList<>();
        for (final long v : values) {
            encoded.add(StateStore.sortable(v));
        }
        assertThat(encoded).isSorted().allSatisfy(s -> assertThat(s).hasSize(20)).doesNotHaveDuplicates();
    }

    @Test
    void rangeKeysOfOneEntityNeverInterleaveWithAnothers() {
        assertThat(StateStore.rangeKey("interval", "a", "1")).isEqualTo("interval\u0000a\u00001");
        // "a" and "a\u0001b" would interleave with a printable separator; U+0000 sorts before all.
        assertThat(StateStore.rangeKey("interval", "a", "9")).isLessThan(StateStore.rangeKey("interval", "a\u0001b", "0"));
        assertThatThrownBy(() -> StateStore.rangeKey("interval", "a\u0000b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void indexEntriesAreListedPagedAndRemoved() {
        final StateStore store = new StateStore(ledger.context().getStub());
        for (int i = 0; i < 5; i++) {
            store.index("idx", "zone-1", "id-" + i);
        }
        store.index("idx", "zone-2", "id-9");
        final StateStore reader = new StateStore(ledger.context().getStub());
        assertThat(reader.indexed("idx", "zone-1")).containsExactly(List.of("id-0"), List.of("id-1"), List.of("id-2"), List.of("id-3"),
                List.of("id-4"));
        final StateStore.Page<List<String>> first = reader.indexedPage(3, "", "idx", "zone-1");
        assertThat(first.items()).hasSize(3);
        final StateStore.Page<List<String>> rest = reader.indexedPage(3, first.bookmark(), "idx", "zone-1");
        assertThat(rest.items()).containsExactly(List.of("id-3"), List.of("id-4"));
        assertThat(rest.bookmark()).isEmpty();
        // An index entry is not a record.
        assertThat(reader.read(reader.key("idx", "zone-1", "id-0"), Object.class)).isEmpty();
        reader.unindex("idx", "zone-1", "id-0");
        assertThat(new StateStore(ledger.context().getStub()).indexed("idx", "zone-1")).hasSize(4);
    }

    @Test
    void aTransactionDoesNotSeeItsOwnWritesAndAnAbortedOneLeavesNothing() {
        final StateStore tx = new StateStore(ledger.context().getStub());
        tx.write("k", new Value(1L));
        assertThat(tx.read("k", Value.class)).isEmpty();
        ledger.abort();
        assertThat(new StateStore(ledger.context().getStub()).read("k", Value.class)).isEmpty();
    }

    record Value(long v) {}

    record Stamp(long t) {}

    @Test
    void valuesAreTypedAndStoredCanonically() {
        final StateStore tx = new StateStore(ledger.context().getStub());
        assertThat(tx.write("k", new Value(7L))).isEqualTo("{\"v\":7}");
        assertThat(new StateStore(ledger.context().getStub()).read("k", Value.class)).contains(new Value(7L));
        // A stored value that is not of its type is a broken invariant, not bad input.
        assertThatThrownBy(() -> new StateStore(ledger.context().getStub()).read("k", Stamp.class))
                .isInstanceOfSatisfying(org.hyperledger.fabric.shim.ChaincodeException.class,
                        e -> assertThat(e.getMessage()).startsWith("INVALID_STATE: the stored value of 'k' is not a valid stamp"));
    }

    @Test
    void privateDataIsReadByKeyHashedAndGuarded() {
        final StateStore store = new StateStore(ledger.context().getStub());
        for (long t = 0; t < 5; t++) {
            store.writePrivate("c", StateStore.rangeKey("r", "m", StateStore.sortable(t)), new Stamp(t));
        }
        store.requirePrivateEndorsement("c", "k",
                KeyPolicy.all(KeyPolicy.peer("A"), KeyPolicy.anyPeerOf(java.util.List.of("B", "C"))));
        final StateStore reader = new StateStore(ledger.context().getStub());
        final int before = ledger.privateReads();
        final String key = StateStore.rangeKey("r", "m", StateStore.sortable(4));
        assertThat(reader.readPrivate("c", key, Stamp.class)).contains(new Stamp(4L));
        assertThat(reader.readPrivate("other", key, Stamp.class)).isEmpty();
        assertThat(ledger.privateReads() - before).isEqualTo(2);
        assertThat(reader.privateHash("c", key)).isPresent();
        assertThat(reader.privateHash("c", "missing")).isEmpty();
        assertThat(ledger.policyOfPrivate("c", "k")).isEqualTo("AND('A.peer', OR('B.peer', 'C.peer'))");
        assertThat(ledger.collections()).containsExactly("c");
        // A range of a collection, in key order, [start, end).
        assertThat(reader.privateRange("c", StateStore.rangeKey("r", "m", StateStore.sortable(1)), StateStore.rangeKey("r", "m", StateStore.sortable(3)), Stamp.class))
                .containsExactly(new Stamp(1L), new Stamp(2L));
    }

    @Test
    void keyPoliciesEncodeAsFabricReadsThem() {
        final KeyPolicy ownerAndOther = KeyPolicy.all(KeyPolicy.peer("OwnerMSP"), KeyPolicy.anyPeerOf(java.util.List.of("DsoMSP", "AggMSP")));
        assertThat(ownerAndOther.toString()).isEqualTo("AND('OwnerMSP.peer', OR('DsoMSP.peer', 'AggMSP.peer'))");
        assertThat(KeyPolicy.describe(ownerAndOther.toBytes())).isEqualTo(ownerAndOther.toString());
        // Deterministic: equal expressions give equal bytes on every endorsing peer.
        assertThat(ownerAndOther.toBytes()).isEqualTo(KeyPolicy.all(KeyPolicy.peer("OwnerMSP"),
                KeyPolicy.anyPeerOf(java.util.List.of("DsoMSP", "AggMSP"))).toBytes());
        // A single part is that part; an OR of one org is its peer.
        assertThat(KeyPolicy.anyPeerOf(java.util.List.of("X")).toString()).isEqualTo("'X.peer'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KeyPolicy.anyPeerOf(java.util.List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
