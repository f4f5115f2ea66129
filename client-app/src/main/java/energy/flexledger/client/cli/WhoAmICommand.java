package energy.flexledger.client.cli;

import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.spec.Json;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "whoami", description = "Show your MSP, role and identity id as the chaincode sees them (the id binds devices and gateways).")
final class WhoAmICommand extends Connected implements Callable<Integer> {
    @Override
    public Integer call() throws IOException, LedgerException {
        try (LedgerConnection ledger = connect()) {
            System.out.println(Json.write(ledger.energy(root().channel).whoAmI()));
        }
        return 0;
    }
}
