//! The simulator over HTTP: the upstream paths of the Order Agent API, and `/sim/...` to
//! make trouble happen on demand.

use crate::clock::Clock;
use crate::dialect::Dialect;
use crate::fixture::Fixture;
use crate::pos::{change_stamp, stamp, Delivery, OrderKind, Pos, PosError, Timing};
use crate::wire::{
    CancelRequest, Credentials, Envelope, MenuStateRequest, OrderBody, TableInquiryRequest,
};
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// Trouble injected into upstream calls.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Faults {
    /// Added before every upstream call is handled.
    pub latency_ms: u64,
    /// Added after a call was handled (an order committed) and before its answer goes out:
    /// a caller that gives up in between never hears of an order that exists.
    pub late_answer_ms: u64,
    /// Share of upstream calls answered with a server error, before anything is done.
    pub error_rate: f64,
    /// Share of new/add orders committed whose answer is then lost on the wire.
    pub drop_after_commit_rate: f64,
    /// Whether a resent MCHT_ORDERNO yields the first order instead of a second one. Off by
    /// default: the real service does not de-duplicate.
    pub dedupe_mcht_order_no: bool,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            latency_ms: 0,
            late_answer_ms: 0,
            error_rate: 0.0,
            drop_after_commit_rate: 0.0,
            dedupe_mcht_order_no: false,
        }
    }
}

/// A refusal the next order calls get, in codes and words the partner may never have seen:
/// the real service's codes are not public.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Refusals {
    pub errcode: String,
    #[serde(default)]
    pub msg: String,
    #[serde(default)]
    pub msg2: String,
    /// How many order calls (new or add) are refused.
    pub count: u32,
}

/// The shared simulator: the POS model, its clock, injected faults and call counts.
pub struct Sim {
    pos: Mutex<Pos>,
    refusals: Mutex<Option<Refusals>>,
    pub clock: Clock,
    faults: Mutex<Faults>,
    calls: Mutex<BTreeMap<String, u64>>,
    rng: Mutex<fastrand::Rng>,
    /// The fake card terminal: approves unless told to decline.
    vcat_declines: std::sync::atomic::AtomicBool,
    vcat_seq: std::sync::atomic::AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves plain data behind; keep serving.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Sim {
    pub fn new(fixture: Fixture, timing: Timing) -> Arc<Sim> {
        Arc::new(Sim {
            pos: Mutex::new(Pos::new(fixture, timing)),
            refusals: Mutex::new(None),
            clock: Clock::default(),
            faults: Mutex::new(Faults::default()),
            calls: Mutex::new(BTreeMap::new()),
            rng: Mutex::new(fastrand::Rng::with_seed(0x5eed)),
            vcat_declines: std::sync::atomic::AtomicBool::new(false),
            // A terminal never repeats an approval number within a day, restarts included.
            vcat_seq: std::sync::atomic::AtomicU64::new(fastrand::u64(0..60_000_000)),
        })
    }

    pub fn pos(&self) -> MutexGuard<'_, Pos> {
        lock(&self.pos)
    }

    pub fn set_faults(&self, faults: Faults) {
        *lock(&self.faults) = faults;
        self.pos().set_dedupe(faults.dedupe_mcht_order_no);
    }

    pub fn calls(&self) -> BTreeMap<String, u64> {
        lock(&self.calls).clone()
    }

    /// One injected refusal, if any are left.
    fn take_refusal(&self) -> Option<Refusals> {
        let mut left = lock(&self.refusals);
        let r = left.as_mut().filter(|r| r.count > 0)?;
        r.count -= 1;
        Some(r.clone())
    }

    fn roll(&self, rate: f64) -> bool {
        rate > 0.0 && lock(&self.rng).f64() < rate
    }

    /// Fresh state, with the same timing and strictness, optionally another store.
    pub fn reset(&self, fixture: Option<Fixture>) {
        let mut pos = self.pos();
        let fixture = fixture.unwrap_or_else(|| pos.fixture().clone());
        let (timing, strict, dialect) = (pos.timing(), pos.is_strict(), pos.dialect().clone());
        *pos = Pos::new(fixture, timing);
        pos.set_strict(strict);
        // The host's dialect is what it is: a new day does not change it.
        pos.set_dialect(dialect);
        drop(pos);
        *lock(&self.faults) = Faults::default();
        *lock(&self.refusals) = None;
        lock(&self.calls).clear();
    }
}

/// The whole simulator: upstream API and control API.
pub fn router(sim: Arc<Sim>) -> Router {
    upstream_router(sim.clone()).merge(control_router(sim))
}

#[derive(Debug, Clone, Copy)]
enum Call {
    Tables,
    MenuState,
    Menu,
    TableOrders,
    StoreOrders,
    New,
    Add,
    Cancel,
}

/// The Order Agent API, as a partner server calls it.
pub fn upstream_router(sim: Arc<Sim>) -> Router {
    let route = |call: Call| {
        post(move |State(sim): State<Arc<Sim>>, body: Bytes| upstream(sim, call, body))
    };
    Router::new()
        .route("/partner/v1/table", route(Call::Tables))
        .route("/partner/v1/menu/state", route(Call::MenuState))
        .route("/partner/v1/menu/edit", route(Call::Menu))
        .route("/partner/v1/table/order", route(Call::TableOrders))
        .route("/partner/v2/table/order", route(Call::StoreOrders))
        .route("/partner/v1/table/order/new", route(Call::New))
        .route("/partner/v1/table/order/add", route(Call::Add))
        .route("/partner/v1/table/order/cancel", route(Call::Cancel))
        .with_state(sim)
}

