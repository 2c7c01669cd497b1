//! The page rewriting read against builds shaped as trunk writes them.

#[test]
fn the_embed_loader_points_at_the_current_build() {
    let html = r#"<link rel="stylesheet" href="/widget-0123456789abcdef.css" integrity="x">
<script type="module">
import init, * as bindings from '/tableorder-widget-fedcba9876543210.js';
const wasm = await init({ module_or_path: '/tableorder-widget-fedcba9876543210_bg.wasm' });
</script>"#;
    let parts = ["split_fetched_page-0011223344556677.wasm".to_string()];
    let js = super::embed_script(html, &parts).unwrap();
    assert!(js.contains("new URL('tableorder-widget-fedcba9876543210.js', base)"));
    assert!(js.contains("new URL('tableorder-widget-fedcba9876543210_bg.wasm', base)"));
    assert!(js.contains("new URL('widget-0123456789abcdef.css', base)"));
    assert!(js.contains("export function mount"));
    assert!(js.contains("for (const part of ['split_fetched_page-0011223344556677.wasm'])"));
    assert!(super::embed_script("<html></html>", &[]).is_none());
}

#[test]
fn a_page_that_fetches_its_store_front_preloads_the_parts_that_do_it() {
    let dist = std::env::temp_dir().join(format!("tableorder-parts-{}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    for name in [
        "tableorder-widget-0123456789abcdef_bg.wasm",
        "split_floating_layer-0123456789abcdef.wasm",
        "split_fetched_page-0123456789abcdef.wasm",
        "split_fetched_page-0123456789abcdef.wasm.br",
        "chunk_3-0123456789abcdef.wasm",
    ] {
        std::fs::write(dist.join(name), b"").unwrap();
    }
    let parts = super::fetching_parts(&crate::dist::Dist::Dir(dist.clone()));
    std::fs::remove_dir_all(&dist).unwrap();
    assert_eq!(
        parts,
        [
            "chunk_3-0123456789abcdef.wasm",
            "split_fetched_page-0123456789abcdef.wasm"
        ]
    );
    let html = super::with_parts_preloaded("<head><title>x</title></head>", &parts);
    assert!(html.contains(r#"<link rel="preload" href="/chunk_3-0123456789abcdef.wasm" as="fetch" type="application/wasm" crossorigin="anonymous"><link rel="preload" href="/split_fetched_page-0123456789abcdef.wasm""#));
    assert!(html.ends_with("</head>"));
}

#[test]
fn a_build_without_a_marker_is_told_by_what_it_lacks() {
    let sound = concat!(
        "<html lang=\"ko\"><head><link rel=\"stylesheet\" href=\"/w-0123456789abcdef.css\"/>",
        "<script type=\"module\">import init, * as bindings from '/w.js';\n",
        "const wasm = await init({ module_or_path: '/w_bg.wasm' });</script>",
        "<link rel=\"preload\" href=\"/w_bg.wasm\"></head>",
        "<body><div id=\"tableorder\" data-tableorder></div></body></html>"
    );
    assert!(super::missing_markers(sound).is_empty());
    let renamed = sound.replace("data-tableorder", "data-widget");
    let missing = super::missing_markers(&renamed);
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(missing[0].contains("the widget's element"), "{missing:?}");
}

#[test]
fn hashes_inline_scripts_only() {
    let html =
        "<script type=\"module\">init()</script><script src=\"/a.js\"></script><script>x</script>";
    let hashes = super::inline_script_hashes(html);
    assert_eq!(hashes.len(), 2);
    // echo -n 'init()' | openssl dgst -sha256 -binary | base64
    assert_eq!(
        hashes[0],
        "'sha256-w4ujnOpjBoH2vcasx+reJRUwYivG8Q3afx/XevGJod8='"
    );
}

#[test]
fn recognises_trunk_hashed_names() {
    assert!(super::is_hashed_asset(
        "/tableorder-widget-0123456789abcdef_bg.wasm"
    ));
    assert!(super::is_hashed_asset(
        "/tableorder-widget-0123456789abcdef.js"
    ));
    assert!(super::is_hashed_asset("/widget-0123456789abcdef.css"));
    // A hash with a leading zero, as trunk writes it.
    assert!(super::is_hashed_asset("/widget-b8b8a86ce7048cb.css"));
    assert!(!super::is_hashed_asset("/partner-page.html"));
    assert!(!super::is_hashed_asset("/index.html"));
    assert!(!super::is_hashed_asset("/"));
}
