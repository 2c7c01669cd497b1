//! Taking an order: checked, priced from the menu the POS has now, paid (on a tablet) and
//! within the store's caps, then handed to the exactly-once engine.

use super::Declined;
use super::*;

/// The open bill an order adds onto (`None` for a new one), refused when the kind and the
/// bill do not go together.
fn bill_named(request: &OrderRequest) -> Result<Option<String>, OrderError> {
    let open_order_no = match (request.kind, request.open_order_no.as_deref()) {
        (OrderKind::New, None) => None,
        (OrderKind::New, Some(_)) => {
            return Err(OrderError::Invalid("a new order has no openOrderNo".into()))
        }
        (OrderKind::Add, Some(no)) if !no.is_empty() && no.len() <= 40 => Some(no.to_string()),
        (OrderKind::Add, _) => {
            return Err(OrderError::Invalid("an add order needs openOrderNo".into()))
        }
    };
    if request.payment.is_some() && request.kind == OrderKind::Add {
        return Err(OrderError::Invalid(
            "a prepaid order is always a new order".into(),
        ));
    }
    Ok(open_order_no)
}

/// The card approvals behind an order: each pays for one order only, so each is put behind
/// this one when it is claimed.
fn card_approvals(payments: &[PaymentRecord]) -> Vec<(String, String)> {
    payments
        .iter()
        .filter(|r| r.kind == PaymentKind::Card)
        .map(|r| (r.approval_date.clone(), r.approval_no.clone()))
        .collect()
}

impl OrderDesk {
    /// Places an order once, however often, however concurrently and across however many
    /// restarts it is sent.
    pub async fn place(
        self: &Arc<Self>,
        store: &str,
        table: &str,
        orderer: Orderer<'_>,
        request: &OrderRequest,
    ) -> Result<OrderReceipt, OrderError> {
        check_client_order_id(&request.client_order_id)?;
        if request.payment.is_some() && orderer == Orderer::Guest {
            tracing::warn!(
                store,
                table,
                "a payment from a device that is not an enrolled tablet"
            );
            return Err(OrderError::DeviceRequired);
        }
        self.catalog.with_table(store, table).await?;
        let print = order_fingerprint(request);
        let id = &request.client_order_id;
        // The newest order at the table, to be known before the send: usually known
        // already, else asked of the table while the record is read.
        let (on_record, anchor) = tokio::join!(
            self.answer_on_record(store, table, id, &print),
            self.latest_known(store, table)
        );
        // A replay is answered from the record before anything else.
        if let Some(answer) = on_record? {
            return answer;
        }
        self.per_table.check(&format!("{store}/{table}"))?;
        // Priced against the menu the POS has now: it is asked whether it changed.
        let info = self.catalog.current(store).await?;
        let open_order_no = bill_named(request)?;
        let priced = price_order(&info.categories, &request.lines, request.memo.as_deref())?;
        self.within_caps(store, &priced)?;
        let payments = match &request.payment {
            Some(p) => {
                let records = self.payments(store, table, p, priced.total, id).await?;
                if let Orderer::Tablet { device_id } = orderer {
                    tracing::info!(store, table, device = device_id, method = ?p.method, "paid order from a tablet");
                }
                records
            }
            None => Vec::new(),
        };
        let kept_payment = request
            .payment
            .as_ref()
            .and_then(|p| serde_json::to_string(&p.approvals).ok());
        let approvals = card_approvals(&payments);
        let prepared = Prepared {
            kind: request.kind,
            open_order_no,
            priced,
            payments,
            staff_call: false,
        };
        let (number, shape) = sent_as(store, &request.client_order_id, &prepared.priced);
        let device_id = match orderer {
            Orderer::Tablet { device_id } => Some(device_id),
            Orderer::Guest => None,
        };
        let prepaid_won = request.payment.as_ref().map(|_| prepared.priced.total.0);
        let limit = self.settings.prepaid_daily_limit;
        let claim = Claim {
            store,
            client_order_id: &request.client_order_id,
            table,
            fingerprint: &print,
            payment: kept_payment.as_deref(),
            approvals: &approvals,
            partner_order_no: &number,
            shape: &shape,
            staff_call: false,
            device_id,
            prepaid_won,
            prepaid_ceiling: (prepaid_won.is_some() && limit > 0).then_some(limit),
        };
        self.dispatch(&claim, prepared, anchor).await
    }

    /// Refuses an order over what the store lets one order cost or hold.
    pub(super) fn within_caps(&self, store: &str, priced: &PricedOrder) -> Result<(), OrderError> {
        let Some(caps) = self.settings.caps.get(store) else {
            return Ok(());
        };
        let items: u64 = priced.lines.iter().map(|l| u64::from(l.count)).sum();
        if items > u64::from(caps.max_items) {
            return Err(OrderError::Declined(Declined::OrderTooLarge(format!(
                "an order here holds at most {} items; this one has {items}",
                caps.max_items
            ))));
        }
        if priced.total > caps.max_total {
            return Err(OrderError::Declined(Declined::OrderTooLarge(format!(
                "an order here costs at most {} won; this one costs {}",
                caps.max_total.0, priced.total.0
            ))));
        }
        Ok(())
    }

    /// The staff PIN, under the store-wide lock-out. Wrong tries are counted and logged,
    /// never with what was typed.
    pub(super) async fn check_pin(
        &self,
        store: &str,
        table: &str,
        given: &str,
    ) -> Result<(), OrderError> {
        match self.staff_pin.check(store, given).await? {
            Ok(()) => Ok(()),
            Err(PinRefusal::NotSet) => Err(OrderError::Invalid(
                "cash orders are not set up at this store (no staff PIN)".into(),
            )),
            Err(PinRefusal::Locked { retry_after }) => {
                tracing::warn!(store, table, ?retry_after, "staff PIN tried while locked");
                Err(RetryAfter::of(retry_after).into())
            }
            Err(PinRefusal::Wrong { locked_for }) => {
                self.metrics.staff_pin_failures.inc();
                match locked_for {
                    Some(lock) => {
                        self.metrics.staff_pin_lockouts.inc();
                        tracing::warn!(
                            store,
                            table,
                            ?lock,
                            "wrong staff PIN: the store's PIN is locked"
                        );
                    }
                    None => tracing::warn!(store, table, "wrong staff PIN"),
                }
                Err(OrderError::Declined(Declined::WrongPin))
            }
        }
    }

    /// What was paid, checked against the order as the server priced it.
    pub(super) async fn payments(
        &self,
        store: &str,
        table: &str,
        payment: &Payment,
        total: Won,
        client_order_id: &str,
    ) -> Result<Vec<PaymentRecord>, OrderError> {
        let now = crate::kst::now();
        match payment.method {
            PaymentMethod::Cash => {
                let given = payment.staff_pin.as_deref().unwrap_or_default();
                self.check_pin(store, table, given).await?;
                Ok(vec![payments::cash(total, now)])
            }
            PaymentMethod::Card => match payments::card(&payment.approvals, total, &[], now) {
                // Too old to pay for a new order, but perhaps this order's own from an
                // earlier try: those it holds are taken at any age.
                Err(payments::PaymentProblem::NotFresh { .. }) => {
                    let admitted = self.ledger.approvals_of(store, client_order_id).await?;
                    Ok(payments::card(&payment.approvals, total, &admitted, now)?)
                }
                checked => Ok(checked?),
            },
        }
    }
}
