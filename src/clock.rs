//! The browser's clock and randomness, the two things the flow takes from outside, and how
//! a time from the server is shown.

/// Milliseconds since the Unix epoch.
#[cfg(target_arch = "wasm32")]
pub fn now_ms() -> u64 {
    js_sys::Date::now().max(0.0) as u64
}

/// The server's clock, when it renders the first screen.
#[cfg(not(target_arch = "wasm32"))]
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Resolves after `ms` milliseconds, in a task of its own (0: the next task, after whatever
/// the browser has queued meanwhile: a tap, a paint).
pub async fn sleep(ms: i32) {
    let wait = js_sys::Promise::new(&mut |done, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&done, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(wait).await;
}

/// Runs `f` in the next task (after whatever the browser has queued meanwhile: a tap, a
/// paint), so that a long piece of work is split where a phone can answer in between.
pub fn in_next_task(f: impl FnOnce() + 'static) {
    run_in_next_task(Box::new(f));
}

/// One waiting task for every caller: a generic one is its code again for each (bytes on
/// the page's first load).
fn run_in_next_task(f: Box<dyn FnOnce()>) {
    wasm_bindgen_futures::spawn_local(async move {
        sleep(0).await;
        f();
    });
}

/// A fresh clientOrderId: 128 random bits. `getRandomValues` works on plain http too,
/// unlike `randomUUID`.
pub fn fresh_client_order_id() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // No Web Crypto at all: time and Math.random are still unique enough per table.
        let t = js_sys::Date::now() as u64;
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = ((t >> ((i % 8) * 8)) as u8) ^ ((js_sys::Math::random() * 256.0) as u8);
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `HH:MM` of an RFC 3339 time in the restaurant's own offset, as the server sends it
/// (`2026-11-28T19:02:11+09:00`): the guest is in the restaurant, so its clock is theirs.
/// A date-time library for this cost 11 KB of the page.
pub fn clock_time(received_at: &str) -> String {
    let hhmm = received_at.get(11..16).unwrap_or_default();
    let b = hhmm.as_bytes();
    let well_formed = received_at.as_bytes().get(10) == Some(&b'T')
        && b.len() == 5
        && b[2] == b':'
        && [b[0], b[1], b[3], b[4]].iter().all(u8::is_ascii_digit);
    if well_formed {
        hhmm.to_string()
    } else {
        String::new()
    }
}
