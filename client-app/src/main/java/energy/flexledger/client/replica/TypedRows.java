package energy.flexledger.client.replica;

import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The typed tables an analyst queries without JSON functions: rows derived from the events whose
 * payload FlexLedger defines, written in the same SQL transaction as the event. An event whose
 * payload does not have the expected shape keeps its generic row only (it is never dropped).
 */
final class TypedRows {
    private TypedRows() {
    }

    /** Writes the typed rows of {@code e}; returns how many. */
    static int write(final Connection db, final String channel, final ReplicaBlock.Event e) throws SQLException {
        if (e.json() == null) {
            return 0;
        }
        try {
            return switch (e.chaincode() + "/" + e.name()) {
                case "market/Transfer" -> transfer(db, channel, e, Json.Obj.of(Json.parse(e.json()), "Transfer"));
                case "dr/DrSettled" -> settlement(db, channel, e, Json.Obj.of(Json.parse(e.json()), "DrSettled"));
                case "energy/IntervalsRecorded" -> intervals(db, channel, e, Json.Obj.of(Json.parse(e.json()), "IntervalsRecorded"));
                case "market/FlexRequestCleared" -> clearing(db, channel, e, Json.Obj.of(Json.parse(e.json()), "FlexRequestCleared"));
                default -> 0;
            };
        } catch (SpecException | ClassCastException shapeNotKnown) {
            return 0;
        }
    }

    /**
     * A string from the payload as a column can hold it: a JSON string may hold U+0000, which
     * PostgreSQL's text rejects (and the whole block with it); it becomes U+FFFD as in the decoder.
     */
    private static String text(final String s) {
        return s == null ? null : BlockDecoder.text(s);
    }

    private static PreparedStatement insert(final Connection db, final String table, final String... columns) throws SQLException {
        final String cols = "channel, block_number, tx_index, action_index, " + String.join(", ", columns);
        final String marks = "?, ".repeat(3 + columns.length) + "?";
        return db.prepareStatement("INSERT INTO " + table + " (" + cols + ") VALUES (" + marks + ") ON CONFLICT DO NOTHING");
    }

    private static int position(final PreparedStatement ps, final String channel, final ReplicaBlock.Event e) throws SQLException {
        ps.setString(1, text(channel));
        ps.setLong(2, e.blockNumber());
        ps.setLong(3, e.txIndex());
        ps.setLong(4, e.actionIndex());
        return 5;
    }

    private static int transfer(final Connection db, final String channel, final ReplicaBlock.Event e, final Json.Obj t) throws SQLException {
        final String from = t.has("from") ? t.getString("from") : "";
        final String to = t.has("to") ? t.getString("to") : "";
        final long amount = t.getLong("amount");
        final String reason = t.has("reason") ? t.getString("reason") : "";
        try (PreparedStatement ps = insert(db, "token_transfers", "tx_id", "from_account", "to_account", "amount", "reason", "tx_time")) {
            int i = position(ps, channel, e);
            ps.setString(i++, text(e.txId()));
            ps.setString(i++, text(from));
            ps.setString(i++, text(to));
            ps.setLong(i++, amount);
            ps.setString(i++, text(reason));
            ps.setString(i, ReplicaStore.iso(e.timeMs()));
            return ps.executeUpdate();
        }
    }

    private static int settlement(final Connection db, final String channel, final ReplicaBlock.Event e, final Json.Obj s) throws SQLException {
        final Object[] values = {e.txId(), s.getString("eventId"), s.getString("assetId"), s.getString("programId"), s.getLong("committedPower"),
            s.getLong("deliveredMilliWh"), s.getLong("committedMilliWh"), s.getLong("performanceBps"), s.getLong("reward"), s.getLong("penalty"),
            s.getString("participantAccount"), s.getLong("toParticipant"), s.getString("ownerAccount"), s.getLong("toOwner"),
            s.getString("settledBy"), s.getLong("settledAt")};
        try (PreparedStatement ps = insert(db, "dr_settlements", "tx_id", "event_id", "asset_id", "program_id", "committed_power",
                "delivered_milli_wh", "committed_milli_wh", "performance_bps", "reward", "penalty", "participant_account", "to_participant",
                "owner_account", "to_owner", "settled_by", "settled_at_ms")) {
            final int first = position(ps, channel, e);
            for (int k = 0; k < values.length; k++) {
                ps.setObject(first + k, values[k] instanceof String v ? text(v) : values[k]);
            }
            return ps.executeUpdate();
        }
    }

    private static int intervals(final Connection db, final String channel, final ReplicaBlock.Event e, final Json.Obj r) throws SQLException {
        final long recorded = r.getLong("recorded");
        final long unchanged = r.getLong("unchanged");
        final List<String> meters = r.getListOrEmpty("meters").stream().map(m -> (String) m).toList(); // shape first, then rows
        int n = 0;
        try (PreparedStatement ps = insert(db, "certified_batches", "meter_index", "tx_id", "meter_id", "recorded", "unchanged", "tx_time")) {
            for (int m = 0; m < meters.size(); m++) {
                int i = position(ps, channel, e);
                ps.setLong(i++, m);
                ps.setString(i++, text(e.txId()));
                ps.setString(i++, text(meters.get(m)));
                ps.setLong(i++, recorded);
                ps.setLong(i++, unchanged);
                ps.setString(i, ReplicaStore.iso(e.timeMs()));
                n += ps.executeUpdate();
            }
        }
        return n;
    }

    private static int clearing(final Connection db, final String channel, final ReplicaBlock.Event e, final Json.Obj c) throws SQLException {
        final String requestId = c.getString("requestId");
        final Json.Obj out = c.getObj("output");
        final List<Json.Obj> awards = new java.util.ArrayList<>(); // the whole shape is checked before any row is written
        for (final Object a : out.getListOrEmpty("awards")) {
            final Json.Obj award = Json.Obj.of(a, "award");
            award.getString("offerId");
            award.getLong("quantityWh");
            award.getLong("price");
            award.getLong("cost");
            awards.add(award);
        }
        final Object[] head = {e.txId(), requestId, out.getString("status"), out.getLong("escrow"), out.getLong("reserved"),
            out.getLong("refundAtClearing"), out.getLong("awardedWh"), (long) awards.size(), c.getString("clearedBy"), c.getLong("clearedAt")};
        int n;
        try (PreparedStatement ps = insert(db, "market_clearings", "tx_id", "request_id", "status", "escrow", "reserved", "refund_at_clearing",
                "awarded_wh", "awards", "cleared_by", "cleared_at_ms")) {
            final int first = position(ps, channel, e);
            for (int k = 0; k < head.length; k++) {
                ps.setObject(first + k, head[k] instanceof String v ? text(v) : head[k]);
            }
            n = ps.executeUpdate();
        }
        try (PreparedStatement ps = insert(db, "market_awards", "award_index", "request_id", "offer_id", "quantity_wh", "price", "cost")) {
            for (int a = 0; a < awards.size(); a++) {
                final Json.Obj award = awards.get(a);
                int i = position(ps, channel, e);
                ps.setLong(i++, a);
                ps.setString(i++, text(requestId));
                ps.setString(i++, text(award.getString("offerId")));
                ps.setLong(i++, award.getLong("quantityWh"));
                ps.setLong(i++, award.getLong("price"));
                ps.setLong(i, award.getLong("cost"));
                n += ps.executeUpdate();
            }
        }
        return n;
    }
}
