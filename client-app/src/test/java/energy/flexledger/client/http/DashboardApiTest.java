package energy.flexledger.client.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.client.http.ApiHarness.Res;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hyperledger.fabric.protos.peer.ChaincodeEvent;
import org.hyperledger.fabric.protos.peer.FilteredBlock;
import org.hyperledger.fabric.protos.peer.FilteredChaincodeAction;
import org.hyperledger.fabric.protos.peer.FilteredTransaction;
import org.hyperledger.fabric.protos.peer.FilteredTransactionActions;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's routes and its live channel (decision 0023): the page and its files bundled and
 * served under a strict Content-Security-Policy, naming no other origin; {@code /v1/events} only
 * for EMS and BMS credentials, the latest notice first, then each published one, ended by the
 * gateway's stop, by {@code limit}, or by the credential's revocation; the block notices made from
 * the peer's filtered blocks.
 */
class DashboardApiTest {
    @TempDir
    Path dir;

    ApiHarness h;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        h = new ApiHarness(dir);
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    static Map<String, Object> notice(final long block, final String... chaincodes) {
        return Map.of("block", block, "channel", "grid", "transactions", 1L, "valid", 1L, "chaincodes", List.of((Object[]) chaincodes),
                "events", List.of());
    }

    /** Every status the document declares for the dashboard's routes (RestApiTest calls this too, for its coverage check). */
    static void everyStatus(final ApiHarness h) {
        final Res root = h.get(null, "/", "");
        assertThat(root.status()).isEqualTo(302);
        assertThat(root.headers().firstValue("Location")).hasValue("/dashboard");
        final Res page = h.get(null, "/dashboard", "");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(Dashboard.CSP);
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.text()).contains("<script src=\"/dashboard/dashboard.js\"", "id=\"meters\"");
        assertThat(h.get(null, "/dashboard/{file}", "", "dashboard.js").contentType()).startsWith("text/javascript");
        assertThat(h.get(null, "/dashboard/{file}", "", "dashboard.css").contentType()).startsWith("text/css");
        assertThat(h.get(null, "/dashboard/{file}", "", "index.html").text()).isEqualTo(page.text());
        assertThat(h.get(null, "/dashboard/{file}", "", "secrets.txt").code()).isEqualTo("NOT_FOUND");
        assertThat(h.get(null, "/dashboard/{file}", "", "..%2Fopenapi.json").status()).isEqualTo(404);

