//! `/sim/...`: the simulator's control API, for tests and demos.

use super::*;

/// `/sim/...`: the POS screen, the Agent and the network, driven by tests and demos.
pub fn control_router(sim: Arc<Sim>) -> Router {
    Router::new()
        .route("/sim/tables/{table}/occupy", post(occupy))
        .route("/sim/business", post(business))
        .route("/sim/agent", post(agent))
        .route("/sim/delivery", post(delivery))
        .route("/sim/faults", get(get_faults).post(set_faults))
        .route("/sim/strict", post(strict))
        .route("/sim/refusals", post(refusals))
        .route("/sim/dialect", get(get_dialect).post(set_dialect))
        .route("/sim/orders", get(orders))
        .route("/sim/orders/{order}/cancel", post(cancel_order))
        .route("/sim/orders/{order}/pay", post(pay_order))
        .route("/sim/items/{item}/sold-out", post(sold_out))
        .route("/sim/items/{item}/in-use", post(in_use))
        .route("/sim/calls", get(calls))
        .route("/sim/clock", post(clock))
        .route("/sim/reset", post(reset))
        .route("/sim/vcat", post(vcat_mode))
        .route("/sim/vcat/approve", post(vcat_approve))
        .with_state(sim)
}

/// A control call that could not be done.
struct ControlError(StatusCode, String);

impl IntoResponse for ControlError {
    fn into_response(self) -> Response {
        let code = if self.0 == StatusCode::NOT_FOUND {
            "not_found"
        } else {
            "invalid_request"
        };
        (
            self.0,
            Json(json!({ "error": { "code": code, "message": self.1 } })),
        )
            .into_response()
    }
}

