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

    /** {@code v}, or a usage error (exit 2) saying that {@code option} is needed for {@code action}. */
    <T> T required(final T v, final String option, final String action) {
        if (v == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), option + " is required for '" + action + "'");
        }
        return v;
    }

    LedgerConnection connect() throws IOException {
        return LedgerConnection.open(MemberProfile.fromWork(root().work, root().org, root().who));
    }
}
