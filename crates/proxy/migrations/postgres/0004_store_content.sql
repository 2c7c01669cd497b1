-- What the store says about its items that the POS does not: kept by item id, so it
-- survives the POS's menu being fetched again. An item gone from the POS keeps its row
-- (shown to the owner as orphaned) until the owner removes it.
CREATE TABLE item_content (
    store         TEXT    NOT NULL,
    item_id       TEXT    NOT NULL,
    description   TEXT,
    photo_id      TEXT,
    -- 1 hidden from guests, 0 shown (an integer: the same in every database).
    hidden        BIGINT  NOT NULL DEFAULT 0,
    -- yyyyMMdd: the business day the item was marked sold out on; over at the next one.
    sold_out_on   TEXT,
    updated_at_ms BIGINT  NOT NULL,
    PRIMARY KEY (store, item_id)
);

-- An item's name and description in another language.
CREATE TABLE item_texts (
    store       TEXT NOT NULL,
    item_id     TEXT NOT NULL,
    lang        TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT,
    PRIMARY KEY (store, item_id, lang)
);

-- Item photos as served: JPEG at each width, named by a hash of the upload.
CREATE TABLE photos (
    photo_id      TEXT    NOT NULL,
    width         BIGINT NOT NULL,
    jpeg          BYTEA    NOT NULL,
    created_at_ms BIGINT  NOT NULL,
    PRIMARY KEY (photo_id, width)
);

-- Signed-in admin pages. Only a hash of each session's cookie is kept.
CREATE TABLE admin_sessions (
    session_hash  TEXT   PRIMARY KEY,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);

-- A staff PIN the owner set, in place of the configured one.
CREATE TABLE staff_pins (
    store         TEXT   PRIMARY KEY,
    pin           TEXT   NOT NULL,
    changed_at_ms BIGINT NOT NULL
);
