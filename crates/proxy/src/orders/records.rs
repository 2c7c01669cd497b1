//! Our records told on the table's list: which listed order is which of ours, what the
//! guests at a table are shown of them, and the settling of an order in doubt. The
//! decisions are `settle`'s; this only looks and writes them down.

use super::settle::{self, Listed, Listing, Ours, Settle, Sighting};
use super::{in_doubt, Declined, OrderDesk, OrderError, OrderShape};
use crate::ledger::{now_ms, Record, RecordState};
use crate::upstream::{StoreOrder, TableInquiry};
use order_core::{OrderReceipt, PlacedOrder, TableOrders, Won};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How far back a table's records are read when its list is matched: a business day.
const RECORDS_LOOKED_AT: Duration = Duration::from_secs(24 * 3600);

/// The oldest a record looked at for matching may be.
fn records_since() -> i64 {
    now_ms() - RECORDS_LOOKED_AT.as_millis() as i64
}

/// A table's recent records, with what each order is, for matching against its list.
struct Known {
    records: Vec<Record>,
    shapes: Vec<Option<OrderShape>>,
}

impl Known {
    fn new(records: Vec<Record>) -> Known {
        let shapes = records
            .iter()
            .map(|r| r.shape.as_deref().and_then(OrderShape::from_json))
            .collect();
        Known { records, shapes }
    }

    fn ours(&self, i: usize) -> Ours<'_> {
        let r = &self.records[i];
        Ours {
            client_order_id: &r.client_order_id,
            partner_order_no: &r.partner_order_no,
            shape: self.shapes[i].as_ref(),
            anchor: r.anchor.as_deref(),
            order_no: r.order_no(),
        }
    }

    fn index_of(&self, client_order_id: &str) -> Option<usize> {
        self.records
            .iter()
            .position(|r| r.client_order_id == client_order_id)
    }

    /// Every record as matching reads it.
    fn all(&self) -> Vec<Ours<'_>> {
        (0..self.records.len()).map(|i| self.ours(i)).collect()
    }

    /// Marks each listed order that is one of these records with its clientOrderId; what
    /// the list shows of each record.
    fn mark(&self, inquiry: &mut TableInquiry) -> Vec<Sighting> {
        let sightings: Vec<Sighting> = {
            let listing = listing_of(inquiry);
            let all = self.all();
            all.iter()
                .map(|mine| settle::sight(mine, &listing, &all))
                .collect()
        };
        for (record, sighting) in self.records.iter().zip(&sightings) {
            if let Sighting::Found { index, .. } = sighting {
                // Newest record first: an older one never takes an order a newer one told.
                match inquiry.orders.orders.get_mut(*index) {
                    Some(o) if o.client_order_id.is_none() => {
                        o.client_order_id = Some(record.client_order_id.clone());
                        o.staff_call = record.staff_call;
                    }
                    _ => {}
                }
            }
        }
        sightings
    }

    /// Record `i` on the list, told apart from the table's other records.
    fn sight(&self, i: usize, listing: &Listing) -> Sighting {
        settle::sight(&self.ours(i), listing, &self.all())
    }
}

/// The table's list as matching reads it.
fn listing_of(inquiry: &TableInquiry) -> Listing<'_> {
    Listing {
        entries: inquiry
            .orders
            .orders
            .iter()
            .zip(&inquiry.echoes)
            .map(|(o, echo)| Listed {
                order_no: &o.order_no,
                echo,
                shape: OrderShape::of_placed(o),
            })
            .collect(),
        full: inquiry.full,
    }
}

/// The total a record's order was sent with.
fn record_total(record: &Record) -> Won {
    record
        .shape
        .as_deref()
        .and_then(OrderShape::from_json)
        .map_or(Won::ZERO, |s| s.total)
}

