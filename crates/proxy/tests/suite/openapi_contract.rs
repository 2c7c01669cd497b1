//! The OpenAPI document is the contract partners generate clients from: every status an
//! operation answers — to good requests and to bad ones — is listed there, with its body.
//! Each operation is asked in many ways (a known and an unknown store and table, every kind
//! of caller, no body, an empty one, one that is not JSON) and each answer's status must be
//! one the document lists for it.

use crate::common::*;
use serde_json::Value;

/// A request as a partner's generated client might send it.
struct Ask {
    method: String,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: Option<&'static str>,
}

fn filled(template: &str, store: &str, table: &str) -> String {
    template
        .replace("{store}", store)
        .replace("{table}", table)
        .replace("{id}", "no-such-id")
        .replace("{item}", "I0201")
        .replace("{device}", "no-such-device")
}

/// Every way this test asks an operation.
fn asks(method: &str, path: &str, callers: &[Vec<(&'static str, String)>]) -> Vec<Ask> {
    let bodies: &[Option<&'static str>] = match method {
        "post" | "put" | "patch" => &[None, Some("{}"), Some("not json")],
        _ => &[None],
    };
    let mut out = Vec::new();
    for store in ["demo", "no-such-store"] {
        for table in ["0001-0001", "9999-9999"] {
            for caller in callers {
                for body in bodies {
                    out.push(Ask {
                        method: method.to_string(),
                        path: filled(path, store, table),
                        headers: caller.clone(),
                        body: *body,
                    });
                }
            }
        }
    }
    out
}

async fn send(h: &Harness, ask: &Ask) -> u16 {
    let url = format!("{}{}", h.base, ask.path);
    let method = reqwest::Method::from_bytes(ask.method.to_uppercase().as_bytes()).unwrap();
    let mut request = h.http.request(method, url);
    for (name, value) in &ask.headers {
        request = request.header(*name, value);
    }
    if let Some(body) = ask.body {
        request = request
            .header("content-type", "application/json")
            .header("x-requested-with", "fetch")
            .body(body);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_status_an_operation_answers_is_in_the_document() {
    let h = start_with(|c| {
        // Many asks from one address: the per-client limit is not what is tried here.
        c.limits.requests_per_minute_per_client = 1_000_000;
    })
    .await;
    let (status, doc) = h.get("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    let tablet = h.enrol_tablet("contract").await;
    let table_token = h.token("demo", "0001-0001").await;
    let callers = vec![
        Vec::new(),
        Harness::admin(),
        tablet,
        vec![("x-table-token", table_token)],
        vec![(
            "authorization",
            "Bearer wrong-token-of-nobody-at-all".into(),
        )],
    ];
    let mut undocumented = Vec::new();
    let mut asked = 0;
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let listed = documented(operation);
            assert!(!listed.is_empty(), "{method} {path} lists no status");
            for ask in asks(method, path, &callers) {
                asked += 1;
                let status = send(&h, &ask).await;
                if !listed.contains(&status) {
                    undocumented.push(format!(
                        "{method} {path}: {status} for {} (body {:?}, {} headers)",
                        ask.path,
                        ask.body,
                        ask.headers.len()
                    ));
                }
            }
        }
    }
    undocumented.sort();
    undocumented.dedup_by(|a, b| a.split(" for ").next() == b.split(" for ").next());
    assert!(
        undocumented.is_empty(),
        "{} statuses answered but not documented (of {asked} asks):\n{}",
        undocumented.len(),
        undocumented.join("\n")
    );
}

/// The statuses an operation's document lists, each with a body where it is an error.
fn documented(operation: &Value) -> Vec<u16> {
    let responses = operation["responses"].as_object().unwrap();
    responses
        .iter()
        .map(|(code, response)| {
            let code: u16 = code.parse().unwrap();
            if code >= 400 {
                assert!(
                    response["content"]["application/json"].is_object(),
                    "{code} is documented without its error body: {response}"
                );
            }
            code
        })
        .collect()
}
