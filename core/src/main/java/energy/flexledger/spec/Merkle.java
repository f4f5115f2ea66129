package energy.flexledger.spec;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Merkle tree of a certified data batch (Platone-style batch certification, docs/merkle.md).
 *
 * <pre>
 * leaf  = SHA-256( 0x00 || item )                 one per item, in the batch's order
 * node  = SHA-256( 0x01 || left || right )
 * </pre>
 * Each level pairs nodes left to right; an odd node at the end of a level moves up unchanged (it
 * is never paired with itself, so no two different batches share a root). The root of one item is
 * its leaf. The prefixes keep a leaf from passing for an inner node. A proof is the list of sibling
 * hashes from the leaf up; checking it needs the item's index and the batch's item count, both of
 * which the ledger keeps.
 */
public final class Merkle {
    private static final byte LEAF = 0x00;
    private static final byte NODE = 0x01;
    /** More than any proof of a batch of up to 2^62 items can hold. */
    public static final int MAX_PROOF_LENGTH = 64;

    private Merkle() {}

    /** The leaf hash of one item's bytes. */
    public static byte[] leaf(final byte[] item) {
        final MessageDigest d = Sha256.newDigest();
        d.update(LEAF);
        d.update(item);
        return d.digest();
    }

    static byte[] node(final byte[] left, final byte[] right) {
        final MessageDigest d = Sha256.newDigest();
        d.update(NODE);
        d.update(left);
        d.update(right);
        return d.digest();
    }

    /**
     * The root over leaf hashes, in order.
     *
     * @throws SpecException {@code BAD_REQUEST} for no leaves or a leaf that is not 32 bytes
     */
    public static byte[] root(final List<byte[]> leaves) {
        List<byte[]> level = checked(leaves);
        while (level.size() > 1) {
            final List<byte[]> up = new ArrayList<>((level.size() + 1) / 2);
            for (int i = 0; i < level.size(); i += 2) {
                up.add(i + 1 < level.size() ? node(level.get(i), level.get(i + 1)) : level.get(i));
            }
            level = up;
        }
        return level.get(0).clone();
    }

    /** The sibling hashes that prove leaf {@code index}, from the leaf level up. */
    public static List<byte[]> proof(final List<byte[]> leaves, final int index) {
        List<byte[]> level = checked(leaves);
        if (index < 0 || index >= level.size()) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "leaf index " + index + " is outside 0.." + (level.size() - 1));
        }
        final List<byte[]> siblings = new ArrayList<>();
        int i = index;
        while (level.size() > 1) {
            if (i % 2 == 1) {
                siblings.add(level.get(i - 1).clone());
            } else if (i + 1 < level.size()) {
                siblings.add(level.get(i + 1).clone());
            }
            final List<byte[]> up = new ArrayList<>((level.size() + 1) / 2);
            for (int k = 0; k < level.size(); k += 2) {
                up.add(k + 1 < level.size() ? node(level.get(k), level.get(k + 1)) : level.get(k));
            }
            level = up;
            i /= 2;
        }
        return siblings;
    }

    /**
     * True when {@code leaf} is item {@code index} of a batch of {@code count} items whose root is
     * {@code root}. Never throws for a wrong proof; it is just false.
     */
    public static boolean verify(final byte[] leaf, final long index, final long count, final List<byte[]> siblings, final byte[] root) {
        if (leaf == null || leaf.length != Fp1.HASH_BYTES || root == null || root.length != Fp1.HASH_BYTES || count < 1 || index < 0
                || index >= count || siblings.size() > MAX_PROOF_LENGTH) {
            return false;
        }
        byte[] hash = leaf;
        long i = index;
        long n = count;
        int k = 0;
        while (n > 1) {
            if (i % 2 == 1 || i + 1 < n) {
                if (k >= siblings.size() || siblings.get(k) == null || siblings.get(k).length != Fp1.HASH_BYTES) {
                    return false;
                }
                hash = i % 2 == 1 ? node(siblings.get(k), hash) : node(hash, siblings.get(k));
                k++;
            }
            i /= 2;
            n -= n / 2; // (n + 1) / 2 without overflowing at Long.MAX_VALUE
        }
        return k == siblings.size() && Arrays.equals(hash, root);
    }

    private static List<byte[]> checked(final List<byte[]> leaves) {
        if (leaves == null || leaves.isEmpty()) {
            throw new SpecException(ErrorCode.BAD_REQUEST, "a Merkle tree needs at least one leaf");
        }
        for (final byte[] leaf : leaves) {
            if (leaf == null || leaf.length != Fp1.HASH_BYTES) {
                throw new SpecException(ErrorCode.BAD_REQUEST, "every leaf must be a 32-byte hash");
            }
        }
        return leaves;
    }
}
