//! The admin API as this page calls it: same origin, the session cookie sent by the browser.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// No session, or it ended: sign in again.
    SignedOut,
    /// What went wrong, in words for the owner.
    Said(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::SignedOut => f.write_str("로그인이 만료되었습니다. 다시 로그인하세요."),
            Failure::Said(s) => f.write_str(s),
        }
    }
}

pub fn store_path(store: &str, rest: &str) -> String {
    format!("/api/v1/admin/stores/{store}{rest}")
}

async fn answer<T: DeserializeOwned>(
    sent: Result<Response, gloo_net::Error>,
) -> Result<T, Failure> {
    let response = sent
        .map_err(|_| Failure::Said("서버에 연결할 수 없습니다. 네트워크를 확인하세요.".into()))?;
    let status = response.status();
    if status == 401 {
        return Err(Failure::SignedOut);
    }
    let body: Value = if status == 204 {
        Value::Null
    } else {
        response.json().await.unwrap_or(Value::Null)
    };
    if !(200..300).contains(&status) {
        let message = body["error"]["message"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| format!("오류 {status}"));
        return Err(Failure::Said(message));
    }
    serde_json::from_value(body).map_err(|e| Failure::Said(format!("알 수 없는 응답: {e}")))
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, Failure> {
    answer(Request::get(path).send().await).await
}

async fn with_json<T: DeserializeOwned>(
    builder: RequestBuilder,
    body: &impl Serialize,
) -> Result<T, Failure> {
    let request = builder
        .json(body)
        .map_err(|e| Failure::Said(e.to_string()))?;
    answer(request.send().await).await
}

pub async fn post<T: DeserializeOwned>(path: &str, body: &impl Serialize) -> Result<T, Failure> {
    with_json(Request::post(path), body).await
}

/// A change that the path says all of: its body is an empty JSON object.
pub async fn act<T: DeserializeOwned>(path: &str) -> Result<T, Failure> {
    post(path, &serde_json::Map::new()).await
}

pub async fn put(path: &str, body: &impl Serialize) -> Result<(), Failure> {
    with_json::<Value>(Request::put(path), body)
        .await
        .map(|_| ())
}

/// Sent with every change that carries no JSON: the server takes a change only from a page
/// that could set it (another site's form cannot).
const OWNERS_CALL: (&str, &str) = ("x-requested-with", "tableorder-admin");

pub async fn delete(path: &str) -> Result<(), Failure> {
    answer::<Value>(
        Request::delete(path)
            .header(OWNERS_CALL.0, OWNERS_CALL.1)
            .send()
            .await,
    )
    .await
    .map(|_| ())
}

/// Uploads a file as the request's body, in its own type.
pub async fn upload<T: DeserializeOwned>(path: &str, file: web_sys::File) -> Result<T, Failure> {
    let request = Request::post(path)
        .header("content-type", &file.type_())
        .header(OWNERS_CALL.0, OWNERS_CALL.1)
        .body(wasm_bindgen::JsValue::from(file))
        .map_err(|e| Failure::Said(e.to_string()))?;
    answer(request.send().await).await
}

/// A time as the owner reads it (the browser's clock and language).
pub fn when(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    date.to_locale_string("ko-KR", &wasm_bindgen::JsValue::UNDEFINED)
        .as_string()
        .unwrap_or_default()
}
