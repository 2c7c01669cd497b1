//! Serves the built widget: index.html revalidated every time, hashed assets cached for good.

use crate::app::AppState;
use crate::dist::Dist;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use tableorder_widget::components::render_table_page;
use tableorder_widget::options::{Lang, WidgetOptions};
use tableorder_widget::page_data;

/// Trunk names assets `name-<hash>.ext`, the hash a u64 in hex without leading zeros (16
/// digits, fewer one time in sixteen); such a name never changes its content.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file
        .split('.')
        .next()
        .unwrap_or_default()
        .trim_end_matches("_bg");
    stem.rsplit('-')
        .next()
        .is_some_and(|h| (12..=16).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The hashes of the inline scripts in `html` (trunk's loader), as CSP sources.
fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let after_open = &rest[open..];
        let Some(tag_end) = after_open.find('>') else {
            break;
        };
        let body_and_more = &after_open[tag_end + 1..];
        let Some(close) = body_and_more.find("</script>") else {
            break;
        };
        let tag = &after_open[..tag_end];
        if !tag.contains(" src=") {
            let digest = Sha256::digest(&body_and_more.as_bytes()[..close]);
            hashes.push(format!("'sha256-{}'", STANDARD.encode(digest)));
        }
        rest = &body_and_more[close..];
    }
    hashes
}

/// A policy that lets a page's own wasm and loader run, and nothing injected. (`blob:`
/// images: the admin page previews a photo before it is uploaded.)
/// `frame_ancestors`: who may show the page in a frame (`'none'` for the owner's page).
fn content_security_policy(html: &str, frame_ancestors: &str) -> HeaderValue {
    let scripts = inline_script_hashes(html).join(" ");
    let csp = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {scripts}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
         frame-ancestors {frame_ancestors}"
    );
    HeaderValue::from_str(&csp).unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
}

/// The text between `start` and the next `end` in `html`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = html.find(start)? + start.len();
    html[from..].find(end).map(|len| &html[from..from + len])
}

/// How trunk links the built stylesheet, up to its address.
const STYLESHEET_LINK: &str = "<link rel=\"stylesheet\" href=\"";

/// The page with its stylesheet in it: one round trip less before the first screen shows
/// (a weak mobile connection pays hundreds of milliseconds for each). The file stays for
/// partner pages, which load it through `embed.js`.
fn inline_stylesheet(html: &str, dist: &Dist) -> String {
    let Some(start) = html.find(STYLESHEET_LINK) else {
        return html.to_string();
    };
    let Some(len) = html[start..].find("/>").map(|end| end + 2) else {
        return html.to_string();
    };
    let tag = &html[start..start + len];
    let css = between(tag, STYLESHEET_LINK, "\"")
        .and_then(|href| dist.read_string(href.trim_start_matches('/')));
    match css {
        Some(css) if !css.contains("</") => html.replacen(tag, &format!("<style>{css}</style>"), 1),
        _ => html.to_string(),
    }
}

/// Waits for the browser's first contentful paint (its `paint` timing entry): an animation
/// frame alone can end before the frame is on screen, and the code's fetch then shares the
/// bandwidth with the first screen after all. A browser without paint timing waits a frame;
/// none waits more than a second. Written small: every phone receives it in the page.
const FIRST_PAINT_THEN: &str = "await new Promise(p=>{const a=()=>setTimeout(p);\
PerformanceObserver.supportedEntryTypes?.includes('paint')\
?new PerformanceObserver(l=>l.getEntriesByName('first-contentful-paint').length&&a()).observe({type:'paint',buffered:!0})\
:requestAnimationFrame(a);setTimeout(p,1e3)});\n";

/// The page for when the server drew the first screen: the wasm is fetched once that screen
/// is painted, not preloaded beside it. On a weak connection a preload shares the bandwidth
/// with the rest of the page, which now holds the menu itself: the menu shows first, the
/// code follows. The small JS glue still loads at once: the loader's import, which comes
/// before trunk's `modulepreload` of it, fetches it as early, so that link goes too. The code
/// is compiled as it arrives, then started in a task of its own: a phone answers a tap
/// between the two.
fn code_after_first_paint(html: &str) -> String {
    let without_preload = without_link(
        &without_link(html, "<link rel=\"preload\""),
        "<link rel=\"modulepreload\"",
    );
    const START: &str = "const wasm = await init({ module_or_path: ";
    let Some(code) = between(&without_preload, START, " })") else {
        return without_preload.replacen(
            "const wasm = await init(",
            &format!("{FIRST_PAINT_THEN}const wasm = await init("),
            1,
        );
    };
    // A server that sends the wasm without its type cannot be compiled while it streams:
    // the glue then fetches it itself.
    let compiled = format!(
        "{FIRST_PAINT_THEN}const code={code},compiled=await WebAssembly.compileStreaming(fetch(code)).catch(()=>code);\
         await new Promise(n=>setTimeout(n));\n\
         {START}compiled }})"
    );
    without_preload.replacen(&format!("{START}{code} }})"), &compiled, 1)
}

