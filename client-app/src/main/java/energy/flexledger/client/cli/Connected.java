package energy.flexledger.client.cli;

import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.MemberProfile;
import java.io.IOException;
import picocli.CommandLine.ParentCommand;

/** Base for commands that talk to the ledger as the selected member. */
abstract class Connected {
    abstract FlexLedgerCli root();

    LedgerConnection connect() throws IOException {
        return connect(root().org);
    }

    LedgerConnection connect(final String org) throws IOException {
        return LedgerConnection.open(MemberProfile.fromWork(root().work, org, root().who));
    }

    /** Subcommands of a command group reach the root options through their parent. */
    abstract static class Group {
        @ParentCommand
        FlexLedgerCli root;
    }
}