        assertThat(h.get(null, "/v1/events", "").status()).isEqualTo(401);
        assertThat(h.get("revoked", "/v1/events", "").status()).isEqualTo(401);
        assertThat(h.get("devA", "/v1/events", "").code()).isEqualTo("ACCESS_DENIED");
        assertThat(h.get("ems", "/v1/events", "limit=0").code()).isEqualTo("BAD_REQUEST");
        h.api.notices().publish(notice(41, "energy"));
        final Res stream = h.get("ems", "/v1/events", "limit=1");
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.contentType()).startsWith("text/event-stream");
        assertThat(stream.text()).contains("id: 41\nevent: block\ndata: {").contains("\"chaincodes\":[\"energy\"]");
        h.api.notices().close();
        assertThat(h.get("bms", "/v1/events", "").code()).isEqualTo("UNAVAILABLE");
    }

    @Test
    void theDashboardIsServedWithAStrictPolicyAndItsLiveChannelNeedsAMemberCredential() {
        everyStatus(h);
    }

    @Test
    void theBundledFilesNameNoOtherOriginAndRunNoInlineScript() {
        final String html = h.get(null, "/dashboard", "").text();
        final String js = h.get(null, "/dashboard/{file}", "", "dashboard.js").text();
        final String css = h.get(null, "/dashboard/{file}", "", "dashboard.css").text();
        // every src/href of the page is this gateway's own path (or the empty data: icon, so that no /favicon.ico is asked for)
        final Matcher refs = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(html);
        int n = 0;
        while (refs.find()) {
            assertThat(refs.group(1)).as("a reference of the page").matches("/[a-z./]*|data:,");
            n++;
        }
        assertThat(n).isGreaterThanOrEqualTo(2);
        assertThat(html).doesNotContain("<script>", "style=", "onclick=", "onload=");
        assertThat(css).doesNotContain("url(", "@import");
        // the script fetches only relative paths of this API; the one absolute URL is SVG's namespace name
        assertThat(js.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http://", "https://", "innerHTML", "eval(");
        assertThat(js).contains("'/v1/events'", "Authorization", "sessionStorage");
    }

    @Test
    void whoamiTellsTheDashboardTheMember() {
        assertThat(h.get("ems", "/v1/whoami", "").json().has("member")).isFalse();
        h.api.member("CommunityMSP");
        assertThat(h.get("ems", "/v1/whoami", "").json().path("member").asText()).isEqualTo("CommunityMSP");
    }

    @Test
    void aStreamGetsTheLatestNoticeFirstThenEachNewOneAndEndsWhenTheGatewayStops() throws Exception {
        h.api.notices().publish(notice(5, "dr"));
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.api.port() + "/v1/events"))
                .header("Authorization", "Bearer " + h.tokens.get("ems")).build();
        final HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        final Iterator<String> lines = response.body().iterator();
        assertThat(nextData(lines)).contains("\"block\":5");
        h.api.notices().publish(notice(6, "energy", "market"));
        assertThat(nextData(lines)).contains("\"block\":6", "\"chaincodes\":[\"energy\",\"market\"]");
        assertThat(h.api.notices().streams()).isEqualTo(1);
        // the gateway stops: the stream ends at once instead of holding the graceful stop for 20 s
        final CompletableFuture<Void> closed = CompletableFuture.runAsync(h.api::close);
        while (lines.hasNext()) {
            lines.next();
        }
        closed.get(30, TimeUnit.SECONDS);
        assertThat(h.api.notices().streams()).isZero();
    }

    private static String nextData(final Iterator<String> lines) {
        while (lines.hasNext()) {
            final String line = lines.next();
            if (line.startsWith("data: ")) {
                return line;
            }
        }
        throw new AssertionError("the stream ended without a data line");
    }

    @Test
    void aRevokedCredentialsStreamEndsAtTheNextHeartbeat() throws Exception {
        final LiveNotices notices = new LiveNotices(4, 1);
        final BlockingQueue<Map<String, Object>> q = notices.subscribe();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final boolean[] allowed = {true};
        final int[] checks = {0};
        final long sent = notices.stream(q, out, Long.MAX_VALUE, () -> {
            checks[0]++;
            if (checks[0] == 2) {
                notices.publish(notice(9, "energy"));
            }
            if (checks[0] >= 3) {
                allowed[0] = false;
            }
            return allowed[0];
        });
        assertThat(sent).isEqualTo(1);
        final String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("retry: 3000\n").contains(": keep-alive\n\n", "id: 9\nevent: block\n").endsWith("event: revoked\ndata: {}\n\n");
        assertThat(notices.streams()).isZero();
    }

    @Test
    void aRevokedCredentialsStreamEndsAlsoWhenTheChannelIsBusy() throws Exception {
        // notices waiting all the time: the credential is still checked once per heartbeat period (here: every time)
        final LiveNotices notices = new LiveNotices(4, 0);
        final BlockingQueue<Map<String, Object>> q = notices.subscribe();
        for (int i = 0; i < 200; i++) {
            notices.publish(notice(i));
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(notices.stream(q, out, 1000, () -> false)).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).endsWith("event: revoked\ndata: {}\n\n");
    }

    @Test
    void theChannelRefusesStreamsBeyondItsLimitAndDropsASubscriberThatFallsBehind() {
        final LiveNotices notices = new LiveNotices(2, 1000);
        final BlockingQueue<Map<String, Object>> slow = notices.subscribe();
        notices.subscribe();
        assertThatThrownBy(notices::subscribe).isInstanceOfSatisfying(Problem.class, p -> assertThat(p.code()).isEqualTo("UNAVAILABLE"));
        for (int i = 0; i <= LiveNotices.QUEUE; i++) {
            notices.publish(notice(i));
        }
        // both fell behind (nobody read): dropped, each queue holding only the end marker; room for new streams again
        assertThat(notices.streams()).isZero();
        assertThat(slow).hasSize(1);
        assertThat(notices.subscribe().peek()).containsEntry("block", (long) LiveNotices.QUEUE);
        notices.close();
        assertThatThrownBy(notices::subscribe).isInstanceOf(Problem.class);
    }

    @Test
    void oneCredentialCannotTakeEveryStreamAndAClosedStreamGivesItsPlaceBack() {
        final LiveNotices notices = new LiveNotices(10, 2, 1000);
        final BlockingQueue<Map<String, Object>> first = notices.subscribe("ems-1");
        notices.subscribe("ems-1");
        assertThatThrownBy(() -> notices.subscribe("ems-1")).isInstanceOfSatisfying(Problem.class,
                p -> assertThat(p.getMessage()).contains("ems-1").contains("2 live streams"));
        notices.subscribe("bms-1");     // another credential still gets one
        notices.unsubscribe(first);
        notices.unsubscribe(first);     // twice: counted once
        notices.subscribe("ems-1");
        assertThatThrownBy(() -> notices.subscribe("ems-1")).isInstanceOf(Problem.class);
        assertThat(notices.streams()).isEqualTo(3);
    }

    @Test
    void aNoticeNamesTheChaincodesOfTheValidTransactionsOnly() {
        final FilteredTransaction valid = FilteredTransaction.newBuilder().setTxid("t1").setTxValidationCode(TxValidationCode.VALID)
                .setTransactionActions(FilteredTransactionActions.newBuilder()
                        .addChaincodeActions(action("energy", "IntervalsRecorded"))
                        .addChaincodeActions(FilteredChaincodeAction.newBuilder()))   // a transaction without an event
                .build();
        final FilteredTransaction invalid = FilteredTransaction.newBuilder().setTxid("t2").setTxValidationCode(TxValidationCode.MVCC_READ_CONFLICT)
                .setTransactionActions(FilteredTransactionActions.newBuilder().addChaincodeActions(action("dr", "DrSettled"))).build();
        final FilteredTransaction market = FilteredTransaction.newBuilder().setTxid("t3").setTxValidationCode(TxValidationCode.VALID)
                .setTransactionActions(FilteredTransactionActions.newBuilder().addChaincodeActions(action("market", "Transfer"))).build();
        final FilteredBlock block = FilteredBlock.newBuilder().setChannelId("grid").setNumber(12).addFilteredTransactions(valid)
                .addFilteredTransactions(invalid).addFilteredTransactions(market).build();
        final Map<String, Object> n = BlockNotices.notice(block);
        assertThat(n).containsEntry("block", 12L).containsEntry("channel", "grid").containsEntry("transactions", 3L).containsEntry("valid", 2L)
                .containsEntry("chaincodes", List.of("energy", "market"))
                .containsEntry("events", List.of(Map.of("chaincode", "energy", "event", "IntervalsRecorded"),
                        Map.of("chaincode", "market", "event", "Transfer")));
        assertThat(LiveNotices.frame(n)).startsWith("id: 12\nevent: block\ndata: {\"block\":12,").endsWith("}\n\n").doesNotContain("t1");
    }

    private static FilteredChaincodeAction.Builder action(final String chaincode, final String event) {
        return FilteredChaincodeAction.newBuilder().setChaincodeEvent(ChaincodeEvent.newBuilder().setChaincodeId(chaincode).setEventName(event)
                .setTxId("t"));
    }
}
