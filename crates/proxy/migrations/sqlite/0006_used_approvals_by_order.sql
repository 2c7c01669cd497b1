-- A prepaid order's approvals are looked up by the order on every try: without this the
-- lookup read every approval the store took in the last two days.
CREATE INDEX used_approvals_by_order ON used_approvals (store, client_order_id);
