package energy.flexledger.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MerkleTest {
    private static List<byte[]> leaves(final int n) {
        final List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Merkle.leaf(new byte[] {(byte) i, (byte) (i >> 8)}));
        }
        return out;
    }

    @Test
    void theConstructionIsTheDocumentedOne() {
        final byte[] a = Merkle.leaf(new byte[] {1});
        final byte[] b = Merkle.leaf(new byte[] {2});
        final byte[] c = Merkle.leaf(new byte[] {3});
        assertThat(a).isEqualTo(Sha256.of(new byte[] {0, 1}));
        assertThat(Merkle.root(List.of(a))).isEqualTo(a);
        final byte[] ab = Sha256.start().bytes(new byte[] {1}).bytes(a).bytes(b).finish();
        assertThat(Merkle.root(List.of(a, b))).isEqualTo(ab);
        // The odd leaf moves up unchanged: root(a, b, c) = node(node(a, b), c).
        assertThat(Merkle.root(List.of(a, b, c))).isEqualTo(Sha256.start().bytes(new byte[] {1}).bytes(ab).bytes(c).finish());
        // Never paired with itself: (a, b, c) and (a, b, c, c) have different roots.
        assertThat(Merkle.root(List.of(a, b, c))).isNotEqualTo(Merkle.root(List.of(a, b, c, c)));
    }

    @Property(tries = 200)
    void everyLeafProvesItsPlaceAndOnlyThere(@ForAll @IntRange(min = 1, max = 300) final int n, @ForAll @IntRange(min = 0, max = 299) final int at) {
        final int i = at % n;
        final List<byte[]> leaves = leaves(n);
        final byte[] root = Merkle.root(leaves);
        final List<byte[]> proof = Merkle.proof(leaves, i);
        assertThat(Merkle.verify(leaves.get(i), i, n, proof, root)).isTrue();
        for (int k = 0; k < proof.size(); k++) {
            final List<byte[]> tampered = new ArrayList<>(proof);
            final byte[] sibling = tampered.get(k).clone();
            sibling[0] ^= 1;
            tampered.set(k, sibling);
            assertThat(Merkle.verify(leaves.get(i), i, n, tampered, root)).isFalse();
        }
        if (n > 1) {
            assertThat(Merkle.verify(leaves.get(i), (i + 1) % n, n, proof, root)).isFalse();
            assertThat(Merkle.verify(leaves.get((i + 1) % n), i, n, proof, root)).isFalse();
        }
    }

    @Test
    void malformedInputs() {
        assertThatThrownBy(() -> Merkle.root(List.of())).isInstanceOf(SpecException.class);
        assertThatThrownBy(() -> Merkle.root(List.of(new byte[3]))).isInstanceOf(SpecException.class);
        assertThatThrownBy(() -> Merkle.proof(leaves(2), 2)).isInstanceOf(SpecException.class);
        final byte[] leaf = leaves(1).get(0);
        assertThat(Merkle.verify(leaf, 0, 1, List.of(), leaf)).isTrue();
        assertThat(Merkle.verify(leaf, 0, 1, List.of(leaf), leaf)).isFalse();
        assertThat(Merkle.verify(new byte[2], 0, 1, List.of(), leaf)).isFalse();
        assertThat(Merkle.verify(leaf, -1, 1, List.of(), leaf)).isFalse();
        assertThat(Merkle.verify(leaves(2).get(0), 0, 2, List.of(new byte[5]), leaf)).isFalse();
        assertThat(Merkle.verify(leaves(2).get(0), 0, 2, List.of(), leaf)).isFalse();
        // A huge count needs a sibling per level: one sibling cannot prove a leaf of 2^63 - 1.
        final byte[] sibling = leaves(2).get(1);
        assertThat(Merkle.verify(leaf, 0, Long.MAX_VALUE, List.of(sibling), Merkle.node(leaf, sibling))).isFalse();
    }
}
