//! The upstream adapter: the one module of the proxy that knows Smartro's paths and field
//! names. Everything it returns is in the restaurant's words (`order_core` types).
//!
//! The real service's spec is agreed per partner; where UPSTREAM.md marks a field as assumed,
//! this module and the simulator are the two places to change.

mod wire;

use chrono::{FixedOffset, NaiveDateTime, TimeZone};
use order_core::pricing::PricedOrder;
use order_core::{
    Category, Item, OptionChoice, OptionGroup, OrderKind, OrderStatus, PlacedLine, PlacedOption,
};
use order_core::{PlacedOrder, Table, TableOrders, Won};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;
use wire::*;

/// A store's credentials at Smartro. Never leaves the server.
#[derive(Clone, PartialEq, Eq)]
pub struct StoreCredentials {
    pub store_id: String,
    pub service_id: String,
}

impl std::fmt::Debug for StoreCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreCredentials")
            .field("store_id", &self.store_id)
            .field("service_id", &"***")
            .finish()
    }
}

/// Why the upstream refused an order or a query, in the flow's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Being handled on the POS screen, or a payment in progress.
    TableOccupied,
    /// Business not opened today, or the Agent not running.
    StoreClosed,
    TableHasOpenOrder,
    OpenOrderMismatch,
    /// An item or option the POS does not take, or a price it does not agree with.
    BadItem,
    UnknownTable,
    CredentialsRejected,
    Other,
}

#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    #[error("upstream unreachable: {0}")]
    Unreachable(String),
    #[error("upstream did not answer in time")]
    Timeout,
    /// The request was sent but its answer was lost: the order may or may not exist.
    #[error("upstream answer lost: {0}")]
    AnswerLost(String),
    #[error("upstream answered HTTP {0}")]
    Status(u16),
    #[error("upstream answer not understood: {0}")]
    Malformed(String),
    #[error("upstream refused ({code}): {message}")]
    Refused {
        refusal: Refusal,
        code: String,
        message: String,
    },
}

impl UpstreamError {
    /// An order call that failed this way may have been committed anyway.
    pub fn is_ambiguous(&self) -> bool {
        matches!(
            self,
            UpstreamError::Timeout | UpstreamError::AnswerLost(_) | UpstreamError::Status(500..)
        )
    }

    pub fn refusal(&self) -> Option<Refusal> {
        match self {
            UpstreamError::Refused { refusal, .. } => Some(*refusal),
            _ => None,
        }
    }
}

fn refusal_for(code: &str) -> Refusal {
    match code {
        "E1001" => Refusal::TableOccupied,
        "E1002" => Refusal::StoreClosed,
        "E1003" => Refusal::TableHasOpenOrder,
        "E1004" => Refusal::OpenOrderMismatch,
        "E2001" => Refusal::BadItem,
        "E2002" => Refusal::UnknownTable,
        "E0001" => Refusal::CredentialsRejected,
        _ => Refusal::Other,
    }
}

/// What `menu/state` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuState {
    pub changed: bool,
    /// The menu's change stamp, used as its version.
    pub stamp: String,
    /// Business opened and the Agent running; `None` when the upstream does not say.
    pub open: Option<bool>,
}

/// The store's table list and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreTables {
    pub name: String,
    pub tables: Vec<Table>,
}

/// The store's menu as guests may see it, with its change stamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreMenu {
    pub stamp: String,
    pub categories: Vec<Category>,
}

/// A payment already made for a prepaid order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRecord {
    pub kind: PaymentKind,
    pub amount: Won,
    pub vat: Won,
    pub terminal_id: String,
    pub approval_no: String,
    /// `yyyyMMdd`
    pub approval_date: String,
    /// `HHmmss`
    pub approval_time: String,
    pub card_no_masked: String,
    pub issuer: String,
    pub acquirer: String,
    pub instalment_months: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentKind {
    Card,
    Cash,
    Other,
}

/// An order ready to send: priced from the cached menu, for one table.
#[derive(Debug, Clone)]
pub struct OutgoingOrder<'a> {
    pub client_order_id: &'a str,
    pub floor: &'a str,
    pub table: &'a str,
    pub kind: OrderKind,
    pub open_order_no: Option<&'a str>,
    pub priced: &'a PricedOrder,
    pub payments: &'a [PaymentRecord],
}

/// The 1st response: Smartro has the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub order_no: String,
    pub open_order_no: String,
}

#[derive(Clone)]
pub struct Upstream {
    http: reqwest::Client,
    base: String,
}

