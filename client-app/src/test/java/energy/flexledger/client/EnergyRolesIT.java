package energy.flexledger.client;

import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * chaincode-energy's role table on the real network for the founding members, over roles
 * ({@link EnergyRoleMatrix}): the owner is the consortium's COMMUNITY member, the aggregator the
 * AGGREGATOR that represents it, the outsider a CPO that reads none of the owner's data, each read
 * from the consortium on the ledger. {@code AddOrgIT} runs the same matrix for an aggregator added
 * to the running network.
 */
@Tag("integration")
class EnergyRolesIT {
    private static EnergyRoleMatrix matrix;

    @BeforeAll
    static void setUp() throws IOException, LedgerException {
        final EnergyRoleMatrix.Roles roles;
        try (LedgerConnection any = LedgerConnection.open(MemberProfile.fromWork(EnergyRoleMatrix.work(), "dso", "user"))) {
            roles = EnergyRoleMatrix.resolve(any, EnergyRoleMatrix.work(), null);
        }
        matrix = new EnergyRoleMatrix(EnergyRoleMatrix.work(), roles);
    }

    @AfterAll
    static void close() {
        if (matrix != null) {
            matrix.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> roleTable() {
        return matrix.rows();
    }
}
