-- The gateway's HTTP API (docs/decisions/0021-gateway-rest-api.md).
--
-- One row per credential of an EMS, BMS or device. The bearer token itself is never stored: only its
-- SHA-256, compared in constant time. 'identity' names the member's Fabric identity the credential acts
-- as (a client profile <work>/clients/<org>-<identity>.properties); 'assets' is the JSON array of the
-- asset ids a device credential is bound to (empty for ems and bms). A revoked credential stays, with
-- its revocation time, so that its name is never reused for another token.
CREATE TABLE credential (
    name        TEXT    NOT NULL PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('ems', 'bms', 'device')),
    assets      TEXT    NOT NULL,
    identity    TEXT    NOT NULL,
    token_hash  BLOB    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);

-- The first answer to each write that carried an Idempotency-Key, per credential: a repetition with
-- the same body gets this answer again, one with another body a problem. 'request_hash' is the SHA-256
-- of the method, the path and the body.
CREATE TABLE idempotency (
    credential   TEXT    NOT NULL,
    key          TEXT    NOT NULL,
    request_hash BLOB    NOT NULL,
    status       INTEGER NOT NULL,
    content_type TEXT    NOT NULL,
    body         BLOB    NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (credential, key)
);
