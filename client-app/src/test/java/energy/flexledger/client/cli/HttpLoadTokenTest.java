package energy.flexledger.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** http-load's token: --token, else FLEXLEDGER_HTTP_TOKEN (kept out of 'ps'), else the older FLEXLEDGER_TOKEN. */
class HttpLoadTokenTest {
    @Test
    void theTokenComesFromTheOptionElseTheEnvironment() {
        final Map<String, String> both = Map.of("FLEXLEDGER_HTTP_TOKEN", "flx_http", "FLEXLEDGER_TOKEN", "flx_old");
        assertThat(HttpLoadCommand.token("flx_arg", both::get)).isEqualTo("flx_arg");
        assertThat(HttpLoadCommand.token(null, both::get)).isEqualTo("flx_http");
        assertThat(HttpLoadCommand.token(null, Map.of("FLEXLEDGER_TOKEN", "flx_old")::get)).isEqualTo("flx_old");
        assertThat(HttpLoadCommand.token(null, Map.of("FLEXLEDGER_HTTP_TOKEN", " ", "FLEXLEDGER_TOKEN", "flx_old")::get)).isEqualTo("flx_old");
        assertThat(HttpLoadCommand.token(null, Map.<String, String>of()::get)).isNull();
    }
}
