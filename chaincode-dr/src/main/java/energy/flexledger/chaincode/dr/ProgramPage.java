package energy.flexledger.chaincode.dr;

import energy.flexledger.spec.Canonical;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;

/** One page of programs; {@code bookmark} asks for the next (empty: this was the last). */
@DataType
public record ProgramPage(@Property Program[] programs, @Property String bookmark) {
    public ProgramPage {
        programs = Canonical.copyOf(programs, "programs");
    }

    @Override
    public Program[] programs() {
        return programs.clone();
    }
}