impl From<PosError> for ControlError {
    fn from(e: PosError) -> Self {
        let status = match e {
            PosError::UnknownTable | PosError::UnknownOrder => StatusCode::NOT_FOUND,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ControlError(status, e.to_string())
    }
}

type Control = Result<Json<Value>, ControlError>;

fn json_body<T: DeserializeOwned>(body: &Bytes) -> Result<T, ControlError> {
    serde_json::from_slice(body)
        .map_err(|e| ControlError(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))
}

#[derive(Deserialize)]
struct On {
    on: bool,
}

async fn occupy(State(sim): State<Arc<Sim>>, Path(table): Path<String>, body: Bytes) -> Control {
    let On { on } = json_body(&body)?;
    let (floor, tbl) = table
        .split_once('-')
        .ok_or_else(|| ControlError(StatusCode::NOT_FOUND, format!("no table {table}")))?;
    sim.pos().set_occupied(floor, tbl, on)?;
    tracing::info!(table, on, "POS screen holds the table");
    Ok(Json(json!({ "table": table, "occupied": on })))
}

async fn business(State(sim): State<Arc<Sim>>, body: Bytes) -> Control {
    #[derive(Deserialize)]
    struct B {
        open: bool,
    }
    let B { open } = json_body(&body)?;
    sim.pos().set_business_open(open);
    Ok(Json(json!({ "open": open })))
}

async fn agent(State(sim): State<Arc<Sim>>, body: Bytes) -> Control {
    #[derive(Deserialize)]
    struct A {
        running: bool,
    }
    let A { running } = json_body(&body)?;
    sim.pos().set_agent_running(running);
    Ok(Json(json!({ "running": running })))
}

async fn delivery(State(sim): State<Arc<Sim>>, body: Bytes) -> Control {
    let d: Delivery = json_body(&body)?;
    sim.pos().set_delivery(d);
    Ok(Json(serde_json::to_value(d).unwrap_or_default()))
}

async fn get_faults(State(sim): State<Arc<Sim>>) -> Json<Faults> {
    Json(*lock(&sim.faults))
}

async fn set_faults(
    State(sim): State<Arc<Sim>>,
    body: Bytes,
) -> Result<Json<Faults>, ControlError> {
    let f: Faults = json_body(&body)?;
    let rates_ok =
        (0.0..=1.0).contains(&f.error_rate) && (0.0..=1.0).contains(&f.drop_after_commit_rate);
    if !rates_ok {
        return Err(ControlError(
            StatusCode::UNPROCESSABLE_ENTITY,
            "rates are between 0 and 1".into(),
        ));
    }
    sim.set_faults(f);
    Ok(Json(f))
}

/// A strict POS also refuses amounts that do not add up; the real one was seen to take them.
async fn strict(State(sim): State<Arc<Sim>>, body: Bytes) -> Control {
    let On { on } = json_body(&body)?;
    sim.pos().set_strict(on);
    Ok(Json(json!({ "strict": on })))
}

async fn refusals(State(sim): State<Arc<Sim>>, body: Bytes) -> Control {
    let r: Refusals = json_body(&body)?;
    if r.errcode.trim().is_empty() {
        return Err(ControlError(
            StatusCode::UNPROCESSABLE_ENTITY,
            "a refusal has an errcode".into(),
        ));
    }
    let count = r.count;
    *lock(&sim.refusals) = Some(r);
    Ok(Json(json!({ "refusing": count })))
}

async fn get_dialect(State(sim): State<Arc<Sim>>) -> Json<Dialect> {
    Json(sim.pos().dialect().clone())
}

/// `{"name": "short-echo"}` for one of `Dialect::variants`, or a dialect in full.
async fn set_dialect(
    State(sim): State<Arc<Sim>>,
    body: Bytes,
) -> Result<Json<Dialect>, ControlError> {
    #[derive(Deserialize)]
    struct Named {
        name: String,
    }
    let dialect = match json_body::<Named>(&body) {
        Ok(Named { name }) => Dialect::named(&name).ok_or_else(|| {
            let known: Vec<&str> = Dialect::variants().iter().map(|(n, _)| *n).collect();
            ControlError(
                StatusCode::NOT_FOUND,
                format!("no dialect {name:?}; known: {}", known.join(", ")),
            )
        })?,
        Err(_) => json_body::<Dialect>(&body)?,
    };
    if dialect.table_inquiry_limit == 0 || dialect.store_inquiry_per_table == 0 {
        return Err(ControlError(
            StatusCode::UNPROCESSABLE_ENTITY,
            "an inquiry lists at least one order".into(),
        ));
    }
    tracing::info!(?dialect, "the host now answers in this dialect");
    sim.pos().set_dialect(dialect.clone());
    Ok(Json(dialect))
}

async fn orders(State(sim): State<Arc<Sim>>) -> Control {
    let now = sim.clock.now();
    Ok(Json(json!({ "orders": sim.pos().all_orders(now) })))
}

async fn cancel_order(State(sim): State<Arc<Sim>>, Path(order): Path<String>) -> Control {
    let now = sim.clock.now();
    sim.pos().pos_cancel(&order, now)?;
    Ok(Json(json!({ "orderNo": order, "status": "cancelled" })))
}

async fn pay_order(State(sim): State<Arc<Sim>>, Path(order): Path<String>) -> Control {
    let now = sim.clock.now();
    sim.pos().pos_pay(&order, now)?;
    Ok(Json(json!({ "orderNo": order, "status": "paid" })))
}

async fn sold_out(State(sim): State<Arc<Sim>>, Path(item): Path<String>, body: Bytes) -> Control {
    let On { on } = json_body(&body)?;
    let now = sim.clock.now();
    sim.pos()
        .set_sold_out(&item, on, now)
        .map_err(|e| ControlError(StatusCode::NOT_FOUND, e.to_string()))?;
    Ok(Json(
        json!({ "item": item, "soldOut": on, "menuChanged": change_stamp(now) }),
    ))
}

async fn in_use(State(sim): State<Arc<Sim>>, Path(item): Path<String>, body: Bytes) -> Control {
    let On { on } = json_body(&body)?;
    let now = sim.clock.now();
    sim.pos()
        .set_in_use(&item, on, now)
        .map_err(|e| ControlError(StatusCode::NOT_FOUND, e.to_string()))?;
    Ok(Json(
        json!({ "item": item, "inUse": on, "menuChanged": change_stamp(now) }),
    ))
}

async fn calls(State(sim): State<Arc<Sim>>) -> Json<BTreeMap<String, u64>> {
    Json(sim.calls())
}

async fn clock(State(sim): State<Arc<Sim>>, body: Bytes) -> Control {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct C {
        advance_ms: i64,
    }
    let C { advance_ms } = json_body(&body)?;
    sim.clock.advance(advance_ms);
    Ok(Json(json!({ "now": stamp(sim.clock.now()) })))
}

async fn reset(State(sim): State<Arc<Sim>>, body: Bytes) -> Control {
    #[derive(Deserialize, Default)]
    struct R {
        fixture: Option<Value>,
    }
    let r: R = if body.is_empty() {
        R::default()
    } else {
        json_body(&body)?
    };
    let fixture = match r.fixture {
        Some(v) => Some(
            Fixture::parse(&v.to_string())
                .map_err(|e| ControlError(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?,
        ),
        None => None,
    };
    sim.reset(fixture);
    Ok(Json(json!({ "reset": true })))
}

async fn vcat_mode(State(sim): State<Arc<Sim>>, body: Bytes) -> Control {
    #[derive(Deserialize)]
    struct V {
        decline: bool,
    }
    let V { decline } = json_body(&body)?;
    sim.vcat_declines
        .store(decline, std::sync::atomic::Ordering::Relaxed);
    Ok(Json(json!({ "decline": decline })))
}

/// A fake VCAT card payment: what a tablet's payment app would hand back on approval.
async fn vcat_approve(
    State(sim): State<Arc<Sim>>,
    body: Bytes,
) -> Result<Json<Value>, ControlError> {
    #[derive(Deserialize)]
    struct Pay {
        amount: i64,
    }
    let Pay { amount } = json_body(&body)?;
    if amount <= 0 {
        return Err(ControlError(
            StatusCode::UNPROCESSABLE_ENTITY,
            "amount must be positive".into(),
        ));
    }
    if sim.vcat_declines.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(ControlError(
            StatusCode::PAYMENT_REQUIRED,
            "카드 승인이 거절되었습니다 (한도 초과)".into(),
        ));
    }
    let n = sim
        .vcat_seq
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        + 1;
    // As a terminal app answers: the amount as text, the VAT and card companies' codes it
    // worked out, and fields of its own a page does not know.
    Ok(Json(json!({
        "amount": amount.to_string(),
        "approvalNo": format!("{:08}", 30_000_000 + n % 70_000_000),
        "approvedAt": stamp(sim.clock.now()),
        "terminalId": "VCAT0001",
        "cardNoMasked": "5365-10**-****-1234",
        "issuer": "신한카드",
        "acquirer": "신한카드",
        "instalmentMonths": "00",
        "vat": amount / 11,
        "acquirerCode": "04",
        "issuerCode": "04",
        "merchantNo": "701234567",
        "ddcedi": "D",
        "tranSerial": n,
        "signature": null
    })))
}
