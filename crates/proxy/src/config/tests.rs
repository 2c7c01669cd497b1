//! The config as files and the environment give it.
use super::*;
use crate::upstream::HostSettings;

fn env(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect::<Vec<_>>()
        .into_iter()
}

#[test]
fn no_file_gives_the_demo_store_on_the_embedded_simulator() {
    let c = Config::load(None, env(&[])).unwrap();
    assert!(c.upstream.url.is_none());
    assert_eq!(c.upstream.host().unwrap(), HostSettings::default());
    assert_eq!(c.credentials(DEMO_SLUG).unwrap().store_id, "S0000001");
    assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
}

#[test]
fn environment_overrides_every_level() {
    let c = Config::load(
        None,
        env(&[
            ("TABLEORDER_LISTEN", "0.0.0.0:9000"),
            ("TABLEORDER_UPSTREAM", "https://smartro.example"),
            ("TABLEORDER_STORES__GANGNAM_1__STORE_ID", "0042"),
            ("TABLEORDER_STORES__GANGNAM_1__SERVICE_ID", "1234"),
            ("TABLEORDER_TIMING__POLL_INTERVAL_MS", "3000"),
            (
                "TABLEORDER_ALLOWED_ORIGINS",
                "https://a.example, https://b.example",
            ),
            ("TABLEORDER_STAFF_PIN", "002468"),
            (
                "TABLEORDER_LIMITS__TRUSTED_PROXIES",
                "10.0.0.0/8,127.0.0.1/32",
            ),
            ("UNRELATED", "x"),
        ]),
    )
    .unwrap();
    assert_eq!(c.listen.port(), 9000);
    assert_eq!(c.limits.trusted_proxies, ["10.0.0.0/8", "127.0.0.1/32"]);
    assert_eq!(c.timing.poll_interval_ms, 3000);
    assert_eq!(c.allowed_origins.len(), 2);
    assert_eq!(
        c.staff_pin.as_deref(),
        Some("002468"),
        "a PIN keeps its zeros"
    );
    let creds = c.credentials("gangnam_1").unwrap();
    assert_eq!(
        (creds.store_id.as_str(), creds.service_id.as_str()),
        ("0042", "1234")
    );
    assert!(
        !format!("{creds:?}").contains("1234"),
        "secrets stay out of logs"
    );
}

#[test]
fn the_embedded_simulator_answers_as_a_named_host() {
    let c = Config::load(None, env(&[("TABLEORDER_SIMULATOR__DIALECT", "no-echo")])).unwrap();
    assert_eq!(c.simulator.dialect, "no-echo");
    let e = Config::load(None, env(&[("TABLEORDER_SIMULATOR__DIALECT", "martian")]));
    assert!(e.unwrap_err().to_string().contains("short-echo"));
}

