package energy.flexledger.chaincode;

import energy.flexledger.spec.Canonical;
import java.util.Arrays;
import java.util.List;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * A member org of the consortium as governance recorded it: its MSP, its roles, the grid zones it
 * operates (a DSO's) and the orgs it represents (an aggregator's), each list sorted and without
 * duplicates so that equal memberships have equal bytes.
 */
@DataType
public record Member(
        @Property(schema = {"pattern", "^[A-Za-z0-9][A-Za-z0-9-]{0,63}$"}) String mspId,
        @Property String[] roles,
        @Property String[] zones,
        @Property String[] represents,
        @Property long admittedAt,
        @Property String admittedTx,
        @Property long updatedAt,
        @Property String updatedTx) {

    public Member {
        roles = Canonical.copyOf(roles, "roles");
        zones = Canonical.copyOf(zones, "zones");
        represents = Canonical.copyOf(represents, "represents");
    }

    @Override
    public String[] roles() {
        return roles.clone();
    }

    @Override
    public String[] zones() {
        return zones.clone();
    }

    @Override
    public String[] represents() {
        return represents.clone();
    }

    public boolean has(final MemberRole role) {
        return Arrays.asList(roles).contains(role.name());
    }

    public boolean operates(final String zone) {
        return Arrays.asList(zones).contains(zone);
    }

    public boolean representsOrg(final String mspId) {
        return Arrays.asList(represents).contains(mspId);
    }

    public List<String> roleList() {
        return List.of(roles);
    }
}
