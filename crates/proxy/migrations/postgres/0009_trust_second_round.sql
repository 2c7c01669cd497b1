-- One table's link renewed alone: its links carry the generation, and an older one stops
-- working while every other table's printed link keeps working.
CREATE TABLE table_link_renewals (
    store         TEXT   NOT NULL,
    table_id      TEXT   NOT NULL,
    generation    BIGINT NOT NULL,
    renewed_at_ms BIGINT NOT NULL,
    PRIMARY KEY (store, table_id)
);

-- A tablet that stands at one table orders for that table only.
ALTER TABLE devices ADD COLUMN bound_table TEXT;

-- Staff PINs as a salted slow hash (PHC string). Plain PINs kept by earlier releases in
-- staff_pins are hashed into this table when a server starts, and removed there.
CREATE TABLE staff_pin_hashes (
    store         TEXT   PRIMARY KEY,
    pin_hash      TEXT   NOT NULL,
    changed_at_ms BIGINT NOT NULL
);

-- Which admin token a session was opened with (a hash of it): a new token ends them all.
ALTER TABLE admin_sessions ADD COLUMN token_hash TEXT;

-- A staff call is a fact of its record, never read from the memo; the tablet that placed
-- an order, and what it took as prepaid (for the tablet's daily ceiling).
ALTER TABLE order_records ADD COLUMN staff_call BIGINT NOT NULL DEFAULT 0;
ALTER TABLE order_records ADD COLUMN device_id TEXT;
ALTER TABLE order_records ADD COLUMN prepaid_won BIGINT;
CREATE INDEX order_records_device ON order_records (device_id, sent_at_ms);
