//! Components mounted in headless Chromium, checked through the DOM.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use order_core::cart::{Cart, CartLine};
use order_core::fixtures::{kimchi_stew, menu};
use order_core::flow::{PayMode, Stage};
use order_core::ClientConfig;
use tableorder_widget::api::Api;
use tableorder_widget::components::{
    CartSheet, CategoryHeading, Header, ItemSheet, Localized, MenuList, StatusBody,
};
use tableorder_widget::guest_cart::GuestCart;
use tableorder_widget::options::Lang;
use tableorder_widget::ordering::Ordering;
use tableorder_widget::shop::Shop;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn host() -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let div = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div.dyn_into().unwrap()
}

fn text(el: &web_sys::HtmlElement, selector: &str) -> String {
    el.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .text_content()
        .unwrap_or_default()
}

/// Mounts `f` inside the contexts the page gives its parts, at a table of its own.
async fn mount<V: IntoView + 'static>(
    table: &'static str,
    f: impl FnOnce() -> V + Send + 'static,
) -> web_sys::HtmlElement {
    let el = host();
    leptos::mount::mount_to(el.clone(), move || {
        view! {
            <Localized lang=Lang::Ko>
                {
                    Shop::provide(menu(), ClientConfig::default(), "");
                    GuestCart::provide("test", table);
                    Ordering::provide(
                        Api::new("http://127.0.0.1:9", Default::default()),
                        "test".into(),
                        table.into(),
                        ClientConfig::default(),
                        PayMode::Postpaid,
                        None,
                    );
                    f()
                }
            </Localized>
        }
    })
    .forget();
    leptos::task::tick().await;
    el
}

#[wasm_bindgen_test]
async fn menu_list_shows_categories_items_and_won_prices() {
    let el = mount("0001-0001", || {
        let headings = menu()
            .categories
            .iter()
            .map(CategoryHeading::from)
            .collect();
        view! { <MenuList categories=headings /> }
    })
    .await;
    assert_eq!(
        el.query_selector_all("section.to-category")
            .unwrap()
            .length(),
        2
    );
    assert_eq!(text(&el, "#to-cat-G1 .to-item-name"), "김치찌개");
    assert_eq!(text(&el, "#to-cat-G1 .to-item-price"), "9,000원");
    let sold = el.query_selector("#to-cat-G2 .to-item").unwrap().unwrap();
    assert!(sold.class_list().contains("to-sold-out"));
    assert_eq!(text(&el, "#to-cat-G2 .to-badge"), "품절");
    let button: web_sys::HtmlButtonElement = el
        .query_selector("#to-cat-G2 button")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(button.disabled(), "a sold-out item cannot be opened");
}

#[wasm_bindgen_test]
async fn header_names_the_store_and_table_and_warns_when_closed() {
    let el = mount("0001-0002", || {
        view! {
            <Header
                store="스마일 한식당".to_string()
                open=false
                stale=false
                table="3번 테이블".to_string()
            />
        }
    })
    .await;
    assert_eq!(text(&el, ".to-store"), "스마일 한식당");
    assert_eq!(text(&el, ".to-table"), "3번 테이블");
    assert!(
        el.query_selector("[role=status].to-banner")
            .unwrap()
            .is_some(),
        "a closed store says so"
    );
}

#[wasm_bindgen_test]
async fn item_sheet_enforces_option_groups_and_prices_as_you_choose() {
    let el = mount("0001-0003", || {
        let shop = expect_context::<Shop>();
        shop.sheet.set(Some(kimchi_stew()));
        view! { <ItemSheet /> }
    })
    .await;
    let add: web_sys::HtmlButtonElement = el
        .query_selector(".to-sheet .to-primary")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(add.disabled(), "a required choice is missing");
    assert!(
        text(&el, ".to-reason").contains("맵기"),
        "and the reason is given: {}",
        text(&el, ".to-reason")
    );
    assert!(add.text_content().unwrap().contains("9,000원"));

    let radios = el.query_selector_all("input[type=radio]").unwrap();
    let hot: web_sys::HtmlInputElement = radios.item(1).unwrap().dyn_into().unwrap();
    hot.click();
    leptos::task::tick().await;
    assert!(!add.disabled());
    assert_eq!(text(&el, ".to-reason"), "");
    assert!(
        add.text_content().unwrap().contains("9,500원"),
        "{}",
        add.text_content().unwrap()
    );

    let plus: web_sys::HtmlButtonElement = el
        .query_selector_all(".to-counter button")
        .unwrap()
        .item(1)
        .unwrap()
        .dyn_into()
        .unwrap();
    plus.click();
    leptos::task::tick().await;
    assert!(add.text_content().unwrap().contains("19,000원"));

    add.click();
    leptos::task::tick().await;
    assert_eq!(
        saved_cart_count("0001-0003"),
        2,
        "two in the cart, saved for a reload"
    );
    assert!(
        el.query_selector(".to-sheet").unwrap().is_none(),
        "the sheet closes"
    );
}

