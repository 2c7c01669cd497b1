//! What the desk knows of each table's orders and of the store's: one store-wide inquiry
//! per store per poll interval answers for every table it can (`shared_view`); a table's
//! own inquiry only where it cannot. Each is one fetch at a time, reused while fresh, and
//! a send makes what was asked before it stale.

use super::shared_view::{store_list_answers, StoreLook, StoreStep};
use super::*;

/// A look at a table's orders, and when it was asked.
pub(super) type Look = (Instant, TableInquiry);

/// A phone told when to ask again comes this much after the look it waits for is due.
const NEXT_LOOK_MARGIN: Duration = Duration::from_millis(50);

impl OrderDesk {
    pub(super) fn inquiry_cell(&self, store: &str, table: &str) -> InquiryCell {
        self.inquiries
            .get_with((store.to_string(), table.to_string()), InquiryCell::default)
    }

    /// The table's orders as a phone sees them, and when they were asked: no earlier than
    /// `not_before` and at most a poll interval ago; from the store's shared look when it
    /// answers for the table.
    pub(super) async fn table_view(
        &self,
        store: &str,
        table: &str,
        not_before: Option<Instant>,
    ) -> Result<Look, OrderError> {
        match self.view_from_store(store, table, not_before).await {
            Some(view) => Ok(view),
            None => self.table_inquiry(store, table, not_before).await,
        }
    }

    /// The table's orders an add or a staff call is sent on: the view its phones share (at
    /// most a poll interval old, so the bill is the one the guest saw), asked afresh once a
    /// send made it stale. A bill changed on the POS since is refused by the host; that send
    /// made the view stale, so the next try looks again. Asking afresh for every add would
    /// cost a look of its own each, and another when the phones come back on the old
    /// schedule to a view the send made stale.
    pub(super) async fn view_to_send_on(
        &self,
        store: &str,
        table: &str,
    ) -> Result<TableInquiry, OrderError> {
        let (_, view) = self.table_view(store, table, None).await?;
        Ok(view)
    }

    /// The table's part of the store's look, when it holds all the table's orders; `None`
    /// when only the table's own inquiry can tell.
    pub(super) async fn view_from_store(
        &self,
        store: &str,
        table: &str,
        not_before: Option<Instant>,
    ) -> Option<Look> {
        let cell = self.inquiry_cell(store, table);
        let stale_since = {
            let look = cell.lock().await;
            if let Some(kept) = self.kept(&look, not_before) {
                return Some(kept);
            }
            look.stale_since
        };
        let shared = self
            .store_look(store, not_before.max(stale_since))
            .await
            .ok()??;
        let mut look = cell.lock().await;
        let on_store = shared.inquiry.tables.get(table);
        let listed = on_store.map_or(&[][..], |i| i.listed.as_slice());
        let stale = look.stale_since.is_some_and(|t| shared.asked_at < t);
        let whole = look.complete.as_deref();
        let limit = shared.limit_at_least(self.settings.store_list_per_table);
        if stale || !store_list_answers(whole, listed, limit) {
            self.metrics.table_inquiries_beyond_store.inc();
            return None;
        }
        let mut view = on_store.cloned().unwrap_or_default();
        view.full = false;
        look.complete = Some(view.listed.clone());
        look.newest = Some(view.latest_on_pos.clone());
        look.last = Some((shared.asked_at, view.clone()));
        Some((shared.asked_at, view))
    }

    /// The last look at a table, if it is fresh and asked no earlier than `not_before`.
    fn kept(&self, look: &TableLook, not_before: Option<Instant>) -> Option<Look> {
        let (at, inquiry) = look.last.as_ref()?;
        let usable = at.elapsed() < self.inquiry_fresh_for && not_before.is_none_or(|t| *at >= t);
        usable.then(|| {
            self.metrics.inquiries_coalesced.inc();
            (*at, inquiry.clone())
        })
    }