impl Upstream {
    pub fn new(
        base: &str,
        connect_timeout: Duration,
        request_timeout: Duration,
    ) -> Result<Upstream, UpstreamError> {
        let http = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .timeout(request_timeout)
            .build()
            .map_err(|e| UpstreamError::Unreachable(e.to_string()))?;
        Ok(Upstream {
            http,
            base: base.trim_end_matches('/').to_string(),
        })
    }

    async fn call<Req: Serialize, Obj: DeserializeOwned>(
        &self,
        path: &str,
        creds: &StoreCredentials,
        request: &Req,
    ) -> Result<Obj, UpstreamError> {
        let body = WithCredentials {
            store_id: &creds.store_id,
            service_id: &creds.service_id,
            request,
        };
        let sent = self
            .http
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::ACCEPT, "application/json")
            .json(&body)
            .send()
            .await
            .map_err(|e| {
                if e.is_timeout() {
                    UpstreamError::Timeout
                } else if e.is_connect() {
                    UpstreamError::Unreachable(e.to_string())
                } else {
                    UpstreamError::AnswerLost(e.to_string())
                }
            })?;
        let status = sent.status();
        let bytes = sent.bytes().await.map_err(|e| {
            if e.is_timeout() {
                UpstreamError::Timeout
            } else {
                UpstreamError::AnswerLost(e.to_string())
            }
        })?;
        let envelope: Envelope = match serde_json::from_slice(&bytes) {
            Ok(env) => env,
            Err(_) if !status.is_success() => return Err(UpstreamError::Status(status.as_u16())),
            Err(e) => return Err(UpstreamError::Malformed(format!("{path}: {e}"))),
        };
        if !envelope.errcode.is_empty() || envelope.result != "SUCCESS" {
            if status.is_server_error() {
                return Err(UpstreamError::Status(status.as_u16()));
            }
            return Err(UpstreamError::Refused {
                refusal: refusal_for(&envelope.errcode),
                message: format!("{} {}", envelope.msg, envelope.msg2)
                    .trim()
                    .to_string(),
                code: envelope.errcode,
            });
        }
        if !status.is_success() {
            return Err(UpstreamError::Status(status.as_u16()));
        }
        Obj::deserialize(envelope.obj).map_err(|e| UpstreamError::Malformed(format!("{path}: {e}")))
    }

    pub async fn tables(&self, creds: &StoreCredentials) -> Result<StoreTables, UpstreamError> {
        let obj: TableListObj = self.call("/partner/v1/table", creds, &Empty {}).await?;
        Ok(obj.into_tables())
    }

    pub async fn menu(&self, creds: &StoreCredentials) -> Result<StoreMenu, UpstreamError> {
        let obj: Vec<MenuObj> = self.call("/partner/v1/menu/edit", creds, &Empty {}).await?;
        menu_from_wire(obj)
    }

    pub async fn menu_state(
        &self,
        creds: &StoreCredentials,
        since: &str,
    ) -> Result<MenuState, UpstreamError> {
        let req = MenuStateReq {
            update_check_dtime: since,
        };
        let obj: MenuStateObj = self.call("/partner/v1/menu/state", creds, &req).await?;
        Ok(MenuState {
            changed: obj.update_yn == "Y",
            stamp: obj.update_dtime,
            open: obj.open_yn.map(|o| o == "Y"),
        })
    }

    pub async fn table_orders(
        &self,
        creds: &StoreCredentials,
        floor: &str,
        table: &str,
    ) -> Result<TableOrders, UpstreamError> {
        let req = TableReq {
            flr_code: floor,
            tbl_code: table,
        };
        let obj: OrderListObj = self.call("/partner/v1/table/order", creds, &req).await?;
        inquiry_from_wire(obj.order_list)
    }

    pub async fn place(
        &self,
        creds: &StoreCredentials,
        order: &OutgoingOrder<'_>,
    ) -> Result<Received, UpstreamError> {
        let body = order_body(order)?;
        let path = match order.kind {
            OrderKind::New => "/partner/v1/table/order/new",
            OrderKind::Add => "/partner/v1/table/order/add",
        };
        let ack: OrderAckObj = self.call(path, creds, &body).await?;
        if ack.mcht_orderno != order.client_order_id {
            return Err(UpstreamError::Malformed(format!(
                "answer for another order: {} (sent {})",
                ack.mcht_orderno, order.client_order_id
            )));
        }
        Ok(Received {
            order_no: ack.orderno,
            open_order_no: ack.org_orderno,
        })
    }
}

fn amount(s: &str, what: &str) -> Result<Won, UpstreamError> {
    s.trim()
        .parse::<i64>()
        .map(Won)
        .map_err(|_| UpstreamError::Malformed(format!("{what} is not an amount: {s:?}")))
}

