package energy.flexledger.client.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.client.SaltStore;
import energy.flexledger.client.store.MemberStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleMessagesTest {
    private static final long Q = 900_000L;
    private static final long T0 = 1_767_225_600_000L;

    @TempDir
    Path dir;

    private static byte[] json(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aMessageIsStoredOnceEvenWhenDeliveredTwiceAndBadOnesAreAnsweredWithACode() throws Exception {
        final SaltStore salts = new SaltStore(dir.resolve("salts"));
        salts.create("M-1");
        try (MemberStore store = MemberStore.open(dir.resolve("member.db"))) {
            final SampleMessages messages = new SampleMessages(store, salts,
                    (s, salt, meterId, first) -> s.track(meterId, salt, Q, Math.floorDiv(first - 1, Q) * Q));
            final String topic = SampleMessages.topicOf("M-1");
            assertThat(topic).isEqualTo("flexledger/meters/M-1/samples");
            final byte[] payload = json("[[" + (T0 + 1) + ",5],[" + (T0 + 2) + ",6]]");
            assertThat(messages.handle(topic, payload)).containsEntry("meterId", "M-1").containsEntry("accepted", 2L)
                    .containsEntry("duplicates", 0L);
            assertThat(store.tracked("M-1")).get().extracting(MemberStore.Tracked::openStart).isEqualTo(T0);
            // QoS 1 delivers at least once: the same message again stores nothing new.
            assertThat(messages.handle(topic, payload)).containsEntry("accepted", 0L).containsEntry("duplicates", 2L);
            assertThat(store.samples("M-1", T0, T0 + Q)).hasSize(2);

            assertThat(messages.handle(topic, json("{\"t\":1}"))).containsEntry("error", "BAD_JSON");
            assertThat(messages.handle(topic, json("[[1]]"))).containsEntry("error", "BAD_JSON");
            assertThat(messages.handle("flexledger/meters//samples", payload)).containsEntry("error", "BAD_REQUEST");
            assertThat(messages.handle("other/topic", payload)).containsEntry("error", "BAD_REQUEST");
            assertThat(messages.handle(SampleMessages.topicOf("M-404"), payload)).containsEntry("error", "NOT_FOUND");
            assertThat(messages.handle(SampleMessages.topicOf("M-1"), json("[]"))).containsEntry("accepted", 0L);
            assertThat((List<?>) messages.handle(topic, json("[[" + T0 + ",1]]")).get("rejected")).singleElement()
                    .satisfies(r -> assertThat(((Map<?, ?>) r).get("error")).isEqualTo("SAMPLE_OUTSIDE_INTERVAL"));
        }
    }

    @Test
    void whenTheStoreCannotCommitTheMessageIsNotAnswered() throws Exception {
        final SaltStore salts = new SaltStore(dir.resolve("salts"));
        salts.create("M-1");
        final MemberStore store = MemberStore.open(dir.resolve("member.db"));
        store.track("M-1", salts.read("M-1"), Q, T0);
        store.close();
        final SampleMessages messages = new SampleMessages(store, salts, (s, salt, meterId, first) -> {
            throw new AssertionError("tracked already");
        });
        assertThatThrownBy(() -> messages.handle(SampleMessages.topicOf("M-1"), json("[[" + (T0 + 1) + ",5]]")))
                .isInstanceOf(IOException.class);
    }

    @Test
    void anEmptyMessageOrOneThatCannotBeTrackedIsAnsweredNotRetried() throws Exception {
        final SaltStore salts = new SaltStore(dir.resolve("salts"));
        salts.create("M-2");
        try (MemberStore store = MemberStore.open(dir.resolve("member.db"))) {
            final SampleMessages messages = new SampleMessages(store, salts, (s, salt, meterId, first) -> {
                throw new energy.flexledger.spec.SpecException(energy.flexledger.spec.ErrorCode.BAD_INTERVAL, "clock reset");
            });
            assertThat(messages.handle(SampleMessages.topicOf("M-2"), json("[]"))).containsEntry("accepted", 0L);
            assertThat(messages.handle(SampleMessages.topicOf("M-2"), json("[[1,1]]"))).containsEntry("error", "BAD_INTERVAL");
            assertThat(store.tracked("M-2")).isEmpty();
        }
    }

    @Test
    void aNewMetersMessageWhileTheLedgerIsUnreachableIsParkedAndHoldsUpNoOtherMeter() throws Exception {
        final SaltStore salts = new SaltStore(dir.resolve("salts"));
        salts.create("M-NEW");
        salts.create("M-OLD");
        final boolean[] ledgerUp = {false};
        try (MemberStore store = MemberStore.open(dir.resolve("member.db"))) {
            store.track("M-OLD", salts.read("M-OLD"), Q, T0);
            final SampleMessages messages = new SampleMessages(store, salts, (s, salt, meterId, first) -> {
                if (!ledgerUp[0]) {
                    throw new energy.flexledger.client.LedgerException(null, "the network is down", null, true, null);
                }
                s.track(meterId, salt, Q, Math.floorDiv(first - 1, Q) * Q);
            });
            // The new meter's first message is kept (it may be acknowledged), not thrown on the transport's thread.
            assertThat(messages.handle(SampleMessages.topicOf("M-NEW"), json("[[" + (T0 + 1) + ",5]]"))).containsEntry("parked", true);
            // Its next message waits behind it (order is kept); another meter goes on.
            assertThat(messages.handle(SampleMessages.topicOf("M-NEW"), json("[[" + (T0 + 2) + ",6]]"))).containsEntry("parked", true);
            assertThat(messages.handle(SampleMessages.topicOf("M-OLD"), json("[[" + (T0 + 1) + ",7]]"))).containsEntry("accepted", 1L);
            assertThat(store.status()).extractingByKey("inbox").isEqualTo(Map.of("PARKED", 2L, "REFUSED", 0L));
            // Still down: nothing moves, nothing is lost.
            assertThat(messages.retryParked()).allSatisfy(r -> assertThat(r).containsEntry("parked", true));
            assertThat(store.parked()).hasSize(2);
            // Back up: both are ingested, in order.
            ledgerUp[0] = true;
            assertThat(messages.retryParked()).hasSize(2).allSatisfy(r -> assertThat(r).containsEntry("accepted", 1L));
            assertThat(store.parked()).isEmpty();
            assertThat(store.samples("M-NEW", T0, T0 + Q)).extracting(tv -> tv[1]).containsExactly(5L, 6L);
        }
    }

    @Test
    void aMessageThatCanNeverBeStoredIsKeptWithItsReasonAndTooLargeOnesAreNotParsed() throws Exception {
        final SaltStore salts = new SaltStore(dir.resolve("salts"));
        try (MemberStore store = MemberStore.open(dir.resolve("member.db"))) {
            final SampleMessages messages = new SampleMessages(store, salts, (s, salt, meterId, first) -> {
                throw new AssertionError("not reached");
            });
            assertThat(messages.handle(SampleMessages.topicOf("M-X"), json("[[1,2]]"))).containsEntry("error", "NOT_FOUND");
            final byte[] huge = new byte[SampleMessages.MAX_PAYLOAD_BYTES + 1];
            java.util.Arrays.fill(huge, (byte) '[');
            final Map<String, Object> tooLarge = messages.handle(SampleMessages.topicOf("M-X"), huge);
            assertThat(tooLarge).containsEntry("error", "BAD_REQUEST");
            assertThat(String.valueOf(tooLarge.get("message"))).hasSizeLessThan(200);
            assertThat(store.status()).extractingByKey("inbox").isEqualTo(Map.of("PARKED", 0L, "REFUSED", 2L));
        }
    }

    @Test
    void aMeterWhoseSaltCannotBeReadIsParkedAndHoldsUpNoOtherMeter() throws Exception {
        final SaltStore salts = new SaltStore(dir.resolve("salts"));
        salts.create("M-BAD");
        salts.create("M-OK");
        // Corrupt M-BAD's salt file.
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir.resolve("salts"))) {
            final byte[] okSalt = salts.read("M-OK");
            for (final Path f : files.toList()) {
                final String hex = java.nio.file.Files.readString(f).trim();
                if (!hex.equals(energy.flexledger.spec.Hex.encode(okSalt))) {
                    java.nio.file.Files.writeString(f, "not hex\n");
                }
            }
        }
        try (MemberStore store = MemberStore.open(dir.resolve("member.db"))) {
            final SampleMessages messages = new SampleMessages(store, salts,
                    (s, salt, meterId, first) -> s.track(meterId, salt, Q, Math.floorDiv(first - 1, Q) * Q));
            assertThat(messages.handle(SampleMessages.topicOf("M-BAD"), json("[[" + (T0 + 1) + ",5]]"))).containsEntry("parked", true);
            assertThat(messages.handle(SampleMessages.topicOf("M-OK"), json("[[" + (T0 + 1) + ",5]]"))).containsEntry("accepted", 1L);
            assertThat(messages.retryParked()).singleElement().satisfies(r -> assertThat(r).containsEntry("parked", true));
            assertThat(store.parked()).hasSize(1);
        }
    }

    @Test
    void aNewMeterIsWarmedUpOutsideTheMessageAndWarmingUpNeverThrows() throws Exception {
        final SaltStore salts = new SaltStore(dir.resolve("salts"));
        salts.create("M-NEW");
        salts.create("M-DOWN");
        final java.util.List<String> ledgerReads = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (MemberStore store = MemberStore.open(dir.resolve("member.db"))) {
            final SampleMessages messages = new SampleMessages(store, salts, (s, salt, meterId, first) -> {
                ledgerReads.add(meterId);
                if (meterId.equals("M-DOWN")) {
                    throw new energy.flexledger.client.LedgerException(null, "the peer is not reachable", null, true, null);
                }
                s.track(meterId, salt, Q, Math.floorDiv(first - 1, Q) * Q);
            });
            messages.warmUp("M-NEW", T0 + 1);
            assertThat(store.tracked("M-NEW")).isPresent();
            messages.warmUp("M-NEW", T0 + 1); // known now: no second ledger read
            messages.warmUp("M-404", T0 + 1); // not this member's meter: nothing
            messages.warmUp("M-DOWN", T0 + 1); // the ledger is down: nothing, no exception
            assertThat(ledgerReads).containsExactly("M-NEW", "M-DOWN");
            // the message itself then needs no ledger read for M-NEW, and parks M-DOWN's (kept, taken up later)
            assertThat(messages.handle(SampleMessages.topicOf("M-NEW"), json("[[" + (T0 + 1) + ",5]]"))).containsEntry("accepted", 1L);
            assertThat(messages.handle(SampleMessages.topicOf("M-DOWN"), json("[[" + (T0 + 1) + ",5]]"))).containsEntry("parked", true);
            assertThat(ledgerReads).containsExactly("M-NEW", "M-DOWN", "M-DOWN");
        }
    }

    @Test
    void inAGroupAMessageThatCannotBeStoredFailsAloneAndTheOthersAreCommitted() throws Exception {
        final SaltStore salts = new SaltStore(dir.resolve("salts"));
        salts.create("M-1");
        salts.create("M-BAD");
        try (MemberStore store = MemberStore.open(dir.resolve("member.db"))) {
            final SampleMessages messages = new SampleMessages(store, salts, (s, salt, meterId, first) -> {
                s.track(meterId, salt, Q, Math.floorDiv(first - 1, Q) * Q);    // written, then undone with its message
                if (meterId.equals("M-BAD")) {
                    throw new IllegalStateException("a defect that hits one meter");
                }
            });
            final List<Map<String, Object>> observed = new java.util.ArrayList<>();
            messages.observe((transport, result) -> observed.add(result));
            final List<SampleMessages.Outcome> out = messages.handleEach(
                    List.of(SampleMessages.topicOf("M-1"), SampleMessages.topicOf("M-BAD"), SampleMessages.topicOf("M-1")),
                    List.of(json("[[" + (T0 + 1) + ",5]]"), json("[[" + (T0 + 1) + ",6]]"), json("[[" + (T0 + 2) + ",7]]")), "mqtt");
            assertThat(out).extracting(SampleMessages.Outcome::kept).containsExactly(true, false, true);
            assertThat(out.get(1).failure()).hasMessageContaining("a defect that hits one meter");
            assertThat(out.get(0).result()).containsEntry("accepted", 1L);
            assertThat(out.get(2).result()).containsEntry("accepted", 1L);
            assertThat(store.samples("M-1", T0, T0 + Q)).hasSize(2);
            // Nothing of the failed one stays: not tracked, not in the inbox (it was not acknowledged: it comes again).
            assertThat(store.tracked("M-BAD")).isEmpty();
            assertThat(store.parked()).isEmpty();
            assertThat(observed).hasSize(2);
        }
    }

    @Test
    void aRawMessageWarmsUpOnlyAMeterOfThisMemberThatIsNotTrackedYet() throws Exception {
        final SaltStore salts = new SaltStore(dir.resolve("salts"));
        salts.create("M-NEW");
        final java.util.List<String> ledgerReads = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (MemberStore store = MemberStore.open(dir.resolve("member.db"))) {
            final SampleMessages messages = new SampleMessages(store, salts, (s, salt, meterId, first) -> {
                ledgerReads.add(meterId + "@" + first);
                s.track(meterId, salt, Q, Math.floorDiv(first - 1, Q) * Q);
            });
            messages.warmUp("other/topic", json("[[1,1]]"));
            messages.warmUp(SampleMessages.topicOf("M-404"), json("[[1,1]]"));
            messages.warmUp(SampleMessages.topicOf("M-NEW"), json("{not json"));
            messages.warmUp(SampleMessages.topicOf("M-NEW"), json("[]"));
            assertThat(ledgerReads).isEmpty();
            messages.warmUp(SampleMessages.topicOf("M-NEW"), json("[[" + (T0 + 7) + ",5]]"));
            messages.warmUp(SampleMessages.topicOf("M-NEW"), json("[[" + (T0 + 8) + ",5]]"));
            assertThat(ledgerReads).containsExactly("M-NEW@" + (T0 + 7));
            assertThat(store.tracked("M-NEW")).isPresent();
        }
    }
}
