package energy.flexledger.client;

import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * The meters' FP1 salts, kept off-chain by the data owner: one file per meter, readable only by the
 * owner, never overwritten. The ledger only ever sees SHA-256 of a salt.
 */
public final class SaltStore {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Path dir;

    public SaltStore(final Path dir) {
        this.dir = dir;
    }

    /**
     * The salt's file: SHA-256 of the UTF-8 id, so that any meter id, up to its 128 bytes, gives a
     * safe file name of 69 characters (file systems take 255 bytes; hex of a long id did not fit).
     * A salt stored under the earlier name (hex of the id) is still found.
     */
    private Path file(final String meterId) {
        final Path hashed = dir.resolve(Hex.encode(energy.flexledger.spec.Sha256.of(meterId.getBytes(StandardCharsets.UTF_8))) + ".salt");
        final String legacy = Hex.encode(meterId.getBytes(StandardCharsets.UTF_8)) + ".salt";
        if (!Files.exists(hashed) && legacy.length() <= 255 && Files.exists(dir.resolve(legacy))) {
            return dir.resolve(legacy);
        }
        return hashed;
    }

    /** Creates and durably stores a new random salt; refuses to replace an existing one. */
    public byte[] create(final String meterId) throws IOException {
        Fp1.checkMeterId(meterId);
        Files.createDirectories(dir);
        final Path target = file(meterId);
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "meter " + meterId + " already has a salt");
        }
        final byte[] salt = new byte[Fp1.SALT_BYTES];
        RANDOM.nextBytes(salt);
        final Path tmp = Files.createTempFile(dir, ".salt", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // Not a POSIX file system: the folder's own permissions protect the salt.
            }
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                out.write(ByteBuffer.wrap((Hex.encode(salt) + "\n").getBytes(StandardCharsets.US_ASCII)));
                out.force(true);
            }
            // A hard link appears atomically and fails if the target exists: a salt is never replaced.
            Files.createLink(target, tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return salt;
    }

    public boolean exists(final String meterId) {
        return Files.exists(file(meterId));
    }

    /** Forgets the salt of a meter whose registration was refused. */
    public void delete(final String meterId) throws IOException {
        Files.deleteIfExists(file(meterId));
    }

    /** The meter's salt, created first if it has none: registration can be retried after a failure. */
    public byte[] readOrCreate(final String meterId) throws IOException {
        return Files.exists(file(meterId)) ? read(meterId) : create(meterId);
    }

    public byte[] read(final String meterId) throws IOException {
        final Path f = file(meterId);
        if (!Files.exists(f)) {
            throw new IOException("no salt for meter '" + meterId + "' in " + dir + " (was it registered from this member?)");
        }
        final byte[] salt = Hex.decode(Files.readString(f, StandardCharsets.US_ASCII).trim());
        Fp1.checkSalt(salt);
        return salt;
    }

    /** A registration on the ledger that commits to a salt. */
    @FunctionalInterface
    public interface Registration<T> {
        T register(byte[] salt) throws IOException, LedgerException;
    }

    /**
     * Registers with the meter's salt, made now if it has none. A refusal is final, so a salt made
     * for it is forgotten; after a transient failure it is kept, so that the retry sends the same
     * commitment and the ledger recognises it as the same request.
     */
    public <T> T registerWith(final String meterId, final Registration<T> registration) throws IOException, LedgerException {
        final boolean created = !exists(meterId);
        final byte[] salt = readOrCreate(meterId);
        try {
            return registration.register(salt);
        } catch (LedgerException e) {
            if (created && e.code().isPresent()) {
                delete(meterId);
            }
            throw e;
        }
    }
}
