//! The upstream as the evidence shows it, behind the proxy, at one table.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    Open,
    Cancelled,
    Paid,
}

#[derive(Debug, Clone)]
pub struct ModelOrder {
    pub order_no: String,
    pub bill: String,
    pub client_order_id: String,
    pub kind: OrderKind,
    pub received_at: Millis,
    /// `None`: never reaches the POS.
    pub deliver_at: Option<Millis>,
    /// Reads as failed from the first attempt until it is delivered after all.
    pub late: bool,
    pub settled: Settled,
    pub prepaid: bool,
    pub total: Won,
}

/// The upstream lists a table's newest orders only (as the simulator does; assumed).
pub const INQUIRY_LIMIT: usize = 10;

/// One table at a restaurant, behind the proxy. The upstream part behaves as the evidence
/// says the real one does: it never de-duplicates, a delivered order reads as received and
/// later done, and a refusal places nothing. The proxy in front keeps one record per
/// clientOrderId; when it lost an answer it looks for the order before sending again.
#[derive(Debug, Clone)]
pub struct Model {
    pub window: Millis,
    pub delay: Millis,
    /// Delivery to completion (완료) on the POS.
    pub complete_after: Millis,
    /// The next order placed reads "failed" first and is delivered this much later, still
    /// inside the window (the guide: a failed order may yet be delivered).
    pub next_late: Option<Millis>,
    /// The proxy's records: the first answer per clientOrderId.
    receipts: std::collections::BTreeMap<String, OrderReceipt>,
    /// The proxy sent these but lost the answer: look before sending again.
    in_doubt: std::collections::BTreeSet<String>,
    /// The newest order on the POS when the proxy last sent each clientOrderId upstream.
    anchors: std::collections::BTreeMap<String, Option<String>>,
    strangers: u32,
    pub occupied: bool,
    pub open: bool,
    pub delivery_works: bool,
    pub orders: Vec<ModelOrder>,
    seq: u32,
}

pub fn refused(code: ErrorCode) -> ErrorBody {
    ErrorBody {
        code,
        message: code.to_string(),
        retry_after_ms: (code == ErrorCode::TableOccupied).then_some(10_000),
    }
}

impl Model {
    pub fn new() -> Model {
        Model {
            window: 60_000,
            delay: 1_500,
            complete_after: 30_000,
            next_late: None,
            receipts: Default::default(),
            in_doubt: Default::default(),
            anchors: Default::default(),
            strangers: 0,
            occupied: false,
            open: true,
            delivery_works: true,
            orders: vec![],
            seq: 0,
        }
    }

    pub fn delivered(&self, o: &ModelOrder, now: Millis) -> bool {
        o.deliver_at.is_some_and(|at| at <= now)
    }

    /// May this order still reach the POS after `now`?
    pub fn may_arrive(&self, o: &ModelOrder, now: Millis) -> bool {
        o.deliver_at.is_some_and(|at| at > now)
    }

    fn status(&self, o: &ModelOrder, now: Millis) -> Option<OrderStatus> {
        if self.delivered(o, now) {
            let done = o
                .deliver_at
                .is_some_and(|at| now >= at + self.complete_after);
            return Some(match o.settled {
                Settled::Open if done => OrderStatus::Done,
                Settled::Open => OrderStatus::Accepted,
                Settled::Cancelled => OrderStatus::Cancelled,
                Settled::Paid => OrderStatus::Paid,
            });
        }
        if now >= o.received_at + self.window {
            return None; // vanished
        }
        if (o.deliver_at.is_none() || o.late) && now >= o.received_at + self.delay {
            return Some(OrderStatus::Failed);
        }
        Some(OrderStatus::Waiting)
    }

    fn open_bill(&self, now: Millis) -> Option<String> {
        self.orders
            .iter()
            .rev()
            .find(|o| !o.prepaid && o.settled == Settled::Open && self.delivered(o, now))
            .map(|o| o.bill.clone())
    }

    /// What the proxy answers a phone that follows `mine`: the table's newest orders (the
    /// upstream lists at most `INQUIRY_LIMIT`), and `mine` as unseen when it is not listed,
    /// the list is full and no longer holds the order newest on the POS when it was sent.
    pub fn inquiry(&self, now: Millis, mine: Option<&str>) -> TableOrders {
        let visible: Vec<&ModelOrder> = self
            .orders
            .iter()
            .rev()
            .filter(|o| self.status(o, now).is_some())
            .collect();
        let listed = &visible[..visible.len().min(INQUIRY_LIMIT)];
        let orders = listed
            .iter()
            .filter_map(|o| {
                Some(PlacedOrder {
                    order_no: o.order_no.clone(),
                    client_order_id: Some(o.client_order_id.clone()),
                    status: self.status(o, now)?,
                    received_at: String::new(),
                    total: o.total,
                    lines: vec![],
                    staff_call: false,
                    from_this_phone: false,
                })
            })
            .collect::<Vec<_>>();
        let unseen = mine
            .filter(|id| {
                !orders
                    .iter()
                    .any(|o| o.client_order_id.as_deref() == Some(id))
            })
            .filter(|id| !self.covers(listed, id))
            .map(|id| vec![id.to_string()])
            .unwrap_or_default();
        TableOrders {
            open_order_no: self.open_bill(now),
            orders,
            unseen,
            next_poll_ms: None,
        }
    }

    /// Would `id`'s order be in `listed` if it were there at all?
    fn covers(&self, listed: &[&ModelOrder], id: &str) -> bool {
        let Some(anchor) = self.anchors.get(id) else {
            return true; // never sent: certainly absent
        };
        listed.len() < INQUIRY_LIMIT
            || anchor
                .as_ref()
                .is_some_and(|a| listed.iter().any(|o| &o.order_no == a))
    }

