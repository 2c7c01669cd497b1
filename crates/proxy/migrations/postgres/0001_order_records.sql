-- One row per clientOrderId (or clientCallId) a store has been sent: written before the
-- upstream call ("in doubt"), updated when its outcome is known, deleted when the upstream
-- refused it (nothing was placed, so the same id may be sent again).
CREATE TABLE order_records (
    store           TEXT    NOT NULL,
    client_order_id TEXT    NOT NULL,
    table_id        TEXT    NOT NULL,
    -- What the guest ordered (lines, memo, payment), hashed: the same id with another
    -- order is refused, never sent.
    fingerprint     TEXT    NOT NULL,
    -- 'in_doubt' while sent without a known outcome; 'received' once Smartro has it.
    state           TEXT    NOT NULL,
    sent_at_ms      BIGINT  NOT NULL,
    order_no        TEXT,
    received_at     TEXT,
    total           BIGINT,
    -- Prepaid: the approvals as the host page gave them, kept for the record.
    payment         TEXT,
    updated_at_ms   BIGINT  NOT NULL,
    PRIMARY KEY (store, client_order_id)
);

CREATE INDEX order_records_state ON order_records (state, sent_at_ms);
