package energy.flexledger.client;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL cluster of its own for a test, from the machine's PostgreSQL server binaries
 * (Debian's {@code postgresql} package: {@code /usr/lib/postgresql/<major>/bin}, or
 * {@code $FLEXLEDGER_PG_BIN}): {@code initdb} in {@code folder}, {@code pg_ctl start} on a free port
 * of 127.0.0.1 with its socket in the folder, one database. {@link #close} stops exactly this
 * cluster (its data folder, the PID it recorded) and deletes the folder.
 *
 * <p>PostgreSQL refuses to run as root: as root, every command runs as the {@code postgres} user
 * ({@code $FLEXLEDGER_PG_OS_USER}) through {@code runuser}, and the folder is given to that user.
 */
public final class ThrowawayPostgres implements AutoCloseable {
    static final String DB_USER = "flexledger";
    static final String DATABASE = "replica";

    private final Path folder;
    private final Path bin;
    private final List<String> asUser;
    private final int port;
    private final long pid;

    private ThrowawayPostgres(final Path folder, final Path bin, final List<String> asUser, final int port, final long pid) {
        this.folder = folder;
        this.bin = bin;
        this.asUser = asUser;
        this.port = port;
        this.pid = pid;
    }

    static Path binaries() throws IOException {
        final String env = System.getenv("FLEXLEDGER_PG_BIN");
        if (env != null) {
            return Path.of(env);
        }
        final Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (Stream<Path> versions = Files.list(base)) {
                final Optional<Path> newest = versions.filter(p -> Files.isExecutable(p.resolve("bin/initdb")))
                        .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().replaceAll("\\D", "0"))));
                if (newest.isPresent()) {
                    return newest.get().resolve("bin");
                }
            }
        }
        throw new IOException("no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin: install Debian's postgresql-NN"
                + " package (scripts/test.sh does, without a main cluster; or apt-get install postgresql-NN) or set FLEXLEDGER_PG_BIN");
    }

    public static ThrowawayPostgres start(final Path folder) throws IOException, InterruptedException {
        final Path bin = binaries();
        stopLeftover(folder, bin, "root".equals(System.getProperty("user.name"))
                ? List.of("runuser", "-u", System.getenv().getOrDefault("FLEXLEDGER_PG_OS_USER", "postgres"), "--") : List.of());
        deleteTree(folder);
        Files.createDirectories(folder.resolve("sock"));
        final List<String> asUser = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            final String osUser = System.getenv().getOrDefault("FLEXLEDGER_PG_OS_USER", "postgres");
            final UserPrincipal owner = folder.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(osUser);
            Files.setOwner(folder, owner);
            Files.setOwner(folder.resolve("sock"), owner);
            asUser.addAll(List.of("runuser", "-u", osUser, "--"));
        }
        final int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        final ThrowawayPostgres pg = new ThrowawayPostgres(folder, bin, asUser, port, -1);
        pg.run("initdb", "-D", folder.resolve("data").toString(), "-U", DB_USER, "--auth=trust", "-E", "UTF8", "--no-locale");
        pg.run("pg_ctl", "-D", folder.resolve("data").toString(), "-l", folder.resolve("postgres.log").toString(), "-w", "-t", "60",
                "-o", "-p " + port + " -k " + folder.resolve("sock") + " -c listen_addresses=127.0.0.1", "start");
        final long pid = Long.parseLong(Files.readAllLines(folder.resolve("data/postmaster.pid"), StandardCharsets.UTF_8).get(0).trim());
        final ThrowawayPostgres started = new ThrowawayPostgres(folder, bin, asUser, port, pid);
        try {
            started.run("createdb", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", DB_USER, DATABASE);
        } catch (IOException e) {
            started.close();
            throw e;
        }
        return started;
    }

    /**
     * Stops the cluster an earlier, interrupted run left in {@code folder}, if one still runs there,
     * before its files are deleted; true when it stopped one. A stale {@code postmaster.pid} (the
     * machine rebooted, the postmaster was killed) is not a reason to signal anything: when
     * {@code pg_ctl status} says no server runs, or the PID it names is now an unrelated process (its
     * command line does not name this data folder), nothing is stopped.
     */
    static boolean stopLeftover(final Path folder, final Path bin, final List<String> asUser) throws IOException, InterruptedException {
        final Path data = folder.resolve("data");
        final Path pidFile = data.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return false;
        }
        final ThrowawayPostgres leftover = new ThrowawayPostgres(folder, bin, asUser, 0, -1);
        if (leftover.exitCode("pg_ctl", "-D", data.toString(), "status") != 0) {
            return false; // 3: not running (a stale PID file); 4: not a data folder pg_ctl can read
        }
        final long recorded;
        try {
            recorded = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim());
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return false;
        }
        final Optional<ProcessHandle.Info> info = ProcessHandle.of(recorded).map(ProcessHandle::info);
        final boolean ours = info.flatMap(ProcessHandle.Info::commandLine).map(c -> c.contains(data.toString()))
                .orElseGet(() -> info.flatMap(ProcessHandle.Info::command).map(c -> c.endsWith("/postgres")).orElse(false));
        if (!ours) {
            return false; // the PID was reused by another process: never signal it
        }
        leftover.run("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
        return true;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE + "?user=" + DB_USER;
    }

    public long pid() {
        return pid;
    }

    /** A new, empty database in this cluster (one per test that needs a clean slate); its JDBC URL. */
    public String createDatabase(final String name) throws java.sql.SQLException {
        if (!name.matches("[a-z][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a database name: " + name);
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbcUrl()); java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=" + DB_USER;
    }

    private void run(final String tool, final String... args) throws IOException, InterruptedException {
        final int exit = exitCode(tool, args);
        if (exit != 0) {
            throw new IOException(command(tool, args) + " failed with exit code " + exit + ":\n"
                    + Files.readString(folder.resolve(tool + ".out"), StandardCharsets.UTF_8));
        }
    }

    private String command(final String tool, final String... args) {
        final List<String> cmd = new ArrayList<>(asUser);
        cmd.add(bin.resolve(tool).toString());
        cmd.addAll(List.of(args));
        return String.join(" ", cmd);
    }

    /** Runs {@code tool} (output in {@code <folder>/<tool>.out}); its exit code. */
    private int exitCode(final String tool, final String... args) throws IOException, InterruptedException {
        final List<String> cmd = new ArrayList<>(asUser);
        cmd.add(bin.resolve(tool).toString());
        cmd.addAll(List.of(args));
        final Path log = folder.resolve(tool + ".out");
        final Process p = new ProcessBuilder(cmd).directory(folder.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish");
        }
        return p.exitValue();
    }

    /** Stops this cluster (and only it) and deletes its folder. */
    @Override
    public void close() throws IOException {
        if (pid > 0) {
            try {
                run("pg_ctl", "-D", folder.resolve("data").toString(), "-m", "fast", "-w", "-t", "60", "stop");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                final Optional<ProcessHandle> left = ProcessHandle.of(pid);
                if (left.isPresent()) {
                    // pg_ctl returns once the postmaster removed its PID file; the process itself ends just after.
                    try {
                        left.get().onExit().get(30, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                        left.get().destroyForcibly(); // the PID this cluster recorded, nothing else
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
        deleteTree(folder);
    }

    private static void deleteTree(final Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> all = Files.walk(folder)) {
            for (final Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
