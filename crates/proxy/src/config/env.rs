//! The config file's and the environment's keys, as the config reads them.

/// `upstream = "https://…"` is `[upstream] url = "https://…"`.
pub(super) fn upstream_as_section(table: &mut toml::Table) {
    if let Some(toml::Value::String(url)) = table.get("upstream") {
        let mut section = toml::Table::new();
        section.insert("url".into(), toml::Value::String(url.clone()));
        table.insert("upstream".into(), toml::Value::Table(section));
    }
}

pub(super) fn secret_keys(table: &toml::Table) -> Vec<String> {
    let mut found: Vec<String> = ["admin_token", "staff_pin", "metrics_token", "database_url"]
        .into_iter()
        .filter(|k| table.contains_key(*k))
        .map(String::from)
        .collect();
    if let Some(toml::Value::Table(stores)) = table.get("stores") {
        for (slug, store) in stores {
            if store.get("service_id").is_some() {
                found.push(format!("stores.{slug}.service_id"));
            }
        }
    }
    found
}

/// Sets `a.b.c = value` in a TOML table. Store slugs may be written with `_` for `-`.
pub(super) fn set_path(
    table: &mut toml::Table,
    segments: &[String],
    raw: &str,
) -> Result<(), String> {
    let (last, parents) = segments.split_last().ok_or("empty key")?;
    let mut here = table;
    for seg in parents {
        let key = here
            .keys()
            .find(|k| k.replace('-', "_") == *seg)
            .cloned()
            .unwrap_or_else(|| seg.clone());
        here = here
            .entry(key)
            .or_insert_with(|| toml::Value::Table(toml::Table::new()))
            .as_table_mut()
            .ok_or_else(|| format!("{seg} is not a section"))?;
    }
    here.insert(last.clone(), env_value(last, raw));
    Ok(())
}

pub(super) fn env_value(key: &str, raw: &str) -> toml::Value {
    // Lists are comma-separated: `TABLEORDER_LIMITS__TRUSTED_PROXIES=10.0.0.0/8,127.0.0.1/32`.
    if matches!(
        key,
        "allowed_origins"
            | "trusted_proxies"
            | "staff_call_reasons"
            | "occupied"
            | "closed"
            | "open_bill"
            | "mismatch"
            | "bad_item"
            | "unknown_table"
            | "credentials"
    ) {
        let list = raw.split(',').map(str::trim).filter(|s| !s.is_empty());
        return toml::Value::Array(list.map(|s| toml::Value::String(s.into())).collect());
    }
    if let Ok(n) = raw.parse::<i64>() {
        // Ids and secrets made of digits stay strings.
        if !matches!(
            key,
            "store_id" | "service_id" | "staff_pin" | "admin_token" | "metrics_token" | "time_zone"
        ) {
            return toml::Value::Integer(n);
        }
    }
    match raw {
        "true" => toml::Value::Boolean(true),
        "false" => toml::Value::Boolean(false),
        _ => toml::Value::String(raw.into()),
    }
}
