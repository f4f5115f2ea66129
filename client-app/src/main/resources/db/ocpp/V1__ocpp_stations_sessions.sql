-- The OCPP central system's own tables (decision 0024), in ocpp.db next to the member store, migrated with
-- their own history table (flyway_ocpp_history).

-- A charging station this member lets connect: its CHARGING_STATION asset on the ledger has the same id.
-- Only the SHA-256 of its basic-auth password (OCPP security profile 1/2) is kept.
CREATE TABLE ocpp_station (
    station_id      TEXT PRIMARY KEY,
    password_sha256 BLOB NOT NULL,
    connectors      INTEGER NOT NULL CHECK (connectors BETWEEN 1 AND 32),
    created_at      INTEGER NOT NULL,
    vendor          TEXT,
    model           TEXT,
    serial          TEXT,
    firmware        TEXT,
    booted_at       INTEGER,
    last_seen       INTEGER
);

CREATE TABLE ocpp_connector_status (
    station_id   TEXT NOT NULL REFERENCES ocpp_station (station_id),
    connector_id INTEGER NOT NULL,
    status       TEXT NOT NULL,
    error_code   TEXT NOT NULL,
    at           INTEGER NOT NULL,
    PRIMARY KEY (station_id, connector_id)
);

-- A charging session. The same StartTransaction sent again (its answer lost) gets the same id.
CREATE TABLE ocpp_transaction (
    transaction_id INTEGER PRIMARY KEY AUTOINCREMENT,
    station_id     TEXT NOT NULL REFERENCES ocpp_station (station_id),
    connector_id   INTEGER NOT NULL,
    id_tag         TEXT NOT NULL,
    meter_start_wh INTEGER NOT NULL,
    started_at     INTEGER NOT NULL,
    meter_stop_wh  INTEGER,
    stopped_at     INTEGER,
    stop_reason    TEXT,
    UNIQUE (station_id, connector_id, started_at, id_tag)
);

-- Every reading a station sent (energy register, power), as sent: the sessions' audit trail.
-- The power readings are also the connector meter's samples in the member store (FP1, the ledger).
CREATE TABLE ocpp_meter_value (
    station_id     TEXT NOT NULL,
    connector_id   INTEGER NOT NULL,
    at             INTEGER NOT NULL,
    measurand      TEXT NOT NULL,
    context        TEXT NOT NULL,
    transaction_id INTEGER,
    value          TEXT NOT NULL,
    unit           TEXT,
    PRIMARY KEY (station_id, connector_id, at, measurand, context)
);

-- What the gateway sent a station for smart charging, and what the station answered.
CREATE TABLE ocpp_profile (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    station_id   TEXT NOT NULL,
    source       TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    stack_level  INTEGER NOT NULL,
    valid_from   INTEGER NOT NULL,
    valid_to     INTEGER NOT NULL,
    limit_w      INTEGER NOT NULL,
    sent_at      INTEGER NOT NULL,
    status       TEXT NOT NULL,
    checked      TEXT,
    cleared_at   INTEGER
);
