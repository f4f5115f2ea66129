-- Samples that were acknowledged but cannot go into their meter's fingerprint: late (their interval
-- is closed), out of order, beyond the meter's plausible range, ahead of the member's clock, or an
-- overflow, or stored before an 'outbox reset' after the point where the ledger's chain continues.
-- Acknowledged means kept: they wait here with their reason, counted per meter ('flexledger outbox
-- status'), and are never dropped silently. A sample is kept once, whatever happens to it later: a
-- redelivery of a quarantined sample is a duplicate.
CREATE TABLE quarantine (
    id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    meter_id    TEXT    NOT NULL,
    t           INTEGER NOT NULL,
    v           INTEGER NOT NULL,
    reason      TEXT    NOT NULL,
    detail      TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    UNIQUE (meter_id, t, v)
);

CREATE INDEX quarantine_meter ON quarantine (meter_id, t);

-- The largest sample magnitude the meter's registration declares (maxAbsValue), NULL: no bound known.
ALTER TABLE meter ADD COLUMN max_abs_value INTEGER;

-- 1 after 'flexledger outbox reset': the next ingestion starts the meter again from the ledger's head.
ALTER TABLE meter ADD COLUMN needs_tracking INTEGER NOT NULL DEFAULT 0 CHECK (needs_tracking IN (0, 1));

-- Device messages acknowledged but not (yet) ingested: PARKED when their meter could not be started
-- from the ledger's head (the ledger was unreachable) or an earlier message of the meter is parked
-- (order is kept), taken up again by the gateway; REFUSED when they can never be ingested (malformed,
-- too large, unknown meter), kept with the reason. No meter's trouble holds up another's messages.
CREATE TABLE inbox (
    id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    meter_id    TEXT,
    topic       TEXT    NOT NULL,
    payload     BLOB    NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('PARKED', 'REFUSED')),
    reason      TEXT    NOT NULL,
    received_at INTEGER NOT NULL
);

CREATE INDEX inbox_parked ON inbox (state, meter_id, id);
