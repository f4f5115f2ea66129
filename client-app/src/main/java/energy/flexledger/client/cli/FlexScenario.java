package energy.flexledger.client.cli;

import energy.flexledger.client.Backdated;
import energy.flexledger.client.DrLedger;
import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.client.MarketLedger;
import energy.flexledger.client.MemberProfile;
import energy.flexledger.client.PeerHeights;
import energy.flexledger.client.SaltStore;
import energy.flexledger.client.charts.BaselineChart;
import energy.flexledger.client.loads.LoadProfiles;
import energy.flexledger.client.loads.LoadSeries;
import energy.flexledger.client.store.MemberStore;
import energy.flexledger.client.store.OutboxSubmitter;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Json;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's second half: the loop from certified data to baseline to settlement and payment, on three
 * weeks of real load shapes (BDEW H25/G25 standard profiles, client-app/src/main/resources/loads). It
 * replays 2026-04-09: the DSO's demand-response event and its flexibility request were made the day
 * before and that morning, so those transactions carry the times they replay ({@link Backdated}: the
 * members' own identities through the real gateway; Fabric takes a transaction's time from its
 * client); the meters' data are certified through the member stores now, and the settlements and the
 * payment are computed by the chaincodes from them.
 */
final class FlexScenario {
    private static final long QUARTER = 15 * 60_000L;
    private static final LocalDate EVENT_DAY = LocalDate.of(2026, 4, 9);

    private final Path work;
    private final String channel;
    private final PrintStream out;
    private final LoadProfiles loads = LoadProfiles.load();
    private final ZoneId zone = loads.zone();

    FlexScenario(final Path work, final String channel, final PrintStream out) {
        this.work = work;
        this.channel = channel;
        this.out = out;
    }

    private String localTime(final long millis) {
        return Instant.ofEpochMilli(millis).atZone(zone).toLocalTime().toString();
    }

    private long at(final LocalDate date, final int hour, final int minute) {
        return date.atTime(LocalTime.of(hour, minute)).atZone(zone).toInstant().toEpochMilli();
    }

    private LedgerConnection open(final String org, final String who) throws java.io.IOException {
        return LedgerConnection.open(MemberProfile.fromWork(work, org, who));
    }

    /** A meter of {@code org} whose load follows {@code series}, cut to {@code percentDuringCut} % in [cutFrom, cutTo). */
    private final class Meter {
        final String org;
        final String meter;
        final String type;
        final LoadSeries series;
        final LedgerConnection device;
        final byte[] salt;
        final Path data;

        Meter(final LedgerConnection ownerAdmin, final LedgerConnection gateway, final LedgerConnection device, final String org, final String meter,
                final String type, final LoadSeries series, final long cutFrom, final long cutTo, final int percentDuringCut) throws Exception {
            this.org = org;
            this.meter = meter;
            this.type = type;
            this.series = series;
            this.device = device;
            this.data = work.resolve("members").resolve(org);
            this.salt = new SaltStore(data.resolve("salts")).create(meter);
            final Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("assetId", meter);
            spec.put("type", type);
            spec.put("zone", "zone-1");
            spec.put("deviceId", device.energy(channel).whoAmI().get("id"));
            spec.put("gatewayId", gateway.energy(channel).whoAmI().get("id"));
            spec.put("saltCommitment", Hex.encode(Fp1.saltCommitment(salt)));
            spec.put("earliestStart", series.slotStart(0));
            ownerAdmin.energy(channel).registerAsset(spec);
            final List<long[]> samples = new ArrayList<>();
            for (int i = 0; i < series.size(); i++) {
                final long t = series.slotStart(i);
                long mw = series.milliWatts(i);
                if (t >= cutFrom && t < cutTo) {
                    mw = mw * percentDuringCut / 100;
                }
                samples.add(new long[] {t + QUARTER, mw});   // one reading per quarter-hour, at its end: the average is the reading
            }
            this.samples = samples;
            try (MemberStore store = MemberStore.open(data.resolve("member.db"))) {
                store.track(meter, salt, QUARTER, series.slotStart(0));
            }
        }

