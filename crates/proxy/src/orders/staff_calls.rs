//! A guest calling staff: an order of the chosen reasons at no cost, one a table per 30 s.

use super::Declined;
use super::*;
use order_core::StaffCallReason;

impl OrderDesk {
    /// A guest calls staff: an order of the chosen reasons at no cost, added onto the open
    /// bill or as a new order, as the real client sends it. One a table per 30 s.
    pub async fn call_staff(
        self: &Arc<Self>,
        store: &str,
        table: &str,
        request: &StaffCallRequest,
    ) -> Result<OrderReceipt, OrderError> {
        check_client_order_id(&request.client_call_id)?;
        let info = self.catalog.with_table(store, table).await?;
        let print = call_fingerprint(request);
        if let Some(answer) = self
            .answer_on_record(store, table, &request.client_call_id, &print)
            .await?
        {
            return answer;
        }
        let reasons = reasons_chosen(&info.staff_calls, &request.reasons)?;
        self.take_staff_call_slot(store, table)?;
        let priced = staff_call_order(&reasons, info.staff_calls_on_pos);
        let (number, shape) = sent_as(store, &request.client_call_id, &priced);
        let claim = Claim {
            store,
            client_order_id: &request.client_call_id,
            table,
            fingerprint: &print,
            payment: None,
            approvals: &[],
            partner_order_no: &number,
            shape: &shape,
            staff_call: true,
            device_id: None,
            prepaid_won: None,
            prepaid_ceiling: None,
        };
        // A bill opened or closed between the look and the send is looked at again at once.
        // A first order still on its way to the POS holds the table without a bill yet (a
        // guest calling for water right after ordering): the call waits for it to land.
        let mut sent = Err(OrderError::Declined(Declined::OpenOrderMismatch));
        for attempt in 0..STAFF_CALL_TRIES {
            if attempt >= 2 {
                tokio::time::sleep(STAFF_CALL_RETRY_AFTER).await;
            }
            let now = self.view_to_send_on(store, table).await?;
            let open = now.orders.open_order_no;
            let prepared = Prepared {
                kind: if open.is_some() {
                    OrderKind::Add
                } else {
                    OrderKind::New
                },
                open_order_no: open,
                priced: priced.clone(),
                payments: Vec::new(),
                staff_call: true,
            };
            sent = self.dispatch(&claim, prepared, now.latest_on_pos).await;
            if !matches!(
                sent,
                Err(OrderError::Declined(Declined::TableHasOpenOrder)
                    | OrderError::Declined(Declined::OpenOrderMismatch))
            ) {
                break;
            }
        }
        if matches!(sent, Err(ref e) if !e.is_in_doubt()) {
            // A call that certainly did not reach the POS does not count against the table.
            self.release_staff_call_slot(store, table);
        }
        sent
    }

    pub(super) fn take_staff_call_slot(&self, store: &str, table: &str) -> Result<(), OrderError> {
        let taken = self
            .staff_calls
            .entry((store.to_string(), table.to_string()))
            .or_insert_with(Instant::now);
        if taken.is_fresh() {
            return Ok(());
        }
        let wait = STAFF_CALL_EVERY.saturating_sub(taken.value().elapsed());
        Err(RetryAfter::of(wait).into())
    }

    pub(super) fn release_staff_call_slot(&self, store: &str, table: &str) {
        self.staff_calls
            .invalidate(&(store.to_string(), table.to_string()));
    }
}

/// The store's reasons the guest chose, each once, in the order chosen; refused when one is
/// not the store's or none is chosen.
fn reasons_chosen<'a>(
    offered: &'a [StaffCallReason],
    chosen: &[String],
) -> Result<Vec<&'a StaffCallReason>, OrderError> {
    let mut reasons = Vec::new();
    for id in chosen {
        let reason = offered
            .iter()
            .find(|r| &r.id == id)
            .ok_or_else(|| OrderError::Invalid(format!("no staff-call reason {id:?}")))?;
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    if reasons.is_empty() {
        return Err(OrderError::Invalid("choose at least one reason".into()));
    }
    Ok(reasons)
}
