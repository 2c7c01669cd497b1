//! Starts a real proxy with its embedded simulator on ephemeral ports, on a short clock.

#![allow(dead_code)]

use serde_json::{json, Value};
use std::path::PathBuf;
use tableorder_proxy::config::Config;
use tableorder_proxy::server::{self, Running};

/// Set as `database_url` by a test that needs the SQLite file even where the others run on
/// PostgreSQL (backups of the file).
pub const ON_SQLITE: &str = "the data directory's SQLite file";

/// The metrics token every test server asks for.
pub const METRICS_TOKEN: &str = "metrics-token-of-this-test-server";

pub struct Harness {
    pub base: String,
    pub http: reqwest::Client,
    pub running: Running,
    pub _dist: TempDir,
}

pub struct TempDir(pub PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Delivery in 150 ms, a 1.5 s acceptance window: the 60 s rule in miniature.
pub async fn start() -> Harness {
    start_with(|_| {}).await
}

pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Harness {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dist = std::env::temp_dir().join(format!("tableorder-dist-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    write_built_page(&dist);
    let mut config = Config::load(None, std::iter::empty()).unwrap();
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.dist = Some(dist.clone());
    config.data_dir = dist.join("data");
    config.sim_control = true;
    config.admin_token = Some("admin-secret-of-this-test-server".into());
    config.metrics_token = Some(METRICS_TOKEN.into());
    config.simulator.delivery_delay_ms = 150;
    config.simulator.accept_window_ms = 1_500;
    config.timing.poll_interval_ms = 500;
    // Our own mistakes in amounts must show: the real service would take them silently.
    config.simulator.strict = true;
    adjust(&mut config);
    match config.database_url.as_deref() {
        None => config.database_url = fresh_database().await,
        Some(ON_SQLITE) => config.database_url = None,
        Some(_) => {}
    }
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let running = server::start(config, std::future::pending()).await.unwrap();
    Harness {
        base: format!("{scheme}://{}", running.addr),
        http: reqwest::Client::new(),
        running,
        _dist: TempDir(dist),
    }
}

/// With `TEST_POSTGRES_URL` (a PostgreSQL server, as `./run test` starts one),
/// each harness gets a database of its own there; without it, the SQLite file in its data
/// directory.
pub async fn fresh_database() -> Option<String> {
    use sqlx::Connection;
    let base = std::env::var("TEST_POSTGRES_URL").ok()?;
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!("test_{}_{n}", std::process::id());
    let mut admin = sqlx::PgConnection::connect(&base).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    // `postgres://user@host/db?host=/socket/dir`: the database name is the path's last part.
    let (address, options) = base.split_once('?').unwrap_or((&base, ""));
    let (server, _) = address.rsplit_once('/').unwrap();
    let options = if options.is_empty() {
        String::new()
    } else {
        format!("?{options}")
    };
    Some(format!("{server}/{name}{options}"))
}

/// Server A with its simulator, and server B on the same database and upstream, both
/// adjusted by `adjust`.
pub async fn two_servers(
    adjust: impl Fn(&mut Config) + Clone + Send + 'static,
) -> (Harness, Harness) {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let shared = fresh_database().await;
    let data = std::env::temp_dir().join(format!("tableorder-replicas-{}-{n}", std::process::id()));
    let (a_url, a_data, a_adjust) = (shared.clone(), data.clone(), adjust.clone());
    let a = start_with(move |c| {
        c.database_url = a_url;
        c.data_dir = a_data;
        a_adjust(c);
    })
    .await;
    let upstream = a.running.upstream_url.clone();
    let b = start_with(move |c| {
        c.database_url = shared;
        c.data_dir = data;
        c.upstream.url = Some(upstream);
        adjust(c);
    })
    .await;
    (a, b)
}

/// The CLI on the server's database (`database_url`, when it has one; else `--data`);
/// (exit code, stderr, stdout).
pub fn run_cli_on(args: &[&str], database_url: Option<&str>) -> (i32, String, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_tableorder"));
    command.args(args).env("TABLEORDER_LOG", "error");
    if let Some(url) = database_url {
        command.env("TABLEORDER_DATABASE_URL", url);
    }
    let out = command.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// `/api/v1/stores/{store}/tables/{table}…` → (store, table).
fn table_of(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("/api/v1/stores/")?;
    let (store, rest) = rest.split_once('/')?;
    let rest = rest.strip_prefix("tables/")?;
    let table = rest.split(['/', '?']).next()?;
    Some((store, table))
}

impl Harness {
    /// The token of a table's signed link, as printed on its QR code.
    pub async fn token(&self, store: &str, table: &str) -> String {
        self.running.state.links.token(store, table).await.unwrap()
    }

    /// A guest's headers: the table's link token when the path is a table's.
    async fn guest_headers(&self, path: &str) -> Vec<(&'static str, String)> {
        match table_of(path) {
            Some((store, table)) => vec![("x-table-token", self.token(store, table).await)],
            None => Vec::new(),
        }
    }

    /// As a guest holding the table's printed link.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        let headers = self.guest_headers(path).await;
        self.get_with(path, &headers).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let headers = self.guest_headers(path).await;
        self.post_with(path, body, &headers).await
    }

    /// A guest's new order of two 삼겹살 at `table` of the demo store.
    pub async fn new_order(&self, table: &str, client_order_id: &str) -> (u16, Value) {
        let path = format!("/api/v1/stores/demo/tables/{table}/orders");
        self.post(&path, order(client_order_id, "new", None)).await
    }

    /// A guest's add of two 삼겹살 onto the open bill `bill` at `table` of the demo store.
    pub async fn add_order(&self, table: &str, client_order_id: &str, bill: &str) -> (u16, Value) {
        let path = format!("/api/v1/stores/demo/tables/{table}/orders");
        self.post(&path, order(client_order_id, "add", Some(bill)))
            .await
    }

    /// A guest's call for staff at `table` of the demo store, for `reasons` (their ids).
    pub async fn call_staff(&self, table: &str, call_id: &str, reasons: &[&str]) -> (u16, Value) {
        let path = format!("/api/v1/stores/demo/tables/{table}/staff-calls");
        let body = json!({"clientCallId": call_id, "reasons": reasons});
        self.post(&path, body).await
    }

    /// `path` fetched with no headers of the harness's own, as a browser's plain GET.
    pub async fn fetch(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    /// An empty POST to `path` with a bearer credential (right or wrong).
    pub async fn post_bearing(&self, path: &str, credential: &str) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .bearer_auth(credential)
            .send()
            .await
            .unwrap()
    }

    /// With exactly these headers (no link token unless given).
    pub async fn get_with(&self, path: &str, headers: &[(&str, String)]) -> (u16, Value) {
        let request = self.http.get(format!("{}{path}", self.base));
        json_answer(sent_with(request, headers).await).await
    }

    pub async fn post_with(
        &self,
        path: &str,
        body: Value,
        headers: &[(&str, String)],
    ) -> (u16, Value) {
        let request = self.http.post(format!("{}{path}", self.base)).json(&body);
        json_answer(sent_with(request, headers).await).await
    }

    pub async fn post_raw(&self, path: &str, body: Vec<u8>) -> (u16, Value) {
        let request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body);
        let headers = self.guest_headers(path).await;
        json_answer(sent_with(request, &headers).await).await
    }

    /// An owner's empty POST (a new code, a new key, a refresh).
    pub async fn as_owner(&self, path: &str) -> (u16, Value) {
        self.post_with(path, json!({}), &Self::admin()).await
    }

    /// An owner's GET.
    pub async fn owner_get(&self, path: &str) -> (u16, Value) {
        self.get_with(path, &Self::admin()).await
    }

    /// A page the owner fetches (the QR sheet), as text.
    pub async fn owner_page(&self, path: &str) -> String {
        let request = self.http.get(format!("{}{path}", self.base));
        sent_with(request, &Self::admin())
            .await
            .text()
            .await
            .unwrap()
    }

    /// The owner's headers.
    pub fn admin() -> Vec<(&'static str, String)> {
        vec![(
            "authorization",
            "Bearer admin-secret-of-this-test-server".to_string(),
        )]
    }

    /// Enrols a tablet at the demo store the way an owner would; its request headers.
    pub async fn enrol_tablet(&self, name: &str) -> Vec<(&'static str, String)> {
        self.enrolled_tablet(name).await.1
    }

    /// The same, with the tablet's device id (to bind or revoke it).
    pub async fn enrolled_tablet(&self, name: &str) -> (String, Vec<(&'static str, String)>) {
        let (status, code) = self
            .as_owner("/api/v1/admin/stores/demo/enrolment-codes")
            .await;
        assert_eq!(status, 201, "{code}");
        let (status, device) = self
            .post_with(
                "/api/v1/stores/demo/devices",
                json!({"code": code["code"], "name": name}),
                &[],
            )
            .await;
        assert_eq!(status, 201, "{device}");
        let headers = vec![(
            "authorization",
            format!("Device {}", device["credential"].as_str().unwrap()),
        )];
        (device["deviceId"].as_str().unwrap().to_string(), headers)
    }

    /// Signs in with the admin token, as the owner's page does; the `name=value` of the
    /// session cookie to send back.
    pub async fn session_cookie(&self) -> String {
        let r = self
            .http
            .post(format!("{}/api/v1/admin/session", self.base))
            .json(&json!({"token": "admin-secret-of-this-test-server"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        r.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string()
    }

    /// The owner's "fetch tables and menu again now".
    pub async fn refresh(&self) {
        let (status, body) = self.as_owner("/api/v1/admin/stores/demo/refresh").await;
        assert_eq!(status, 200, "{body}");
    }

    /// `/metrics` as Prometheus text.
    pub async fn metrics(&self) -> String {
        self.http
            .get(format!("{}/metrics", self.base))
            .bearer_auth(METRICS_TOKEN)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Orders as the simulated POS holds them.
    pub async fn pos_orders(&self) -> Vec<Value> {
        self.get("/sim/orders").await.1["orders"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Polls the table until `pred` holds, or panics after `limit_ms`.
    pub async fn wait_for(
        &self,
        table: &str,
        limit_ms: u64,
        pred: impl Fn(&Value) -> bool,
    ) -> Value {
        let started = std::time::Instant::now();
        loop {
            let (status, v) = self
                .get(&format!("/api/v1/stores/demo/tables/{table}/orders"))
                .await;
            assert_eq!(status, 200, "{v}");
            if pred(&v) {
                return v;
            }
            assert!(
                started.elapsed().as_millis() < u128::from(limit_ms),
                "gave up waiting: {v}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}

/// A plain order of two 삼겹살.
pub fn order(client_order_id: &str, kind: &str, open_order_no: Option<&str>) -> Value {
    let mut v = json!({
        "clientOrderId": client_order_id,
        "kind": kind,
        "lines": [{"itemId": "I0201", "count": 2, "options": []}],
    });
    if let Some(no) = open_order_no {
        v["openOrderNo"] = json!(no);
    }
    v
}

/// A cash order of one 삼겹살, confirmed with the staff `pin`.
pub fn cash_order(client_order_id: &str, pin: &str) -> Value {
    json!({"clientOrderId": client_order_id, "kind": "new",
        "lines": [{"itemId": "I0201", "count": 1}], "payment": {"method": "cash", "staffPin": pin}})
}

/// A prepaid order of one 삼겹살 from the counter's tablet, paid by card just now under
/// `approval_no`: it stands alone, so many can follow at once.
pub fn card_order(client_order_id: &str, approval_no: &str) -> Value {
    json!({"clientOrderId": client_order_id, "kind": "new",
        "lines": [{"itemId": "I0201", "count": 1}],
        "payment": {"method": "card", "approvals": [{"amount": 16_000,
            "approvalNo": approval_no, "approvedAt": approval_stamp_now()}]}})
}

/// Now as a card terminal stamps an approval: `yyyyMMddHHmmss`, Korean time.
pub fn approval_stamp_now() -> String {
    let kst = chrono::FixedOffset::east_opt(9 * 3600).unwrap();
    chrono::Utc::now()
        .with_timezone(&kst)
        .format("%Y%m%d%H%M%S")
        .to_string()
}

/// `request` sent with these headers besides.
async fn sent_with(
    mut request: reqwest::RequestBuilder,
    headers: &[(&str, String)],
) -> reqwest::Response {
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    request.send().await.unwrap()
}

/// An answer's status and JSON body (null when it has none).
async fn json_answer(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Asserts that an answer is the error `code` with `status`, showing its body when not.
#[track_caller]
pub fn assert_error(status: u16, body: &Value, want_status: u16, code: &str) {
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (want_status, Some(code)),
        "{body}"
    );
}

/// A header's value as text (a test fails on a missing or unreadable one).
pub fn header<'r>(response: &'r reqwest::Response, name: &str) -> &'r str {
    response.headers()[name].to_str().unwrap()
}

/// An error answer's message, in words for the guest or the owner (a test fails without one).
pub fn error_message(body: &Value) -> &str {
    body["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("no error message in {body}"))
}

/// The client order ids of a table's recent orders as a phone sees them, newest first (a test
/// fails on a list without its orders, or an order without its id).
pub fn client_order_ids(seen: &Value) -> Vec<&str> {
    seen["orders"]
        .as_array()
        .unwrap_or_else(|| panic!("no orders in {seen}"))
        .iter()
        .map(|o| o["clientOrderId"].as_str().unwrap())
        .collect()
}

/// A page shaped as trunk builds it, into `dist`: a hashed stylesheet, the loader, the wasm's
/// preload (the real build is served by the browser tests).
pub fn write_built_page(dist: &std::path::Path) {
    std::fs::write(
        dist.join("index.html"),
        concat!(
            "<!doctype html><html lang=\"ko\"><head><title>widget</title>",
            "<link rel=\"stylesheet\" href=\"/widget-0123456789abcdef.css\" integrity=\"sha384-x\"/>",
            "<script type=\"module\">import init, * as bindings from '/w-0123456789abcdef.js';\n",
            "const wasm = await init({ module_or_path: '/w-0123456789abcdef_bg.wasm' });</script>",
            "<link rel=\"preload\" href=\"/w-0123456789abcdef_bg.wasm\" as=\"fetch\" type=\"application/wasm\">",
            "</head><body><div id=\"tableorder\" data-tableorder></div></body></html>"
        ),
    )
    .unwrap();
    std::fs::write(
        dist.join("widget-0123456789abcdef.css"),
        ".to-store{font-weight:700}",
    )
    .unwrap();
}
