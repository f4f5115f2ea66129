-- The analytics replica (docs/replica.md, decision 0020): every block of a channel that the replica
-- has taken, each transaction with its validation code, and every chaincode event of a valid
-- transaction. The same file runs on SQLite and PostgreSQL: only BIGINT, TEXT and SMALLINT columns,
-- no engine-specific types, defaults or functions. Block numbers, transaction and action indexes
-- are positions in the channel's ledger, so re-inserting a row is impossible (its primary key exists).
-- Times are the transaction's own timestamp (its channel header, set by the client that signed it),
-- as epoch milliseconds and as ISO-8601 UTC text; replicated_at is when the replica wrote the block.

-- Per channel: the next block the replica needs (block_number) and, when it stopped inside a block,
-- the last transaction it finished (tx_id; NULL when every block below block_number is complete).
-- Written in the same SQL transaction as the rows of the block it covers.
CREATE TABLE checkpoints (
    channel      TEXT   NOT NULL PRIMARY KEY,
    block_number BIGINT NOT NULL CHECK (block_number >= 0),
    tx_id        TEXT,
    updated_at   TEXT   NOT NULL
);

-- header_hash is what the next block names as its previous_hash: the replica checks that every block
-- follows the one it holds (a database kept across a network created anew is refused, not mixed).
CREATE TABLE blocks (
    channel       TEXT   NOT NULL,
    block_number  BIGINT NOT NULL,
    header_hash   TEXT   NOT NULL,
    tx_count      BIGINT NOT NULL,
    data_hash     TEXT   NOT NULL,
    previous_hash TEXT   NOT NULL,
    replicated_at TEXT   NOT NULL,
    PRIMARY KEY (channel, block_number)
);

-- Every transaction of every block, valid or not: validation_code is Fabric's TxValidationCode name
-- (VALID, MVCC_READ_CONFLICT, ENDORSEMENT_POLICY_FAILURE, ...), valid is 1 only for VALID.
-- type is the channel header type (ENDORSER_TRANSACTION, CONFIG, ...); chaincode is the chaincode the
-- client invoked (NULL for a configuration transaction). creator_msp is the signer's MSP id.
CREATE TABLE transactions (
    channel         TEXT     NOT NULL,
    block_number    BIGINT   NOT NULL,
    tx_index        BIGINT   NOT NULL,
    tx_id           TEXT     NOT NULL,
    type            TEXT     NOT NULL,
    validation_code TEXT     NOT NULL,
    valid           SMALLINT NOT NULL CHECK (valid IN (0, 1)),
    chaincode       TEXT,
    creator_msp     TEXT,
    tx_time_ms      BIGINT,
    tx_time         TEXT,
    PRIMARY KEY (channel, block_number, tx_index)
);

CREATE INDEX transactions_tx_id ON transactions (tx_id);

-- The chaincode events of VALID transactions only (an invalid transaction's event never happened).
-- Fabric keeps one event per transaction action, and FlexLedger's transactions have one action, so
-- action_index is 0 in practice. payload is the event's payload as JSON text when it is JSON (every
-- FlexLedger event is canonical JSON); otherwise payload is NULL and payload_base64 holds the bytes.
CREATE TABLE events (
    channel        TEXT   NOT NULL,
    block_number   BIGINT NOT NULL,
    tx_index       BIGINT NOT NULL,
    action_index   BIGINT NOT NULL,
    tx_id          TEXT   NOT NULL,
    chaincode      TEXT   NOT NULL,
    event_name     TEXT   NOT NULL,
    payload        TEXT,
    payload_base64 TEXT,
    tx_time_ms     BIGINT,
    tx_time        TEXT,
    PRIMARY KEY (channel, block_number, tx_index, action_index)
);

CREATE INDEX events_name ON events (chaincode, event_name, block_number);
CREATE INDEX events_tx_id ON events (tx_id);

-- Typed rows for the events whose payload FlexLedger defines, filled by the replica from the same
-- event in the same SQL transaction (so they need no JSON functions, which SQLite and PostgreSQL spell
-- differently). Each row's key is its event's key.

