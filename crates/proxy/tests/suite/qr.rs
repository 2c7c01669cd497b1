//! Table QR codes decode to exactly the table's signed link, and that link opens the table.

use crate::common::{header, run_cli_on};

use crate::common::start;
use tableorder_proxy::qr::write_all;

/// Rasterises the qrcode crate's SVG (a path of `M x y h w v h H x V y` squares) and reads
/// it back with a QR decoder.
fn decode_svg(svg: &str) -> String {
    let number = |s: &str| s.trim().parse::<f64>().unwrap();
    let attr = |name: &str| {
        let start = svg.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        number(&svg[start..start + svg[start..].find('"').unwrap()]) as usize
    };
    let (w, h) = (attr("width"), attr("height"));
    let mut dark = vec![false; w * h];
    let d_start = svg.find(" d=\"").expect("a path") + 4;
    let d = &svg[d_start..d_start + svg[d_start..].find('"').unwrap()];
    for square in d.split('M').filter(|s| !s.is_empty()) {
        // "x y h s v s H x V y"
        let (xy, rest) = square.split_once('h').unwrap();
        let (x, y) = xy.split_once(' ').unwrap();
        let (size, _) = rest.split_once('v').unwrap();
        let (x, y, s) = (
            number(x) as usize,
            number(y) as usize,
            number(size) as usize,
        );
        for row in y..(y + s).min(h) {
            for col in x..(x + s).min(w) {
                dark[row * w + col] = true;
            }
        }
    }
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(
            w,
            h,
            |x, y| if dark[y * w + x] { 0 } else { 255 },
        );
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one code in the picture");
    grids[0].decode().expect("a readable code").1
}

