package energy.flexledger.chaincode.energy;

import energy.flexledger.chaincode.Caller;
import energy.flexledger.chaincode.Failures;
import energy.flexledger.chaincode.KeyPolicy;
import energy.flexledger.chaincode.MemberOrg;
import energy.flexledger.spec.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Who may read an asset's certified intervals (network-config/README.md, "Private data"). The
 * interval records and the chain head of an asset live in the private data collection of its owner
 * org, {@code meterData<Org>}, whose members are the owner, the DSO and the aggregator: the two
 * that compute baselines and settlements. The channel keeps only the hashes Fabric records for
 * private data. {@code network-config/collections-energy-grid.json} must list the same members;
 * a unit test checks that it does.
 */
final class Privacy {
    private Privacy() {}

    /** The collection that holds the interval data of assets owned by {@code ownerMsp}. */
    static String collectionOf(final String ownerMsp) {
        final MemberOrg owner = MemberOrg.ofMsp(ownerMsp)
                .orElseThrow(() -> new IllegalStateException("asset owner " + ownerMsp + " is not a member org"));
        final String name = owner.name().toLowerCase(Locale.ROOT);
        return "meterData" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /** The owner, then the DSO and the aggregator: the orgs whose peers hold the owner's interval data. */
    static List<String> readersOf(final String ownerMsp) {
        final List<String> readers = new ArrayList<>();
        readers.add(ownerMsp);
        for (final MemberOrg org : List.of(MemberOrg.DSO, MemberOrg.AGGREGATOR)) {
            if (!readers.contains(org.mspId())) {
                readers.add(org.mspId());
            }
        }
        return readers;
    }

    /**
     * The key-level policy of everything that certifies an owner's data (its assets, their chain
     * heads, interval segments and batches): a peer of the owner <em>and</em> a peer of one of the
     * other readers, whose interest is separate (the DSO settles against the data, the aggregator
     * is paid for it). So no single member, the owner included, can write or rewrite certified
     * history, even with altered chaincode; {@code collections-energy-grid.json} sets the same
     * policy as each collection's {@code endorsementPolicy} for keys not yet written.
     */
    static KeyPolicy endorsement(final String ownerMsp) {
        final List<String> others = new ArrayList<>(readersOf(ownerMsp));
        others.remove(ownerMsp);
        return KeyPolicy.all(KeyPolicy.peer(ownerMsp), KeyPolicy.anyPeerOf(others));
    }

    static boolean mayRead(final Caller caller, final String ownerMsp) {
        return readersOf(ownerMsp).contains(caller.mspId());
    }

    static void requireReader(final Caller caller, final String ownerMsp, final String assetId) {
        if (!mayRead(caller, ownerMsp)) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "the interval data of asset '" + assetId + "' is private to " + readersOf(ownerMsp)
                    + "; other members can check a page of records they were given against its hash (GetIntervalHash)");
        }
    }
}