fn count(s: &str, what: &str) -> Result<u32, UpstreamError> {
    s.trim()
        .parse::<u32>()
        .map_err(|_| UpstreamError::Malformed(format!("{what} is not a count: {s:?}")))
}

/// The upstream shows what is flagged "N" and hides anything else (as UPSTREAM.md assumes).
fn shown(flag: &str) -> bool {
    flag == "N"
}

fn menu_from_wire(obj: Vec<MenuObj>) -> Result<StoreMenu, UpstreamError> {
    let first = obj
        .into_iter()
        .next()
        .ok_or_else(|| UpstreamError::Malformed("menu/edit: empty".into()))?;
    let mut categories = Vec::new();
    for g in first
        .item_group_list
        .into_iter()
        .filter(|g| shown(&g.item_group_use_flag))
    {
        let mut items = Vec::new();
        for i in g.item_list.into_iter().filter(|i| shown(&i.item_use_flag)) {
            let mut option_groups = Vec::new();
            for a in i.additive_group_list {
                let options = a
                    .additive_item_list
                    .into_iter()
                    .map(|o| {
                        Ok(OptionChoice {
                            price: amount(&o.additive_sale_price, "ADDITIVE_SALE_PRICE")?,
                            id: o.additive_id,
                            name: o.additive_name,
                        })
                    })
                    .collect::<Result<Vec<_>, UpstreamError>>()?;
                let min = if a.min_cnt.is_empty() {
                    0
                } else {
                    count(&a.min_cnt, "MIN_CNT")?
                };
                let max = if a.max_cnt.is_empty() {
                    options.len() as u32
                } else {
                    count(&a.max_cnt, "MAX_CNT")?
                };
                option_groups.push(OptionGroup {
                    id: a.additive_group_code,
                    name: a.additive_group_name,
                    min,
                    max: max.max(min),
                    options,
                });
            }
            items.push(Item {
                price: amount(&i.sale_price, "SALE_PRICE")?,
                sold_out: i.sold_out_yn == "Y",
                set_menu: i.item_set_gbn == "Y",
                id: i.item_id,
                name: i.item_name,
                option_groups,
            });
        }
        if !items.is_empty() {
            categories.push(Category {
                id: g.item_group_code,
                name: g.item_group_name,
                items,
            });
        }
    }
    Ok(StoreMenu {
        stamp: first.update_dtime.unwrap_or_default(),
        categories,
    })
}

fn status_of(e: &InquiryEntryObj) -> OrderStatus {
    match (e.success_flag.as_str(), e.order_status.as_str()) {
        ("", _) => OrderStatus::Waiting,
        ("N", _) => OrderStatus::Failed,
        (_, "SMRO000069") => OrderStatus::Done,
        (_, "SMRO000070") => OrderStatus::Cancelled,
        (_, "SMRO000071") => OrderStatus::Returned,
        (_, "SMRO000088") => OrderStatus::Paid,
        _ => OrderStatus::Accepted,
    }
}

fn received_at(date: &str, time: &str) -> Result<String, UpstreamError> {
    let naive = NaiveDateTime::parse_from_str(&format!("{date}{time}"), "%Y%m%d%H%M%S")
        .map_err(|_| UpstreamError::Malformed(format!("order time {date} {time}")))?;
    let kst =
        FixedOffset::east_opt(9 * 3600).ok_or_else(|| UpstreamError::Malformed("offset".into()))?;
    let at = kst
        .from_local_datetime(&naive)
        .single()
        .ok_or_else(|| UpstreamError::Malformed(format!("order time {date} {time}")))?;
    Ok(at.to_rfc3339())
}

fn inquiry_from_wire(list: Vec<InquiryEntryObj>) -> Result<TableOrders, UpstreamError> {
    let mut open_order_no = None;
    let mut orders = Vec::with_capacity(list.len());
    for e in list {
        let status = status_of(&e);
        if open_order_no.is_none() && status.is_open() && e.prepay_flag != "Y" {
            open_order_no = Some(e.org_orderno.clone());
        }
        let mut lines = Vec::with_capacity(e.item_list.len());
        for i in &e.item_list {
            let options = i
                .additive_item_list
                .iter()
                .map(|a| {
                    Ok(PlacedOption {
                        option_id: a.additive_id.clone(),
                        name: a.additive_name.clone(),
                        count: count(&a.additive_cnt, "ADDITIVE_CNT")?,
                        price: amount(&a.additive_price, "ADDITIVE_PRICE")?,
                    })
                })
                .collect::<Result<Vec<_>, UpstreamError>>()?;
            let sale_price = amount(&i.sale_price, "SALE_PRICE")?;
            // A set menu's SALE_PRICE is the parent alone; its options come beside it.
            let unit_price = if i.item_set_gbn == "Y" {
                sale_price + options.iter().map(|o| o.price * o.count).sum()
            } else {
                sale_price
            };
            lines.push(PlacedLine {
                item_id: i.item_id.clone(),
                name: i.item_name.clone(),
                count: count(&i.item_cnt, "ITEM_CNT")?,
                unit_price,
                options,
            });
        }
        orders.push(PlacedOrder {
            client_order_id: Some(e.mcht_orderno.clone()).filter(|s| !s.is_empty()),
            received_at: received_at(&e.order_date, &e.order_time)?,
            total: amount(&e.order_pay_amt, "ORDER_PAY_AMT")?,
            order_no: e.orderno,
            status,
            lines,
        });
    }
    Ok(TableOrders {
        open_order_no,
        orders,
    })
}

