package energy.flexledger.client.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST API over HTTPS: a PKCS12 keystore made at test time with the JDK's keytool (in a temp
 * folder, never committed), a client that trusts only its certificate.
 */
class RestApiTlsTest {
    private static final String PASSWORD = "test-only-" + Long.toString(System.nanoTime(), 36);

    @TempDir
    Path dir;

    @Test
    void servesHttpsWithTheKeystoreCertificateAndNotPlainHttp() throws Exception {
        final Path keystore = dir.resolve("gateway.p12");
        final Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "gateway", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        final String out = new String(keytool.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(out).isZero();

        // The client trusts the gateway's certificate only.
        final KeyStore server = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            server.load(in, PASSWORD.toCharArray());
        }
        final KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("gateway", server.getCertificate("gateway"));
        final TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        final SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);

        try (ApiHarness h = new ApiHarness(dir, RestApi.DEFAULT_MAX_BODY_BYTES, new RestApi.Tls(keystore, PASSWORD))) {
            final HttpClient https = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
            final HttpResponse<String> health = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + h.api.port() + "/health"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.sslSession()).isPresent();
            final HttpResponse<String> whoami = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + h.api.port() + "/v1/whoami"))
                    .header("Authorization", "Bearer " + h.tokens.get("ems")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(whoami.statusCode()).isEqualTo(200);
            assertThat(whoami.body()).contains("\"ems-1\"");

            // The same port does not answer plain HTTP (a token sent that way is never served).
            final HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            final HttpRequest clear = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.api.port() + "/health"))
                    .timeout(Duration.ofSeconds(30)).build();
            boolean served;
            try {
                served = plain.send(clear, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (java.io.IOException refused) {
                served = false;
            }
            assertThat(served).as("plain HTTP on the HTTPS port").isFalse();
        }
        assertThatThrownBy(() -> new RestApi.Tls(keystore, null)).isInstanceOf(NullPointerException.class);
        assertThat(new RestApi.Tls(keystore, PASSWORD).toString()).doesNotContain(PASSWORD);
    }
}
