package energy.flexledger.chaincode.dr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.flexledger.chaincode.Consortium;
import energy.flexledger.chaincode.ContractCalls;
import energy.flexledger.chaincode.FakeLedger;
import energy.flexledger.chaincode.Member;
import energy.flexledger.chaincode.energy.EnergyContract;
import energy.flexledger.chaincode.market.EscrowContract;
import energy.flexledger.chaincode.market.TokenContract;
import energy.flexledger.spec.Canonical;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.contract.Context;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * chaincode-dr on a stubbed ledger, calling the real energy and market contracts in the same
 * transaction as Fabric would (chaincode-to-chaincode): a program, an enrolment, an event, commitments
 * with collateral, a baseline from certified data and a settlement whose tokens move, every figure
 * and balance asserted; and the BL1 and ST1 vectors through the chaincode's path.
 */
class DrContractTest {
    private static final String DSO = "DsoMSP";
    private static final String AGG = "AggregatorMSP";
    private static final String COMMUNITY = "CommunityMSP";
    private static final String CPO = "CpoMSP";
    private static final byte[] SALT = new byte[32];
    private static final long QUARTER = 900_000L;
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    /** The event day: Monday 2026-01-12; its history the 14 days before. */
    private static final LocalDate EVENT_DAY = LocalDate.of(2026, 1, 12);
    private static final long HISTORY_FROM = EVENT_DAY.minusDays(14).atStartOfDay(BERLIN).toInstant().toEpochMilli();
    private static final long DAY_START = EVENT_DAY.atStartOfDay(BERLIN).toInstant().toEpochMilli();
    /** 17:00 to 18:00 local. */
    private static final long WINDOW_START = DAY_START + 17 * 4 * QUARTER;
    private static final long WINDOW_END = WINDOW_START + 4 * QUARTER;

    private final FakeLedger ledger = new FakeLedger();
    private final ContractCalls dr = new ContractCalls(new DrContract());
    private final ContractCalls energy = new ContractCalls(new EnergyContract());
    private final ContractCalls token = new ContractCalls(new TokenContract());
    private final ContractCalls escrow = new ContractCalls(new EscrowContract());

    @BeforeEach
    void channel() {
        ledger.withConsortium(new Consortium(new Member[] {
            FakeLedger.member(AGG, new String[] {"AGGREGATOR"}, new String[0], new String[] {COMMUNITY, CPO}),
            FakeLedger.member(COMMUNITY, new String[] {"COMMUNITY"}, new String[0], new String[0]),
            FakeLedger.member(CPO, new String[] {"CPO"}, new String[0], new String[0]),
            FakeLedger.member(DSO, new String[] {"DSO", "ISSUER"}, new String[] {"zone-1", "zone-2"}, new String[0]),
        }, 4, 0, "genesis"));
        ledger.withChaincode("energy", (args, ctx) -> energy.invoke(args.get(0), ctx, rest(args)));
        ledger.withChaincode("market", (args, ctx) -> {
            final String[] parts = args.get(0).split(":", 2);
            final ContractCalls contract = "token".equals(parts[0]) ? token : "escrow".equals(parts[0]) ? escrow : null;
            if (contract == null) {
                throw new IllegalArgumentException("no contract " + parts[0]);
            }
            return contract.invoke(parts[1], ctx, rest(args));
        });
        ledger.at(HISTORY_FROM);
        token.call("initialize", ledger.as(DSO, "admin").context(), "FlexLedger Reward", "FLEX", "0");
        token.call("mint", ledger.as(DSO, "admin").context(), "org:" + DSO, "100000");
        token.call("mint", ledger.as(DSO, "admin").context(), "org:" + AGG, "1000");
        ledger.proposing("dr");
    }

    private static String[] rest(final List<String> args) {
        return args.subList(1, args.size()).toArray(new String[0]);
    }

    private Map<String, Object> call(final String method, final Context ctx, final String... args) {
        return Json.parseObject(dr.call(method, ctx, args));
    }

    private void refused(final String code, final String method, final Context ctx, final String... args) {
        final Map<String, String> before = ledger.snapshot();
        assertThatThrownBy(() -> dr.call(method, ctx, args)).hasMessageStartingWith(code + ":");
        ledger.abort();
        assertThat(ledger.snapshot()).isEqualTo(before);
    }