/// `html` without the first tag that starts with `start`.
fn without_link(html: &str, start: &str) -> String {
    match html.find(start) {
        Some(from) => match html[from..].find('>') {
            Some(end) => format!("{}{}", &html[..from], &html[from + end + 1..]),
            None => html.to_string(),
        },
        None => html.to_string(),
    }
}

/// The parts split off the page's wasm that a page drawing its store front itself (partner
/// pages, tablets, a link the server could not draw) fetches before it can show the menu:
/// the fetching page, and what it shares with the floating layer (`tools/split-wasm.mjs`
/// names them). Such pages preload them beside the page's own wasm: otherwise their fetch
/// waits for that wasm to run.
fn fetching_parts(dist: &Dist) -> Vec<String> {
    let mut names: Vec<String> = dist
        .top_names()
        .into_iter()
        .filter(|name| {
            name.ends_with(".wasm")
                && (name.starts_with("split_fetched_page-") || name.starts_with("chunk_"))
        })
        .collect();
    names.sort();
    names
}

/// `html` with the fetching parts preloaded (as the glue fetches them: CORS, no credentials
/// across origins).
fn with_parts_preloaded(html: &str, parts: &[String]) -> String {
    let links: String = parts
        .iter()
        .map(|part| {
            format!(
                r#"<link rel="preload" href="/{part}" as="fetch" type="application/wasm" crossorigin="anonymous">"#
            )
        })
        .collect();
    html.replacen("</head>", &format!("{links}</head>"), 1)
}

/// A stable entry for partner pages: `import { mount } from 'https://HOST/embed.js'`.
/// It loads the widget's current hashed files relative to itself, adds its stylesheet, and
/// mounts with this server as the API unless told otherwise (`apiBase`, `data-api-base`), for
/// `mount()` and for marked elements alike. The fetching parts are preloaded at once.
fn embed_script(html: &str, parts: &[String]) -> Option<String> {
    let js = between(html, "import init, * as bindings from '", "'")?.trim_start_matches('/');
    let wasm = between(html, "module_or_path: '", "'")?.trim_start_matches('/');
    let css = between(html, STYLESHEET_LINK, "\"")?.trim_start_matches('/');
    let parts = parts
        .iter()
        .map(|part| format!("'{part}'"))
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!(
        "// tableorder: `mount(element, {{store, table, lang, mode, pay}})`, or\n\
         // <div data-tableorder data-store=… data-table=…> elements found on load.\n\
         const base = new URL('.', import.meta.url);\n\
         // Marked elements ask this server too, unless they name another.\n\
         for (const el of document.querySelectorAll('[data-tableorder]:not([data-api-base])')) el.dataset.apiBase = base.origin;\n\
         const style = document.createElement('link');\n\
         style.rel = 'stylesheet';\n\
         style.href = new URL('{css}', base).href;\n\
         document.head.append(style);\n\
         for (const part of [{parts}]) {{\n\
         \x20 const link = document.createElement('link');\n\
         \x20 Object.assign(link, {{ rel: 'preload', as: 'fetch', crossOrigin: 'anonymous', href: new URL(part, base).href }});\n\
         \x20 document.head.append(link);\n\
         }}\n\
         const glue = await import(new URL('{js}', base).href);\n\
         await glue.default({{ module_or_path: new URL('{wasm}', base) }});\n\
         export function mount(element, options = {{}}) {{\n\
         \x20 return glue.mount(element, {{ apiBase: base.origin, ...options }});\n\
         }}\n\
         window.tableorder = {{ mount }};\n\
         dispatchEvent(new Event('tableorder:ready'));\n"
    ))
}

/// The opening tag of the element the widget mounts in (index.html), up to its end.
const WIDGET_ELEMENT_START: &str = "<div id=\"tableorder\" data-tableorder";

/// What the server finds its way by in trunk's `index.html`, with what each is for. A build
/// without one of them would be served unchanged and half-working: it is refused at start.
const MARKERS: [(&str, &str); 7] = [
    (
        "<html lang=\"ko\">",
        "the page's language, set to the guest's",
    ),
    (
        STYLESHEET_LINK,
        "the stylesheet's link, inlined into the page",
    ),
    (
        "import init, * as bindings from '",
        "the loader's import of the glue (for embed.js)",
    ),
    (
        "const wasm = await init({ module_or_path: ",
        "the loader's start of the wasm, moved after the first paint",
    ),
    ("<link rel=\"preload\"", "the wasm's preload"),
    (
        WIDGET_ELEMENT_START,
        "the widget's element, where the first screen is drawn",
    ),
    ("</head>", "the head's end, where the page's data goes"),
];