        private final List<long[]> samples;
        private int ingested;

        /**
         * The readings up to {@code until} arrive at the member's store (which fingerprints them and closes each
         * interval as the next reading comes), then the closed intervals are certified through its outbox.
         */
        long certifyUntil(final long until) throws Exception {
            try (MemberStore store = MemberStore.open(data.resolve("member.db"))) {
                final List<long[]> next = new ArrayList<>();
                while (ingested < samples.size() && samples.get(ingested)[0] <= until) {
                    next.add(samples.get(ingested++));
                }
                store.ingest(meter, salt, next);
                store.closeUntil(meter, salt, Math.min(until, series.slotStart(series.size() - 1) + QUARTER));
                final OutboxSubmitter.Report sent = new OutboxSubmitter(store, device.energy(channel)::recordIntervals, 500, meter).drain();
                if (sent.stoppedBy() != null) {
                    throw sent.stoppedBy();
                }
                return sent.committed();
            }
        }

        /**
         * The replay is over: the member store stops tracking the meter (every interval is certified), so that a
         * gateway on this store does not close and certify empty quarter-hours from the replayed days up to today.
         */
        void retire() throws Exception {
            try (MemberStore store = MemberStore.open(data.resolve("member.db"))) {
                store.reset(meter);
            }
        }
    }

    private long balance(final LedgerConnection any, final String account) throws LedgerException {
        return (Long) any.token(channel).balance(account).get("balance");
    }

    private void balances(final LedgerConnection any, final String label, final Map<String, String> accounts) throws LedgerException {
        final StringBuilder sb = new StringBuilder("   balances " + label + ":");
        for (final Map.Entry<String, String> e : accounts.entrySet()) {
            sb.append(' ').append(e.getKey()).append(' ').append(balance(any, e.getValue()));
        }
        out.println(sb);
    }