    private long balance(final String account) {
        return (Long) Json.parseObject(token.call("balanceOf", ledger.as(CPO, "client").context(), account)).get("balance");
    }

    /** The load of the meter in the slot starting at {@code t}: 2 kW plus 1 W per day of history, minus 1 kW during the event. */
    private static long load(final long t) {
        final long day = (t - HISTORY_FROM) / 86_400_000L;
        return t >= WINDOW_START && t < WINDOW_END ? 1_000_000L : 2_000_000L + day * 1000;
    }

    /** Certifies the meter's quarter-hours in [from, to), each one sample of {@link #load}, as the community's gateway. */
    private void certify(final String meterId, final long from, final long to) {
        final List<Object> records = new ArrayList<>();
        for (long t = from; t < to; t += QUARTER) {
            records.add(Fp1.interval(SALT, meterId, t, t + QUARTER).add(t + 60_000, load(t)).digest().toRecord(meterId));
            if (records.size() == 1000 || t + QUARTER >= to) {
                energy.call("recordIntervals", ledger.as(COMMUNITY, "client", "gateway").transientData("records", Json.write(records)).context());
                records.clear();
            }
        }
    }

    private void meter(final String meterId) {
        final Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("assetId", meterId);
        spec.put("type", "METER");
        spec.put("zone", "zone-1");
        spec.put("gatewayId", FakeLedger.idOf(COMMUNITY, "client", "gateway"));
        spec.put("saltCommitment", Hex.encode(Fp1.saltCommitment(SALT)));
        spec.put("earliestStart", HISTORY_FROM - 86_400_000L);
        energy.call("registerAsset", ledger.as(COMMUNITY, "admin").context(), Json.write(spec));
    }

    private static String terms(final long slotMinutes, final String timezone, final long lookback, final List<String> holidays) {
        final Map<String, Object> b = new LinkedHashMap<>();
        b.put("method", "BL1");
        b.put("slotMinutes", slotMinutes);
        b.put("timezone", timezone);
        b.put("weekday", Map.of("x", 3L, "y", 5L));
        b.put("weekend", Map.of("x", 2L, "y", 3L));
        b.put("lookbackDays", lookback);
        b.put("holidays", holidays);
        return Json.write(b);
    }

    private static String program(final String id, final String baselineTerms) {
        return "{\"id\":\"" + id + "\",\"rewardRate\":100,\"penaltyRate\":50,\"capBps\":12000,\"thresholdBps\":8000,\"baseline\":" + baselineTerms
                + "}";
    }

