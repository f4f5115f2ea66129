package energy.flexledger.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The main command's scenario ({@code flexledger demo}, what {@code scripts/demo.sh} runs) against the
 * real network, end to end: a meter certified and audited, then the loop on three weeks of data —
 * households and two OCPP charging stations certified through the member stores, a DR event whose
 * charging profiles the CPO's central system sends, checks and clears, settlement of every called
 * asset by chaincode-dr, and a flexibility request cleared and paid with a consistent token ledger.
 * The scenario throws on any refusal; this test checks that what it prints is what happened.
 */
@Tag("integration")
class DemoIT {

    @Test
    void theMainScenarioClosesTheLoopForHouseholdsAndChargingStations() {
        final InProcessCli.Run run = InProcessCli.run("demo");
        final String out = run.out();
        assertThat(run.code()).as("flexledger demo exit code; output:%n%s", out).isZero();

        // The stations' profiles: sent over the event's window, accepted, in the composite schedule, cleared at its end.
        assertThat(all(out, "sends (\\S+-cs-\\d) a ChargePointMaxProfile of 3680 W for 18:00-20:00 \\(stack level 1\\): Accepted;"
                + " GetCompositeSchedule: Accepted, limit 3680 W")).hasSize(2);
        assertThat(all(out, "clears (\\S+-cs-\\d)'s profile \\d+: cleared")).hasSize(2);
        // Their data of the event day, audited against the CPO's member store; their sessions ran longer under the limit.
        assertThat(all(out, "FP1 audit of (\\S+-cs-\\d-C1) on 2026-04-09 against the CPO's member store: 96 intervals, 96 samples, all match"))
                .hasSize(2);
        final Matcher ends = Pattern.compile("-cs-\\d-C1 +plugged in at 17:[0-9]{2}, [0-9.]+ kWh until ([0-9:]{5}) \\(held to 3680 W from 18:00"
                + " to 20:00 by the profile, so it charged longer than its ([0-9:]{5})\\)").matcher(out);
        int limited = 0;
        while (ends.find()) {
            limited++;
            assertThat(ends.group(1)).as("the limited car leaves after it would have without the limit").isGreaterThan(ends.group(2));
        }
        assertThat(limited).isEqualTo(2);
        // Each connector settled from its certified data: it delivered what the limit took away, rewarded, not penalised.
        final List<String> delivered = all(out, "-cs-\\d-C1 +baseline days \\[[^]]+\\]; delivered ([0-9.]+) kWh of 6\\.000 committed"
                + " \\(\\d+ bp\\): reward [1-9]\\d*, penalty 0");
        assertThat(delivered).hasSize(2);
        delivered.forEach(kWh -> assertThat(Double.parseDouble(kWh)).isGreaterThan(4.0));
        // The households and the market, as before.
        assertThat(all(out, "-hh-\\d +baseline days")).hasSize(2);
        assertThat(out).contains("the whole token ledger: minted").contains(": consistent").doesNotContain("INCONSISTENT");
    }

    /** The first group of every match of {@code regex} (or the whole match when it has no group). */
    private static List<String> all(final String text, final String regex) {
        final List<String> found = new ArrayList<>();
        final Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            found.add(m.groupCount() > 0 ? m.group(1) : m.group());
        }
        return found;
    }
}
