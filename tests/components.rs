//! Components mounted in headless Chromium, checked through the DOM.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use order_core::{Category, Item, OptionChoice, OptionGroup, Won};
use tableorder_widget::components::{Header, MenuList};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn host() -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let div = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div.dyn_into().unwrap()
}

fn item(id: &str, name: &str, price: i64, sold_out: bool) -> Item {
    Item {
        id: id.into(),
        name: name.into(),
        price: Won(price),
        sold_out,
        set_menu: false,
        option_groups: vec![OptionGroup {
            id: "R01".into(),
            name: "맵기".into(),
            min: 1,
            max: 1,
            options: vec![OptionChoice {
                id: "A1".into(),
                name: "순한맛".into(),
                price: Won(0),
            }],
        }],
    }
}

#[wasm_bindgen_test]
async fn menu_list_shows_categories_items_and_won_prices() {
    let el = host();
    let categories = vec![
        Category {
            id: "G1".into(),
            name: "식사".into(),
            items: vec![item("I1", "김치찌개", 9_000, false)],
        },
        Category {
            id: "G2".into(),
            name: "주류".into(),
            items: vec![item("I2", "막걸리", 12_500, true)],
        },
    ];
    leptos::mount::mount_to(
        el.clone(),
        move || view! { <MenuList categories=categories/> },
    )
    .forget();
    leptos::task::tick().await;

    let sections = el.query_selector_all("section.to-category").unwrap();
    assert_eq!(sections.length(), 2);
    let first = el.query_selector("#to-cat-G1 .to-item").unwrap().unwrap();
    assert_eq!(
        first
            .query_selector(".to-item-name")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "김치찌개"
    );
    assert_eq!(
        first
            .query_selector(".to-item-price")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "9,000원"
    );
    let sold = el.query_selector("#to-cat-G2 .to-item").unwrap().unwrap();
    assert!(sold.class_list().contains("to-sold-out"));
    assert_eq!(
        sold.query_selector(".to-badge")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "품절"
    );
    assert!(el.query_selector("#to-cat-G1 .to-badge").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn header_names_the_store_and_table_and_warns_when_closed() {
    let el = host();
    leptos::mount::mount_to(el.clone(), || {
        view! { <Header store="스마일 한식당".to_string() open=false table="3번 테이블".to_string()/> }
    })
    .forget();
    leptos::task::tick().await;
    assert_eq!(
        el.query_selector(".to-store")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "스마일 한식당"
    );
    assert_eq!(
        el.query_selector(".to-table")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "3번 테이블"
    );
    let banner = el.query_selector("[role=status].to-banner").unwrap();
    assert!(banner.is_some(), "a closed store says so");
}