/// How many things the page saved in a table's cart.
fn saved_cart_count(table: &str) -> u32 {
    tableorder_widget::storage::load::<Cart>(&format!("tableorder:test:{table}:cart"))
        .expect("a kept cart")
        .count()
}

/// The cart sheet, open, holding `lines`.
async fn open_cart(table: &'static str, lines: Vec<CartLine>) -> web_sys::HtmlElement {
    mount(table, move || {
        expect_context::<GuestCart>()
            .cart
            .update(|c| lines.into_iter().for_each(|l| c.add(l)));
        expect_context::<Shop>().cart_open.set(true);
        view! { <CartSheet /> }
    })
    .await
}

/// Kimchi stew, very hot, `count` of them.
fn very_hot_kimchi_stew(count: u32, memo: &str) -> CartLine {
    CartLine {
        item_id: "I1".into(),
        options: vec![order_core::ChosenOption {
            group_id: "R01".into(),
            option_id: "A2".into(),
            count: 1,
        }],
        count,
        memo: memo.into(),
    }
}

#[wasm_bindgen_test]
async fn cart_shows_lines_options_and_the_total() {
    let el = open_cart("0001-0004", vec![very_hot_kimchi_stew(2, "덜 짜게")]).await;
    assert_eq!(text(&el, ".to-cart-line .to-item-name"), "김치찌개");
    assert!(text(&el, ".to-cart-line-detail").contains("아주 매운맛"));
    assert!(text(&el, ".to-cart-line-detail").contains("덜 짜게"));
    assert_eq!(text(&el, ".to-total-row .to-cart-total"), "19,000원");
    assert!(text(&el, ".to-order").contains("19,000원"));
}

#[wasm_bindgen_test]
async fn a_cart_line_counts_up_in_place_and_the_total_follows() {
    let el = open_cart("0001-0005", vec![very_hot_kimchi_stew(2, "")]).await;
    let row = el.query_selector(".to-cart-line").unwrap().unwrap();
    let plus: web_sys::HtmlElement = row
        .query_selector(".to-counter button:last-child")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    plus.click();
    leptos::task::tick().await;
    let same_row = el.query_selector(".to-cart-line").unwrap().unwrap();
    assert!(same_row == row, "the line is kept, not drawn again");
    assert_eq!(text(&el, ".to-cart-line .to-count"), "3");
    assert_eq!(text(&el, ".to-cart-line .to-item-price"), "28,500원");
    assert_eq!(text(&el, ".to-total-row .to-cart-total"), "28,500원");
}

