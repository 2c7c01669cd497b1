//! The owner's page's API over real HTTP: signing in, refusals without a session, photos
//! (and files that are not photos), what the store writes about items, and that none of it
//! is lost when the POS's menu is fetched again.

use crate::common::{assert_error, cash_order, error_message, header, start, Harness};
use reqwest::Method;
use serde_json::{json, Value};
use std::io::Write;

const TOKEN: &str = "admin-secret-of-this-test-server";

/// A request with the session cookie (when given), its status, headers and JSON body.
async fn call(
    h: &Harness,
    method: Method,
    path: &str,
    cookie: Option<&str>,
    body: Option<Value>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut request = h.http.request(method, format!("{}{path}", h.base));
    if let Some(cookie) = cookie {
        // As the owner's page sends every call.
        request = request
            .header("cookie", cookie)
            .header("x-requested-with", "tableorder-admin");
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let r = request.send().await.unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.json().await.unwrap_or(Value::Null))
}

/// The owner, signed in: calls with the session's cookie.
struct Owner<'a> {
    h: &'a Harness,
    cookie: &'a str,
}

impl<'a> Owner<'a> {
    fn new(h: &'a Harness, cookie: &'a str) -> Owner<'a> {
        Owner { h, cookie }
    }

    async fn get(&self, path: &str) -> (u16, reqwest::header::HeaderMap, Value) {
        self.send(Method::GET, path, None).await
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        call(self.h, method, path, Some(self.cookie), body).await
    }
}

/// Signs in; the `name=value` to send back as a cookie.
async fn sign_in(h: &Harness) -> String {
    let (status, headers, body) = call(
        h,
        Method::POST,
        "/api/v1/admin/session",
        None,
        Some(json!({ "token": TOKEN })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let set = headers["set-cookie"].to_str().unwrap();
    assert!(set.contains("HttpOnly"), "{set}");
    assert!(set.contains("SameSite=Strict"), "{set}");
    assert!(set.contains("Max-Age=43200"), "{set}");
    assert_eq!(body["stores"][0]["slug"], "demo");
    set.split(';').next().unwrap().to_string()
}

async fn upload(
    h: &Harness,
    cookie: &str,
    item: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let r = h
        .http
        .post(format!(
            "{}/api/v1/admin/stores/demo/items/{item}/photo",
            h.base
        ))
        .header("cookie", cookie)
        .header("content-type", content_type)
        .header("x-requested-with", "tableorder-admin")
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 200) as u8 + 40, (y % 200) as u8, 120])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// A PNG of a few hundred bytes that unpacks to 30000×30000 pixels (3.6 GB as RGBA).
fn decompression_bomb() -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend(kind);
        out.extend(data);
        out.extend(crc.sum().to_be_bytes());
    }
    let side: u32 = 30_000;
    let mut ihdr = Vec::new();
    ihdr.extend(side.to_be_bytes());
    ihdr.extend(side.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    // The first rows of zeros, compressed; the rest would follow the same way.
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&vec![0u8; (side as usize * 3 + 1) * 64])
        .unwrap();
    let idat = z.finish().unwrap();
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn find<'a>(menu: &'a Value, id: &str) -> Option<&'a Value> {
    menu["categories"]
        .as_array()?
        .iter()
        .flat_map(|c| c["items"].as_array().into_iter().flatten())
        .find(|i| i["id"] == id)
}

#[tokio::test]
async fn every_admin_call_is_refused_without_a_session() {
    let h = start().await;
    let calls = [
        (Method::GET, "/api/v1/admin/session"),
        (Method::GET, "/api/v1/admin/stores/demo/status"),
        (Method::GET, "/api/v1/admin/stores/demo/items"),
        (Method::PUT, "/api/v1/admin/stores/demo/items/I0101"),
        (Method::DELETE, "/api/v1/admin/stores/demo/items/I0101"),
        (Method::POST, "/api/v1/admin/stores/demo/items/I0101/photo"),
        (Method::GET, "/api/v1/admin/stores/demo/orders"),
        (Method::PUT, "/api/v1/admin/stores/demo/staff-pin"),
        (Method::POST, "/api/v1/admin/stores/demo/refresh"),
        (Method::POST, "/api/v1/admin/stores/demo/link-key"),
        (Method::GET, "/api/v1/admin/stores/demo/devices"),
    ];
    for (method, path) in calls {
        for cookie in [
            None,
            Some("tableorder_admin=made-up"),
            Some("tableorder_admin="),
        ] {
            let (status, _, body) = call(
                &h,
                method.clone(),
                path,
                cookie,
                Some(json!({"pin": "123456"})),
            )
            .await;
            assert_eq!(status, 401, "{method} {path} with {cookie:?}: {body}");
        }
    }
    let (status, _, _) = call(
        &h,
        Method::POST,
        "/api/v1/admin/session",
        None,
        Some(json!({ "token": "admin-secret-of-this-test-serveR" })),
    )
    .await;
    assert_eq!(status, 401, "a wrong token opens no session");
}

