package energy.flexledger.client;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * Who a member's client app is and where its gateway peer is: one properties file per identity
 * ({@code scripts/network.sh up} writes them to {@code <work>/clients/<org>-user.properties}).
 *
 * @param org          short org name, for example {@code community}
 * @param mspId        the MSP the identity belongs to
 * @param peerEndpoint host:port of the org's own peer, whose Gateway service the app uses
 * @param peerHostAlias the TLS host name in the peer's certificate
 * @param tlsCaCert    PEM file of the CA that signed the peer's TLS certificate
 * @param certFile     PEM file of the identity's signing certificate
 * @param keyFile      PEM (PKCS#8) file of the identity's private key
 * @param channels     channels the org belongs to
 */
public record MemberProfile(
        String org,
        String mspId,
        String peerEndpoint,
        String peerHostAlias,
        Path tlsCaCert,
        Path certFile,
        Path keyFile,
        List<String> channels) {

    public static MemberProfile load(final Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no member profile at " + file + " (scripts/network.sh up writes them to <work>/clients/)");
        }
        final Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return new MemberProfile(
                required(p, "org", file),
                required(p, "mspId", file),
                required(p, "peerEndpoint", file),
                p.getProperty("peerHostAlias", ""),
                Path.of(required(p, "tlsCaCert", file)),
                Path.of(required(p, "certFile", file)),
                Path.of(required(p, "keyFile", file)),
                List.of(p.getProperty("channels", "grid").split(",")));
    }

    /** The profile of {@code org}'s user (or admin) in a network work folder. */
    public static MemberProfile fromWork(final Path work, final String org, final String who) throws IOException {
        final Path clients = work.resolve("clients");
        final Path file = clients.resolve(org + "-" + who + ".properties");
        if (!Files.isRegularFile(file) && Files.isDirectory(clients)) {
            try (var names = Files.list(clients)) {
                final List<String> known = names.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".properties")).map(n -> n.substring(0, n.length() - ".properties".length()))
                        .sorted().toList();
                throw new IOException("no member profile '" + org + "-" + who + "' in " + clients + "; known: " + known
                        + " (choose with --org ORG --as user|admin)");
            }
        }
        return load(file);
    }

    private static String required(final Properties p, final String key, final Path file) throws IOException {
        final String value = p.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IOException("member profile " + file + " has no '" + key + "'");
        }
        return value.trim();
    }
}
