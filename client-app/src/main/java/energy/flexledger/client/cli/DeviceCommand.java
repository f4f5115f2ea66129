package energy.flexledger.client.cli;

import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flexledger device}: the member's device identities at its own Fabric CA
 * (docs/decisions/0012-fabric-ca.md). The sequences are {@code scripts/network.sh}'s, run as a
 * process in the work folder's network: {@code enroll} (ca.sh's {@code ca_device}), {@code
 * revoke-device} ({@code cmd_revoke}: the CA revokes, the CRL goes into the org's MSP of every
 * channel the org is in) and {@code devices}. This class adds the identity id (as chaincode reads
 * it) and maps the script's exit codes: 2 bad input, 3 the device exists, 4 no such device.
 */
@Command(name = "device", description = "Enrol and revoke the member's device identities at its own Fabric CA. "
        + "enroll registers and enrols a device (a client identity, with flexledger.asset=<asset id> in its certificate when "
        + "--asset is given) at the org's CA, writes its MSP folder and the client profile <work>/clients/<org>-<device>.properties, "
        + "so --as <device> acts as it; it prints the identity id (what asset register --device takes), the certificate's serial "
        + "and the paths. revoke revokes every certificate of the device at the CA, refreshes the CRL and puts it into the org's MSP "
        + "in every channel the org is in (a config update signed by the org's Admin); from then on every peer refuses the device. "
        + "It prints the revoked serials and each channel's config block. list shows the devices enrolled with enroll. "
        + "Needs the network's work folder (--work) with the org's CA running, jq and openssl.",
        footer = {"", "Examples:",
            "  flexledger --org community device enroll --device meter-17 --asset MTR-17",
            "  flexledger --org community --as meter-17 whoami",
            "  flexledger --org community device revoke --device meter-17",
            "  flexledger device revoke --device meter-18 --reason superseded",
            "  flexledger --org community device list",
            "", "Exit codes: 0 done; 2 bad input (nothing changed); 3 {\"error\":\"ALREADY_EXISTS\"} (enroll: the name is taken, "
                + "also by a revoked device) or {\"error\":\"NOT_FOUND\"} (revoke: no such device); 4 anything else."})
final class DeviceCommand extends Connected implements Callable<Integer> {
    @Parameters(index = "0", description = "enroll, revoke or list")
    String action;

    @Option(names = "--device", description = "the device's name: 1 to 63 letters, digits, '-' or '_' (enrolment id <device>@<org domain>)")
    String device;

    @Option(names = "--asset", description = "enroll: the asset id written into the certificate (attribute flexledger.asset)")
    String asset;

    @Option(names = "--reason", defaultValue = "keycompromise",
            description = "revoke: the CRL reason: keycompromise (default), superseded, cessationofoperation, privilegewithdrawn, "
                    + "affiliationchange, cacompromise, certificatehold, aacompromise or unspecified")
    String reason;

    @Option(names = "--timeout", defaultValue = "300", description = "seconds to wait for network.sh (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Override
    public Integer call() throws IOException, InterruptedException {
        final PrintWriter err = spec.commandLine().getErr();
        final String org = root().org;
        final Script.Result r = switch (action) {
            case "enroll" -> asset == null
                    ? script("enroll", org, required(device, "--device", action))
                    : script("enroll", org, required(device, "--device", action), asset);
            case "revoke" -> script("revoke-device", org, required(device, "--device", action), reason);
            case "list" -> script("devices", org);
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "unknown action '" + action + "': enroll, revoke or list");
        };
        switch (r.code()) {
            case 0 -> {
                final Object json = Json.parse(r.out());
                if (json instanceof Map<?, ?> m) {
                    System.out.println(Json.write(withIdentityId(m)));
                } else {
                    final List<Object> list = new ArrayList<>();
                    for (final Object o : (List<?>) json) {
                        list.add(withIdentityId((Map<?, ?>) o));
                    }
                    System.out.println(Json.write(list));
                }
                return 0;
            }
            case 2 -> {
                err.println("flexledger: " + r.error());
                err.flush();
                return CommandLine.ExitCode.USAGE;
            }
            case 3, 4 -> {
                final ErrorCode code = r.code() == 3 ? ErrorCode.ALREADY_EXISTS : ErrorCode.NOT_FOUND;
                System.out.println(Json.write(Map.of("error", code.name())));
                err.println("flexledger: " + r.error());
                err.flush();
                return FlexLedgerCli.EXIT_CODE_ERROR;
            }
            default -> throw new IOException("device " + action + " failed (scripts/network.sh exit " + r.code() + "): " + r.error());
        }
    }

