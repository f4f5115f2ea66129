package energy.flexledger.chaincode.energy;

import energy.flexledger.chaincode.Caller;
import energy.flexledger.chaincode.Consortium;
import energy.flexledger.chaincode.Failures;
import energy.flexledger.chaincode.KeyPolicy;
import energy.flexledger.chaincode.MemberRole;
import energy.flexledger.spec.ErrorCode;
import java.util.ArrayList;
import java.util.List;

/**
 * Who may read an asset's certified intervals (network-config/README.md, "Private data"; decision
 * 0014), from the consortium on the ledger, never from MSP ids in code.
 *
 * <p>The interval records and the chain head of a metering asset live in the collection of its
 * <em>custody</em>: its owner and the DSO that operated the asset's zone when its chain started
 * (when it was registered), {@code meterData-<owner MSP>_<DSO MSP>}, or {@code meterData-<owner MSP>}
 * when no other member operated that zone (no DSO, or the owner itself). The asset records the
 * custody ({@code dataDso}, {@code dataCollection}), so every later read and write finds the same
 * collection, whatever governance or the owner later does to zones. The readers of a custody are
 * the owner, its DSO and every aggregator that represents the owner (every aggregator when none
 * does); a DSO of another zone is no member of the collection and gets {@code ACCESS_DENIED}.
 *
 * <p>The collections are generated from the same consortium by the same rule
 * ({@link Collections}, run by {@code scripts/network.sh}): one per owner and DSO, and one per
 * owner without a DSO; a unit test checks the generator's rule against this one. MSP ids are
 * letters, digits and '-' (governance admits no other), so '_' separates owner from DSO and no
 * two custodies share a name.
 */
final class Privacy {
    /** Collection names: this prefix, the owner's MSP id and, for a custody with a DSO, {@link #DSO_SEPARATOR} and the DSO's. */
    static final String COLLECTION_PREFIX = "meterData-";
    /** Never part of an MSP id (governance admits {@code [A-Za-z0-9][A-Za-z0-9-]*}), allowed in Fabric collection names. */
    static final String DSO_SEPARATOR = "_";

    private Privacy() {}

    /**
     * The DSO whose peers keep the data of an asset of {@code ownerMsp} whose chain starts in
     * {@code zone}: the member that operates the zone (governance gives a zone one DSO; should
     * several ever claim it, the first in MSP order), or null when none does or the owner itself
     * does (its own grid meters: no DSO with a separate interest).
     */
    static String custodianOf(final Consortium consortium, final String ownerMsp, final String zone) {
        final List<String> operators = consortium.operatorsOf(zone);
        if (operators.isEmpty() || operators.get(0).equals(ownerMsp)) {
            return null;
        }
        return operators.get(0);
    }

    /** The collection of the custody ({@code ownerMsp}, {@code dsoMsp}); {@code dsoMsp} null when the custody has no DSO. */
    static String collectionOf(final String ownerMsp, final String dsoMsp) {
        return dsoMsp == null ? COLLECTION_PREFIX + ownerMsp : COLLECTION_PREFIX + ownerMsp + DSO_SEPARATOR + dsoMsp;
    }

    /**
     * The owner, then the custody's DSO (if any), then the aggregators that represent the owner
     * (all aggregators when none does): the orgs whose peers hold the custody's data. The DSO is
     * the one recorded when the chain started, even if governance has since given its zones (or
     * its role) to another member: the data already lies on its peers.
     */
    static List<String> readersOf(final Consortium consortium, final String ownerMsp, final String dsoMsp) {
        final List<String> readers = new ArrayList<>();
        readers.add(ownerMsp);
        if (dsoMsp != null && !readers.contains(dsoMsp)) {
            readers.add(dsoMsp);
        }
        addAll(readers, aggregatorsFor(consortium, ownerMsp));
        return readers;
    }

    /** The readers of a metering asset's interval data. */
    static List<String> readersOf(final Consortium consortium, final Asset asset) {
        return readersOf(consortium, asset.ownerMsp(), asset.dataDso());
    }