fn envelope(status: StatusCode, env: Envelope) -> Response {
    (status, Json(env)).into_response()
}

fn parse<T: DeserializeOwned>(v: &Value) -> Result<T, PosError> {
    T::deserialize(v).map_err(|e| PosError::BadRequest(e.to_string()))
}

fn path_of(call: Call) -> &'static str {
    match call {
        Call::Tables => "/partner/v1/table",
        Call::MenuState => "/partner/v1/menu/state",
        Call::Menu => "/partner/v1/menu/edit",
        Call::TableOrders => "/partner/v1/table/order",
        Call::StoreOrders => "/partner/v2/table/order",
        Call::New => "/partner/v1/table/order/new",
        Call::Add => "/partner/v1/table/order/add",
        Call::Cancel => "/partner/v1/table/order/cancel",
    }
}

/// A server, not a function of its caller: the call runs to its end in its own task, so an
/// order received is committed even if the caller hangs up while it waits.
async fn upstream(sim: Arc<Sim>, call: Call, body: Bytes) -> Response {
    let handled = tokio::spawn(answer(sim, call, body));
    handled
        .await
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

async fn answer(sim: Arc<Sim>, call: Call, body: Bytes) -> Response {
    let path = path_of(call);
    *lock(&sim.calls).entry(path.to_string()).or_default() += 1;
    let faults = *lock(&sim.faults);
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    if sim.roll(faults.error_rate) {
        tracing::warn!(path, "injected server error");
        let env = Envelope::failure("E9999", "일시적인 서버 오류입니다.", "injected".into());
        return envelope(StatusCode::INTERNAL_SERVER_ERROR, env);
    }
    if matches!(call, Call::New | Call::Add) {
        if let Some(r) = sim.take_refusal() {
            tracing::info!(path, errcode = %r.errcode, "injected refusal");
            return envelope(
                StatusCode::OK,
                Envelope::failure(&r.errcode, &r.msg, r.msg2),
            );
        }
    }
    let result = serde_json::from_slice::<Value>(&body)
        .map_err(|e| PosError::BadRequest(format!("JSON: {e}")))
        .and_then(|v| handle(&sim, call, &v).map(|obj| (v, obj)));
    if faults.late_answer_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.late_answer_ms)).await;
    }
    match result {
        Ok((mut request, mut obj)) => {
            // What the POS received, minus the partner's credentials.
            if let Some(fields) = request.as_object_mut() {
                fields.remove("STORE_ID");
                fields.remove("SERVICE_ID");
            }
            tracing::info!(path, request = %request, "upstream call answered");
            let committed_order = matches!(call, Call::New | Call::Add);
            if committed_order && sim.roll(faults.drop_after_commit_rate) {
                tracing::warn!(path, "order committed, answer dropped");
                return broken_response();
            }
            if committed_order && sim.pos().dialect().ack_without_obj {
                obj = Value::Null;
            }
            envelope(StatusCode::OK, Envelope::success(obj))
        }
        Err(e) => {
            let dialect = sim.pos().dialect().clone();
            let code = dialect.code(e.refusal(), e.errcode());
            tracing::info!(path, errcode = code, error = %e, "upstream call refused");
            envelope(StatusCode::OK, Envelope::failure(code, e.msg(), e.detail()))
        }
    }
}

/// Headers go out, then the body breaks: the caller cannot know what happened.
fn broken_response() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "dropped",
        ))
    });
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from_stream(stream))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

fn handle(sim: &Sim, call: Call, request: &Value) -> Result<Value, PosError> {
    let creds: Credentials = parse(request)?;
    let now = sim.clock.now();
    let mut pos = sim.pos();
    // The real client sends menu/edit with STORE_ID alone, and the service answers it.
    let service_id = match call {
        Call::Menu if creds.service_id.is_empty() => pos.fixture().service_id.clone(),
        _ => creds.service_id,
    };
    pos.check_credentials(&creds.store_id, &service_id)?;
    let f = pos.fixture();
    Ok(match call {
        // No store name: the real table list has none.
        Call::Tables => json!({ "TABLE_LIST": f.table_list }),
        Call::MenuState => {
            let req: MenuStateRequest = parse(request)?;
            json!({
                "UPDATE_YN": if pos.menu_changed_since(&req.update_check_dtime) { "Y" } else { "N" },
                "UPDATE_DTIME": f.update_dtime,
                "OPEN_YN": if pos.is_open() { "Y" } else { "N" },
            })
        }
        Call::Menu => json!([{ "ITEM_GROUP_LIST": f.item_group_list }]),
        Call::TableOrders => {
            let req: TableInquiryRequest = parse(request)?;
            json!({ "ORDER_LIST": pos.table_orders(&req.flr_code, &req.tbl_code, now)? })
        }
        Call::StoreOrders => json!({ "ORDER_LIST": pos.store_orders(now) }),
        Call::New | Call::Add => {
            let body: OrderBody = parse(request)?;
            let kind = if matches!(call, Call::New) {
                OrderKind::New
            } else {
                OrderKind::Add
            };
            let placed = pos.place(kind, body, now)?;
            if placed.replayed {
                tracing::info!(order = %placed.ack.orderno, "MCHT_ORDERNO seen before: first answer repeated");
            }
            serde_json::to_value(placed.ack).map_err(|e| PosError::BadRequest(e.to_string()))?
        }
        Call::Cancel => {
            let req: CancelRequest = parse(request)?;
            pos.cancel_bill(&req.org_orderno, now)?;
            json!({ "ORG_ORDERNO": req.org_orderno })
        }
    })
}

mod control;

pub use control::control_router;