#[tokio::test]
async fn every_table_code_opens_that_tables_page() {
    let h = start().await;
    let info = h.running.state.catalog.get("demo").await.unwrap();
    let dir = std::env::temp_dir().join(format!("tableorder-qr-{}", std::process::id()));
    let links = h
        .running
        .state
        .links
        .table_links("demo", "https://order.example.com/", &info.tables)
        .await
        .unwrap();
    let files = write_all(&dir, &info.name, "demo", &links).unwrap();
    assert_eq!(files.len(), info.tables.len() + 1);
    for t in &info.tables {
        let svg = std::fs::read_to_string(dir.join(format!("demo-{}.svg", t.id))).unwrap();
        let token = h.token("demo", &t.id).await;
        let expected = format!(
            "https://order.example.com/?store=demo&table={}&t={token}",
            t.id
        );
        assert_eq!(decode_svg(&svg), expected);
        // The printed token is what opens the table.
        let (status, table) = h
            .get_with(
                &format!("/api/v1/stores/demo/tables/{}", t.id),
                &[("x-table-token", token)],
            )
            .await;
        assert_eq!((status, table["id"].as_str()), (200, Some(t.id.as_str())));
    }
    let sheet = std::fs::read_to_string(dir.join("demo-tables.html")).unwrap();
    assert_eq!(sheet.matches("<svg").count(), info.tables.len());
    assert!(sheet.contains("스마일 한식당 데모점") && sheet.contains("룸 6"));
    assert!(
        sheet.contains("@page") && sheet.contains("dashed"),
        "A4 with cut guides"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn the_sheet_is_served_to_staff_only() {
    let h = start().await;
    let url = format!(
        "{}/api/v1/admin/stores/demo/qr?baseUrl=https://order.example.com",
        h.base
    );
    assert_eq!(h.http.get(&url).send().await.unwrap().status(), 401);
    let r = h
        .http
        .get(&url)
        .bearer_auth("admin-secret-of-this-test-server")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(header(&r, "content-type").starts_with("text/html"));
    let html = r.text().await.unwrap();
    let first_svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap() + 6];
    assert_eq!(
        decode_svg(first_svg),
        format!(
            "https://order.example.com/?store=demo&table=0001-0001&t={}",
            h.token("demo", "0001-0001").await
        )
    );
    let bad = format!(
        "{}/api/v1/admin/stores/demo/qr?baseUrl=javascript:alert(1)",
        h.base
    );
    assert_eq!(
        h.http
            .get(&bad)
            .bearer_auth("admin-secret-of-this-test-server")
            .send()
            .await
            .unwrap()
            .status(),
        422
    );
}

/// Runs the CLI; (exit code, stderr, stdout).
fn run_cli(args: &[&str]) -> (i32, String, String) {
    run_cli_on(args, None)
}

fn tableorder(args: &[&str]) -> (i32, String) {
    let (code, err, _) = run_cli(args);
    (code, err)
}

/// `tableorder qr` of the demo store's sheet for https://x.example, with `more`.
fn demo_sheet(more: &[&str]) -> (i32, String) {
    let mut args = vec!["qr", "--store", "demo", "--base-url", "https://x.example"];
    args.extend_from_slice(more);
    tableorder(&args)
}

#[test]
fn an_unknown_store_or_unreachable_upstream_is_a_clear_error() {
    let (code, err) = tableorder(&["qr", "--store", "nope", "--base-url", "https://x.example"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no store \"nope\"") && err.contains("demo"),
        "{err}"
    );
    let (code, err) = demo_sheet(&["--upstream", "http://127.0.0.1:1"]);
    assert_eq!(code, 4);
    assert!(err.contains("cannot fetch the table list"), "{err}");
    let dir = std::env::temp_dir().join(format!("tableorder-qr-cli-{}", std::process::id()));
    let data = dir.join("data");
    let (code, err) = demo_sheet(&[
        "--out",
        dir.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let sheet = std::fs::read_to_string(dir.join("demo-tables.html")).unwrap();
    assert!(
        sheet.contains("&amp;t=1."),
        "signed with the store's first key"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn the_cli_rotates_links_and_enrols_lists_and_revokes_tablets_beside_a_running_server() {
    let h = start().await;
    let data = h
        .running
        .state
        .config
        .data_dir
        .to_str()
        .unwrap()
        .to_string();
    let database_url = h.running.state.config.database_url.clone();
    let at = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--store", "demo", "--data", &data]);
        run_cli_on(&all, database_url.as_deref())
    };
    // Links: the printed one works until the key is rotated from the command line.
    let table = "/api/v1/stores/demo/tables/0001-0001";
    let printed = vec![("x-table-token", h.token("demo", "0001-0001").await)];
    assert_eq!(h.get_with(table, &printed).await.0, 200);
    let (code, err, out) = at(&["links", "rotate"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("key 2"), "{out}");
    assert_eq!(
        h.get_with(table, &printed).await.0,
        404,
        "the old link is dead"
    );
    assert_eq!(h.get(table).await.0, 200, "the new link works");

    // Tablets: a code from the CLI enrols one; listed; revoked from the CLI, it stops.
    let (code, err, out) = at(&["tablets", "enrol"]);
    assert_eq!(code, 0, "{err}");
    let code_typed = out.trim();
    assert_eq!(code_typed.len(), 9, "{out}");
    let (status, device) = h
        .post_with(
            "/api/v1/stores/demo/devices",
            serde_json::json!({"code": code_typed, "name": "terrace"}),
            &[],
        )
        .await;
    assert_eq!(status, 201, "{device}");
    let id = device["deviceId"].as_str().unwrap().to_string();
    let credential = vec![(
        "authorization",
        format!("Device {}", device["credential"].as_str().unwrap()),
    )];
    let me = || async {
        h.get_with("/api/v1/stores/demo/devices/me", &credential)
            .await
            .0
    };
    assert_eq!(me().await, 200);
    let (_, _, out) = at(&["tablets", "list"]);
    assert!(out.contains(&id) && out.contains("terrace"), "{out}");
    let (code, _, out) = at(&["tablets", "revoke", &id]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(me().await, 403, "revoked at once");
    let (_, _, out) = at(&["tablets", "list"]);
    assert!(out.contains("revoked"), "{out}");
    let (code, err, _) = at(&["tablets", "revoke", "tab-nothing"]);
    assert_eq!(code, 2);
    assert!(err.contains("no tablet"), "{err}");
    let (code, err, _) = run_cli(&["tablets", "list", "--data", &data]);
    assert_eq!(code, 2);
    assert!(err.contains("--store"), "{err}");
}
