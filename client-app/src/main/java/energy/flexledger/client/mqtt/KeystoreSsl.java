package energy.flexledger.client.mqtt;

import io.moquette.broker.ISslContextCreator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;

/** The embedded broker's TLS: the certificate and key of a PKCS12 keystore, TLS 1.2 and 1.3 as the JDK offers them. */
final class KeystoreSsl implements ISslContextCreator {
    private final EmbeddedBroker.Tls tls;

    KeystoreSsl(final EmbeddedBroker.Tls tls) {
        this.tls = tls;
    }

    @Override
    public SslContext initSSLContext() {
        try (InputStream in = Files.newInputStream(tls.keystore())) {
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, tls.password().toCharArray());
            final KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, tls.password().toCharArray());
            return SslContextBuilder.forServer(keys).protocols("TLSv1.3", "TLSv1.2").build();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the MQTT TLS keystore " + tls.keystore() + ": " + e.getMessage(), e);
        }
    }
}
