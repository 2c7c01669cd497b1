-- The newest order on the POS at the table before this one was sent: while an inquiry
-- still lists it, it reaches back far enough that this order, if it is on the table, is
-- listed too. On a busy table whose list no longer holds it, absence proves nothing.
ALTER TABLE order_records ADD COLUMN anchor_order_no TEXT;