#[wasm_bindgen_test]
async fn a_cart_that_cannot_be_ordered_says_why_in_the_guests_language() {
    let plain = |item_id: &str| CartLine {
        item_id: item_id.into(),
        options: vec![],
        count: 1,
        memo: String::new(),
    };
    // Sold-out makgeolli beside pork belly that can be ordered.
    let el = open_cart("0001-0006", vec![plain("I2"), plain("I3")]).await;
    let amounts: Vec<String> = (0..2)
        .map(|i| {
            let line = el
                .query_selector_all(".to-cart-line")
                .unwrap()
                .get(i)
                .unwrap();
            line.dyn_into::<web_sys::Element>()
                .unwrap()
                .query_selector(".to-item-price")
                .unwrap()
                .unwrap()
                .text_content()
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        amounts,
        ["", "16,000원"],
        "the line that cannot be ordered is the one without an amount"
    );
    let reason = text(&el, ".to-reason");
    assert!(reason.contains("품절"), "{reason}");
    assert!(
        !reason.contains("sold out"),
        "never the developers' English: {reason}"
    );
    let order: web_sys::HtmlButtonElement = el
        .query_selector(".to-order")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(order.disabled());
}

async fn status(table: &'static str, stage: Stage) -> web_sys::HtmlElement {
    mount(table, move || {
        let now = RwSignal::new(1_000_000u64);
        view! { <StatusBody stage=stage now=now /> }
    })
    .await
}

#[wasm_bindgen_test]
async fn status_panel_renders_every_state_of_the_flow() {
    let el = status("0002-0001", Stage::Sending).await;
    assert!(text(&el, ".to-status-card").contains("보내는 중"));
    let el = status(
        "0002-0002",
        Stage::Received {
            order_no: "TO1".into(),
            since: 1_000_000,
        },
    )
    .await;
    assert!(
        text(&el, ".to-status-card").contains("60초"),
        "{}",
        text(&el, ".to-status-card")
    );
    let el = status(
        "0002-0003",
        Stage::Accepted {
            order_no: "TO1".into(),
        },
    )
    .await;
    assert!(el
        .query_selector(".to-status-card.to-ok")
        .unwrap()
        .is_some());
    assert!(text(&el, ".to-status-card").contains("TO1"));
    let el = status("0002-0004", Stage::NotDelivered).await;
    assert!(text(&el, ".to-status-card").contains("다시 보내기"));
    let el = status(
        "0002-0005",
        Stage::Occupied {
            retry_at: 1_010_000,
            attempt: 1,
        },
    )
    .await;
    assert!(
        text(&el, ".to-status-card").contains("10초"),
        "{}",
        text(&el, ".to-status-card")
    );
    assert!(text(&el, ".to-status-card").contains("취소"));
    let el = status("0002-0006", Stage::StoreClosed).await;
    assert!(text(&el, ".to-status-card").contains("주문을 받지 않습니다"));
    let el = status(
        "0002-0007",
        Stage::CancelledByStore {
            order_no: "TO1".into(),
        },
    )
    .await;
    assert!(text(&el, ".to-status-card").contains("취소"));
    let el = status(
        "0002-0008",
        Stage::Unreachable {
            retry_at: 1_005_000,
        },
    )
    .await;
    assert!(text(&el, ".to-status-card").contains("5초"));
    let el = status(
        "0002-0010",
        Stage::Rejected {
            code: order_core::ErrorCode::SoldOut,
            message: "I0108 is sold out".into(),
        },
    )
    .await;
    assert!(
        text(&el, ".to-status-card").contains("품절"),
        "in the guest's language, not the server's"
    );
    let el = status("0002-0009", Stage::StaffConfirm { wrong_pin: true }).await;
    assert!(el.query_selector("input[type=password]").unwrap().is_some());
    assert!(text(&el, ".to-status-card").contains("PIN이 올바르지 않습니다"));
}

#[wasm_bindgen_test]
fn an_order_time_is_shown_as_the_restaurants_clock() {
    use tableorder_widget::clock::clock_time;
    assert_eq!(clock_time("2026-11-28T19:02:11+09:00"), "19:02");
    assert_eq!(clock_time("2026-11-28T09:05:00Z"), "09:05");
    for bad in [
        "",
        "2026-11-28",
        "2026-11-28 19:02:11",
        "2026-11-28Txx:02:11+09:00",
        "한글한글한글한글한글",
    ] {
        assert_eq!(clock_time(bad), "", "{bad}");
    }
}

/// The table link's token is kept in the same JSON as the cart and the order, whichever
/// reader or writer keeps it.
#[wasm_bindgen_test]
fn a_kept_string_is_the_same_json_for_both_readers() {
    use tableorder_widget::storage::{load, load_string, save, save_string};
    for s in [
        "",
        "aZ09-_.~",
        "say \"hi\"\\",
        "줄\n바꿈\t🍲",
        "\u{1}</script>",
    ] {
        save_string("tableorder:test:kept", s);
        assert_eq!(load::<String>("tableorder:test:kept").as_deref(), Some(s));
        save("tableorder:test:kept", &s.to_string());
        assert_eq!(load_string("tableorder:test:kept").as_deref(), Some(s));
    }
    tableorder_widget::storage::remove("tableorder:test:kept");
}