#[tokio::test]
async fn a_session_works_until_sign_out() {
    let h = start().await;
    let cookie = sign_in(&h).await;
    let owner = Owner::new(&h, &cookie);
    let (status, _, status_body) = owner.get("/api/v1/admin/stores/demo/status").await;
    assert_eq!(status, 200, "{status_body}");
    assert_eq!(status_body["stale"], false);
    assert!(status_body["fetchedAtMs"].as_i64().unwrap() > 0);
    assert!(status_body["menuVersion"].as_str().is_some());
    // Business closed on the POS: the owner sees why on the status page.
    h.post("/sim/business", json!({"open": false})).await;
    let (status, _) = h.new_order("0001-0001", "closed-0001").await;
    assert_eq!(status, 503);
    let (_, _, after) = owner.get("/api/v1/admin/stores/demo/status").await;
    assert_eq!(after["open"], false);
    assert!(!after["troubles"].as_array().unwrap().is_empty(), "{after}");

    let (status, headers, _) = owner
        .send(Method::DELETE, "/api/v1/admin/session", None)
        .await;
    assert_eq!(status, 204);
    assert!(headers["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let (status, _, _) = owner.get("/api/v1/admin/stores/demo/status").await;
    assert_eq!(status, 401, "the session ended");
}

#[tokio::test]
async fn photos_are_made_into_menu_sizes_and_hostile_files_are_refused() {
    let h = start().await;
    let cookie = sign_in(&h).await;
    hostile_files_are_refused(&h, &cookie).await;
    let (status, body) = upload(&h, &cookie, "NO-SUCH", "image/png", png(400, 300)).await;
    assert_eq!(status, 404, "{body}");
    let (_, menu) = h.get("/api/v1/stores/demo/menu").await;
    assert!(
        find(&menu, "I0101").unwrap().get("photo").is_none(),
        "nothing refused was kept"
    );

    let (status, body) = upload(&h, &cookie, "I0101", "image/png", png(1600, 900)).await;
    assert_eq!(status, 200, "{body}");
    let photo = body["photo"].as_str().unwrap().to_string();
    let (_, menu) = h.get("/api/v1/stores/demo/menu").await;
    assert_eq!(find(&menu, "I0101").unwrap()["photo"], photo.as_str());
    served_in_menu_sizes(&h, &photo).await;
}

async fn hostile_files_are_refused(h: &Harness, cookie: &str) {
    let (status, body) = upload(h, cookie, "I0101", "image/gif", b"GIF89a....".to_vec()).await;
    assert_error(status, &body, 415, "unsupported_media_type");
    let (status, body) = upload(
        h,
        cookie,
        "I0101",
        "image/png",
        b"<html>not a photo</html>".to_vec(),
    )
    .await;
    assert_eq!(status, 415, "{body}");
    let (status, body) = upload(
        h,
        cookie,
        "I0101",
        "image/jpeg",
        vec![0xFF; 20 * 1024 * 1024],
    )
    .await;
    assert_error(status, &body, 413, "too_large");
    let bomb = decompression_bomb();
    assert!(bomb.len() < 10_000);
    let (status, body) = upload(h, cookie, "I0101", "image/png", bomb).await;
    assert_eq!(status, 422, "{body}");
    assert!(error_message(&body).contains("30000×30000"), "{body}");
}

/// The photo at each size the menu asks for, cached for good; no other size, no other path.
async fn served_in_menu_sizes(h: &Harness, photo: &str) {
    for (width, height) in [(320, 240), (960, 720)] {
        let r = h.fetch(&format!("/photos/{photo}/{width}.jpg")).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "image/jpeg");
        assert!(header(&r, "cache-control").contains("immutable"));
        let jpeg = r.bytes().await.unwrap();
        let decoded = image::load_from_memory(&jpeg).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (width, height));
    }
    let r = h.fetch(&format!("/photos/{photo}/500.jpg")).await;
    assert_eq!(r.status(), 404);
    let r = h.fetch("/photos/..%2f..%2fetc/320.jpg").await;
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn what_the_store_writes_reaches_guests_and_survives_the_pos() {
    let h = start().await;
    let cookie = sign_in(&h).await;
    let owner = Owner::new(&h, &cookie);
    let path = "/api/v1/admin/stores/demo/items/I0201";
    let edit = json!({
        "description": "  Grilled on charcoal  ",
        "texts": [{"lang": "en", "name": "Pork belly", "description": "200 g"},
                  {"lang": "ja", "name": "サムギョプサル"}],
        "soldOutToday": true,
    });
    let (status, _, body) = owner.send(Method::PUT, path, Some(edit.clone())).await;
    assert_eq!(status, 204, "{body}");
    let (_, menu) = h.get("/api/v1/stores/demo/menu").await;
    let item = find(&menu, "I0201").unwrap();
    assert_eq!(item["soldOut"], true);
    assert_eq!(item["description"], "Grilled on charcoal");
    assert_eq!(item["texts"][0]["name"], "Pork belly");
    assert_eq!(item["texts"][1]["lang"], "ja");
    // Sold out by the store is sold out for ordering too.
    let (status, body) = h.new_order("0001-0001", "soldout-0001").await;
    assert_error(status, &body, 422, "sold_out");

    bad_edits_are_refused_whole(&owner, path).await;

    // The POS's menu changes and is fetched again: the store's words stay by item id.
    h.post("/sim/items/I0101/sold-out", json!({"on": true}))
        .await;
    let (status, _, _) = owner
        .send(Method::POST, "/api/v1/admin/stores/demo/refresh", None)
        .await;
    assert_eq!(status, 200);
    let (_, menu) = h.get("/api/v1/stores/demo/menu").await;
    assert_eq!(
        find(&menu, "I0201").unwrap()["description"],
        "Grilled on charcoal"
    );
    assert_eq!(find(&menu, "I0101").unwrap()["soldOut"], true);

    // Hidden: guests do not see it, and cannot order it.
    // A save is the whole of what the store says about the item (as the page sends it).
    let mut hide = edit.clone();
    hide["hidden"] = json!(true);
    owner.send(Method::PUT, path, Some(hide)).await;
    let (_, menu) = h.get("/api/v1/stores/demo/menu").await;
    assert!(find(&menu, "I0201").is_none());
    let (status, _) = h.new_order("0001-0001", "hidden-0001").await;
    assert_eq!(status, 422);

    kept_while_off_the_pos(&h, &owner).await;
}

async fn bad_edits_are_refused_whole(owner: &Owner<'_>, path: &str) {
    // Bad edits are refused whole: nothing of them is kept.
    for bad in [
        json!({"texts": [{"lang": "fr", "name": "Ragoût"}]}),
        json!({"description": "x".repeat(301)}),
        json!({"hidden": "yes"}),
    ] {
        let (status, _, body) = owner.send(Method::PUT, path, Some(bad)).await;
        assert_eq!(status, 422, "{body}");
    }
    let (status, _, _) = owner
        .send(
            Method::PUT,
            "/api/v1/admin/stores/demo/items/NO-SUCH",
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 404);
}

async fn kept_while_off_the_pos(h: &Harness, owner: &Owner<'_>) {
    // Taken off the POS: what the store wrote is kept, shown to the owner as orphaned.
    h.post("/sim/items/I0201/in-use", json!({"on": false}))
        .await;
    owner
        .send(Method::POST, "/api/v1/admin/stores/demo/refresh", None)
        .await;
    let (status, _, items) = owner.get("/api/v1/admin/stores/demo/items").await;
    assert_eq!(status, 200);
    let orphan = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "I0201")
        .unwrap();
    assert_eq!(orphan["orphaned"], true, "{orphan}");
    assert_eq!(orphan["description"], "Grilled on charcoal");
    // Back on the POS: everything the store wrote comes back with it.
    h.post("/sim/items/I0201/in-use", json!({"on": true})).await;
    owner
        .send(Method::POST, "/api/v1/admin/stores/demo/refresh", None)
        .await;
    let (_, _, items) = owner.get("/api/v1/admin/stores/demo/items").await;
    let back = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "I0201")
        .unwrap();
    assert_eq!(back["orphaned"], false);
    assert_eq!(back["hidden"], true);
    assert_eq!(back["texts"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_owner_sees_todays_orders_and_sets_the_staff_pin() {
    let h = start().await;
    let cookie = sign_in(&h).await;
    let owner = Owner::new(&h, &cookie);
    let (status, body) = h.new_order("0001-0002", "today-0001").await;
    assert_eq!(status, 202, "{body}");
    let (status, _, orders) = owner.get("/api/v1/admin/stores/demo/orders").await;
    assert_eq!(status, 200, "{orders}");
    let first = &orders[0];
    assert_eq!(first["table"], "0001-0002");
    assert_eq!(first["clientOrderId"], "today-0001");
    assert!(first["tableName"].as_str().is_some());

    for bad in ["12345", "12a456", "1234567890123"] {
        let (status, _, _) = owner
            .send(
                Method::PUT,
                "/api/v1/admin/stores/demo/staff-pin",
                Some(json!({ "pin": bad })),
            )
            .await;
        assert_eq!(status, 422, "{bad}");
    }
    let (status, _, _) = owner
        .send(
            Method::PUT,
            "/api/v1/admin/stores/demo/staff-pin",
            Some(json!({ "pin": "2468013" })),
        )
        .await;
    assert_eq!(status, 204);
    let (_, _, status_body) = owner.get("/api/v1/admin/stores/demo/status").await;
    assert_eq!(status_body["cashTaken"], true);
    // The tablet's cash orders take the new PIN at once.
    let tablet = h.enrol_tablet("counter").await;
    let path = "/api/v1/stores/demo/tables/0001-0005/orders";
    let (status, e) = h
        .post_with(path, cash_order("pin-new-0001", "2468014"), &tablet)
        .await;
    assert_eq!(status, 401, "{e}");
    let (status, e) = h
        .post_with(path, cash_order("pin-new-0002", "2468013"), &tablet)
        .await;
    assert_eq!(status, 202, "{e}");
}