impl OrderDesk {
    /// What guests at the table see: the current party's orders, their own by id, and those
    /// of their own nobody can confirm (beyond what the list reaches back to, or not to be
    /// told apart from another order). Each order on the list that is one of ours carries
    /// its clientOrderId, whatever the host echoed.
    pub async fn inquiry(
        &self,
        store: &str,
        table: &str,
        mine: &[&str],
    ) -> Result<TableOrders, OrderError> {
        let (asked_at, mut inquiry) = self.table_view(store, table, None).await?;
        let known = self.known_at(store, table, None).await?;
        let sightings = known.mark(&mut inquiry);
        let mut orders = inquiry.for_party(mine);
        let settled_by = now_ms() - self.settle_after_ms();
        for id in mine {
            let Some(i) = known.index_of(id) else {
                continue;
            };
            let record = &known.records[i];
            let unknowable = match (&record.state, sightings[i]) {
                (_, Sighting::Found { .. }) => false,
                (RecordState::Unconfirmed, _) | (_, Sighting::Unseen) => true,
                (_, Sighting::Ambiguous) => record.sent_at_ms < settled_by,
                _ => false,
            };
            if !unknowable {
                continue;
            }
            // An order still in doubt is settled now, further back if need be, so that what
            // cannot be confirmed is flagged for staff and never left hanging.
            let in_doubt =
                record.state == RecordState::InDoubt && self.under_way(store, id).is_none();
            if !in_doubt {
                orders.unseen.push(id.to_string());
                continue;
            }
            match self.settle(store, table, record).await {
                Ok(Some(Ok(receipt))) => {
                    let listed = orders.orders.iter_mut();
                    if let Some(o) = listed.into_iter().find(|o| o.order_no == receipt.order_no) {
                        o.client_order_id = Some(id.to_string());
                        o.staff_call = record.staff_call;
                    }
                }
                Ok(Some(Err(OrderError::Declined(Declined::Unconfirmed)))) => {
                    orders.unseen.push(id.to_string())
                }
                // Still in doubt, proven absent (it may be sent again), or not looked at now.
                _ => {}
            }
        }
        orders.next_poll_ms = self.next_look_in(asked_at);
        // What this phone placed, told apart from what others at the table did.
        for o in &mut orders.orders {
            o.from_this_phone = o
                .client_order_id
                .as_deref()
                .is_some_and(|id| mine.contains(&id));
        }
        Ok(orders)
    }

    /// Today's orders at every table (the owner's list), each of ours with its clientOrderId.
    pub async fn todays_orders(&self, store: &str) -> Result<Vec<StoreOrder>, OrderError> {
        let store_wide = self.store_orders(store).await?;
        let all = &store_wide.orders;
        let mut tables: Vec<&str> = all.iter().map(|o| o.table.as_str()).collect();
        tables.sort_unstable();
        tables.dedup();
        // The store's records read once, then told table by table.
        let mut records: HashMap<String, Vec<Record>> = HashMap::new();
        for r in self.ledger.at_store(store, records_since()).await? {
            records.entry(r.table.clone()).or_default().push(r);
        }
        let mut out = Vec::with_capacity(all.len());
        for table in tables {
            let mut listed = Self::table_on(all, table);
            Known::new(records.remove(table).unwrap_or_default()).mark(&mut listed);
            out.extend(listed.orders.orders.into_iter().map(|order| StoreOrder {
                table: table.to_string(),
                echo: String::new(),
                order,
            }));
        }
        Ok(out)
    }

    /// The orders nobody can confirm at the store, newest first: staff look at each.
    pub async fn unconfirmed(&self, store: &str) -> Result<Vec<Record>, OrderError> {
        Ok(self.ledger.unconfirmed(store).await?)
    }

    /// An order left in doubt with nothing under way (its answer was lost, or the server
    /// stopped): found on the table, it is received; absent long after it was sent from a
    /// list that reaches back to it, it never arrived and may be sent again; beyond what the
    /// lists reach, or not to be told apart from another, it is unconfirmed for good;
    /// otherwise it is still in doubt.
    pub(super) async fn settle(
        &self,
        store: &str,
        table: &str,
        record: &Record,
    ) -> Result<Option<Result<OrderReceipt, OrderError>>, OrderError> {
        let id = record.client_order_id.as_str();
        let (decision, placed) = match self.look_for(store, table, record).await {
            Ok(looked) => looked,
            Err(e) => return Ok(Some(Err(e))),
        };
        match decision {
            Settle::Received { order_no } => {
                let receipt = OrderReceipt {
                    order_no,
                    client_order_id: id.to_string(),
                    received_at: placed
                        .as_ref()
                        .map(|p| p.received_at.clone())
                        .unwrap_or_default(),
                    total: placed.map_or(Won::ZERO, |p| p.total),
                };
                self.ledger.received(store, &receipt).await?;
                tracing::info!(store, table, client_order_id = id, order = %receipt.order_no, "order in doubt found on the table");
                Ok(Some(Ok(receipt)))
            }
            Settle::SendAgain => {
                self.ledger.release(store, id).await?;
                tracing::info!(
                    store,
                    table,
                    client_order_id = id,
                    "order in doubt never reached the table; it may be sent again"
                );
                Ok(None)
            }
            Settle::Wait { .. } => Ok(Some(Err(in_doubt("an earlier send is not settled yet")))),
            Settle::Unconfirmed => {
                self.ledger.unconfirm(store, id).await?;
                self.metrics.orders_unconfirmed.inc();
                tracing::warn!(
                    store,
                    table,
                    client_order_id = id,
                    "an order may be on the POS and cannot be confirmed: flagged for staff"
                );
                Ok(Some(Err(OrderError::Declined(Declined::Unconfirmed))))
            }
        }
    }

