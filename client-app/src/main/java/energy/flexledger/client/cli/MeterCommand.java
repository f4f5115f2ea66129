package energy.flexledger.client.cli;

import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.SaltStore;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Json;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "meter", description = "Register and show meters.", subcommands = {MeterCommand.Register.class, MeterCommand.Show.class})
final class MeterCommand {

    @Command(name = "register", description = "Register a meter owned by your org; its FP1 salt is created and kept off-chain.")
    static final class Register extends Connected implements Callable<Integer> {
        @Option(names = "--meter", required = true, description = "meter id (1..128 UTF-8 bytes)")
        String meterId;

        @Option(names = "--zone", required = true, description = "grid zone of the meter")
        String zone;

        @Override
        public Integer call() throws IOException, LedgerException {
            final SaltStore salts = root().salts();
            try (LedgerConnection ledger = connect()) {
                System.out.println(Json.write(salts.registerWith(meterId,
                        salt -> ledger.energy(root().channel).registerMeter(meterId, zone, Hex.encode(Fp1.saltCommitment(salt))))));
            }
            return 0;
        }
    }

    @Command(name = "show", description = "Show a meter and the head of its FP1 link chain.")
    static final class Show extends Connected implements Callable<Integer> {
        @Option(names = "--meter", required = true)
        String meterId;

        @Override
        public Integer call() throws IOException, LedgerException {
            try (LedgerConnection ledger = connect()) {
                System.out.println(Json.write(ledger.energy(root().channel).getMeter(meterId)));
            }
            return 0;
        }
    }
}
