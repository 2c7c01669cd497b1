-- Wrong staff PIN tries in a row per store, and the lock-out they started: kept here so
-- that servers sharing the database count the same tries.
CREATE TABLE staff_pin_tries (
    store           TEXT   PRIMARY KEY,
    wrong_in_a_row  BIGINT NOT NULL,
    locked_until_ms BIGINT NOT NULL
);
