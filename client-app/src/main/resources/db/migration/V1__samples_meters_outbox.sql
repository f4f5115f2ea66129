-- The member's off-chain store (docs: client-app/README.md, "The off-chain store").
-- Integers are epoch milliseconds and milliwatts (64-bit); hashes are 32 raw bytes or 64 hex digits.

-- A meter the member ingests samples for, with its open interval (open_start, open_start + interval_ms]
-- and that interval's running FP1 state: H(k) of the samples so far, their count and sum, the last time.
CREATE TABLE meter (
    meter_id    TEXT    NOT NULL PRIMARY KEY,
    interval_ms INTEGER NOT NULL CHECK (interval_ms > 0),
    open_start  INTEGER NOT NULL,
    open_count  INTEGER NOT NULL CHECK (open_count >= 0),
    open_sum    INTEGER NOT NULL,
    open_hash   BLOB    NOT NULL CHECK (length(open_hash) = 32),
    open_last_t INTEGER NOT NULL
);

-- Every accepted raw sample, stored in the same transaction that advanced its meter's FP1 state.
CREATE TABLE sample (
    meter_id TEXT    NOT NULL REFERENCES meter (meter_id),
    t        INTEGER NOT NULL,
    v        INTEGER NOT NULL,
    PRIMARY KEY (meter_id, t)
) WITHOUT ROWID;

-- Closed intervals waiting for the ledger (PENDING), certified (COMMITTED, with the transaction id)
-- or refused by the chaincode (FAILED, with its error code): a meter with a FAILED record sends no
-- later record until someone resolves it, because its chain cannot continue past the refusal.
CREATE TABLE outbox (
    id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    meter_id    TEXT    NOT NULL REFERENCES meter (meter_id),
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    count       INTEGER NOT NULL,
    sum         INTEGER NOT NULL,
    fingerprint TEXT    NOT NULL CHECK (length(fingerprint) = 64),
    status      TEXT    NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'COMMITTED', 'FAILED')),
    tx_id       TEXT,
    error_code  TEXT,
    error       TEXT,
    UNIQUE (meter_id, start)
);

CREATE INDEX outbox_status ON outbox (status, id);
