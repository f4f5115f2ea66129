package energy.flexledger.client.cli;

import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.MemberProfile;
import java.io.IOException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Base for commands that talk to the ledger as the member chosen by the root options. */
abstract class Connected {
    @Spec
    CommandSpec spec;

    FlexLedgerCli root() {
        return (FlexLedgerCli) spec.root().userObject();
    }

    LedgerConnection connect() throws IOException {
        return LedgerConnection.open(MemberProfile.fromWork(root().work, root().org, root().who));
    }
}
