-- Each store's tables and menu as last fetched from its POS (JSON in the public shapes), so
-- that a server started while the host cannot be reached still serves them, marked stale,
-- until the next good refresh replaces them.
CREATE TABLE base_copies (
    store              TEXT   PRIMARY KEY,
    tables             TEXT   NOT NULL,
    categories         TEXT   NOT NULL,
    staff_calls        TEXT   NOT NULL,
    -- 1 when the staff-call reasons are items on the POS, 0 when they travel in the memo.
    staff_calls_on_pos BIGINT NOT NULL,
    stamp              TEXT   NOT NULL,
    fetched_at_ms      BIGINT NOT NULL
);
