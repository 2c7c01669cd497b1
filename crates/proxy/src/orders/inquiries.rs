//! What the desk knows of each table's orders and of the store's: one upstream inquiry at a
//! time per table (and per store), reused while fresh, dropped when a send makes it stale.

use super::*;

impl OrderDesk {
    pub(super) fn inquiry_cell(&self, store: &str, table: &str) -> InquiryCell {
        self.inquiries
            .get_with((store.to_string(), table.to_string()), InquiryCell::default)
    }

    /// The table's orders, from a cache shorter than the poll interval, one fetch at a time.
    pub(super) async fn table_inquiry(
        &self,
        store: &str,
        table: &str,
    ) -> Result<TableInquiry, OrderError> {
        let info = self.catalog.with_table(store, table).await?;
        let (floor, tbl) = info.table_codes(table)?;
        let cell = self.inquiry_cell(store, table);
        let mut look = cell.lock().await;
        if let Some((at, inquiry)) = look.last.as_ref() {
            if at.elapsed() < self.inquiry_fresh_for {
                self.metrics.inquiries_coalesced.inc();
                return Ok(inquiry.clone());
            }
        }
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
        look.last = Some((Instant::now(), fresh.clone()));
        Ok(fresh)
    }

    /// Today's orders at every table (for the owner's page), newest first, each with its
    /// table: one upstream inquiry however many pages ask within the freshness window.
    pub async fn store_orders(&self, store: &str) -> Result<Arc<[StoreOrder]>, OrderError> {
        let cell = self
            .store_inquiries
            .get_with(store.to_string(), StoreInquiryCell::default);
        let mut cached = cell.lock().await;
        if let Some((at, orders)) = cached.as_ref() {
            if at.elapsed() < self.inquiry_fresh_for {
                self.metrics.inquiries_coalesced.inc();
                return Ok(orders.clone());
            }
        }
        let fresh: Arc<[StoreOrder]> = self
            .metrics
            .time_upstream(
                "store_orders",
                self.upstream.store_orders(self.catalog.credentials(store)?),
            )
            .await
            .map_err(|e| {
                self.catalog.note_trouble(store, &e);
                OrderError::from_upstream(e, self.settings.occupied_retry_ms)
            })?
            .into();
        *cached = Some((Instant::now(), fresh.clone()));
        Ok(fresh)
    }

    /// The table's orders as they are now, not as cached.
    pub(super) async fn fresh_inquiry(
        &self,
        store: &str,
        table: &str,
    ) -> Result<TableInquiry, OrderError> {
        self.forget_inquiry(store, table, None).await;
        self.table_inquiry(store, table).await
    }

    /// Drops the table's last inquiry; `newest`: an order now known to be the table's newest.
    pub(super) async fn forget_inquiry(&self, store: &str, table: &str, newest: Option<&str>) {
        let cell = self.inquiry_cell(store, table);
        let mut look = cell.lock().await;
        look.last = None;
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
                .table_inquiry(store, table)
                .await
                .ok()
                .and_then(|i| i.latest_on_pos),
        }
    }
}
