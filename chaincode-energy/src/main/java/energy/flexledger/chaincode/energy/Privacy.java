package energy.flexledger.chaincode.energy;

import energy.flexledger.chaincode.Caller;
import energy.flexledger.chaincode.Failures;
import energy.flexledger.chaincode.KeyPolicy;
import energy.flexledger.chaincode.Consortium;
import energy.flexledger.chaincode.MemberRole;
import energy.flexledger.spec.ErrorCode;
import java.util.ArrayList;
import java.util.List;

/**
 * Who may read an asset's certified intervals (network-config/README.md, "Private data"), from the
 * consortium on the ledger, never from MSP ids in code. The interval records and the chain head of
 * an asset live in its owner's private data collection, {@code meterData-<owner MSP id>}; its
 * readers are the owner, every DSO (who settles against the data) and every aggregator that
 * represents the owner (who is paid for it), or every aggregator when none represents it. The channel keeps only the hashes Fabric records for
 * private data. The collections themselves are generated from the same consortium
 * ({@code scripts/network.sh} writes them from the ledger's members when it defines the
 * chaincode), so their members are these readers; a unit test checks the generator's rule against
 * this one.
 */
final class Privacy {
    /** Collection names: this prefix and the owner's MSP id (letters, digits and '-', as governance admits them). */
    static final String COLLECTION_PREFIX = "meterData-";

    private Privacy() {}

    /** The collection that holds the interval data of assets owned by {@code ownerMsp}. */
    static String collectionOf(final String ownerMsp) {
        return COLLECTION_PREFIX + ownerMsp;
    }

    /**
     * The owner, then the DSOs, then the aggregators that represent the owner (all aggregators when
     * none does): the orgs whose peers hold the owner's interval data.
     */
    static List<String> readersOf(final Consortium consortium, final String ownerMsp) {
        final List<String> readers = new ArrayList<>();
        readers.add(ownerMsp);
        for (final String org : consortium.withRole(MemberRole.DSO)) {
            if (!readers.contains(org)) {
                readers.add(org);
            }
        }
        // An owner that no aggregator represents (a DSO's own grid meters, say) is checked by every
        // aggregator: someone with a separate interest must be able to endorse its certified data.
        final List<String> aggregators = consortium.representativesOf(ownerMsp).isEmpty() ? consortium.withRole(MemberRole.AGGREGATOR)
                : consortium.representativesOf(ownerMsp);
        for (final String org : aggregators) {
            if (!readers.contains(org)) {
                readers.add(org);
            }
        }
        return readers;
    }

    /**
     * The key-level policy of everything that certifies an owner's data (its assets, their chain
     * heads, interval segments and batches): a peer of the owner <em>and</em> a peer of one of the
     * other readers, whose interest is separate (the DSO settles against the data, the aggregator
     * is paid for it). So no single member, the owner included, can write or rewrite certified
     * history, even with altered chaincode; the generated collections set the same policy as each
     * collection's {@code endorsementPolicy} for keys not yet written. An owner that no other
     * member could check (no DSO in the consortium, no aggregator representing it) certifies
     * nothing: {@code INVALID_STATE}.
     */
    static KeyPolicy endorsement(final Consortium consortium, final String ownerMsp) {
        final List<String> others = new ArrayList<>(readersOf(consortium, ownerMsp));
        others.remove(ownerMsp);
        if (others.isEmpty()) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "no member besides " + ownerMsp + " could endorse its certified data: the consortium "
                    + "has no DSO and no aggregator represents " + ownerMsp + " (governance grants these roles)");
        }
        return KeyPolicy.all(KeyPolicy.peer(ownerMsp), KeyPolicy.anyPeerOf(others));
    }

    static boolean mayRead(final Caller caller, final String ownerMsp) {
        return readersOf(caller.consortium(), ownerMsp).contains(caller.mspId());
    }

    static void requireReader(final Caller caller, final String ownerMsp, final String assetId) {
        if (!mayRead(caller, ownerMsp)) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "the interval data of asset '" + assetId + "' is private to "
                    + readersOf(caller.consortium(), ownerMsp)
                    + "; other members can check a page of records they were given against its hash (GetIntervalHash)");
        }
    }
}