/// The markers the built page lacks, each with what it is for; none for a sound build.
pub fn missing_markers(html: &str) -> Vec<String> {
    MARKERS
        .iter()
        .filter(|(marker, _)| !html.contains(marker))
        .map(|(marker, what)| format!("{marker:?} ({what})"))
        .collect()
}

/// What the table's page carries: the data the widget would otherwise ask for first, and,
/// for a valid table link, its first screen already drawn.
struct TablePage {
    /// JSON for `#tableorder-boot`.
    boot: String,
    first_screen: Option<String>,
    /// The page's language, for `<html lang>`: the widget starts in it when it takes over.
    lang: &'static str,
}

/// The data goes in the page itself: the widget reads it instead of asking (one round trip
/// less on a phone's weak connection). Each part is there only when it could be had: the
/// menu when the store's is cached or can be fetched, the table only for a valid link. JSON
/// inside `<script type="application/json">` is data, not script (see `page_data::write`).
async fn table_page(state: &AppState, query: &HashMap<String, String>) -> Option<TablePage> {
    let store = query.get("store")?.as_str();
    if !super::access::serves(state, store) {
        return None;
    }
    let menu = state
        .catalog
        .menu_body(store)
        .await
        .ok()
        .map(|(body, _)| body);
    let table = match (query.get("table"), query.get("t")) {
        (Some(table), Some(token))
            if order_core::parse_table_id(table).is_some()
                && state
                    .links
                    .verify(store, table, token)
                    .await
                    .unwrap_or(false) =>
        {
            state
                .catalog
                .with_table(store, table)
                .await
                .ok()?
                .table(table)
                .cloned()
        }
        _ => None,
    };
    let boot = page_data::write(
        store,
        &state.client,
        match &menu {
            Some(body) => Some(std::str::from_utf8(&body.packed.plain).ok()?),
            None => None,
        },
        table.as_ref(),
    )
    .ok()?;
    let options = WidgetOptions::from_settings(|key| query.get(key).cloned());
    let lang = options.as_ref().map(|o| o.lang).unwrap_or_default();
    let first_screen = match (menu, table, options) {
        (Some(body), Some(table), Ok(options)) => Some(render_table_page(
            options,
            state.client,
            body.menu.clone(),
            table,
        )),
        _ => None,
    };
    Some(TablePage {
        boot,
        first_screen,
        lang: lang.code(),
    })
}

/// The built page in the two forms it is sent in.
struct Shells {
    /// As built (with its stylesheet inline): for a page that names no table.
    plain: String,
    /// For a table's page the server could not draw: the widget fetches the store front, and
    /// the parts that do it are preloaded (see [`fetching_parts`]).
    fetching: String,
    /// For a page the server drew: see [`code_after_first_paint`].
    drawn: String,
    /// Each page as sent, compressed once at the highest settings, by its content: a table's
    /// page changes only with its menu, and the same page is sent to every phone at the table.
    packed: moka::sync::Cache<[u8; 32], std::sync::Arc<crate::packed::Packed>>,
}

impl Shells {
    async fn packed(&self, page: String) -> std::sync::Arc<crate::packed::Packed> {
        let key: [u8; 32] = Sha256::digest(page.as_bytes()).into();
        if let Some(packed) = self.packed.get(&key) {
            return packed;
        }
        let bytes = axum::body::Bytes::from(page);
        let packed = tokio::task::spawn_blocking({
            let bytes = bytes.clone();
            move || crate::packed::Packed::of(bytes)
        })
        .await
        .unwrap_or_else(|_| crate::packed::Packed {
            brotli: bytes.clone(),
            gzip: bytes.clone(),
            plain: bytes,
        });
        let packed = std::sync::Arc::new(packed);
        self.packed.insert(key, packed.clone());
        packed
    }
}

