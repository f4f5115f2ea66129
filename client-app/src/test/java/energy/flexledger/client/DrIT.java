package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.SpecCommands;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A demand-response event on the real network, from program to settlement (chaincode-dr, decision
 * 0019): a community meter with two weeks of certified history, a DSO's program, enrolment, an event
 * whose budget is locked, an aggregator's commitment with collateral, the window's data certified,
 * and a settlement computed by the chaincode — every figure recomputed here from the stored inputs,
 * the baseline's readings equal to the certified averages, and every balance asserted.
 *
 * <p>Its window is the last quarter-hour that has closed: the event and the commitment are submitted
 * with a proposal time before that window ({@link Backdated}: the real gateway, the members' own
 * identities, the time set back as any client can), so the test waits for no clock.
 */
@Tag("integration")
class DrIT {
    private static final byte[] SALT = Hex.decode("1f1e1d1c1b1a19181716151413121110000102030405060708090a0b0c0d0e0f");
    private static final long QUARTER = 900_000L;
    private static final String ZONE_ID = "Europe/Berlin";
    private static final ZoneId ZONE = ZoneId.of(ZONE_ID);

    private static LedgerConnection dso;
    private static LedgerConnection dsoAdmin;
    private static LedgerConnection communityAdmin;
    private static LedgerConnection community;
    private static LedgerConnection aggregator;
    private static long historyFrom;
    private static long windowStart;

    @BeforeAll
    static void open() throws IOException {
        final Path work = EnergyRoleMatrix.work();
        dso = LedgerConnection.open(MemberProfile.fromWork(work, "dso", "user"));
        dsoAdmin = LedgerConnection.open(MemberProfile.fromWork(work, "dso", "admin"));
        communityAdmin = LedgerConnection.open(MemberProfile.fromWork(work, "community", "admin"));
        community = LedgerConnection.open(MemberProfile.fromWork(work, "community", "user"));
        aggregator = LedgerConnection.open(MemberProfile.fromWork(work, "aggregator", "user"));
    }

