//! `tableorder check-upstream` against the simulator switched into each host the evidence
//! allows: the assumed host holds in every row; each other host is reported where it
//! differs, with the step that teaches it. What it records replays through the readers.

use pos_sim::Dialect;
use serde_json::json;
use std::process::Command;

/// Two tables with more orders than any inquiry lists, so a list's length shows.
async fn busy(base: &str) {
    let http = reqwest::Client::new();
    for table in ["0002", "0003"] {
        for n in 0..12 {
            let body = json!({"STORE_ID": "S0000001", "SERVICE_ID": "SV-DEMO-0001",
                "MCHT_ORDERNO": format!("busy-{table}-{n}"), "PREPAY_FLAG": "Y", "FLR_CODE": "0001",
                "TBL_CODE": table, "ORDER_PAY_AMT": "16000", "ORG_ORDER_PAY_AMT": "16000",
                "ITEM_LIST": [{"ITEM_ID": "I0201", "ITEM_NAME": "삼겹살", "ITEM_CNT": "1", "SALE_PRICE": "16000", "SALE_AMT": "16000"}],
                "ORD_PAY_LIST": [{"PAY_TYPE": "cash", "SALE_AMT": "16000"}]});
            let r = http
                .post(format!("{base}/partner/v1/table/order/new"))
                .json(&body)
                .send()
                .await
                .unwrap();
            let v: serde_json::Value = r.json().await.unwrap();
            assert_eq!(v["ERRCODE"], "", "{v}");
        }
    }
}

/// Runs the check; its exit code and what it printed.
fn check(base: &str, record: &std::path::Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tableorder"))
        .args(["check-upstream", "--store", "demo", "--upstream", base])
        .args(["--test-table", "0001-0001", "--follow-secs", "2"])
        .arg("--record")
        .arg(record)
        .env("TABLEORDER_LOG", "error")
        .env("TABLEORDER_STORES__DEMO__STORE_ID", "S0000001")
        .env("TABLEORDER_STORES__DEMO__SERVICE_ID", "SV-DEMO-0001")
        .env_remove("TABLEORDER_CONFIG")
        .output()
        .expect("run check-upstream");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// The row about `assumption`, as printed, with its next step.
fn row_of(report: &str, assumption: &str) -> String {
    let lines: Vec<&str> = report.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains(&format!(" {assumption}: ")))
        .unwrap_or_else(|| panic!("no row {assumption:?} in\n{report}"));
    match lines.get(at + 1) {
        Some(next) if next.trim_start().starts_with("next:") => format!("{}\n{next}", lines[at]),
        _ => lines[at].to_string(),
    }
}

#[tokio::test]
async fn each_host_is_reported_where_it_differs_with_the_step_that_teaches_it() {
    let expected: &[(&str, &str, &str)] = &[
        (
            "short-echo",
            "MCHT_ORDERNO in the inquiry",
            "cut to its first 10",
        ),
        ("no-echo", "MCHT_ORDERNO in the inquiry", "not echoed"),
        (
            "same-echo",
            "MCHT_ORDERNO in the inquiry",
            "\"130\" in place of ours",
        ),
        ("utc-times", "order times' zone", "time_zone = \"+00:00\""),
        ("slow-listing", "a new order is listed", "listed_within_ms"),
        ("no-obj", "order answer carries OBJ", "no OBJ"),
        (
            "other-codes",
            "refusal code of an unknown table",
            "unknown_table",
        ),
        (
            "short-list",
            "table inquiry lists at most",
            "table_inquiry_limit = 5",
        ),
    ];
    // Each host on a simulator of its own, all at once: the check follows each for seconds.
    let hosts = Dialect::variants()
        .into_iter()
        .map(|(name, dialect)| one_host(name, dialect, expected));
    futures_util::future::join_all(hosts).await;
}

/// The check against one host: the assumed one holds everywhere; any other differs where
/// `expected` says, with the step that teaches it.
async fn one_host(name: &'static str, dialect: Dialect, expected: &[(&str, &str, &str)]) {
    let (addr, sim) = pos_sim::spawn(pos_sim::Fixture::demo(), pos_sim::Timing::default())
        .await
        .unwrap();
    sim.pos().set_dialect(dialect);
    let base = format!("http://{addr}");
    busy(&base).await;
    let record =
        std::env::temp_dir().join(format!("tableorder-check-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&record);
    let (code, report) = tokio::task::spawn_blocking({
        let (base, record) = (base.clone(), record.clone());
        move || check(&base, &record)
    })
    .await
    .unwrap();
    if name == "assumed" {
        assert_eq!(
            code, 0,
            "every row holds against the assumed host:\n{report}"
        );
        assert!(
            !report.contains("DIFFERS") && !report.contains("\nunknown"),
            "{report}"
        );
    } else {
        let (_, assumption, says) = expected
            .iter()
            .find(|(n, _, _)| *n == name)
            .unwrap_or_else(|| panic!("no expectation for {name}"));
        let line = row_of(&report, assumption);
        assert!(
            line.starts_with("DIFFERS") && line.contains(says),
            "{name}: {line}\n{report}"
        );
        assert_eq!(code, 1, "{name}: not every row holds");
    }
    recorded_redacted_and_read_back(name, &record);
    let _ = std::fs::remove_dir_all(&record);
}

/// Every answer was kept, redacted, and reads back through the adapter's readers.
fn recorded_redacted_and_read_back(name: &str, record: &std::path::Path) {
    let mut files = 0;
    for entry in std::fs::read_dir(record).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(
            !text.contains("SV-DEMO-0001") && !text.contains("S0000001"),
            "{name}: credentials kept"
        );
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let replayed = tableorder_proxy::upstream::observe::replay(&doc).unwrap();
        assert_eq!(replayed.skipped, 0, "{name}: {doc}");
        files += 1;
    }
    assert!(files >= 6, "{name}: {files} answers recorded");
}
