package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.spec.ErrorCode;
import org.junit.jupiter.api.Test;

class LedgerExceptionTest {
    @Test
    void findsTheChaincodeCodeInsideGatewayWrapping() {
        final String text = "10 ABORTED: failed to endorse transaction, see attached details for more info"
                + " | CommunityMSP@127.0.0.1:17120: chaincode response 500, ACCESS_DENIED: AggregatorMSP may not record intervals";
        assertThat(LedgerException.findCode(text)).contains(ErrorCode.ACCESS_DENIED);
        assertThat(LedgerException.chaincodeMessage(text, ErrorCode.ACCESS_DENIED))
                .isEqualTo("ACCESS_DENIED: AggregatorMSP may not record intervals");
        assertThat(LedgerException.chaincodeMessage("x: chaincode response 500, NOT_FOUND: gone | CommunityMSP@p: chaincode response 500,"
                + " NOT_FOUND: gone", ErrorCode.NOT_FOUND)).isEqualTo("NOT_FOUND: gone");
    }

    @Test
    void gatewayStatusWordsAreNotMistakenForCodes() {
        assertThat(LedgerException.findCode("14 UNAVAILABLE: io exception")).isEmpty();
        assertThat(LedgerException.findCode("5 NOT_FOUND: no such channel | x: ALREADY_EXISTS: y")).isEmpty();
        assertThat(LedgerException.findCode("2 UNKNOWN: evaluate call to endorser returned error: chaincode response 500, NOT_FOUND: meter"))
                .contains(ErrorCode.NOT_FOUND);
        assertThat(LedgerException.findCode(null)).isEmpty();
    }
}