#[test]
fn what_the_host_was_found_to_do_is_taught_in_the_file_or_the_environment() {
    let dir = std::env::temp_dir().join(format!("tableorder-host-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("host.toml");
    std::fs::write(
        &file,
        "[upstream]\nurl = \"https://x.example\"\ntime_zone = \"UTC\"\n\
         table_inquiry_limit = 5\n[upstream.refusals]\noccupied = [\"9003\", \"9010\"]\n\
         [stores.g]\nstore_id = \"1\"\n",
    )
    .unwrap();
    let c = Config::load(
        Some(&file),
        env(&[
            ("TABLEORDER_STORES__G__SERVICE_ID", "s"),
            ("TABLEORDER_UPSTREAM__REFUSALS__CLOSED", "9004, 9005"),
            ("TABLEORDER_UPSTREAM__LISTED_WITHIN_MS", "3000"),
        ]),
    )
    .unwrap();
    assert_eq!(c.upstream.url.as_deref(), Some("https://x.example"));
    let host = c.upstream.host().unwrap();
    assert_eq!(host.time_zone.local_minus_utc(), 0);
    assert_eq!(host.table_inquiry_limit, 5);
    assert_eq!(c.upstream.listed_within_ms, 3_000);
    use crate::upstream::Refusal;
    assert_eq!(host.refusals.refusal_for("9010"), Refusal::TableOccupied);
    assert_eq!(host.refusals.refusal_for("9005"), Refusal::StoreClosed);
    assert_eq!(host.refusals.refusal_for("E1001"), Refusal::Other);
    assert_eq!(
        host.refusals.refusal_for("E2001"),
        Refusal::BadItem,
        "codes not taught keep the assumed ones"
    );
    // The address alone from the environment keeps the file's section.
    let c = Config::load(
        Some(&file),
        env(&[
            ("TABLEORDER_STORES__G__SERVICE_ID", "s"),
            ("TABLEORDER_UPSTREAM", "https://y.example"),
        ]),
    )
    .unwrap();
    assert_eq!(c.upstream.url.as_deref(), Some("https://y.example"));
    assert_eq!(c.upstream.table_inquiry_limit, 5);
    for bad in [
        ("TABLEORDER_UPSTREAM__TIME_ZONE", "Mars"),
        ("TABLEORDER_UPSTREAM__REFUSALS__CLOSED", "9003"),
        ("TABLEORDER_UPSTREAM__TABLE_INQUIRY_LIMIT", "0"),
    ] {
        let e = Config::load(
            Some(&file),
            env(&[("TABLEORDER_STORES__G__SERVICE_ID", "s"), bad]),
        );
        assert!(e.unwrap_err().to_string().contains("upstream"), "{bad:?}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn secrets_in_a_production_file_are_refused_and_errors_are_plain() {
    let dir = std::env::temp_dir().join(format!("tableorder-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("prod.toml");
    std::fs::write(
        &file,
        "upstream = \"https://x.example\"\n[stores.gangnam]\nstore_id = \"1\"\nservice_id = \"secret\"\n",
    )
    .unwrap();
    let e = Config::load(Some(&file), env(&[])).unwrap_err().to_string();
    assert!(
        e.contains("stores.gangnam.service_id") && e.contains("environment"),
        "{e}"
    );

    std::fs::write(
        &file,
        "upstream = \"https://x.example\"\n[stores.gangnam]\nstore_id = \"1\"\n",
    )
    .unwrap();
    let c = Config::load(
        Some(&file),
        env(&[("TABLEORDER_STORES__GANGNAM__SERVICE_ID", "s")]),
    )
    .unwrap();
    assert_eq!(c.credentials("gangnam").unwrap().service_id, "s");

    std::fs::write(&file, "listen = 5\n").unwrap();
    assert!(matches!(
        Config::load(Some(&file), env(&[])),
        Err(ConfigError::Parse { .. })
    ));
    std::fs::write(&file, "lisen = \"127.0.0.1:1\"\n").unwrap();
    assert!(Config::load(Some(&file), env(&[]))
        .unwrap_err()
        .to_string()
        .contains("lisen"));
    assert!(matches!(
        Config::load(Some(&dir.join("missing.toml")), env(&[])),
        Err(ConfigError::Read { .. })
    ));
    let plain = Config::load(
        None,
        env(&[
            ("TABLEORDER_UPSTREAM", "http://smartro.example"),
            ("TABLEORDER_STORES__G__STORE_ID", "1"),
            ("TABLEORDER_STORES__G__SERVICE_ID", "s"),
        ]),
    );
    assert!(plain.unwrap_err().to_string().contains("https"));
    for local in [
        "http://127.0.0.1:9090",
        "http://localhost:9090",
        "http://[::1]:9090",
    ] {
        let c = Config::load(
            None,
            env(&[
                ("TABLEORDER_UPSTREAM", local),
                ("TABLEORDER_STORES__G__STORE_ID", "1"),
                ("TABLEORDER_STORES__G__SERVICE_ID", "s"),
            ]),
        );
        assert!(c.is_ok(), "{local}");
    }
    let short = Config::load(None, env(&[("TABLEORDER_ADMIN_TOKEN", "letmein")]));
    assert!(short.unwrap_err().to_string().contains("at least 24"));
    let short = Config::load(None, env(&[("TABLEORDER_METRICS_TOKEN", "letmein")]));
    assert!(short.unwrap_err().to_string().contains("at least 24"));
    for pin in ["0000", "12345", "12a456"] {
        let c = Config::load(None, env(&[("TABLEORDER_STAFF_PIN", pin)]));
        assert!(
            c.unwrap_err().to_string().contains("6 to 12 digits"),
            "{pin}"
        );
    }
    let bad_slug = Config::load(None, env(&[("TABLEORDER_STORES__BAD%SLUG__STORE_ID", "1")]));
    assert!(bad_slug.is_err());
    std::fs::remove_dir_all(&dir).ok();
}
