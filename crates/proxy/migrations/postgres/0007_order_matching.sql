-- The partner's order number the order went under (MCHT_ORDERNO, at most 20 characters) and
-- what the order is (its lines and total, as JSON): a host may echo the number whole, cut
-- short, or not at all, and the order is then known by what it is.
ALTER TABLE order_records ADD COLUMN partner_order_no TEXT;
ALTER TABLE order_records ADD COLUMN shape TEXT;
-- A table's recent records are read together when its orders are matched.
CREATE INDEX order_records_table ON order_records (store, table_id, sent_at_ms);
