//! The exactly-once engine's I/O: a claim in the ledger before the send, one task per send
//! that every request for the same id joins, and the outcome written down. What a record
//! means is decided by `settle`; this only carries it out.

use super::Declined;
use super::*;

impl OrderDesk {
    /// Checks a request against the id's owner: same table, same order.
    pub(super) fn same_order(
        table: &str,
        print: &str,
        owner_table: &str,
        owner_print: &str,
    ) -> Result<(), OrderError> {
        if owner_table != table {
            return Err(OrderError::Invalid(
                "clientOrderId was already used at another table".into(),
            ));
        }
        if owner_print != print {
            return Err(OrderError::Declined(Declined::IdempotencyConflict));
        }
        Ok(())
    }

    pub(super) fn under_way(&self, store: &str, client_order_id: &str) -> Option<UnderWay> {
        self.sending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(store.to_string(), client_order_id.to_string()))
            .cloned()
    }

    /// The answer the record gives for this id, if it gives one: the outcome of a send under
    /// way, its receipt, or the settling of one left in doubt. `None`: send it.
    pub(super) async fn answer_on_record(
        &self,
        store: &str,
        table: &str,
        client_order_id: &str,
        print: &str,
    ) -> Result<Option<Result<OrderReceipt, OrderError>>, OrderError> {
        if let Some(sending) = self.under_way(store, client_order_id) {
            Self::same_order(table, print, &sending.table, &sending.fingerprint)?;
            self.count_replay();
            return Ok(Some(outcome_of(sending.outcome).await));
        }
        let Some(record) = self.ledger.get(store, client_order_id).await? else {
            return Ok(None);
        };
        Self::same_order(table, print, record.table(), record.fingerprint())?;
        self.count_replay();
        match &record.state {
            RecordState::Received(receipt) => Ok(Some(Ok(receipt.clone()))),
            RecordState::Unconfirmed => Ok(Some(Err(OrderError::Declined(Declined::Unconfirmed)))),
            RecordState::InDoubt => self.settle(store, table, &record).await,
        }
    }

    pub(super) fn count_replay(&self) {
        self.metrics.idempotent_replays.inc();
    }

    /// Claims the id (in this process, then in the ledger), then sends in a task of its own
    /// and waits for it. `anchor`: the newest order on the POS at the table, looked up
    /// before this send: what a later look must still see to take this one's absence as
    /// proof.
    pub(super) async fn dispatch(
        self: &Arc<Self>,
        claim: &Claim<'_>,
        order: Prepared,
        anchor: Option<String>,
    ) -> Result<OrderReceipt, OrderError> {
        let key = (claim.store.to_string(), claim.client_order_id.to_string());
        let (tx, rx) = watch::channel(None);
        if let Some(other) = self.under_way_or_mine(claim, &key, rx.clone()) {
            // A concurrent request for the same id got here first: wait for its outcome.
            Self::same_order(
                claim.table,
                claim.fingerprint,
                &other.table,
                &other.fingerprint,
            )?;
            self.count_replay();
            return outcome_of(other.outcome).await;
        }
        let claimed = self
            .metrics
            .time_claim(self.ledger.claim(claim, anchor.as_deref()))
            .await;
        if !matches!(claimed, Ok(Claimed::Mine)) {
            self.no_longer_under_way(&key);
            return self.not_claimed(claim, claimed?).await;
        }
        let desk = self.clone();
        let table = claim.table.to_string();
        let number = claim.partner_order_no.to_string();
        tokio::spawn(async move {
            let (store, id) = (&key.0, &key.1);
            desk.send_and_record(store, &table, (id, &number), order, &tx)
                .await;
            // The ledger holds the outcome now; later requests read it from there.
            desk.no_longer_under_way(&key);
        });
        outcome_of(rx).await
    }

    /// The send of this id already under way in this process, if any; otherwise this one is
    /// noted as under way, its outcome told through `outcome`.
    fn under_way_or_mine(
        &self,
        claim: &Claim<'_>,
        key: &Key,
        outcome: Outcome,
    ) -> Option<UnderWay> {
        let mut sending = self.sending.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(other) = sending.get(key) {
            return Some(other.clone());
        }
        let mine = UnderWay {
            table: claim.table.to_string(),
            fingerprint: claim.fingerprint.to_string(),
            outcome,
        };
        sending.insert(key.clone(), mine);
        None
    }

    fn no_longer_under_way(&self, key: &Key) {
        self.sending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }

    /// The answer to an order the ledger did not let this request send: refused by the
    /// claim itself, or held already (by another server, or a send left in doubt).
    async fn not_claimed(
        &self,
        claim: &Claim<'_>,
        claimed: Claimed,
    ) -> Result<OrderReceipt, OrderError> {
        match claimed {
            Claimed::ApprovalUsed(taken) => {
                tracing::warn!(store = claim.store, table = claim.table, approval = %taken, "an approval already behind another order");
                return Err(OrderError::Declined(Declined::ApprovalRejected(format!(
                    "approval {taken} already paid for another order today"
                ))));
            }
            Claimed::OverCeiling(taken) => {
                tracing::warn!(store = claim.store, device = ?claim.device_id, taken, "a tablet's prepaid ceiling reached");
                return Err(OrderError::Declined(Declined::OrderTooLarge(format!(
                    "this tablet has taken {taken} won prepaid in the last 24 hours; it may take {} at most: ask the owner",
                    claim.prepaid_ceiling.unwrap_or_default()
                ))));
            }
            Claimed::Mine | Claimed::Held => {}
        }
        let on_record = self
            .answer_on_record(
                claim.store,
                claim.table,
                claim.client_order_id,
                claim.fingerprint,
            )
            .await?;
        on_record.unwrap_or_else(|| Err(in_doubt("the order was claimed elsewhere")))
    }

    /// The send itself, and the record of its outcome. Runs to its end whoever waits.
    ///
    /// A receipt is told to whoever waits before it is written down: until it is, the send
    /// stays under way here (a resend joins it), and a crash in between leaves the row in
    /// doubt, which a resend settles by looking, never by sending again. Any other outcome is
    /// told only once recorded, so a resend at once never races the release of its id.
    pub(super) async fn send_and_record(
        &self,
        store: &str,
        table: &str,
        (client_order_id, number): (&str, &str),
        order: Prepared,
        outcome: &watch::Sender<Option<Result<OrderReceipt, OrderError>>>,
    ) {
        let result = self
            .send(store, table, (client_order_id, number), &order)
            .await;
        let recorded = match &result {
            Ok(receipt) => {
                outcome.send_replace(Some(result.clone()));
                self.ledger.received(store, receipt).await
            }
            // No answer, a broken or unreadable one, or a server error: left in doubt until a
            // look long enough after settles it. Not even an answer that broke off proves
            // absence: a host may list a new order only a while after it took it.
            Err(e) if e.is_in_doubt() => Ok(()),
            // Refused, or never sent: nothing was placed under this id.
            Err(_) => self.ledger.release(store, client_order_id).await,
        };
        if let Err(e) = recorded {
            // The row stays in doubt: a resend settles it by looking, never by resending.
            tracing::error!(store, client_order_id, error = %e, "could not record an order's outcome");
        }
        if result.is_err() {
            outcome.send_replace(Some(result));
        }
    }

    /// Sends the order under the clientOrderId and the partner's number its record keeps.
    pub(super) async fn send(
        &self,
        store: &str,
        table: &str,
        (client_order_id, number): (&str, &str),
        order: &Prepared,
    ) -> Result<OrderReceipt, OrderError> {
        let info = self.catalog.with_table(store, table).await?;
        let (floor, tbl) = info.table_codes(table)?;
        // An add names the bill and the newest order on the table, as the table's view shows
        // them.
        let latest = match (&order.kind, &order.open_order_no) {
            (OrderKind::Add, Some(open)) => {
                let now = self.view_to_send_on(store, table).await?;
                if now.orders.open_order_no.as_ref() != Some(open) {
                    return Err(OrderError::Declined(Declined::OpenOrderMismatch));
                }
                now.latest_order_no
            }
            _ => None,
        };
        let outgoing = OutgoingOrder {
            partner_order_no: number,
            floor,
            table: tbl,
            kind: order.kind,
            open_order_no: order.open_order_no.as_deref(),
            latest_order_no: latest.as_deref(),
            priced: &order.priced,
            payments: &order.payments,
            staff_call: order.staff_call,
        };
        let creds = self.catalog.credentials(store)?;
        // No phone may read a table's orders from before this send as current.
        self.forget_inquiry(store, table, None).await;
        let sent = self
            .metrics
            .time_upstream("place", self.upstream.place(creds, &outgoing))
            .await;
        // Our own order is the newest at the table now (on the POS or about to be).
        let ours = sent.as_ref().ok().and_then(|r| r.order_no.as_deref());
        self.forget_inquiry(store, table, ours).await;
        match sent {
            Ok(received) => {
                self.catalog.note_open(store, true);
                let order_no = match received.order_no {
                    Some(no) => no,
                    // Received without its number: the inquiry has it.
                    None => self
                        .find_sent(store, table, client_order_id)
                        .await
                        .ok()
                        .flatten()
                        .map(|r| r.order_no)
                        .unwrap_or_default(),
                };
                let receipt = OrderReceipt {
                    order_no,
                    client_order_id: client_order_id.to_string(),
                    received_at: now_kst(),
                    total: order.priced.total,
                };
                tracing::info!(store, table, order = %receipt.order_no, client_order_id, staff_call = order.staff_call, "order received upstream");
                Ok(receipt)
            }
            Err(e) if e.is_ambiguous() => {
                tracing::warn!(store, table, client_order_id, error = %e, "order answer lost; checking the inquiry");
                match self.find_sent(store, table, client_order_id).await {
                    Ok(Some(receipt)) => Ok(receipt),
                    _ => Err(OrderError::Upstream(e)),
                }
            }
            Err(e) => Err(self.refused(store, e).await),
        }
    }

    /// What a refusal of an order (or a failed send) says of the store, noted; the error the
    /// guest is told.
    async fn refused(&self, store: &str, e: UpstreamError) -> OrderError {
        if e.refusal() == Some(Refusal::StoreClosed) {
            self.catalog.note_open(store, false);
        }
        if matches!(e.refusal(), Some(Refusal::BadItem | Refusal::UnknownTable)) {
            // The POS does not take what its menu or tables showed: they changed.
            if let Err(why) = self.catalog.refresh(store).await {
                tracing::warn!(store, error = %why, "could not fetch the menu after a bad-item refusal");
            }
        }
        // The owner's status page shows what stops orders, not the POS's answers about one
        // order's contents.
        if matches!(
            e.refusal(),
            None | Some(Refusal::StoreClosed | Refusal::CredentialsRejected)
        ) {
            self.catalog.note_trouble(store, &e);
        }
        OrderError::from_upstream(e, self.settings.occupied_retry_ms)
    }
}
