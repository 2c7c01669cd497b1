//! What the POS shows of its orders (the inquiries, the staff's own list) and what staff
//! do to them there (cancel, settle).

use super::*;

impl Pos {
    /// Where an entry stands at `now` in the real service's codes; `None` once it vanished.
    fn entry_status(&self, e: &Entry, now: Millis) -> Option<EntryStatus> {
        let status = |order_status, order_status_name, success_flag| EntryStatus {
            order_status,
            order_status_name,
            success_flag,
        };
        Some(match e.stage(now, self.timing.accept_window_ms) {
            Stage::Vanished => return None,
            Stage::Waiting => status("", "대기", ""),
            Stage::Failed => status("", "실패", "N"),
            // Delivered orders carry SUCCESS_FLAG "" on the real service: the code says it.
            Stage::Delivered => match e.settlement {
                Settlement::Cancelled => status(STATUS_CANCELLED, "취소", ""),
                Settlement::Returned => status(STATUS_RETURNED, "반품", ""),
                Settlement::Paid => status(STATUS_PAID, "결제완료", ""),
                Settlement::Open => {
                    let delivered = e.deliver_at.unwrap_or(e.received_at);
                    if now >= delivered + self.timing.complete_after_ms {
                        status(STATUS_DONE, "완료", "")
                    } else {
                        status(STATUS_RECEIVED, "접수", "")
                    }
                }
            },
        })
    }

    fn inquiry_entry(&self, e: &Entry, now: Millis) -> Option<Value> {
        if now < e.received_at + self.dialect.listing_delay_ms {
            return None;
        }
        let status = self.entry_status(e, now)?;
        let at = in_zone(e.received_at, self.dialect.utc_offset_secs);
        Some(inquiry_entry(
            &e.ack,
            &e.body,
            &at.format("%Y%m%d").to_string(),
            &at.format("%H%M%S").to_string(),
            &status,
            (&self.fixture.store_id, &self.fixture.service_id),
        ))
    }

    /// 실시간 주문조회 of one table: its latest orders (10, as assumed), newest first.
    pub fn table_orders(
        &self,
        floor: &str,
        table: &str,
        now: Millis,
    ) -> Result<Vec<Value>, PosError> {
        if !self.fixture.has_table(floor, table) {
            return Err(PosError::UnknownTable);
        }
        Ok(self
            .entries
            .iter()
            .rev()
            .filter(|e| e.table() == (floor, table))
            .filter_map(|e| self.inquiry_entry(e, now))
            .take(self.dialect.table_inquiry_limit)
            .collect())
    }

    /// The whole store's inquiry: the latest orders of every table (5, as assumed).
    pub fn store_orders(&self, now: Millis) -> Vec<Value> {
        let mut per_table: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        let mut out = Vec::new();
        for e in self.entries.iter().rev() {
            let n = per_table.entry(e.table()).or_default();
            if *n < self.dialect.store_inquiry_per_table {
                if let Some(entry) = self.inquiry_entry(e, now) {
                    *n += 1;
                    out.push(entry);
                }
            }
        }
        out
    }

    fn bill_entries_mut(&mut self, org: &str) -> impl Iterator<Item = &mut Entry> {
        let org = org.to_string();
        self.entries
            .iter_mut()
            .filter(move |e| e.ack.org_orderno == org)
    }

    /// The partner's cancel request: the whole bill is cancelled, or returned if paid.
    pub fn cancel_bill(&mut self, org_orderno: &str, now: Millis) -> Result<(), PosError> {
        let window = self.timing.accept_window_ms;
        let mut found = false;
        for e in self.bill_entries_mut(org_orderno) {
            if e.stage(now, window) == Stage::Delivered {
                found = true;
                e.settlement = match e.settlement {
                    Settlement::Paid | Settlement::Returned => Settlement::Returned,
                    _ => Settlement::Cancelled,
                };
            }
        }
        found.then_some(()).ok_or(PosError::UnknownOrder)
    }

    fn delivered_entry(&self, order_no: &str, now: Millis) -> Result<&Entry, PosError> {
        self.entries
            .iter()
            .find(|e| e.ack.orderno == order_no)
            .filter(|e| e.stage(now, self.timing.accept_window_ms) == Stage::Delivered)
            .ok_or(PosError::UnknownOrder)
    }

    /// Staff cancel one order on the POS; cancelling the first order of a bill cancels it all.
    pub fn pos_cancel(&mut self, order_no: &str, now: Millis) -> Result<(), PosError> {
        let e = self.delivered_entry(order_no, now)?;
        if e.ack.orderno == e.ack.org_orderno {
            let org = e.ack.org_orderno.clone();
            return self.cancel_bill(&org, now);
        }
        if let Some(e) = self.entries.iter_mut().find(|e| e.ack.orderno == order_no) {
            e.settlement = Settlement::Cancelled;
        }
        Ok(())
    }

    /// The guest pays at the counter: the bill closes and the table is free again.
    pub fn pos_pay(&mut self, order_no: &str, now: Millis) -> Result<(), PosError> {
        let org = self.delivered_entry(order_no, now)?.ack.org_orderno.clone();
        let window = self.timing.accept_window_ms;
        for e in self.bill_entries_mut(&org) {
            if e.settlement == Settlement::Open && e.stage(now, window) == Stage::Delivered {
                e.settlement = Settlement::Paid;
            }
        }
        Ok(())
    }

    /// Every order ever received, as the POS side sees it at `now`.
    pub fn all_orders(&self, now: Millis) -> Vec<PosOrder> {
        let window = self.timing.accept_window_ms;
        self.entries
            .iter()
            .map(|e| {
                let stage = e.stage(now, window);
                PosOrder {
                    order_no: e.ack.orderno.clone(),
                    org_order_no: e.ack.org_orderno.clone(),
                    mcht_order_no: e.body.mcht_orderno.clone(),
                    kept_mcht_order_no: e.ack.mcht_orderno.clone(),
                    table: format!("{}-{}", e.body.flr_code, e.body.tbl_code),
                    kind: e.kind,
                    stage,
                    on_pos: stage == Stage::Delivered,
                    status: self
                        .entry_status(e, now)
                        .map_or("미전송", |s| s.order_status_name)
                        .to_string(),
                    prepaid: e.prepaid(),
                    amount: e.body.order_pay_amt.unwrap_or(0).to_string(),
                    staff_call: e.body.order_memo.starts_with(STAFF_CALL_MEMO),
                }
            })
            .collect()
    }
}