/// The table's page: the built `index.html` with the boot data in its head and the first
/// screen in the widget's element, which the widget takes over when it starts.
async fn page(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::extract::Query(mut query): axum::extract::Query<HashMap<String, String>>,
    headers: axum::http::HeaderMap,
    shells: std::sync::Arc<Shells>,
) -> Response {
    if shells.plain.is_empty() {
        return (StatusCode::NOT_FOUND, "the widget is not built").into_response();
    }
    // A link without `lang` opens in the phone's own language, when the widget speaks it.
    if !query.contains_key("lang") {
        let accepted = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        query.insert(
            "lang".into(),
            Lang::from_accept_language(accepted).code().into(),
        );
    }
    let body = match table_page(&state, &query).await {
        Some(page) => {
            let html = match &page.first_screen {
                // Busy until the widget takes it over: drawn, but its buttons do nothing yet.
                Some(screen) => shells.drawn.replacen(
                    &format!("{WIDGET_ELEMENT_START}>"),
                    &format!("{WIDGET_ELEMENT_START} aria-busy=\"true\">{screen}"),
                    1,
                ),
                None => shells.fetching.clone(),
            };
            // The page's language on the widget's element too: the browser starts in the
            // language the server drew in, whatever its own list says.
            let html = html
                .replacen(
                    "<html lang=\"ko\">",
                    &format!("<html lang=\"{}\">", page.lang),
                    1,
                )
                .replacen(
                    WIDGET_ELEMENT_START,
                    &format!("{WIDGET_ELEMENT_START} data-lang=\"{}\"", page.lang),
                    1,
                );
            html.replacen(
                "</head>",
                &format!(
                    r#"<script type="application/json" id="tableorder-boot">{}</script></head>"#,
                    page.boot
                ),
                1,
            )
        }
        None => shells.plain.clone(),
    };
    let accepted = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let (encoding, bytes) = shells.packed(body).await.for_client(accepted);
    let mut response = (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::VARY, HeaderValue::from_static("accept-encoding")),
        ],
        bytes,
    )
        .into_response();
    if let Some(encoding) = encoding {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    response
}

/// `origins`: the partners' pages, which alone (beside this server's) may frame the guest's.
pub fn router(dist: &Dist, origins: &[String]) -> Router<AppState> {
    let built = dist.read_string("index.html").unwrap_or_default();
    let parts = fetching_parts(dist);
    let embed = embed_script(&built, &parts);
    let plain = inline_stylesheet(&built, dist);
    let drawn = code_after_first_paint(&plain);
    let fetching = with_parts_preloaded(&plain, &parts);
    // One policy for both forms: it lists the hashes of both loaders. The admin page is its
    // own build, with its own loader.
    // Origins go into a header: only those written as an origin is (no spaces, quotes or ;).
    let partners: Vec<&str> = origins
        .iter()
        .map(String::as_str)
        .filter(|o| o.starts_with("http") && !o.contains([' ', ';', '\'', ',']))
        .collect();
    let framers = format!("'self' {}", partners.join(" "));
    let csp = content_security_policy(&format!("{plain}{drawn}"), framers.trim_end());
    let admin_html = dist
        .read_string(&format!("{ADMIN_DIR}/index.html"))
        .unwrap_or_default();
    let admin_csp = content_security_policy(&admin_html, "'none'");
    let loader = move || {
        let embed = embed.clone();
        async move {
            match embed {
                Some(js) => (
                    [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                    js,
                )
                    .into_response(),
                None => (StatusCode::NOT_FOUND, "the widget is not built").into_response(),
            }
        }
    };
    let shells = std::sync::Arc::new(Shells {
        plain,
        fetching,
        drawn,
        packed: moka::sync::Cache::builder()
            .max_capacity(512)
            .time_to_idle(std::time::Duration::from_secs(24 * 3600))
            .build(),
    });
    Router::new()
        .route("/embed.js", get(loader))
        .route(
            "/",
            get(move |state, query, headers| page(state, query, headers, shells.clone())),
        )
        // The build's own .br/.gz copies, made once (tools/precompress.mjs), when the client
        // takes them; other files are compressed as they are sent.
        .fallback({
            let dist = dist.clone();
            move |uri: axum::http::Uri, headers: axum::http::HeaderMap| async move {
                dist.answer(uri.path(), &headers)
            }
        })
        .layer(middleware::from_fn(move |req: Request, next| {
            let csp = if req.uri().path().starts_with(ADMIN_PREFIX) {
                admin_csp.clone()
            } else {
                csp.clone()
            };
            cache_headers(csp, req, next)
        }))
}

/// Where in the build the admin page's own bundle is, and where it is served.
const ADMIN_DIR: &str = "admin";
const ADMIN_PREFIX: &str = "/admin";

async fn cache_headers(csp: HeaderValue, req: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(req.uri().path());
    let mut res = next.run(req).await;
    let cache = match (res.status().is_success(), hashed) {
        (false, _) => "no-store",
        (true, true) => "public, max-age=31536000, immutable",
        (true, false) => "no-cache",
    };
    let headers = res.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    res
}

#[cfg(test)]
#[path = "widget_tests.rs"]
mod tests;