    /**
     * The members that certify an owner's public records that belong to no custody (its batches,
     * its assets that certify no intervals): the owner, every DSO and the aggregators that
     * represent it (all when none does). Nothing private goes to them, so every DSO may check.
     */
    static List<String> certifiersOf(final Consortium consortium, final String ownerMsp) {
        final List<String> certifiers = new ArrayList<>();
        certifiers.add(ownerMsp);
        addAll(certifiers, consortium.withRole(MemberRole.DSO));
        addAll(certifiers, aggregatorsFor(consortium, ownerMsp));
        return certifiers;
    }

    /**
     * The key-level policy of everything that certifies a custody's data (its asset, the asset's
     * index entries, its chain head and interval segments): a peer of the owner <em>and</em> a
     * peer of one of the custody's other readers, whose interest is separate (the DSO settles
     * against the data, the aggregator is paid for it). So no single member, the owner included,
     * can write or rewrite certified history, even with altered chaincode; the generated
     * collection sets the same policy as its {@code endorsementPolicy} for keys not yet written.
     * A custody that no other member could check (no DSO, no aggregator at all) certifies nothing:
     * {@code INVALID_STATE}.
     */
    static KeyPolicy endorsement(final Consortium consortium, final String ownerMsp, final String dsoMsp) {
        return ownerAndOneOf(ownerMsp, readersOf(consortium, ownerMsp, dsoMsp));
    }

    /** The policy of an asset's keys: its custody's when it certifies intervals, else its owner's certifiers'. */
    static KeyPolicy endorsement(final Consortium consortium, final Asset asset) {
        return asset.metering() ? endorsement(consortium, asset.ownerMsp(), asset.dataDso()) : ownerEndorsement(consortium, asset.ownerMsp());
    }

    /** The policy of an owner's certified public records outside any custody (batches, assets without intervals). */
    static KeyPolicy ownerEndorsement(final Consortium consortium, final String ownerMsp) {
        return ownerAndOneOf(ownerMsp, certifiersOf(consortium, ownerMsp));
    }

    static boolean mayRead(final Caller caller, final Asset asset) {
        return readersOf(caller.consortium(), asset).contains(caller.mspId());
    }

    static void requireReader(final Caller caller, final Asset asset) {
        if (!mayRead(caller, asset)) {
            throw Failures.fail(ErrorCode.ACCESS_DENIED, "the interval data of asset '" + asset.assetId() + "' is private to "
                    + readersOf(caller.consortium(), asset) + " (collection " + asset.dataCollection()
                    + "); other members can check a segment of records they were given against its hash (GetIntervalHash)");
        }
    }

    private static KeyPolicy ownerAndOneOf(final String ownerMsp, final List<String> readers) {
        final List<String> others = new ArrayList<>(readers);
        others.remove(ownerMsp);
        if (others.isEmpty()) {
            throw Failures.fail(ErrorCode.INVALID_STATE, "no member besides " + ownerMsp + " could endorse its certified data: no DSO operates "
                    + "the zone (or the owner does) and no aggregator represents " + ownerMsp + " (governance grants these roles and zones)");
        }
        return KeyPolicy.all(KeyPolicy.peer(ownerMsp), KeyPolicy.anyPeerOf(others));
    }

    private static List<String> aggregatorsFor(final Consortium consortium, final String ownerMsp) {
        // An owner that no aggregator represents (a DSO's own grid meters, say) is checked by every
        // aggregator: someone with a separate interest must be able to endorse its certified data.
        final List<String> representatives = consortium.representativesOf(ownerMsp);
        return representatives.isEmpty() ? consortium.withRole(MemberRole.AGGREGATOR) : representatives;
    }

    private static void addAll(final List<String> into, final List<String> orgs) {
        for (final String org : orgs) {
            if (!into.contains(org)) {
                into.add(org);
            }
        }
    }
}
