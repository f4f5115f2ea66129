-- The gateway's embedded MQTT broker (decision 0022): a fourth kind of credential, 'consumer', another
-- member's credential to read the data topics it subscribed to on the ledger. It is bound to that
-- member's MSP id ('msp'); it acts as no Fabric identity of this member ('identity' is empty).
-- Neither engine changes a CHECK constraint in place the same way: the table is copied into one with
-- the new constraint and column (SQLite and PostgreSQL alike).
CREATE TABLE credential_v2 (
    name        TEXT     NOT NULL PRIMARY KEY,
    kind        TEXT     NOT NULL CHECK (kind IN ('ems', 'bms', 'device', 'consumer')),
    assets      TEXT     NOT NULL,
    identity    TEXT     NOT NULL,
    token_hash  ${bytes} NOT NULL UNIQUE,
    created_at  BIGINT   NOT NULL,
    revoked_at  BIGINT,
    msp         TEXT,
    CHECK ((kind = 'consumer') = (msp IS NOT NULL))
);
INSERT INTO credential_v2 (name, kind, assets, identity, token_hash, created_at, revoked_at, msp)
    SELECT name, kind, assets, identity, token_hash, created_at, revoked_at, NULL FROM credential;
DROP TABLE credential;
ALTER TABLE credential_v2 RENAME TO credential;
