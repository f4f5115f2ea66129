-- The gateway's embedded MQTT broker (docs/decisions/0022-embedded-mqtt-broker.md).
--
-- A fourth kind of credential: 'consumer', another member's credential to read the data topics it
-- subscribed to on the ledger. It is bound to that member's MSP id ('msp'); it acts as no Fabric
-- identity of this member ('identity' is empty). SQLite cannot change a CHECK constraint in place: the
-- table is copied into one with the new constraint and column.
CREATE TABLE credential_v4 (
    name        TEXT    NOT NULL PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('ems', 'bms', 'device', 'consumer')),
    assets      TEXT    NOT NULL,
    identity    TEXT    NOT NULL,
    token_hash  BLOB    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER,
    msp         TEXT,
    CHECK ((kind = 'consumer') = (msp IS NOT NULL))
);
INSERT INTO credential_v4 (name, kind, assets, identity, token_hash, created_at, revoked_at, msp)
    SELECT name, kind, assets, identity, token_hash, created_at, revoked_at, NULL FROM credential;
DROP TABLE credential;
ALTER TABLE credential_v4 RENAME TO credential;
