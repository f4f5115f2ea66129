package energy.flexledger.client.cli;

import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code flexledger spec fp1 < input.json}: the specs as pure functions, no network. */
@Command(name = "spec", description = "Run a spec function on a vector's input (stdin) and print its output: fp1.")
final class SpecCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "spec name: ${COMPLETION-CANDIDATES}",
            completionCandidates = SpecNames.class)
    String name;

    @Override
    public Integer call() throws IOException {
        final String input = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        System.out.println(Json.write(SpecCommands.run(name, Json.parse(input))));
        return 0;
    }

    static final class SpecNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return SpecCommands.names().iterator();
        }
    }
}