    @AfterAll
    static void close() {
        for (final LedgerConnection c : new LedgerConnection[] {dso, dsoAdmin, communityAdmin, community, aggregator}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** The meter's load in the slot starting at {@code t}: about 2 kW, one more watt per day of history; 1 kW in the window. */
    private static long load(final long t) {
        if (t >= windowStart && t < windowStart + QUARTER) {
            return 1_000_000L;
        }
        return 2_000_000L + (t - historyFrom) / 86_400_000L * 1000;
    }

    private static void certify(final String meterId, final long from, final long to) throws LedgerException {
        final List<Map<String, Object>> batch = new ArrayList<>();
        for (long t = from; t < to; t += QUARTER) {
            batch.add(EnergyLedger.record(meterId, Fp1.interval(SALT, meterId, t, t + QUARTER).add(t + 60_000, load(t)).digest()));
            if (batch.size() == 500 || t + QUARTER >= to) {
                community.energy("grid").recordIntervals(batch);
                batch.clear();
            }
        }
    }

    /** The participant's escrow account as chaincode-dr names it (a hash of event and asset). */
    private static String participantEscrow(final String eventId, final String assetId) {
        return "escrow:dr-part:" + Hex.encode(energy.flexledger.spec.Sha256.of((eventId + "\n" + assetId)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 40);
    }

    private static long balance(final String account) throws LedgerException {
        return (Long) dso.token("grid").balance(account).get("balance");
    }

    private static ErrorCode refusal(final MarketIT.ThrowingCall call) {
        try {
            call.run();
        } catch (LedgerException e) {
            return e.code().orElseThrow(() -> new AssertionError("refused without a code: " + e.getMessage(), e));
        }
        throw new AssertionError("not refused");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aProgramsEventIsSettledOnTheLedgerFromCertifiedDataAndMovesTheTokensSt1Says() throws Exception {
        final String tag = Long.toString(System.currentTimeMillis(), 36);
        final String meterId = "DR-" + tag;
        final String programId = "P-" + tag;
        final String eventId = "E-" + tag;
        final long now = System.currentTimeMillis();
        final LocalDate today = Instant.ofEpochMilli(now).atZone(ZONE).toLocalDate();
        historyFrom = today.minusDays(15).atStartOfDay(ZONE).toInstant().toEpochMilli();
        // The window: the last quarter-hour that has closed.
        final long windowEnd = now - Math.floorMod(now, QUARTER);
        windowStart = windowEnd - QUARTER;

        // A community meter, kept by the DSO of zone-1, with 15 days of certified quarter-hours up to the window.
        final Map<String, Object> meter = new LinkedHashMap<>();
        meter.put("assetId", meterId);
        meter.put("type", "METER");
        meter.put("zone", "zone-1");
        meter.put("gatewayId", community.energy("grid").whoAmI().get("id"));
        meter.put("saltCommitment", Hex.encode(Fp1.saltCommitment(SALT)));
        meter.put("earliestStart", historyFrom);
        communityAdmin.energy("grid").registerAsset(meter);
        certify(meterId, historyFrom, windowStart);

        // The DSO's program: BL1 high 3 of 5 on weekdays, low 2 of 3 on weekends, 14 days back; the community enrols, the DSO accepts.
        final Map<String, Object> program = DrLedger.bl1Program(programId, 100, 50, 12_000, 8000, 15, ZONE_ID, new long[] {3, 5}, new long[] {2, 3}, 14, List.of());
        dso.dr("grid").createProgram(program);
        assertThat(communityAdmin.dr("grid").enrol(programId, meterId)).containsEntry("status", "PENDING");
        assertThat(dso.dr("grid").acceptEnrolment(programId, meterId)).containsEntry("status", "ACTIVE");

        // Tokens for the DSO's budget and the aggregator's collateral (identity accounts only this test uses).
        final String dsoAccount = (String) dso.token("grid").myAccount().get("account");
        final String aggAccount = (String) aggregator.token("grid").myAccount().get("account");
        try {
            dsoAdmin.token("grid").info();
        } catch (LedgerException e) {
            dsoAdmin.token("grid").initialize("FlexLedger Reward", "FLEX", 3);
        }
        dsoAdmin.token("grid").mint(dsoAccount, 10_000);
        dsoAdmin.token("grid").mint(aggAccount, 1000);
        final long dsoBefore = balance(dsoAccount);
        final long aggBefore = balance(aggAccount);

        // The event: the last quarter-hour that has closed, called (and committed to) five minutes before it started.
        final Instant before = Instant.ofEpochMilli(windowStart - 5 * 60_000L);
        final Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", eventId);
        event.put("programId", programId);
        event.put("windowStart", windowStart);
        event.put("windowEnd", windowEnd);
        event.put("assets", List.of(meterId));
        event.put("budget", 5000L);
        event.put("payer", dsoAccount);
        assertThat(refusal(() -> dso.dr("grid").createEvent(event))).isEqualTo(ErrorCode.DEADLINE_PASSED);
        // The aggregator's gateway follows dr's events (from the next block, keeping its position in a checkpoint file).
        final java.nio.file.Path checkpoint = java.nio.file.Files.createTempDirectory("dr-events").resolve("dr.checkpoint");
        final java.util.concurrent.BlockingQueue<Map<String, Object>> received = new java.util.concurrent.LinkedBlockingQueue<>();
        final long height = aggregator.blockHeight("grid");
        try (ChaincodeEventFeed feed = ChaincodeEventFeed.start(aggregator, "grid", "dr", checkpoint, height, received::add)) {
            Backdated.submit(dso, before, "grid", "dr", "CreateEvent", energy.flexledger.spec.Json.write(event));
            // (The aggregator's peer may be a block behind: the program's and enrolment's events may come first.)
            Map<String, Object> created = null;
            final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (created == null || !"DrEventCreated".equals(created.get("event"))) {
                created = received.poll(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
                assertThat(created).as("DrEventCreated reached the aggregator's gateway").isNotNull();
            }
            assertThat(feed.failure()).isEmpty();
            assertThat(created).containsEntry("chaincode", "dr");
            assertThat((Map<String, Object>) created.get("payload")).containsEntry("id", eventId).containsEntry("budget", 5000L);
        }
        assertThat(balance(dsoAccount)).isEqualTo(dsoBefore - 5000);
        assertThat(balance("escrow:dr-budget:" + eventId)).isEqualTo(5000);
        // The meter's owner commits from an account holding nothing: it cannot lock the collateral, so it cannot commit.
        final String emptyAccount = (String) communityAdmin.token("grid").myAccount().get("account");
        assertThat(balance(emptyAccount)).isZero();
        final org.hyperledger.fabric.client.EndorseException noCollateral = org.junit.jupiter.api.Assertions.assertThrows(
                org.hyperledger.fabric.client.EndorseException.class,
                () -> Backdated.submit(communityAdmin, before.plusSeconds(20), "grid", "dr", "Commit", eventId, meterId, "800000", emptyAccount));
        assertThat(EnergyLedger.translate("Commit", noCollateral).code()).contains(ErrorCode.INSUFFICIENT_FUNDS);
        // Committing now, after the window started, is refused; before it, it locks the collateral.
        assertThat(refusal(() -> aggregator.dr("grid").commit(eventId, meterId, 800_000, aggAccount))).isEqualTo(ErrorCode.DEADLINE_PASSED);
        // 800 W for the quarter-hour: 200,000 mWh committed; collateral = 80 % at 50 per kWh = 8; reward reserve = 120 % at 100 = 24.
        assertThat(Backdated.submit(aggregator, before.plusSeconds(30), "grid", "dr", "Commit", eventId, meterId, "800000", aggAccount))
                .containsEntry("committedMilliWh", 200_000L).containsEntry("collateral", 8L).containsEntry("maxReward", 24L);
        assertThat(balance(aggAccount)).isEqualTo(aggBefore - 8);
        assertThat(balance(participantEscrow(eventId, meterId))).isEqualTo(32);
        // A restarted feed resumes after what it delivered: the commitment next, not the event again.
        try (ChaincodeEventFeed feed = ChaincodeEventFeed.start(aggregator, "grid", "dr", checkpoint, height, received::add)) {
            final Map<String, Object> next = received.poll(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(feed.failure()).isEmpty();
            assertThat(next).as("the next dr event after the checkpoint").isNotNull().containsEntry("event", "DrCommitted");
            assertThat((Map<String, Object>) next.get("payload")).containsEntry("assetId", meterId);
        }

        // The window's quarter-hour is not certified yet: the settlement names it. Then it is, and the DSO's gateway settles.
        final LedgerException incomplete = org.junit.jupiter.api.Assertions.assertThrows(LedgerException.class,
                () -> dso.dr("grid").settle(eventId, meterId));
        assertThat(incomplete.code()).contains(ErrorCode.INCOMPLETE_DATA);
        assertThat(incomplete.getMessage()).contains(Long.toString(windowStart));
        certify(meterId, windowStart, windowEnd);
        // An outsider (a CPO, which neither runs the program nor reads the meter) cannot settle; nothing moves.
        try (LedgerConnection outsider = LedgerConnection.open(MemberProfile.fromWork(EnergyRoleMatrix.work(), "cpo", "admin"))) {
            assertThat(refusal(() -> outsider.dr("grid").settle(eventId, meterId))).isEqualTo(ErrorCode.ACCESS_DENIED);
        }
        assertThat(balance(participantEscrow(eventId, meterId))).isEqualTo(32);
        final Map<String, Object> settlement = dso.dr("grid").settle(eventId, meterId);

        // The public record: figures and hashes; the exact inputs only for the asset's readers, recomputed and checked.
        assertThat(energy.flexledger.spec.Json.write(settlement)).doesNotContain("readings");
        final Map<String, Object> detail = dso.dr("grid").settlementDetail(eventId, meterId);
        assertThat(detail.get("settlement")).isEqualTo(settlement);
        try (LedgerConnection cpo = LedgerConnection.open(MemberProfile.fromWork(EnergyRoleMatrix.work(), "cpo", "user"))) {
            assertThat(refusal(() -> cpo.dr("grid").settlementDetail(eventId, meterId))).isEqualTo(ErrorCode.ACCESS_DENIED);
            assertThat(cpo.dr("grid").settlement(eventId, meterId)).isEqualTo(settlement);
        }
        final Map<String, Object> bl1 = (Map<String, Object>) detail.get("baseline");
        final Map<String, Object> bl1In = (Map<String, Object>) bl1.get("input");
        final Map<String, Object> bl1Out = (Map<String, Object>) bl1.get("output");
        assertThat(SpecCommands.bl1(bl1In)).isEqualTo(bl1Out);
        // The baseline's readings are the certified averages, exactly.
        final List<Object> readings = (List<Object>) bl1In.get("readings");
        final LocalDate target = LocalDate.parse((String) bl1Out.get("targetDate"));
        final List<Map<String, Object>> certified = dso.energy("grid").allIntervals(meterId,
                target.minusDays(14).atStartOfDay(ZONE).toInstant().toEpochMilli(), target.atStartOfDay(ZONE).toInstant().toEpochMilli());
        assertThat(readings).hasSameSizeAs(certified);
        for (int i = 0; i < readings.size(); i++) {
            assertThat(readings.get(i)).isEqualTo(List.of(certified.get(i).get("start"), certified.get(i).get("avg")));
        }
        // The window's baseline: the selected days' mean of this load, as BL1 defines it.
        long sum = 0;
        for (final Object day : (List<Object>) bl1Out.get("selected")) {
            final long dayStart = LocalDate.parse((String) day).atStartOfDay(ZONE).toInstant().toEpochMilli();
            sum += 2_000_000L + (dayStart - historyFrom) / 86_400_000L * 1000;
        }
        final long expectedBaseline = Math.floorDiv(sum, (Long) bl1Out.get("x"));
        final Map<String, Object> st1In = (Map<String, Object>) detail.get("input");
        final Map<String, Object> st1Out = (Map<String, Object>) detail.get("output");
        assertThat(st1In.get("baseline")).isEqualTo(List.of(expectedBaseline));
        assertThat(st1In.get("actual")).isEqualTo(List.of(1_000_000L));
        assertThat(SpecCommands.st1(st1In)).isEqualTo(st1Out);
        final long delivered = Math.floorDiv((expectedBaseline - 1_000_000L) * 15, 60);
        assertThat(st1Out).containsEntry("deliveredMilliWh", delivered);
        final long reward = (Long) st1Out.get("reward");
        final long penalty = (Long) st1Out.get("penalty");
        assertThat(reward).isEqualTo(Math.floorDiv(Math.min(delivered, 240_000L) * 100, 1_000_000L));
        assertThat(settlement).containsEntry("toParticipant", reward + 8 - penalty).containsEntry("toOwner", 24 - reward + penalty);
        assertThat(balance(aggAccount)).isEqualTo(aggBefore - 8 + reward + 8 - penalty);
        assertThat(balance(participantEscrow(eventId, meterId))).isZero();

        // Once only: again, the stored settlement and no movement.
        assertThat(aggregator.dr("grid").settle(eventId, meterId)).isEqualTo(settlement);
        assertThat(balance(aggAccount)).isEqualTo(aggBefore + reward - penalty);
        // The budget nobody reserved goes back to the DSO.
        dso.dr("grid").closeEvent(eventId);
        assertThat(balance(dsoAccount)).isEqualTo(dsoBefore - 24 + (24 - reward + penalty));
        assertThat(balance("escrow:dr-budget:" + eventId)).isZero();
        assertThat(dso.token("grid").audit()).containsEntry("consistent", true);
    }
}