    private static String event(final String id, final long budget) {
        return Json.write(Map.of("id", id, "programId", "P1", "windowStart", WINDOW_START, "windowEnd", WINDOW_END, "assets", List.of("MTR-1"),
                "budget", budget, "payer", "org:" + DSO));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aWholeEventFromEnrolmentToSettlementMovesExactlyWhatSt1Says() {
        meter("MTR-1");
        ledger.at(DAY_START + 60_000);
        certify("MTR-1", HISTORY_FROM, DAY_START);
        refused("ACCESS_DENIED", "createProgram", ledger.as(COMMUNITY, "admin").context(), program("P1", terms(15, "Europe/Berlin", 14, List.of())));
        refused("BAD_SLOT_MINUTES", "createProgram", ledger.as(DSO, "admin").context(), program("P1", terms(20, "Europe/Berlin", 14, List.of())));
        call("createProgram", ledger.as(DSO, "admin").context(), program("P1", terms(15, "Europe/Berlin", 14, List.of())));
        refused("ACCESS_DENIED", "enrol", ledger.as(AGG, "admin").context(), "P1", "MTR-1");
        assertThat(call("enrol", ledger.as(COMMUNITY, "admin").context(), "P1", "MTR-1")).containsEntry("status", "PENDING");
        refused("INVALID_STATE", "createEvent", ledger.as(DSO, "admin").context(), event("E1", 10_000));
        refused("ACCESS_DENIED", "acceptEnrolment", ledger.as(AGG, "admin").context(), "P1", "MTR-1");
        assertThat(call("acceptEnrolment", ledger.as(DSO, "admin").context(), "P1", "MTR-1")).containsEntry("status", "ACTIVE");

        // The event locks its budget from the DSO's account in the same transaction: its own, never an escrow or another's.
        refused("ACCESS_DENIED", "createEvent", ledger.as(AGG, "admin").context(), event("E1", 10_000));
        refused("ACCESS_DENIED", "createEvent", ledger.as(DSO, "admin").context(), event("E1", 10_000).replace("org:" + DSO, "escrow:dr-budget:E0"));
        refused("ACCESS_DENIED", "createEvent", ledger.as(DSO, "admin").context(), event("E1", 0).replace("org:" + DSO, "org:" + AGG));
        refused("ACCESS_DENIED", "createEvent", ledger.as(DSO, "client").context(), event("E1", 10_000));
        assertThat(call("createEvent", ledger.as(DSO, "admin").context(), event("E1", 10_000))).containsEntry("localDate", "2026-01-12");
        assertThat(ledger.lastEventName()).isEqualTo("DrEventCreated");
        assertThat(balance("org:" + DSO)).isEqualTo(90_000);
        assertThat(balance("escrow:dr-budget:E1")).isEqualTo(10_000);

        // The community holds no tokens: it cannot lock the collateral, so it cannot commit.
        refused("INSUFFICIENT_FUNDS", "commit", ledger.as(COMMUNITY, "admin").context(), "E1", "MTR-1", "800000", "org:" + COMMUNITY);
        refused("ACCESS_DENIED", "commit", ledger.as(CPO, "admin").context(), "E1", "MTR-1", "800000", "org:" + CPO);
        refused("ACCESS_DENIED", "commit", ledger.as(AGG, "client").context(), "E1", "MTR-1", "800000", "org:" + AGG);
        // Its aggregator commits 800 W for the hour: 800,000 mWh; collateral = 80 % of it at 50 per kWh = 32; reward reserve = 120 % at 100 = 96.
        final Map<String, Object> commitment = call("commit", ledger.as(AGG, "admin").context(), "E1", "MTR-1", "800000", "org:" + AGG);
        assertThat(commitment).containsEntry("committedMilliWh", 800_000L).containsEntry("collateral", 32L).containsEntry("maxReward", 96L);
        assertThat(balance("org:" + AGG)).isEqualTo(1000 - 32);
        assertThat(balance("escrow:dr-budget:E1")).isEqualTo(10_000 - 96);
        assertThat(balance(DrContract.participantEscrow("E1", "MTR-1"))).isEqualTo(128);
        assertThat(ledger.policyOf(DrContract.COMMITMENT, "E1", "MTR-1")).contains(DSO).contains(COMMUNITY).contains(AGG);
        refused("ALREADY_EXISTS", "commit", ledger.as(AGG, "admin").context(), "E1", "MTR-1", "800000", "org:" + AGG);

        // Nobody moves DR escrow outside DR's transactions.
        ledger.proposing("market");
        assertThatThrownBy(() -> escrow.call("move", ledger.as(DSO, "admin").context(),
                "{\"debits\":[{\"account\":\"escrow:dr-budget:E1\",\"amount\":10,\"reason\":\"x\"}],\"credits\":[{\"account\":\"org:DsoMSP\","
                        + "\"amount\":10,\"reason\":\"x\"}],\"txId\":\"\"}")).hasMessageStartingWith("ACCESS_DENIED:");
        ledger.abort();
        ledger.proposing("dr");

        // After the window: settlement waits for every interval of it, and names what is missing.
        ledger.at(WINDOW_END + 60_000);
        refused("DEADLINE_PASSED", "commit", ledger.as(AGG, "admin").context(), "E1", "MTR-1", "1", "org:" + AGG);
        certify("MTR-1", DAY_START, WINDOW_START + 2 * QUARTER);
        // Stamped before the window, but the window's data are on the ledger: ordered by state, too late.
        ledger.at(WINDOW_START - 60_000);
        refused("DEADLINE_PASSED", "commit", ledger.as(COMMUNITY, "admin").context(), "E1", "MTR-1", "1", "org:" + COMMUNITY);
        ledger.at(WINDOW_END + 60_000);
        assertThatThrownBy(() -> dr.call("settle", ledger.as(DSO, "client").context(), "E1", "MTR-1"))
                .hasMessageStartingWith("INCOMPLETE_DATA:").hasMessageContaining(Long.toString(WINDOW_START + 2 * QUARTER))
                .hasMessageContaining(Long.toString(WINDOW_START + 3 * QUARTER));
        ledger.abort();
        certify("MTR-1", WINDOW_START + 2 * QUARTER, WINDOW_END);
        refused("ACCESS_DENIED", "settle", ledger.as(CPO, "client").context(), "E1", "MTR-1");
        final Map<String, Object> settlement = call("settle", ledger.as(DSO, "client").context(), "E1", "MTR-1");
        // The public record holds the figures and the hashes of the inputs, never the meter's private averages.
        assertThat(Json.write(settlement)).doesNotContain("readings").doesNotContain("2010000");
        assertThat(ledger.lastEventPayload()).doesNotContain("readings");
        final Map<String, Object> detail = call("getSettlementDetail", ledger.as(AGG, "client").context(), "E1", "MTR-1");
        assertThat(detail.get("settlement")).isEqualTo(settlement);
        refused("ACCESS_DENIED", "getSettlementDetail", ledger.as(CPO, "client").context(), "E1", "MTR-1");

        // BL1: weekdays, high 3 of 5 (the most recent, with the highest load), from the certified averages exactly.
        final Map<String, Object> baseline = (Map<String, Object>) detail.get("baseline");
        final Map<String, Object> bl1In = (Map<String, Object>) baseline.get("input");
        final Map<String, Object> bl1Out = (Map<String, Object>) baseline.get("output");
        assertThat(SpecCommands.bl1(bl1In)).isEqualTo(bl1Out);
        assertThat(bl1Out).containsEntry("dayType", "WEEKDAY").containsEntry("method", "HIGH")
                .containsEntry("selected", List.of("2026-01-07", "2026-01-08", "2026-01-09"));
        final List<Object> readings = (List<Object>) bl1In.get("readings");
        final Map<String, Object> certified = Json.parseObject(energy.call("getIntervals", ledger.as(DSO, "client").context(), "MTR-1",
                Long.toString(HISTORY_FROM), Long.toString(DAY_START), "1000", ""));
        final List<Object> records = (List<Object>) certified.get("records");
        for (int i = 0; i < records.size(); i++) {
            final Map<String, Object> r = (Map<String, Object>) records.get(i);
            assertThat(readings.get(i)).isEqualTo(List.of(r.get("start"), r.get("avg")));
        }
        // Baseline of 17:00-18:00: the mean of days 9, 10, 11 of the history = 2,010,000 mW; actual 1,000,000 mW.
        final Map<String, Object> st1In = (Map<String, Object>) detail.get("input");
        final Map<String, Object> st1Out = (Map<String, Object>) detail.get("output");
        final Bl1Input keySource = Canonical.fromTree(bl1In, Bl1Input.class, "bl1");
        assertThat(settlement).containsEntry("baselineInputHash", DrContract.hash(keySource))
                .containsEntry("st1InputHash", DrContract.keyedHash(keySource, Canonical.fromTree(st1In, St1Input.class, "in")))
                .doesNotContainValue(DrContract.hash(Canonical.fromTree(st1In, St1Input.class, "in")))
                .containsEntry("reward", 96L).containsEntry("deliveredMilliWh", 1_010_000L);
        assertThat(st1In.get("baseline")).isEqualTo(List.of(2_010_000L, 2_010_000L, 2_010_000L, 2_010_000L));
        assertThat(SpecCommands.st1(st1In)).isEqualTo(st1Out);
        // Delivered 1,010,000 mWh, capped at 960,000: reward 96, no penalty. The participant gets 96 + its 32 back.
        assertThat(st1Out).containsEntry("deliveredMilliWh", 1_010_000L).containsEntry("reward", 96L).containsEntry("penalty", 0L);
        assertThat(settlement).containsEntry("toParticipant", 128L).containsEntry("toOwner", 0L);
        assertThat(balance("org:" + AGG)).isEqualTo(1000 + 96);
        assertThat(balance(DrContract.participantEscrow("E1", "MTR-1"))).isZero();
        assertThat(call("getCommitment", ledger.as(CPO, "client").context(), "E1", "MTR-1")).containsEntry("status", "SETTLED");

        // Settling again returns the stored settlement and moves nothing.
        final Map<String, String> before = ledger.snapshot();
        assertThat(call("settle", ledger.as(AGG, "client").context(), "E1", "MTR-1")).isEqualTo(settlement);
        assertThat(ledger.snapshot()).isEqualTo(before);
        assertThat(call("getSettlement", ledger.as(CPO, "client").context(), "E1", "MTR-1")).isEqualTo(settlement);

        // The unreserved budget goes back to the DSO; conservation holds.
        call("closeEvent", ledger.as(CPO, "client").context(), "E1");
        assertThat(balance("org:" + DSO)).isEqualTo(100_000 - 96);
        assertThat(Json.parseObject(token.call("audit", ledger.as(CPO, "client").context()))).containsEntry("consistent", true)
                .containsEntry("escrow", 0L).containsEntry("balances", 101_000L);

        // The next event's baseline leaves out this event's day.
        final Map<String, Object> preview = call("previewBaseline", ledger.as(DSO, "client").context(), "MTR-1", "2026-01-13", "P1");
        assertThat((List<Object>) ((Map<String, Object>) preview.get("input")).get("excludedDates")).containsExactly("2026-01-12");
        final Map<String, Object> delivery = call("measureDelivery", ledger.as(DSO, "client").context(), "MTR-1", Long.toString(WINDOW_START),
                Long.toString(WINDOW_END), terms(15, "Europe/Berlin", 14, List.of()));
        assertThat(delivery).containsEntry("deliveredMilliWh", 1_010_000L).containsEntry("deliveredWh", 1010L);
        // What the market is told: figures and whose asset, never the averages.
        final Map<String, Object> deliveries = call("measureDeliveries", ledger.as(DSO, "client").context(), "P1", "[\"MTR-1\"]",
                Long.toString(WINDOW_START), Long.toString(WINDOW_END));
        assertThat((List<Object>) deliveries.get("assets")).containsExactly(Map.of("assetId", "MTR-1", "ownerMsp", COMMUNITY, "zone", "zone-1",
                "deliveredMilliWh", 1_010_000L, "deliveredWh", 1010L, "baselineInputHash",
                DrContract.hash(Canonical.fromTree(((Map<String, Object>) delivery.get("baseline")).get("input"), Bl1Input.class, "in"))));
        refused("BAD_REQUEST", "measureDeliveries", ledger.as(DSO, "client").context(), "P1", "[]", Long.toString(WINDOW_START),
                Long.toString(WINDOW_END));
        // An asset that cannot be measured answers with its error; the others are still measured.
        final List<Object> denied = (List<Object>) call("measureDeliveries", ledger.as(CPO, "client").context(), "P1", "[\"MTR-1\"]",
                Long.toString(WINDOW_START), Long.toString(WINDOW_END)).get("assets");
        assertThat((Map<String, Object>) denied.get(0)).containsEntry("error", "ACCESS_DENIED").containsEntry("deliveredWh", 0L);
        final List<Object> early = (List<Object>) call("measureDeliveries", ledger.as(DSO, "client").context(), "P1", "[\"MTR-1\"]",
                Long.toString(WINDOW_END), Long.toString(WINDOW_END + QUARTER)).get("assets");
        assertThat((Map<String, Object>) early.get(0)).containsEntry("error", "INCOMPLETE_DATA");
        assertThat(call("checkWindow", ledger.as(CPO, "client").context(), "P1", Long.toString(WINDOW_START), Long.toString(WINDOW_END)))
                .containsEntry("id", "P1");
        refused("MISALIGNED", "checkWindow", ledger.as(CPO, "client").context(), "P1", Long.toString(WINDOW_START + 1), Long.toString(WINDOW_END));
        refused("BAD_REQUEST", "checkWindow", ledger.as(CPO, "client").context(), "P1", Long.toString(DAY_START + 23 * 4 * QUARTER),
                Long.toString(DAY_START + 25 * 4 * QUARTER));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aBatchSettlesSeveralParticipantsInOneTransaction() {
        meter("MTR-1");
        meter("MTR-2");
        ledger.at(DAY_START + 60_000);
        certify("MTR-1", HISTORY_FROM, DAY_START);
        certify("MTR-2", HISTORY_FROM, DAY_START);
        call("createProgram", ledger.as(DSO, "admin").context(), program("P1", terms(15, "Europe/Berlin", 14, List.of())));
        for (final String m : List.of("MTR-1", "MTR-2")) {
            call("enrol", ledger.as(COMMUNITY, "admin").context(), "P1", m);
            call("acceptEnrolment", ledger.as(DSO, "admin").context(), "P1", m);
        }
        call("createEvent", ledger.as(DSO, "admin").context(), event("E1", 1000).replace("[\"MTR-1\"]", "[\"MTR-1\",\"MTR-2\"]"));
        call("commit", ledger.as(AGG, "admin").context(), "E1", "MTR-1", "800000", "org:" + AGG);
        call("commit", ledger.as(AGG, "admin").context(), "E1", "MTR-2", "800000", "org:" + AGG);
        ledger.at(WINDOW_END + 60_000);
        certify("MTR-1", DAY_START, WINDOW_END);
        refused("INCOMPLETE_DATA", "settleMany", ledger.as(DSO, "client").context(), "E1", "[\"MTR-1\",\"MTR-2\"]");
        certify("MTR-2", DAY_START, WINDOW_END);
        refused("BAD_REQUEST", "settleMany", ledger.as(DSO, "client").context(), "E1", "[\"MTR-1\",\"MTR-1\"]");
        refused("BAD_REQUEST", "settleMany", ledger.as(DSO, "client").context(), "E1", "[]");
        // dr, energy (averages) and market (escrow) in one transaction ask the consortium chaincode once:
        // a second call of one Java chaincode in one transaction can lose its task in the shim (decision 0019).
        final int reads = ledger.consortiumReads();
        final Map<String, Object> first = call("settle", ledger.as(DSO, "client").context(), "E1", "MTR-1");
        assertThat(ledger.consortiumReads() - reads).isEqualTo(1);
        final List<Object> both = (List<Object>) call("settleMany", ledger.as(DSO, "client").context(), "E1", "[\"MTR-1\",\"MTR-2\"]")
                .get("settlements");
        assertThat(both.get(0)).isEqualTo(first);
        assertThat((Map<String, Object>) both.get(1)).containsEntry("assetId", "MTR-2").containsEntry("reward", 96L);
        assertThat(balance("org:" + AGG)).isEqualTo(1000 + 96 + 96);
        assertThat(balance(DrContract.participantEscrow("E1", "MTR-2"))).isZero();
        assertThat(ledger.lastEventName()).isEqualTo("DrSettledMany");
    }

    @Test
    void listsAndRefusals() {
        meter("MTR-1");
        call("createProgram", ledger.as(DSO, "admin").context(), program("P1", terms(15, "Europe/Berlin", 14, List.of())));
        refused("ALREADY_EXISTS", "createProgram", ledger.as(DSO, "admin").context(), program("P1", terms(15, "Europe/Berlin", 14, List.of())));
        refused("BAD_X_Y", "createProgram", ledger.as(DSO, "admin").context(), program("P2", terms(15, "Europe/Berlin", 14, List.of())
                .replace("\"x\":3", "\"x\":6")));
        refused("BAD_REQUEST", "createProgram", ledger.as(DSO, "admin").context(), program("P2", terms(15, "Mars/Olympus", 14, List.of())));
        refused("BAD_REQUEST", "createProgram", ledger.as(DSO, "admin").context(), program("P2", terms(15, "Europe/Berlin", 100, List.of())));
        assertThat((List<?>) call("listPrograms", ledger.as(CPO, "client").context(), "10", "").get("programs")).hasSize(1);
        assertThat(call("getProgram", ledger.as(CPO, "client").context(), "P1")).containsEntry("owner", DSO);
        refused("NOT_FOUND", "getProgram", ledger.as(CPO, "client").context(), "P9");
        refused("BAD_REQUEST", "listPrograms", ledger.as(CPO, "client").context(), "0", "");
        call("enrol", ledger.as(COMMUNITY, "admin").context(), "P1", "MTR-1");
        call("acceptEnrolment", ledger.as(DSO, "admin").context(), "P1", "MTR-1");
        assertThat(call("getEnrolment", ledger.as(CPO, "client").context(), "P1", "MTR-1")).containsEntry("status", "ACTIVE");
        refused("MISALIGNED", "createEvent", ledger.as(DSO, "admin").context(), Json.write(Map.of("id", "E1", "programId", "P1", "windowStart",
                WINDOW_START + 60_000, "windowEnd", WINDOW_END, "assets", List.of("MTR-1"), "budget", 10L, "payer", "org:" + DSO)));
        ledger.at(WINDOW_START);
        refused("DEADLINE_PASSED", "createEvent", ledger.as(DSO, "admin").context(), event("E1", 10));
        ledger.at(HISTORY_FROM);
        refused("BAD_REQUEST", "createEvent", ledger.as(DSO, "admin").context(), Json.write(Map.of("id", "E1", "programId", "P1", "windowStart",
                WINDOW_START, "windowEnd", WINDOW_END, "assets", List.of("MTR-1", "MTR-1"), "budget", 10L, "payer", "org:" + DSO)));
        refused("BAD_REQUEST", "createEvent", ledger.as(DSO, "admin").context(), event("E1", -1));
        refused("NOT_FOUND", "createEvent", ledger.as(DSO, "admin").context(), event("E1", 1).replace("\"P1\"", "\"P9\""));
        call("createEvent", ledger.as(DSO, "admin").context(), event("E1", 0));
        refused("ALREADY_EXISTS", "createEvent", ledger.as(DSO, "admin").context(), event("E1", 0));
        refused("BAD_REQUEST", "commit", ledger.as(AGG, "admin").context(), "E1", "MTR-2", "1000", "org:" + AGG);
        refused("BAD_REQUEST", "commit", ledger.as(AGG, "admin").context(), "E1", "MTR-1", "0", "org:" + AGG);
        refused("NOT_FOUND", "commit", ledger.as(AGG, "admin").context(), "E9", "MTR-1", "10", "org:" + AGG);
        // An event without budget cannot reserve the reward a commitment could earn.
        refused("INSUFFICIENT_FUNDS", "commit", ledger.as(AGG, "admin").context(), "E1", "MTR-1", "800000", "org:" + AGG);
        refused("NOT_FOUND", "settle", ledger.as(DSO, "client").context(), "E1", "MTR-1");
        assertThat((List<?>) call("listEvents", ledger.as(CPO, "client").context(), "10", "").get("events")).hasSize(1);
        assertThat((List<?>) call("listCommitments", ledger.as(CPO, "client").context(), "E1").get("commitments")).isEmpty();
        refused("TOO_EARLY", "closeEvent", ledger.as(CPO, "client").context(), "E1");
        refused("NOT_FOUND", "getSettlement", ledger.as(DSO, "client").context(), "E1", "MTR-1");
        refused("NOT_FOUND", "getCommitment", ledger.as(DSO, "client").context(), "E1", "MTR-2");
        refused("BAD_REQUEST", "previewBaseline", ledger.as(DSO, "client").context(), "MTR-1", "12/01/2026", "P1");
        assertThat(call("describe", ledger.as(CPO, "peer").context())).containsEntry("chaincode", "dr");
    }

    /** The BL1 vectors: energy answers the vector's readings; the program carries its terms; its excluded day is an earlier event day. */
    @ParameterizedTest
    @ValueSource(strings = {"bl1-weekday-hourly.json", "bl1-weekend-hourly.json"})
    @SuppressWarnings("unchecked")
    void theBl1VectorsThroughPreviewBaseline(final String file) throws IOException {
        final Map<String, Object> vector = Json.parseObject(Files.readString(Path.of("../core/src/test/resources/vectors/" + file)));
        final Json.Obj input = Json.Obj.of(vector.get("input"), "input");
        final List<Object> readings = (List<Object>) input.toMap().get("readings");
        ledger.withChaincode("energy", (args, ctx) -> {
            if ("GetAsset".equals(args.get(0))) {
                return Json.write(Map.of("assetId", args.get(1), "ownerMsp", COMMUNITY, "zone", "zone-1", "dataDso", DSO)).getBytes();
            }
            final long from = Long.parseLong(args.get(2));
            final long to = Long.parseLong(args.get(3));
            final List<Object> inRange = new ArrayList<>();
            for (final Object r : readings) {
                final long start = ((Number) ((List<?>) r).get(0)).longValue();
                if (start >= from && start < to) {
                    inRange.add(r);
                }
            }
            final Map<String, Object> meter = new LinkedHashMap<>();
            meter.put("meterId", "MTR-V");
            meter.put("ownerMsp", COMMUNITY);
            meter.put("zone", "zone-1");
            meter.put("dataDso", DSO);
            meter.put("intervalMs", 3_600_000L);
            meter.put("status", "ACTIVE");
            meter.put("readings", inRange);
            return Json.write(Map.of("meters", List.of(meter))).getBytes();
        });
        final Map<String, Object> b = new LinkedHashMap<>();
        b.put("method", "BL1");
        b.put("slotMinutes", input.getLong("slotMinutes"));
        b.put("timezone", input.getString("timezone"));
        b.put("weekday", input.toMap().get("weekday"));
        b.put("weekend", input.toMap().get("weekend"));
        b.put("lookbackDays", input.getLong("lookbackDays"));
        b.put("holidays", input.toMap().get("holidays"));
        call("createProgram", ledger.as(DSO, "admin").context(), program("PV", Json.write(b)));
        for (final Object day : input.getList("excludedDates")) {
            ledger.plant("{}", DrContract.EVENT_DAY, "MTR-V", (String) day);
        }
        final Map<String, Object> preview = call("previewBaseline", ledger.as(DSO, "client").context(), "MTR-V", input.getString("targetDate"), "PV");
        assertThat(preview.get("output")).isEqualTo(vector.get("expected"));
        assertThat((List<Object>) ((Map<String, Object>) preview.get("input")).get("readings")).isNotEmpty();
    }

    /**
     * The program's zone decides the days: in Europe/Berlin 2026-03-29 has 23 hours (never a candidate),
     * and a holiday of the program is a weekend day (LOW X of Y), on the chaincode path with certified data.
     */
    @Test
    @SuppressWarnings("unchecked")
    void clockChangeDaysAndHolidaysBehaveAsBl1Says() {
        final LocalDate from = LocalDate.of(2026, 3, 16);
        final LocalDate target = LocalDate.of(2026, 4, 2);    // a Thursday after the clock change
        final long start = from.atStartOfDay(BERLIN).toInstant().toEpochMilli();
        final long end = target.atStartOfDay(BERLIN).toInstant().toEpochMilli();
        final List<Object> readings = new ArrayList<>();
        for (long t = start; t < end; t += QUARTER) {
            final LocalDate day = java.time.Instant.ofEpochMilli(t).atZone(BERLIN).toLocalDate();
            readings.add(List.of(t, 1_000_000L + day.getDayOfMonth() * 1000L));
        }
        ledger.withChaincode("energy", (args, ctx) -> {
            final long lo = Long.parseLong(args.get(2));
            final long hi = Long.parseLong(args.get(3));
            final List<Object> inRange = readings.stream().filter(r -> (Long) ((List<?>) r).get(0) >= lo && (Long) ((List<?>) r).get(0) < hi).toList();
            final Map<String, Object> meter = new LinkedHashMap<>();
            meter.put("meterId", "MTR-D");
            meter.put("ownerMsp", COMMUNITY);
            meter.put("zone", "zone-1");
            meter.put("dataDso", DSO);
            meter.put("intervalMs", QUARTER);
            meter.put("status", "ACTIVE");
            meter.put("readings", inRange);
            return Json.write(Map.of("meters", List.of(meter))).getBytes();
        });
        call("createProgram", ledger.as(DSO, "admin").context(), program("PD", terms(15, "Europe/Berlin", 17, List.of("2026-03-31"))));
        // Weekday target: the clock-change Sunday is a weekend day anyway; the holiday Tuesday 03-31 is not a weekday candidate.
        final Map<String, Object> weekday = (Map<String, Object>) call("previewBaseline", ledger.as(DSO, "client").context(), "MTR-D",
                target.toString(), "PD").get("output");
        assertThat((List<Object>) weekday.get("candidates")).containsExactly("2026-04-01", "2026-03-30", "2026-03-27", "2026-03-26", "2026-03-25");
        assertThat((List<Object>) weekday.get("slots")).hasSize(96);
        // Weekend target (Saturday 04-04): the holiday counts as a weekend day, the 23-hour Sunday 03-29 never qualifies.
        final Map<String, Object> weekend = (Map<String, Object>) call("previewBaseline", ledger.as(DSO, "client").context(), "MTR-D",
                "2026-04-04", "PD").get("output");
        assertThat(weekend).containsEntry("dayType", "WEEKEND").containsEntry("method", "LOW");
        assertThat((List<Object>) weekend.get("candidates")).contains("2026-03-31").doesNotContain("2026-03-29");
    }

    /** The ST1 vector: the settlement step on the vector's input gives the vector's output. */
    @Test
    void theSt1VectorThroughTheSettlementStep() throws IOException {
        final Map<String, Object> vector = Json.parseObject(Files.readString(Path.of("../core/src/test/resources/vectors/st1-basic.json")));
        final St1Input input = Canonical.fromTree(vector.get("input"), St1Input.class, "input");
        assertThat(Json.parseObject(Json.write(Canonical.tree(Baselines.settle(input))))).isEqualTo(vector.get("expected"));
    }
}
