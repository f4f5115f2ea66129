package energy.flexledger.client.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class BaselineExampleTest {
    @Test
    void theCommittedExampleChartIsWhatTheCodeRendersFromTheLoadData() throws Exception {
        if (Boolean.getBoolean("flexledger.writeExamples")) {
            BaselineExample.write();
        }
        assertThat(Files.exists(BaselineExample.file()))
                .as(BaselineExample.file() + " is missing; write it with -Dflexledger.writeExamples=true").isTrue();
        assertThat(Files.readString(BaselineExample.file(), StandardCharsets.UTF_8))
                .as("docs/images/baseline-example.svg is stale; rewrite it with -Dflexledger.writeExamples=true")
                .isEqualTo(BaselineExample.svg());
    }

    @Test
    void theExampleDeliversSomethingAndIsPaidForIt() {
        final BaselineExample.Figures f = BaselineExample.figures();
        assertThat(f.baseline()).hasSize(96);
        assertThat(f.settlement().deliveredMilliWh()).isPositive();
        assertThat(f.settlement().reward()).isPositive();
        assertThat(BaselineExample.svg()).contains(BaselineChart.kWh(f.settlement().deliveredMilliWh()) + " kWh");
    }
}