    /// The table's records of the last business day, `record` among them.
    async fn known_at(
        &self,
        store: &str,
        table: &str,
        record: Option<&Record>,
    ) -> Result<Known, OrderError> {
        let mut records = self.ledger.at_table(store, table, records_since()).await?;
        if let Some(r) = record {
            match records
                .iter_mut()
                .find(|k| k.client_order_id == r.client_order_id)
            {
                Some(k) => *k = r.clone(),
                None => records.push(r.clone()),
            }
        }
        Ok(Known::new(records))
    }

    /// Looks for a record's order on the table as it is now, and further back on the
    /// store-wide list when the table's no longer reaches it. What to do, and the order as
    /// listed when it was found.
    async fn look_for(
        &self,
        store: &str,
        table: &str,
        record: &Record,
    ) -> Result<(Settle, Option<PlacedOrder>), OrderError> {
        // The store's shared look first; where it does not show the order, the table's own.
        // The records are read after the list they are matched against, so that any order
        // listed that is one of ours has its record among them.
        let now = Instant::now();
        let shared = self
            .view_from_store(store, table, Some(now))
            .await
            .map(|(_, v)| v);
        let mut known = self.known_at(store, table, Some(record)).await?;
        let index = |known: &Known| known.index_of(&record.client_order_id).unwrap_or(0);
        let found = |known: &Known, v: &TableInquiry| {
            matches!(
                known.sight(index(known), &listing_of(v)),
                Sighting::Found { .. }
            )
        };
        let inquiry = match shared {
            Some(view) if found(&known, &view) => view,
            _ => {
                let (_, own) = self.table_inquiry(store, table, Some(now)).await?;
                known = self.known_at(store, table, Some(record)).await?;
                own
            }
        };
        let i = index(&known);
        let listing = listing_of(&inquiry);
        let mut sighting = known.sight(i, &listing);
        let placed = |s: Sighting, orders: &[PlacedOrder]| match s {
            Sighting::Found { index, by } => {
                self.metrics.order_matched(by);
                orders.get(index).cloned()
            }
            _ => None,
        };
        // Beyond what the table's list reaches: the store-wide list may reach further.
        let further = match sighting {
            Sighting::Unseen => Some(self.table_on_store_list(store, table).await),
            _ => None,
        };
        let further_listing = further.as_ref().map(listing_of);
        if let Some(l) = &further_listing {
            let again = known.sight(i, l);
            if let Sighting::Found { .. } = again {
                sighting = again;
            }
        }
        let (used, orders) = match (sighting, &further_listing, &further) {
            (Sighting::Found { .. }, Some(l), Some(f)) => (l, &f.orders.orders),
            _ => (&listing, &inquiry.orders.orders),
        };
        let decision = settle::settle(
            sighting,
            used,
            record.sent_at_ms,
            now_ms(),
            self.settle_after_ms(),
        );
        Ok((decision, placed(sighting, orders)))
    }

    fn settle_after_ms(&self) -> i64 {
        i64::try_from(self.settings.settle_after.as_millis()).unwrap_or(i64::MAX)
    }

    /// The table's orders on the store-wide list (fewer per table, but what the store-wide
    /// inquiry answers with); empty when it cannot be had.
    async fn table_on_store_list(&self, store: &str, table: &str) -> TableInquiry {
        let asked = self.store_look(store, Some(Instant::now())).await;
        let mut listed = asked
            .ok()
            .flatten()
            .and_then(|look| look.inquiry.tables.get(table).cloned())
            .unwrap_or_default();
        listed.full = true;
        listed
    }

    /// One table's orders on the store-wide list, as a table's list (which may hide older).
    fn table_on(all: &[StoreOrder], table: &str) -> TableInquiry {
        let mut listed = TableInquiry {
            full: true,
            ..TableInquiry::default()
        };
        for o in all.iter().filter(|o| o.table == table) {
            listed.orders.orders.push(o.order.clone());
            listed.echoes.push(o.echo.clone());
            listed.listed.push(o.order.order_no.clone());
        }
        listed
    }

    /// Looks for an order just sent under this clientOrderId: its receipt when the table
    /// shows it. Nothing is decided here: an order not found is settled later.
    pub(super) async fn find_sent(
        &self,
        store: &str,
        table: &str,
        client_order_id: &str,
    ) -> Result<Option<OrderReceipt>, OrderError> {
        let Some(record) = self.ledger.get(store, client_order_id).await? else {
            return Ok(None);
        };
        Ok(match self.look_for(store, table, &record).await? {
            (Settle::Received { order_no }, placed) => Some(OrderReceipt {
                order_no,
                client_order_id: client_order_id.to_string(),
                received_at: placed.map(|p| p.received_at).unwrap_or_default(),
                total: record_total(&record),
            }),
            _ => None,
        })
    }
}