    /** The device's JSON with {@code identityId} next to its paths: x509::subject::issuer, as chaincode's ClientIdentity makes it. */
    private static Map<String, Object> withIdentityId(final Map<?, ?> device) throws IOException {
        final Map<String, Object> out = new LinkedHashMap<>();
        for (final Map.Entry<?, ?> e : device.entrySet()) {
            out.put(String.valueOf(e.getKey()), e.getValue());
            if ("enrollmentId".equals(e.getKey()) && device.get("certFile") instanceof String cert) {
                out.put("identityId", identityId(Path.of(cert)));
            }
        }
        return out;
    }

    @SuppressWarnings("deprecation") // getSubjectDN/getIssuerDN: exactly what Fabric's ClientIdentity.getId() uses
    static String identityId(final Path certFile) throws IOException {
        try (InputStream in = Files.newInputStream(certFile)) {
            final X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return "x509::" + cert.getSubjectDN().getName() + "::" + cert.getIssuerDN().getName();
        } catch (CertificateException e) {
            throw new IOException("not an X.509 certificate: " + certFile, e);
        }
    }

    private Script.Result script(final String... args) throws IOException, InterruptedException {
        return Script.run(root().work, timeoutSeconds, args);
    }

    /** scripts/network.sh run for one work folder: its stdout captured, its stderr passed on but for its ERROR line, which is kept. */
    static final class Script {
        record Result(int code, String out, String error) {
        }

        /**
         * The repository the CLI runs from: the system property {@code flexledger.root}, else
         * {@code FLEXLEDGER_ROOT} (scripts/flexledger sets it), else three folders above
         * client-app/target/flexledger.jar (or target/classes).
         */
        static Path repoRoot() throws IOException {
            final List<Path> tried = new ArrayList<>();
            final String prop = System.getProperty("flexledger.root");
            final String env = System.getenv("FLEXLEDGER_ROOT");
            if (prop != null && !prop.isBlank()) {
                tried.add(Path.of(prop));
            }
            if (env != null && !env.isBlank()) {
                tried.add(Path.of(env));
            }
            try {
                final Path code = Path.of(DeviceCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (code.getParent() != null && code.getParent().getParent() != null && code.getParent().getParent().getParent() != null) {
                    tried.add(code.getParent().getParent().getParent());
                }
            } catch (URISyntaxException | SecurityException | NullPointerException e) {
                // no code location: only the explicit settings count
            }
            for (final Path p : tried) {
                if (Files.isExecutable(p.resolve("scripts/network.sh"))) {
                    return p.toAbsolutePath().normalize();
                }
            }
            throw new IOException("cannot find scripts/network.sh (looked in " + tried + "): set FLEXLEDGER_ROOT to the FlexLedger repository");
        }

        static Result run(final Path work, final long timeoutSeconds, final String... args) throws IOException, InterruptedException {
            final Path root = repoRoot();
            final List<String> command = new ArrayList<>();
            command.add(root.resolve("scripts/network.sh").toString());
            command.addAll(List.of(args));
            final ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile());
            final Path absWork = work.toAbsolutePath().normalize();
            pb.environment().put("FLEXLEDGER_WORK", absWork.toString());
            pb.environment().remove("FLEXLEDGER_ROOT"); // network.sh finds its own (physical) root
            // The ports are baked into the network's channels: the work folder records its base port.
            final Path basePort = absWork.resolve("base-port");
            if (Files.isRegularFile(basePort)) {
                pb.environment().put("FLEXLEDGER_BASE_PORT", Files.readString(basePort).trim());
            }
            final Process p = pb.start();
            p.getOutputStream().close();
            final AtomicReference<String> lastError = new AtomicReference<>("");
            final Thread errors = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        final int at = line.indexOf("ERROR: ");
                        if (at >= 0) {
                            lastError.set(line.substring(at + "ERROR: ".length())); // the command prints it once
                        } else {
                            System.err.println(line);
                        }
                    }
                } catch (IOException e) {
                    lastError.compareAndSet("", "could not read network.sh's messages: " + e.getMessage());
                }
            }, "network.sh-stderr");
            errors.setDaemon(true);
            errors.start();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroy();
                throw new IOException("scripts/network.sh " + String.join(" ", args) + " did not finish within " + timeoutSeconds + " s");
            }
            errors.join(5_000);
            final String error = lastError.get().isEmpty() ? "see the messages above" : lastError.get();
            return new Result(p.exitValue(), out.trim(), error);
        }
    }
}