    /// The newest order on the POS now (one not yet there may vanish).
    fn newest_listed(&self, now: Millis) -> Option<String> {
        self.orders
            .iter()
            .rev()
            .find(|o| self.delivered(o, now))
            .map(|o| o.order_no.clone())
    }

    /// Others at the table order too: each order pushes older ones toward the end of the
    /// upstream's list.
    pub fn stranger_orders(&mut self, now: Millis) {
        self.strangers += 1;
        self.seq += 1;
        let order_no = format!("TO{:07}", self.seq);
        self.orders.push(ModelOrder {
            bill: order_no.clone(),
            order_no,
            client_order_id: format!("stranger-{}", self.strangers),
            kind: OrderKind::New,
            received_at: now,
            deliver_at: Some(now + self.delay),
            late: false,
            settled: Settled::Open,
            prepaid: true,
            total: Won(9_000),
        });
    }

    /// The proxy: the first answer repeated; an order in doubt looked for in the inquiry
    /// (where it is listed until it vanishes) before it is ever sent again.
    pub fn place(&mut self, req: &OrderRequest, now: Millis) -> Result<OrderReceipt, ErrorBody> {
        let id = &req.client_order_id;
        if let Some(receipt) = self.receipts.get(id) {
            return Ok(receipt.clone());
        }
        if self.in_doubt.contains(id) {
            let listed = self.inquiry(now, Some(id));
            if listed.is_unseen(id) {
                // It may be beyond the list: never sent again on a guess.
                return Err(refused(ErrorCode::UpstreamUnavailable));
            }
            if let Some(o) = listed.find_client_order(id) {
                let receipt = OrderReceipt {
                    order_no: o.order_no.clone(),
                    client_order_id: id.clone(),
                    received_at: String::new(),
                    total: o.total,
                };
                self.receipts.insert(id.clone(), receipt.clone());
                return Ok(receipt);
            }
        }
        let anchor = self.newest_listed(now);
        let receipt = self.upstream_place(req, now)?;
        // A refused send leaves no record: nothing was placed under this id.
        self.anchors.insert(id.clone(), anchor);
        self.receipts.insert(id.clone(), receipt.clone());
        Ok(receipt)
    }

    /// The proxy sent the order but its answer was lost (it told the phone 504).
    pub fn place_answer_lost(&mut self, req: &OrderRequest, now: Millis) -> Result<(), ErrorBody> {
        let placed = self.place(req, now);
        if placed.is_ok() {
            self.receipts.remove(&req.client_order_id);
            self.in_doubt.insert(req.client_order_id.clone());
        }
        placed.map(|_| ())
    }

    /// The upstream itself: every order it takes is a new one, whatever its MCHT_ORDERNO.
    fn upstream_place(
        &mut self,
        req: &OrderRequest,
        now: Millis,
    ) -> Result<OrderReceipt, ErrorBody> {
        if !self.open {
            return Err(refused(ErrorCode::StoreClosed));
        }
        let prepaid = req.payment.is_some();
        if let Some(p) = &req.payment {
            if p.method == PaymentMethod::Cash && p.staff_pin.as_deref() != Some(PIN) {
                return Err(refused(ErrorCode::Unauthorized));
            }
            if req.kind == OrderKind::Add {
                return Err(refused(ErrorCode::InvalidRequest));
            }
        }
        if self.occupied {
            return Err(refused(ErrorCode::TableOccupied));
        }
        let bill = match req.kind {
            OrderKind::New if prepaid => None,
            OrderKind::New => {
                let pending_new = self.orders.iter().any(|o| {
                    o.kind == OrderKind::New
                        && !o.prepaid
                        && self.status(o, now) == Some(OrderStatus::Waiting)
                });
                if self.open_bill(now).is_some() || pending_new {
                    return Err(refused(ErrorCode::TableHasOpenOrder));
                }
                None
            }
            OrderKind::Add => match (self.open_bill(now), &req.open_order_no) {
                (Some(open), Some(wanted)) if &open == wanted => Some(open),
                _ => return Err(refused(ErrorCode::OpenOrderMismatch)),
            },
        };
        self.seq += 1;
        let order_no = format!("TO{:07}", self.seq);
        let late = self.next_late.take().filter(|d| *d < self.window);
        let deliver_at = match late {
            Some(d) => Some(now + d),
            None => (self.delivery_works && self.delay < self.window).then_some(now + self.delay),
        };
        self.orders.push(ModelOrder {
            bill: bill.unwrap_or_else(|| order_no.clone()),
            order_no: order_no.clone(),
            client_order_id: req.client_order_id.clone(),
            kind: req.kind,
            received_at: now,
            deliver_at,
            late: late.is_some(),
            settled: Settled::Open,
            prepaid,
            total: Won(32_000),
        });
        Ok(OrderReceipt {
            order_no,
            client_order_id: req.client_order_id.clone(),
            received_at: String::new(),
            total: Won(32_000),
        })
    }

    /// The POS refuses in a code nobody published: definite, nothing placed.
    pub fn refuse(&self) -> ErrorBody {
        ErrorBody {
            code: ErrorCode::PosRefused,
            message: "포스 점검 중입니다.".into(),
            retry_after_ms: None,
        }
    }

    pub fn orders_of(&self, client_order_id: &str) -> Vec<&ModelOrder> {
        self.orders
            .iter()
            .filter(|o| o.client_order_id == client_order_id)
            .collect()
    }
}