fn order_body<'a>(order: &'a OutgoingOrder<'a>) -> Result<OrderBodyReq<'a>, UpstreamError> {
    let priced = order.priced;
    let mut items = Vec::with_capacity(priced.lines.len());
    let mut gross = Won::ZERO;
    for (seq, line) in priced.lines.iter().enumerate() {
        let sale_price = if line.set_menu {
            line.item_price
        } else {
            line.unit_price()
        };
        gross += line.amount();
        items.push(OrderItemReq {
            item_seq: (seq + 1).to_string(),
            item_name: &line.name,
            item_id: &line.item_id,
            sale_price: sale_price.0.to_string(),
            sale_amt: (sale_price * line.count).0.to_string(),
            item_cnt: line.count.to_string(),
            item_meno: &line.memo,
            item_set_gbn: if line.set_menu { "Y" } else { "N" },
            mcht_menu_no: String::new(),
            additive_item_list: line
                .options
                .iter()
                .map(|o| OrderAdditiveReq {
                    additive_id: &o.option_id,
                    additive_name: &o.name,
                    rule_id: &o.group_id,
                    additive_price: o.price.0.to_string(),
                    additive_cnt: o.count.to_string(),
                })
                .collect(),
        });
    }
    if gross != priced.total {
        return Err(UpstreamError::Malformed(format!(
            "total {} does not add up to {}",
            priced.total.0, gross.0
        )));
    }
    let prepaid = !order.payments.is_empty();
    let (orderno, org_orderno) = match (order.kind, order.open_order_no) {
        (OrderKind::Add, Some(open)) => (Some(open), Some(open)),
        (OrderKind::Add, None) => {
            return Err(UpstreamError::Malformed(
                "an add order needs the open order".into(),
            ))
        }
        (OrderKind::New, _) => (None, None),
    };
    Ok(OrderBodyReq {
        mcht_orderno: order.client_order_id,
        memb_tel: "",
        order_memo: &priced.memo,
        org_order_pay_amt: gross.0.to_string(),
        order_pay_amt: gross.0.to_string(),
        disc_amt: "0".into(),
        prepay_flag: if prepaid { "Y" } else { "N" },
        os_gbn: "WEB",
        flr_code: order.floor,
        tbl_code: order.table,
        rept_prt_flag: "N",
        order_prt_flag: "Y",
        item_list: items,
        ord_pay_list: order
            .payments
            .iter()
            .enumerate()
            .map(|(i, p)| pay_entry(i, p))
            .collect(),
        orderno,
        org_orderno,
    })
}

fn pay_entry(index: usize, p: &PaymentRecord) -> PayEntryReq {
    PayEntryReq {
        pay_type: match p.kind {
            PaymentKind::Card => "card",
            PaymentKind::Cash => "cash",
            PaymentKind::Other => "etc",
        },
        can_flag: "N",
        can_pay_seq: (index + 1).to_string(),
        tml_no: p.terminal_id.clone(),
        sale_amt: p.amount.0.to_string(),
        sale_vat_amt: p.vat.0.to_string(),
        svc_amt: "0".into(),
        istm_term: format!("{:02}", p.instalment_months),
        auth_no: p.approval_no.clone(),
        auth_date: p.approval_date.clone(),
        auth_time: p.approval_time.clone(),
        card_acqhid: String::new(),
        card_acq_name: p.acquirer.clone(),
        card_acshid: String::new(),
        crd_hid_name: p.issuer.clone(),
        card_no: p.card_no_masked.clone(),
        card_mchtno: String::new(),
        card_pay_type: if p.kind == PaymentKind::Card { "M" } else { "" },
        cash_auth_type: if p.kind == PaymentKind::Cash { "P" } else { "" },
        ddcedi: String::new(),
    }
}

#[cfg(test)]
mod tests;
