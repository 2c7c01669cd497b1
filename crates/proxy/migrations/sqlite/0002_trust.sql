-- The keys table links are signed with: one row per key, the newest is the store's current
-- one. Rotating adds a row; links signed with an older key stop working.
CREATE TABLE link_keys (
    store         TEXT    NOT NULL,
    key_id        INTEGER NOT NULL,
    secret        BLOB    NOT NULL,
    created_at_ms BIGINT  NOT NULL,
    PRIMARY KEY (store, key_id)
);

-- One-time codes an owner hands to a tablet; kept hashed, deleted when used.
CREATE TABLE enrolment_codes (
    code_hash     TEXT    PRIMARY KEY,
    store         TEXT    NOT NULL,
    created_at_ms BIGINT  NOT NULL,
    expires_at_ms BIGINT  NOT NULL
);

-- The store's own tablets. Only a hash of each credential is kept.
CREATE TABLE devices (
    device_id       TEXT    PRIMARY KEY,
    store           TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    secret_hash     TEXT    NOT NULL,
    enrolled_at_ms  BIGINT  NOT NULL,
    last_seen_at_ms BIGINT,
    revoked_at_ms   BIGINT
);

CREATE INDEX devices_store ON devices (store);

-- Card approvals already behind an order: one approval pays for one order.
CREATE TABLE used_approvals (
    store           TEXT    NOT NULL,
    -- yyyyMMdd, the approval's own (Korean) date.
    approval_day    TEXT    NOT NULL,
    approval_no     TEXT    NOT NULL,
    client_order_id TEXT    NOT NULL,
    used_at_ms      BIGINT  NOT NULL,
    PRIMARY KEY (store, approval_day, approval_no)
);
