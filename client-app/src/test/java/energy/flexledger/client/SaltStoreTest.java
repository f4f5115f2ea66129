package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaltStoreTest {
    @TempDir
    Path dir;

    @Test
    void createsA32ByteSaltOnlyTheOwnerCanReadAndReadsItBack() throws Exception {
        final SaltStore store = new SaltStore(dir);
        final byte[] salt = store.create("MTR/ü 1");
        assertThat(salt).hasSize(32);
        assertThat(store.read("MTR/ü 1")).isEqualTo(salt);
        try (var files = Files.list(dir)) {
            final Path f = files.filter(p -> p.toString().endsWith(".salt")).findFirst().orElseThrow();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        }
        try (var files = Files.list(dir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void neverReplacesASalt() throws Exception {
        final SaltStore store = new SaltStore(dir);
        final byte[] salt = store.create("M");
        assertThatThrownBy(() -> store.create("M")).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(store.read("M")).isEqualTo(salt);
    }

    @Test
    void readOrCreateKeepsTheFirstSalt() throws Exception {
        final SaltStore store = new SaltStore(dir);
        final byte[] salt = store.readOrCreate("M");
        assertThat(store.readOrCreate("M")).isEqualTo(salt);
    }

    @Test
    void differentMetersGetDifferentSalts() throws Exception {
        final SaltStore store = new SaltStore(dir);
        assertThat(store.create("A")).isNotEqualTo(store.create("B"));
    }

    @Test
    void missingSaltSaysWhichMeter() {
        assertThatThrownBy(() -> new SaltStore(dir).read("nope")).hasMessageContaining("'nope'");
    }

    @Test
    void aRefusedRegistrationForgetsTheNewSaltATransientFailureKeepsItForTheRetry() throws Exception {
        final SaltStore store = new SaltStore(dir);
        final LedgerException refused = new LedgerException(energy.flexledger.spec.ErrorCode.ALREADY_EXISTS, "taken", null, false, null);
        assertThatThrownBy(() -> store.registerWith("M-1", salt -> {
            throw refused;
        })).isSameAs(refused);
        assertThat(store.exists("M-1")).isFalse();

        final byte[][] sent = new byte[2][];
        assertThatThrownBy(() -> store.registerWith("M-2", salt -> {
            sent[0] = salt;
            throw new LedgerException(null, "peer unreachable", null, true, null);
        })).isInstanceOf(LedgerException.class);
        assertThat(store.exists("M-2")).isTrue();
        final String answer = store.registerWith("M-2", salt -> {
            sent[1] = salt;
            return "ok";
        });
        assertThat(answer).isEqualTo("ok");
        assertThat(sent[1]).isEqualTo(sent[0]);

        // A salt that existed before is never deleted, whatever the ledger says.
        assertThatThrownBy(() -> store.registerWith("M-2", salt -> {
            throw refused;
        })).isSameAs(refused);
        assertThat(store.read("M-2")).isEqualTo(sent[0]);
    }

    @org.junit.jupiter.api.Test
    void aLongMeterIdGetsAFileNameThatFitsAnyFileSystem(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir) throws Exception {
        final SaltStore salts = new SaltStore(dir);
        final String longId = "M".repeat(128);
        final byte[] salt = salts.create(longId);
        org.assertj.core.api.Assertions.assertThat(salts.read(longId)).isEqualTo(salt);
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
            org.assertj.core.api.Assertions.assertThat(files.map(p -> p.getFileName().toString()))
                    .allSatisfy(n -> org.assertj.core.api.Assertions.assertThat(n.length()).isLessThanOrEqualTo(69));
        }
    }
}