    @SuppressWarnings("unchecked")
    void run(final int firstStep) throws Exception {
        final String tag = Long.toString(System.currentTimeMillis() / 1000 % 1_000_000, 36);
        try (LedgerConnection dso = open("dso", "admin");
                LedgerConnection communityAdmin = open("community", "admin");
                LedgerConnection community = open("community", "user");
                LedgerConnection communityDevice = open("community", "device");
                LedgerConnection aggregator = open("aggregator", "admin");
                LedgerConnection cpoAdmin = open("cpo", "admin");
                LedgerConnection cpo = open("cpo", "user");
                LedgerConnection cpoDevice = open("cpo", "device");
                ChargingStations stations = new ChargingStations(work.resolve("members").resolve("cpo"), channel, zone, loads.holidays(),
                        loads.series("hh-1").slotStarts())) {
            final String hh1 = tag + "-hh-1";
            final String hh2 = tag + "-hh-2";
            final String hh3 = tag + "-hh-3";
            final String hub = tag + "-hub";
            final long drFrom = at(EVENT_DAY, 18, 0);
            final long drTo = at(EVENT_DAY, 20, 0);
            final long mkFrom = at(EVENT_DAY, 19, 0);
            final long mkTo = at(EVENT_DAY, 20, 0);
            int step = firstStep;

            out.printf("%d. Three weeks (%s to %s, %s) of real load shapes — BDEW standard profiles H25/G25, see loads/ATTRIBUTION.md —%n"
                    + "   certified through the member stores: three households of the community and the CPO's charging hub. On %s the%n"
                    + "   households cut to 60 %% from 18:00 to 20:00 (the DR event) and the hub to 50 %% from 19:00 to 20:00 (its market offer):%n",
                    step++, loads.firstDate(), loads.lastDate(), zone, EVENT_DAY);
            final List<Meter> meters = List.of(
                    new Meter(communityAdmin, community, communityDevice, "community", hh1, "METER", loads.series("hh-1"), drFrom, drTo, 60),
                    new Meter(communityAdmin, community, communityDevice, "community", hh2, "METER", loads.series("hh-2"), drFrom, drTo, 60),
                    new Meter(communityAdmin, community, communityDevice, "community", hh3, "METER", loads.series("hh-3"), 0, 0, 100),
                    new Meter(cpoAdmin, cpo, cpoDevice, "cpo", hub, "CHARGING_STATION", loads.series("shop-1"), mkFrom, mkTo, 50));
            // Up to the day before the event now; the event day once the event is called (a commitment comes before its window's data).
            final long eventDayStart = EVENT_DAY.atStartOfDay(zone).toInstant().toEpochMilli();
            for (final Meter m : meters) {
                out.printf("   %-14s %s, %s: %d quarter-hours certified%n", m.meter, m.type.toLowerCase(java.util.Locale.ROOT),
                        m.series.description(), m.certifyUntil(eventDayStart));
            }
            stations.start(tag + "-cs", 2, cpoAdmin, cpo, cpoDevice);
            final long stationRecords = stations.chargeUntil(eventDayStart);
            final List<String> connectors = stations.meters();
            out.printf("   %s, %s: two charging stations of the CPO on its OCPP 1.6J central system (the gateway's, replaying the%n"
                    + "   stations' clocks), a car a day each (evenings on working days; a synthetic pattern, 6.3-7.4 kW): %d sessions,%n"
                    + "   MeterValues every quarter-hour into the CPO's member store, %d quarter-hours certified%n",
                    connectors.get(0), connectors.get(1), stations.sessionCount(), stationRecords);

            // Tokens: the issuer (the DSO) names the token once and funds the DSO's and the aggregator's accounts.
            try {
                dso.token(channel).info();
            } catch (LedgerException e) {
                dso.token(channel).initialize("FlexLedger Reward", "FLEX", 0);
            }
            final String dsoAccount = "org:" + dso.profile().mspId();
            final String aggAccount = "org:" + aggregator.profile().mspId();
            final String cpoAccount = "org:" + cpoAdmin.profile().mspId();
            dso.token(channel).mint(dsoAccount, 20_000);
            dso.token(channel).mint(aggAccount, 500);
            dso.token(channel).mint(cpoAccount, 1_500);
            final Map<String, String> accounts = new LinkedHashMap<>();
            accounts.put("DSO", dsoAccount);
            accounts.put("aggregator", aggAccount);
            accounts.put("CPO", cpoAccount);

            // Demand response.
            final String programId = "P-" + tag;
            final Map<String, Object> program = DrLedger.bl1Program(programId, 200, 100, 12_000, 8000, 15, zone.getId(), new long[] {5, 10},
                    new long[] {2, 3}, 20, loads.holidays().stream().map(LocalDate::toString).toList());
            dso.dr(channel).createProgram(program);
            for (final String meter : List.of(hh1, hh2)) {
                communityAdmin.dr(channel).enrol(programId, meter);
            }
            for (final String meter : connectors) {
                cpoAdmin.dr(channel).enrol(programId, meter);
            }
            // The DSO accepts through its own peer: it must have committed the enrolments first.
            PeerHeights.awaitSame(channel, List.of(communityAdmin, cpoAdmin, dso), PeerHeights.DEFAULT_WAIT);
            for (final String meter : List.of(hh1, hh2, connectors.get(0), connectors.get(1))) {
                dso.dr(channel).acceptEnrolment(programId, meter);
            }
            out.printf("%d. The DSO runs program %s (BL1 high 5 of 10 on weekdays, low 2 of 3 on weekends and the holidays %s; reward 200,%n"
                    + "   penalty 100 per kWh); the community enrols %s and %s, the CPO its two connectors; the DSO accepts.%n", step++,
                    programId, loads.holidays(), hh1, hh2);
            balances(dso, "before", accounts);
            final String eventId = "E-" + tag;
            final Map<String, Object> event = new LinkedHashMap<>();
            event.put("id", eventId);
            event.put("programId", programId);
            event.put("windowStart", drFrom);
            event.put("windowEnd", drTo);
            final List<String> called = new ArrayList<>(List.of(hh1, hh2));
            called.addAll(connectors);
            event.put("assets", called);
            event.put("budget", 4000L);
            event.put("payer", dsoAccount);
            final Instant dayBefore = Instant.ofEpochMilli(at(EVENT_DAY.minusDays(1), 12, 0));
            Backdated.submit(dso, dayBefore, channel, "dr", "CreateEvent", Json.write(event));
            for (final String meter : List.of(hh1, hh2)) {
                Backdated.submit(aggregator, dayBefore.plusSeconds(3600), channel, "dr", "Commit", eventId, meter, "300000", aggAccount);
            }
            for (final String meter : connectors) {
                Backdated.submit(cpoAdmin, dayBefore.plusSeconds(5400), channel, "dr", "Commit", eventId, meter, "3000000", cpoAccount);
            }
            out.printf("%d. On %s the DSO calls event %s for 18:00-20:00 on %s (budget 4000 locked); the aggregator, which represents the%n"
                    + "   community, commits 300 W per household, the CPO 3 kW per connector, and both lock their collateral:%n", step++,
                    EVENT_DAY.minusDays(1), eventId, EVENT_DAY);
            balances(dso, "after the commitments", accounts);
            // The CPO's central system follows chaincode-dr's events and limits the stations the event calls over its window.
            for (final Map<String, Object> p : stations.awaitProfiles(eventId, 120_000)) {
                out.printf("   the CPO's gateway sends %s a %s of %s W for %s-%s (stack level %s): %s; GetCompositeSchedule: %s%n", p.get("stationId"),
                        p.get("purpose"), p.get("limitW"), localTime((Long) p.get("validFrom")), localTime((Long) p.get("validTo")),
                        p.get("stackLevel"), p.get("status"), p.get("checked"));
            }
            long dayRecords = 0;
            for (final Meter m : meters) {
                dayRecords += m.certifyUntil(Long.MAX_VALUE);
            }
            dayRecords += stations.chargeUntil(drTo);
            for (final Map<String, Object> p : stations.profiles()) {
                if (("dr:" + eventId).equals(p.get("source"))) {
                    out.printf("   at 20:00 the gateway clears %s's profile %s: %s%n", p.get("stationId"), p.get("chargingProfileId"),
                            p.get("clearedAt") == null ? "NOT CLEARED" : "cleared");
                }
            }
            dayRecords += stations.chargeUntil(Long.MAX_VALUE);
            for (final Meter m : meters) {
                m.retire();
            }
            stations.retire();
            out.printf("   then the members' stores certify the rest, %s to %s: %d more quarter-hours; the cars charged on %s:%n", EVENT_DAY,
                    loads.lastDate(), dayRecords, EVENT_DAY);
            final Map<String, Map<String, Object>> profileOf = new LinkedHashMap<>();
            for (final Map<String, Object> p : stations.profiles()) {
                if (("dr:" + eventId).equals(p.get("source"))) {
                    profileOf.put((String) p.get("stationId"), p);
                }
            }
            for (final Map<String, Object> session : stations.sessions()) {
                final long started = (Long) session.get("startedAt");
                if (Instant.ofEpochMilli(started).atZone(zone).toLocalDate().equals(EVENT_DAY) && session.get("stoppedAt") != null) {
                    final Map<String, Object> p = profileOf.get((String) session.get("stationId"));
                    out.printf("   %-14s plugged in at %s, %.1f kWh until %s%s%n", session.get("meterId"), localTime(started),
                            (Long) session.get("energyWh") / 1000.0, localTime((Long) session.get("stoppedAt")), p == null ? ""
                                    : String.format(" (held to %s W from %s to %s by the profile, so it charged longer than its %s)",
                                            p.get("limitW"), localTime((Long) p.get("validFrom")), localTime((Long) p.get("validTo")),
                                            stations.usualEnd((String) session.get("stationId"), EVENT_DAY)));
                }
            }
            final long dayEnd = EVENT_DAY.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
            for (final String meter : connectors) {
                final energy.flexledger.spec.Fp1Verifier.Report audit = stations.audit(meter, eventDayStart, dayEnd);
                out.printf("   FP1 audit of %s on %s against the CPO's member store: %d intervals, %d samples, %s%n", meter, EVENT_DAY,
                        audit.intervals(), audit.samples(), audit.ok() ? "all match" : "MISMATCHES " + audit.mismatches().size());
            }
            PeerHeights.awaitSame(channel, List.of(dso, aggregator, community, cpo), PeerHeights.DEFAULT_WAIT);
            out.printf("%d. After the event the DSO settles each household and connector on the ledger (BL1 and ST1 computed by chaincode-dr%n"
                    + "   from the certified data; tokens moved in the same transaction):%n", step++);
            Map<String, Object> firstDetail = null;
            for (final String meter : called) {
                final Map<String, Object> s = dso.dr(channel).settle(eventId, meter);
                final Map<String, Object> detail = dso.dr(channel).settlementDetail(eventId, meter);
                if (firstDetail == null) {
                    firstDetail = detail;
                }
                final Map<String, Object> bl1 = (Map<String, Object>) ((Map<String, Object>) detail.get("baseline")).get("output");
                out.printf("   %-14s baseline days %s; delivered %.3f kWh of %.3f committed (%s bp): reward %s, penalty %s%n", meter,
                        bl1.get("selected"), (Long) s.get("deliveredMilliWh") / 1e6, (Long) s.get("committedMilliWh") / 1e6,
                        s.get("performanceBps"), s.get("reward"), s.get("penalty"));
            }
            dso.dr(channel).closeEvent(eventId);
            balances(dso, "after settlement", accounts);
            final Path chart = work.resolve("demo-" + eventId + "-" + hh1 + ".svg");
            final Map<String, Object> st1 = (Map<String, Object>) firstDetail.get("output");
            chart(firstDetail, chart, hh1, drFrom, drTo, (Long) st1.get("deliveredMilliWh"), (Long) st1.get("reward"), (Long) st1.get("penalty"),
                    dso);
            out.printf("   chart of %s: %s%n", hh1, chart);

            // The flexibility market.
            final String requestId = "R-" + tag;
            final Map<String, Object> terms = new LinkedHashMap<>();
            terms.put("id", requestId);
            terms.put("zone", "zone-1");
            terms.put("quantityWh", 6000L);
            terms.put("maxPrice", 150L);
            terms.put("deadline", at(EVENT_DAY, 12, 0));
            terms.put("revealBy", at(EVENT_DAY, 14, 0));
            terms.put("windowStart", mkFrom);
            terms.put("windowEnd", mkTo);
            terms.put("mode", "MERIT");
            terms.put("payer", dsoAccount);
            terms.put("baselineProgram", programId);
            Backdated.submit(dso, Instant.ofEpochMilli(at(EVENT_DAY, 9, 0)), channel, "market", "flex:PostRequest", Json.write(terms));
            out.printf("%d. At 09:00 on %s the DSO asks for 6 kWh of flexibility in zone-1, 19:00-20:00, at up to 150 per kWh (escrow 900):%n",
                    step++, EVENT_DAY);
            balances(dso, "with the escrow locked", accounts);
            final List<Object[]> offers = List.of(new Object[] {cpo, "hub-1", 4000L, 110L, hub}, new Object[] {aggregator, "agg-1", 1500L, 95L, hh3},
                    new Object[] {cpo, "hub-2", 3000L, 140L, hub});
            int minute = 0;
            final Map<String, byte[]> bids = new LinkedHashMap<>();
            for (final Object[] o : offers) {
                final LedgerConnection who = (LedgerConnection) o[0];
                final byte[] bid = MarketLedger.bid(requestId, (String) o[1], (Long) o[2], (Long) o[3], List.of((String) o[4]));
                bids.put((String) o[1], bid);
                final Instant t = Instant.ofEpochMilli(at(EVENT_DAY, 10, minute += 5));
                Backdated.submit(who, t, channel, "market", "flex:SealOffer", Map.of("sealed", bid), List.of(who.profile().mspId()), requestId,
                        (String) o[1]);
                PeerHeights.awaitSame(channel, List.of(who, dso), PeerHeights.DEFAULT_WAIT);
                final Map<String, Object> offer = Backdated.submit(who, t.plusSeconds(60), channel, "market", "flex:SubmitOffer", Map.of(), List.of(),
                        requestId, (String) o[1]);
                out.printf("   %s offers %s: sealed on its own peer; the channel holds only the hash %s...%n", who.profile().mspId(), o[1],
                        ((String) offer.get("sealHash")).substring(0, 16));
            }
            minute = 0;
            for (final Object[] o : offers) {
                final LedgerConnection who = (LedgerConnection) o[0];
                Backdated.submit(who, Instant.ofEpochMilli(at(EVENT_DAY, 12, minute += 10)), channel, "market", "flex:RevealOffer",
                        Map.of("sealed", bids.get((String) o[1])), List.of(), requestId, (String) o[1]);
            }
            final Map<String, Object> clearing = Backdated.submit(dso, Instant.ofEpochMilli(at(EVENT_DAY, 14, 5)), channel, "market",
                    "flex:ClearRequest", requestId);
            final Map<String, Object> output = (Map<String, Object>) clearing.get("output");
            out.printf("%d. After the deadline the offers are revealed against their hashes and the request cleared by MK1 (cheapest first):%n"
                    + "   %s awards %s; %s stays reserved, %s returns to the DSO%n", step++, output.get("status"), output.get("awards"),
                    output.get("reserved"), output.get("refundAtClearing"));
            balances(dso, "after clearing", accounts);
            PeerHeights.awaitSame(channel, List.of(dso, cpo, aggregator), PeerHeights.DEFAULT_WAIT);
            final Map<String, Object> payment = dso.market(channel).pay(requestId);
            out.printf("%d. After 20:00 chaincode-dr measures what each awarded offer's assets delivered against their BL1 baselines, and the%n"
                    + "   market pays by MK1: delivered %s; payments %s; %s back to the DSO%n", step++,
                    ((List<Object>) payment.get("delivered")).stream().map(d -> ((Map<String, Object>) d).get("offerId") + " "
                            + ((Map<String, Object>) d).get("deliveredWh") + " Wh").toList(), payment.get("payments"), payment.get("refundAtDelivery"));
            balances(dso, "after payment", accounts);
            final Map<String, Object> audit = dso.token(channel).audit();
            out.printf("   the whole token ledger: minted %s - burned %s = balances %s + escrow %s: %s%n", audit.get("minted"), audit.get("burned"),
                    audit.get("balances"), audit.get("escrow"), Boolean.TRUE.equals(audit.get("consistent")) ? "consistent" : "INCONSISTENT");
            out.printf("   recompute: scripts/flexledger market show --request %s | jq .input | scripts/flexledger spec mk1%n", requestId);
            out.printf("              scripts/flexledger --org dso dr settlement show --event %s --asset %s | jq .input | scripts/flexledger spec st1%n",
                    eventId, hh1);
        }
    }