    /// The table's own inquiry, one fetch at a time, reused while fresh.
    pub(super) async fn table_inquiry(
        &self,
        store: &str,
        table: &str,
        not_before: Option<Instant>,
    ) -> Result<Look, OrderError> {
        let info = self.catalog.with_table(store, table).await?;
        let (floor, tbl) = info.table_codes(table)?;
        let cell = self.inquiry_cell(store, table);
        let mut look = cell.lock().await;
        if let Some(kept) = self.kept(&look, not_before) {
            return Ok(kept);
        }
        let asked_at = Instant::now();
        let fresh = self
            .metrics
            .time_upstream(
                "table_orders",
                self.upstream
                    .table_orders(self.catalog.credentials(store)?, floor, tbl),
            )
            .await
            .map_err(|e| OrderError::from_upstream(e, self.settings.occupied_retry_ms))?;
        look.newest = Some(fresh.latest_on_pos.clone());
        look.complete = (!fresh.full).then(|| fresh.listed.clone());
        look.last = Some((asked_at, fresh.clone()));
        Ok((asked_at, fresh))
    }

    /// The store's look at every table, asked no earlier than `not_before`: one fetch at a
    /// time, reused while fresh. `Ok(None)`: the store-wide inquiry is failing for now.
    pub(super) async fn store_look(
        &self,
        store: &str,
        not_before: Option<Instant>,
    ) -> Result<Option<StoreLook>, OrderError> {
        let cell = self
            .store_inquiries
            .get_with(store.to_string(), StoreInquiryCell::default);
        let mut kept = cell.lock().await;
        match kept.step(Instant::now(), self.inquiry_fresh_for, not_before) {
            StoreStep::Reuse => {
                self.metrics.inquiries_coalesced.inc();
                return Ok(kept.look().cloned());
            }
            StoreStep::TableOnly => return Ok(None),
            StoreStep::Ask => {}
        }
        let asked_at = Instant::now();
        let answer = self
            .metrics
            .time_upstream(
                "store_orders",
                self.upstream.store_orders(self.catalog.credentials(store)?),
            )
            .await;
        match answer {
            Ok(inquiry) => {
                let look = kept.answered(StoreLook {
                    asked_at,
                    inquiry: Arc::new(inquiry),
                    most_per_table: 0,
                });
                Ok(Some(look))
            }
            Err(e) => {
                kept.failed(Instant::now());
                self.catalog.note_trouble(store, &e);
                Err(OrderError::from_upstream(
                    e,
                    self.settings.occupied_retry_ms,
                ))
            }
        }
    }

    /// Today's orders at every table (for the owner's page), newest first, each with its
    /// table: one upstream inquiry however many pages and phones ask within the window.
    pub async fn store_orders(&self, store: &str) -> Result<Arc<StoreInquiry>, OrderError> {
        let last_send = self.store_sends.get(store);
        let look = self.store_look(store, last_send).await?;
        match look {
            Some(look) => Ok(look.inquiry),
            // Failing a moment ago: asked again for the owner, who is told if it still fails.
            None => {
                self.store_inquiries.invalidate(&store.to_string());
                let again = self.store_look(store, last_send).await?;
                Ok(again.map(|l| l.inquiry).unwrap_or_default())
            }
        }
    }

    /// When a phone answered from a look asked at `asked_at` should ask again: as soon as a
    /// newer look can be had, so news reaches it within a poll interval of being seen on
    /// the POS.
    pub(super) fn next_look_in(&self, asked_at: Instant) -> Option<u64> {
        let due = (asked_at + self.inquiry_fresh_for).saturating_duration_since(Instant::now());
        u64::try_from((due + NEXT_LOOK_MARGIN).as_millis()).ok()
    }

    /// Makes what was known of the table stale; `newest`: an order now known to be the
    /// table's newest.
    pub(super) async fn forget_inquiry(&self, store: &str, table: &str, newest: Option<&str>) {
        let cell = self.inquiry_cell(store, table);
        let mut look = cell.lock().await;
        let now = Instant::now();
        look.last = None;
        look.stale_since = Some(now);
        self.store_sends.insert(store.to_string(), now);
        if let Some(no) = newest {
            look.newest = Some(Some(no.to_string()));
        }
    }

    /// The newest order known at the table. Any earlier one will do (an older anchor only
    /// makes absence harder to prove), so the table is asked only when nothing is known of
    /// it; none when it cannot be.
    pub(super) async fn latest_known(&self, store: &str, table: &str) -> Option<String> {
        let known = self.inquiry_cell(store, table).lock().await.newest.clone();
        match known {
            Some(latest) => latest,
            None => self
                .table_view(store, table, None)
                .await
                .ok()
                .and_then(|(_, i)| i.latest_on_pos),
        }
    }
}
