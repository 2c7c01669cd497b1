//! What a config must hold before a server starts on it: each check says what is wrong in
//! the words of the setting to change.

use super::{
    check_staff_pin, is_loopback_url, Config, StoreConfig, DEMO_NAME, DEMO_SLUG,
    MIN_ADMIN_TOKEN_CHARS,
};
use order_core::is_valid_store_slug;

/// The upstream's address and what was taught about its host.
pub(super) fn upstream(config: &Config) -> Result<(), String> {
    config
        .upstream
        .host()
        .map_err(|why| format!("upstream: {why}"))?;
    let Some(url) = &config.upstream.url else {
        return Ok(());
    };
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!("upstream must be an http(s) URL, not {url:?}"));
    }
    // The store's credentials travel in every call: in the clear only to a simulator on
    // this machine.
    if url.starts_with("http://") && !is_loopback_url(url) {
        return Err(format!(
            "upstream {url:?} must be https:// (plain http only for a simulator on this machine)"
        ));
    }
    if config.stores.is_empty() {
        return Err(
            "an upstream is configured but no [stores.SLUG] with store_id and service_id".into(),
        );
    }
    Ok(())
}

/// Without stores (and so without an upstream), the demo store of the simulator.
pub(super) fn add_demo_store(config: &mut Config) {
    if config.stores.is_empty() {
        let demo = pos_sim::Fixture::demo();
        config.stores.insert(
            DEMO_SLUG.into(),
            StoreConfig {
                store_id: demo.store_id,
                service_id: demo.service_id,
                name: DEMO_NAME.into(),
                ..StoreConfig::default()
            },
        );
    }
}

pub(super) fn stores(config: &Config) -> Result<(), String> {
    for (slug, store) in &config.stores {
        if !is_valid_store_slug(slug) {
            return Err(format!(
                "store slug {slug:?}: use 1-40 lowercase letters, digits, - or _"
            ));
        }
        if store.store_id.is_empty() || store.service_id.is_empty() {
            return Err(format!(
                "store {slug}: store_id and service_id are required \
                 (TABLEORDER_STORES__{}__SERVICE_ID)",
                slug.to_uppercase().replace('-', "_")
            ));
        }
    }
    Ok(())
}

/// The simulator's dialect, the guests' timing, what they may call staff for.
pub(super) fn behaviour(config: &Config) -> Result<(), String> {
    if pos_sim::Dialect::named(&config.simulator.dialect).is_none() {
        let known: Vec<&str> = pos_sim::Dialect::variants()
            .iter()
            .map(|(n, _)| *n)
            .collect();
        return Err(format!(
            "simulator.dialect {:?}: one of {}",
            config.simulator.dialect,
            known.join(", ")
        ));
    }
    if config.timing.poll_interval_ms < 500
        || config.timing.accept_window_ms < config.timing.poll_interval_ms
    {
        return Err(
            "timing: poll_interval_ms must be at least 500 and below accept_window_ms".into(),
        );
    }
    let reasons = &config.staff_call_reasons;
    if reasons.len() > 20
        || reasons
            .iter()
            .any(|r| r.trim().is_empty() || r.chars().count() > 30)
    {
        return Err("staff_call_reasons: at most 20, each 1-30 characters".into());
    }
    Ok(())
}

/// Limits, proxies, and what the server's own listeners and tablets may do.
pub(super) fn limits(config: &Config) -> Result<(), String> {
    if let Some(bad) = config
        .limits
        .trusted_proxies
        .iter()
        .find(|p| crate::limits::parse_net(p).is_none())
    {
        return Err(format!(
            "trusted_proxies: {bad:?} is not an address or a CIDR range"
        ));
    }
    if config.limits.idle_timeout_ms <= config.limits.request_timeout_ms
        || config.limits.max_connections == 0
        || config.tablets.idle_expiry_secs == 0
        || config.readiness.upstream_silence_secs < 3
        || config.tablets.prepaid_daily_limit < 0
    {
        return Err(
            "limits.idle_timeout_ms must exceed request_timeout_ms, max_connections be at least 1, \
             tablets.idle_expiry_secs at least 1, prepaid_daily_limit not negative and \
             readiness.upstream_silence_secs at least 3"
                .into(),
        );
    }
    if let Some(addr) = config.metrics_listen.filter(|a| !a.ip().is_loopback()) {
        return Err(format!(
            "metrics_listen {addr}: a loopback address only (it asks no token); \
             elsewhere set metrics_token"
        ));
    }
    if let Some(url) = &config.tablet_url {
        if !(url.starts_with("https://") || is_loopback_url(url)) {
            return Err(format!(
                "tablet_url {url:?} must be https:// (plain http only on this machine)"
            ));
        }
    }
    Ok(())
}

/// The secrets: long enough to be guessed by no one.
pub(super) fn secrets(config: &Config) -> Result<(), String> {
    let short = |t: &Option<String>| {
        t.as_ref()
            .is_some_and(|t| t.chars().count() < MIN_ADMIN_TOKEN_CHARS)
    };
    if short(&config.admin_token) {
        return Err(format!(
            "admin_token must be at least {MIN_ADMIN_TOKEN_CHARS} characters (e.g. `openssl rand -hex 16`)"
        ));
    }
    if let Some(pin) = &config.staff_pin {
        check_staff_pin(pin).map_err(|why| format!("staff_pin: {why}"))?;
    }
    if short(&config.metrics_token) {
        return Err(format!(
            "metrics_token must be at least {MIN_ADMIN_TOKEN_CHARS} characters"
        ));
    }
    Ok(())
}