    @SuppressWarnings("unchecked")
    private void chart(final Map<String, Object> detail, final Path file, final String meter, final long from, final long to, final long delivered,
            final long reward, final long penalty, final LedgerConnection reader) throws Exception {
        final List<Object> slots = (List<Object>) ((Map<String, Object>) ((Map<String, Object>) detail.get("baseline")).get("output")).get("slots");
        final long dayStart = EVENT_DAY.atStartOfDay(zone).toInstant().toEpochMilli();
        final long dayEnd = EVENT_DAY.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        final List<Map<String, Object>> records = reader.energy(channel).allIntervals(meter, dayStart, dayEnd);
        final int n = records.size();
        final long[] starts = new long[n];
        final long[] base = new long[n];
        final long[] actual = new long[n];
        for (int i = 0; i < n; i++) {
            starts[i] = (Long) records.get(i).get("start");
            final var local = Instant.ofEpochMilli(starts[i]).atZone(zone);
            base[i] = (Long) slots.get((local.getHour() * 60 + local.getMinute()) / 15);
            actual[i] = (Long) records.get(i).get("avg");
        }
        Files.writeString(file, BaselineChart.render("Event on " + EVENT_DAY + ", " + meter, EVENT_DAY, zone, 15, starts, base, actual, from, to,
                delivered, new BaselineChart.Payout(reward, penalty)), StandardCharsets.UTF_8);
    }
}
