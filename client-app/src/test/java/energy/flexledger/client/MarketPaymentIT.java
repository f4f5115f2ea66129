package energy.flexledger.client;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.spec.Canonical;
import energy.flexledger.spec.ErrorCode;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecCommands;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The loop no other system closes, on the real network: certified meter data → BL1 baseline →
 * flexibility delivered → payment. A CPO's charging station with two weeks of certified history offers
 * flexibility on a DSO's request; after the delivery window, chaincode-dr measures what the station
 * delivered against its baseline and the market pays it from the escrow, every balance asserted. The
 * request, the sealed offer, its reveal and the clearing happened "before" the window: they are
 * proposed with earlier times ({@link Backdated}) so that the window can be a quarter-hour that has
 * already closed and its data certified at once.
 */
@Tag("integration")
class MarketPaymentIT {
    private static final byte[] SALT = Hex.decode("2f2e2d2c2b2a29282726252423222120000102030405060708090a0b0c0d0e0f");
    private static final long QUARTER = 900_000L;
    private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

    private static long balance(final LedgerConnection any, final String account) throws LedgerException {
        return (Long) any.token("grid").balance(account).get("balance");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aStationsMeteredDeliveryIsPaidFromTheEscrow() throws Exception {
        final Path work = EnergyRoleMatrix.work();
        try (LedgerConnection dso = LedgerConnection.open(MemberProfile.fromWork(work, "dso", "user"));
                LedgerConnection dsoAdmin = LedgerConnection.open(MemberProfile.fromWork(work, "dso", "admin"));
                LedgerConnection cpo = LedgerConnection.open(MemberProfile.fromWork(work, "cpo", "user"));
                LedgerConnection cpoAdmin = LedgerConnection.open(MemberProfile.fromWork(work, "cpo", "admin"))) {
            final String tag = Long.toString(System.currentTimeMillis(), 36);
            final String station = "CS-" + tag;
            final String requestId = "pay-" + tag;
            final long now = System.currentTimeMillis();
            final long windowEnd = now - Math.floorMod(now, QUARTER);
            final long windowStart = windowEnd - QUARTER;
            final long historyFrom = Instant.ofEpochMilli(windowStart).atZone(ZONE).toLocalDate().minusDays(15).atStartOfDay(ZONE).toInstant()
                    .toEpochMilli();

            // The CPO's station in zone-1 (kept by the DSO), 2 kW (+1 W a day) for two weeks, 1 kW in the window: certified.
            final Map<String, Object> asset = new LinkedHashMap<>();
            asset.put("assetId", station);
            asset.put("type", "CHARGING_STATION");
            asset.put("zone", "zone-1");
            asset.put("gatewayId", cpo.energy("grid").whoAmI().get("id"));
            asset.put("saltCommitment", Hex.encode(Fp1.saltCommitment(SALT)));
            asset.put("earliestStart", historyFrom);
            cpoAdmin.energy("grid").registerAsset(asset);
            final List<Map<String, Object>> batch = new ArrayList<>();
            for (long t = historyFrom; t < windowEnd; t += QUARTER) {
                final long load = t >= windowStart ? 1_000_000L : 2_000_000L + (t - historyFrom) / 86_400_000L * 1000;
                batch.add(EnergyLedger.record(station, Fp1.interval(SALT, station, t, t + QUARTER).add(t + 60_000, load).digest()));
                if (batch.size() == 500 || t + QUARTER >= windowEnd) {
                    cpo.energy("grid").recordIntervals(batch);
                    batch.clear();
                }
            }

            // The DSO's DR program gives the baseline terms; tokens for its escrow.
            final Map<String, Object> program = DrLedger.bl1Program("PAY-" + tag, 100, 50, 12_000, 8000, 15, "Europe/Berlin", new long[] {3, 5}, new long[] {2, 3}, 14, List.of());
            dso.dr("grid").createProgram(program);
            try {
                dsoAdmin.token("grid").info();
            } catch (LedgerException e) {
                dsoAdmin.token("grid").initialize("FlexLedger Reward", "FLEX", 3);
            }
            final String dsoAccount = (String) dso.token("grid").myAccount().get("account");
            dsoAdmin.token("grid").mint(dsoAccount, 1000);
            final String cpoAccount = "org:" + cpo.profile().mspId();
            final long dsoBefore = balance(dso, dsoAccount);
            final long cpoBefore = balance(dso, cpoAccount);

            // Forty minutes before the window: the request (200 Wh at up to 100 per kWh: escrow 20), offers until 30 minutes before.
            final long t0 = windowStart - 40 * 60_000L;
            final Map<String, Object> terms = new LinkedHashMap<>();
            terms.put("id", requestId);
            terms.put("zone", "zone-1");
            terms.put("quantityWh", 200L);
            terms.put("maxPrice", 100L);
            terms.put("deadline", windowStart - 30 * 60_000L);
            terms.put("revealBy", windowStart - 20 * 60_000L);
            terms.put("windowStart", windowStart);
            terms.put("windowEnd", windowEnd);
            terms.put("mode", "MERIT");
            terms.put("payer", dsoAccount);
            terms.put("baselineProgram", program.get("id"));
            Backdated.submit(dso, Instant.ofEpochMilli(t0), "grid", "market", "flex:PostRequest", Json.write(terms));
            assertThat(balance(dso, dsoAccount)).isEqualTo(dsoBefore - 20);
            // The CPO seals 300 Wh at 80 (its own peer alone endorses), submits the hash, reveals after the deadline.
            final byte[] bid = MarketLedger.bid(requestId, "cs-1", 300, 80, List.of(station));
            final String cpoMsp = cpo.profile().mspId();
            Backdated.submit(cpo, Instant.ofEpochMilli(t0 + 60_000), "grid", "market", "flex:SealOffer", Map.of("sealed", bid), List.of(cpoMsp),
                    requestId, "cs-1");
            Backdated.submit(cpo, Instant.ofEpochMilli(t0 + 90_000), "grid", "market", "flex:SubmitOffer", Map.of(), List.of(), requestId, "cs-1");
            Backdated.submit(cpo, Instant.ofEpochMilli(windowStart - 25 * 60_000L), "grid", "market", "flex:RevealOffer", Map.of("sealed", bid),
                    List.of(), requestId, "cs-1");
            final Map<String, Object> clearing = Backdated.submit(dso, Instant.ofEpochMilli(windowStart - 15 * 60_000L), "grid", "market",
                    "flex:ClearRequest", requestId);
            assertThat((Map<String, Object>) clearing.get("output")).containsEntry("status", "FILLED").containsEntry("reserved", 16L)
                    .containsEntry("refundAtClearing", 4L);
            assertThat(balance(dso, dsoAccount)).isEqualTo(dsoBefore - 16);

            // The provider cannot pay itself out of the escrow: not by a transfer, not by the escrow's own moves
            // (only a transaction of chaincode-dr may make those).
            final String escrow = "escrow:flex:" + requestId;
            final LedgerException byTransfer = org.junit.jupiter.api.Assertions.assertThrows(LedgerException.class,
                    () -> cpo.token("grid").transfer(escrow, cpoAccount, 16));
            assertThat(byTransfer.code()).contains(ErrorCode.ACCESS_DENIED);
            final Map<String, Object> move = Map.of("debits", List.of(Map.of("account", escrow, "amount", 16L, "reason", "mine")),
                    "credits", List.of(Map.of("account", cpoAccount, "amount", 16L, "reason", "mine")), "txId", "");
            final LedgerException byEscrowMove = org.junit.jupiter.api.Assertions.assertThrows(LedgerException.class,
                    () -> ChaincodeCalls.submit(cpo.gatewayContract("grid", "market", "escrow"), "Move", Json.write(move)));
            assertThat(byEscrowMove.code()).contains(ErrorCode.ACCESS_DENIED);
            final LedgerException byDrain = org.junit.jupiter.api.Assertions.assertThrows(LedgerException.class,
                    () -> ChaincodeCalls.submit(cpo.gatewayContract("grid", "market", "escrow"), "Drain", escrow, cpoAccount, "mine"));
            assertThat(byDrain.code()).contains(ErrorCode.ACCESS_DENIED);
            assertThat(balance(dso, escrow)).isEqualTo(16);
            assertThat(balance(dso, cpoAccount)).isEqualTo(cpoBefore);

            // After the window the DSO pays (it reads every awarded asset's data, as the DSO of their zone).
            final Map<String, Object> payment = dso.market("grid").pay(requestId);
            final Map<String, Object> delivered = (Map<String, Object>) ((List<Object>) payment.get("delivered")).get(0);
            final Map<String, Object> measured = (Map<String, Object>) ((List<Object>) delivered.get("assets")).get(0);
            assertThat(measured).containsEntry("assetId", station).containsEntry("ownerMsp", cpoMsp).containsEntry("counted", true);
            final long wh = (Long) delivered.get("deliveredWh");
            assertThat(wh).as("about 1 kW less for a quarter-hour").isBetween(250L, 260L);
            // MK1: paid = floorDiv(min(delivered, 200) * 80, 1000) = 16; nothing left to refund.
            assertThat(payment.get("payments")).isEqualTo(List.of(Map.of("offerId", "cs-1", "paid", 16L)));
            assertThat(payment).containsEntry("refundAtDelivery", 0L);
            final Map<String, Object> mk1 = new LinkedHashMap<>((Map<String, Object>) payment.get("input"));
            mk1.put("delivered", Map.of("cs-1", wh));
            assertThat(SpecCommands.mk1(mk1)).containsEntry("payments", payment.get("payments")).containsEntry("refundAtDelivery", 0L);
            assertThat(balance(dso, cpoAccount)).isEqualTo(cpoBefore + 16);
            assertThat(balance(dso, dsoAccount)).isEqualTo(dsoBefore - 16);
            assertThat(balance(dso, "escrow:flex:" + requestId)).isZero();
            // Once only.
            final LedgerException again = org.junit.jupiter.api.Assertions.assertThrows(LedgerException.class, () -> dso.market("grid").pay(requestId));
            assertThat(again.code()).contains(ErrorCode.INVALID_STATE);
            assertThat(balance(dso, cpoAccount)).isEqualTo(cpoBefore + 16);
            assertThat(dso.token("grid").audit()).containsEntry("consistent", true);
            // The payment, public to every member, names the asset and its figures, never its certified averages.
            assertThat(Canonical.write(payment)).doesNotContain("readings");
        }
    }
}