-- chaincode-market's token contract, event Transfer: a mint has from_account '', a burn to_account ''.
CREATE TABLE token_transfers (
    channel      TEXT   NOT NULL,
    block_number BIGINT NOT NULL,
    tx_index     BIGINT NOT NULL,
    action_index BIGINT NOT NULL,
    tx_id        TEXT   NOT NULL,
    from_account TEXT   NOT NULL,
    to_account   TEXT   NOT NULL,
    amount       BIGINT NOT NULL,
    reason       TEXT   NOT NULL,
    tx_time      TEXT,
    PRIMARY KEY (channel, block_number, tx_index, action_index)
);

CREATE INDEX token_transfers_from ON token_transfers (from_account);
CREATE INDEX token_transfers_to ON token_transfers (to_account);

-- chaincode-dr, event DrSettled: one participant's settlement of a demand-response event.
CREATE TABLE dr_settlements (
    channel             TEXT   NOT NULL,
    block_number        BIGINT NOT NULL,
    tx_index            BIGINT NOT NULL,
    action_index        BIGINT NOT NULL,
    tx_id               TEXT   NOT NULL,
    event_id            TEXT   NOT NULL,
    asset_id            TEXT   NOT NULL,
    program_id          TEXT   NOT NULL,
    committed_power     BIGINT NOT NULL,
    delivered_milli_wh  BIGINT NOT NULL,
    committed_milli_wh  BIGINT NOT NULL,
    performance_bps     BIGINT NOT NULL,
    reward              BIGINT NOT NULL,
    penalty             BIGINT NOT NULL,
    participant_account TEXT   NOT NULL,
    to_participant      BIGINT NOT NULL,
    owner_account       TEXT   NOT NULL,
    to_owner            BIGINT NOT NULL,
    settled_by          TEXT   NOT NULL,
    settled_at_ms       BIGINT NOT NULL,
    PRIMARY KEY (channel, block_number, tx_index, action_index)
);

CREATE INDEX dr_settlements_event ON dr_settlements (event_id);

-- chaincode-energy, event IntervalsRecorded: a batch of certified intervals, one row per meter it touched
-- (the event's public summary: which meters, how many intervals recorded and unchanged in the batch).
CREATE TABLE certified_batches (
    channel      TEXT   NOT NULL,
    block_number BIGINT NOT NULL,
    tx_index     BIGINT NOT NULL,
    action_index BIGINT NOT NULL,
    meter_index  BIGINT NOT NULL,
    tx_id        TEXT   NOT NULL,
    meter_id     TEXT   NOT NULL,
    recorded     BIGINT NOT NULL,
    unchanged    BIGINT NOT NULL,
    tx_time      TEXT,
    PRIMARY KEY (channel, block_number, tx_index, action_index, meter_index)
);

CREATE INDEX certified_batches_meter ON certified_batches (meter_id);

-- chaincode-market's flex contract, event FlexRequestCleared: a flexibility request cleared by MK1
-- (its output), and one row per award (offer) of that clearing.
CREATE TABLE market_clearings (
    channel            TEXT   NOT NULL,
    block_number       BIGINT NOT NULL,
    tx_index           BIGINT NOT NULL,
    action_index       BIGINT NOT NULL,
    tx_id              TEXT   NOT NULL,
    request_id         TEXT   NOT NULL,
    status             TEXT   NOT NULL,
    escrow             BIGINT NOT NULL,
    reserved           BIGINT NOT NULL,
    refund_at_clearing BIGINT NOT NULL,
    awarded_wh         BIGINT NOT NULL,
    awards             BIGINT NOT NULL,
    cleared_by         TEXT   NOT NULL,
    cleared_at_ms      BIGINT NOT NULL,
    PRIMARY KEY (channel, block_number, tx_index, action_index)
);

CREATE INDEX market_clearings_request ON market_clearings (request_id);

CREATE TABLE market_awards (
    channel      TEXT   NOT NULL,
    block_number BIGINT NOT NULL,
    tx_index     BIGINT NOT NULL,
    action_index BIGINT NOT NULL,
    award_index  BIGINT NOT NULL,
    request_id   TEXT   NOT NULL,
    offer_id     TEXT   NOT NULL,
    quantity_wh  BIGINT NOT NULL,
    price        BIGINT NOT NULL,
    cost         BIGINT NOT NULL,
    PRIMARY KEY (channel, block_number, tx_index, action_index, award_index)
);
