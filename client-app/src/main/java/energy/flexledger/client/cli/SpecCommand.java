package energy.flexledger.client.cli;

import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flexledger spec NAME < input.json}: the specs as pure functions, no network. The input has
 * the shape of a vector's {@code input} member, the output that of its {@code expected} member.
 */
@Command(name = "spec", description = {
    "Run a spec function on a vector's input (standard input) and print its output as JSON.",
    "fp1 fingerprints and links intervals, bl1 computes a baseline, st1 settles an event, mk1 clears a flexibility request,",
    "da1 clears a double auction, fp1-verify audits raw samples against certified records.",
    "A spec error prints {\"error\":\"CODE\"} and exits 3; malformed input names the member and exits 2."})
final class SpecCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "spec name: ${COMPLETION-CANDIDATES}",
            completionCandidates = SpecNames.class)
    String name;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws IOException {
        if (!SpecCommands.names().contains(name)) {
            // A usage error (exit 2), found before reading standard input.
            throw new ParameterException(command.commandLine(), "unknown spec '" + name + "'; known: " + String.join(", ", SpecCommands.names()));
        }
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
