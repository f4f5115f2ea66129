package energy.flexledger.chaincode;

import energy.flexledger.spec.Canonical;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/**
 * The consortium as the ledger records it (the {@code consortium} chaincode, key
 * {@code consortium}): its members in MSP order, and the transaction that last changed it.
 * Every chaincode reads roles from here, never from MSP ids written into code.
 */
@DataType
public record Consortium(@Property Member[] members, @Property long version, @Property long updatedAt, @Property String updatedTx) {
    public static final Consortium EMPTY = new Consortium(new Member[0], 0, 0, "");

    public Consortium {
        members = Canonical.copyOf(members, "members");
    }

    @Override
    public Member[] members() {
        return members.clone();
    }

    public Optional<Member> member(final String mspId) {
        for (final Member m : members) {
            if (m.mspId().equals(mspId)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    public boolean isMember(final String mspId) {
        return member(mspId).isPresent();
    }

    /** The MSP ids of the members holding {@code role}, in MSP order. */
    public List<String> withRole(final MemberRole role) {
        final List<String> out = new ArrayList<>();
        for (final Member m : members) {
            if (m.has(role)) {
                out.add(m.mspId());
            }
        }
        return out;
    }

    /** The aggregators that represent {@code mspId}, in MSP order. */
    public List<String> representativesOf(final String mspId) {
        final List<String> out = new ArrayList<>();
        for (final Member m : members) {
            if (m.has(MemberRole.AGGREGATOR) && m.representsOrg(mspId)) {
                out.add(m.mspId());
            }
        }
        return out;
    }

    /** The DSOs that operate {@code zone}, in MSP order. */
    public List<String> operatorsOf(final String zone) {
        final List<String> out = new ArrayList<>();
        for (final Member m : members) {
            if (m.has(MemberRole.DSO) && m.operates(zone)) {
                out.add(m.mspId());
            }
        }
        return out;
    }
}
