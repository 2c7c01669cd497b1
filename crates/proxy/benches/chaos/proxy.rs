//! `tableorder` as a process of its own, so that it can be killed without a chance to clean up.

use std::process::{Child, Stdio};
use std::time::Duration;

/// The proxy as its own process, so that it can be killed without a chance to clean up.
pub struct Proxy {
    pub child: Option<Child>,
    pub port: u16,
    pub upstream: String,
    pub data: std::path::PathBuf,
    /// The database the replicas share, when not the data directory's file.
    pub database_url: Option<String>,
    /// What the proxy was taught about the host.
    pub taught: Vec<(String, String)>,
}

impl Proxy {
    pub fn start(&mut self) {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_tableorder"));
        if let Some(url) = &self.database_url {
            command.env("TABLEORDER_DATABASE_URL", url);
        }
        let child = command
            .args(["serve", "--listen", &format!("127.0.0.1:{}", self.port)])
            .args(["--upstream", &self.upstream])
            .args(["--dist", concat!(env!("CARGO_MANIFEST_DIR"), "/../../dist")])
            .arg("--data")
            .arg(&self.data)
            .env(
                "TABLEORDER_LOG",
                if std::env::var("CHAOS_LOGS").is_ok() {
                    "info"
                } else {
                    "error"
                },
            )
            .env("TABLEORDER_STORES__DEMO__STORE_ID", "S0000001")
            .env("TABLEORDER_STORES__DEMO__SERVICE_ID", "SV-DEMO-0001")
            .env("TABLEORDER_TIMING__POLL_INTERVAL_MS", "500")
            .env("TABLEORDER_TIMING__ACCEPT_WINDOW_MS", "4000")
            .env("TABLEORDER_TIMING__OCCUPIED_RETRY_MS", "1000")
            // Longer than the phone waits: a late answer reaches the proxy, not the phone.
            .env("TABLEORDER_LIMITS__UPSTREAM_TIMEOUT_MS", "2000")
            .env(
                "TABLEORDER_LIMITS__REQUESTS_PER_MINUTE_PER_CLIENT",
                "100000000",
            )
            .env(
                "TABLEORDER_LIMITS__ORDERS_PER_MINUTE_PER_TABLE",
                "100000000",
            )
            .envs(self.taught.iter().cloned())
            .stdout(Stdio::null())
            .stderr(self.log())
            .spawn()
            .expect("start tableorder");
        self.child = Some(child);
    }

    /// Where the server's log goes: a file of its own under `CHAOS_LOGS`, else nowhere.
    fn log(&self) -> Stdio {
        let Ok(dir) = std::env::var("CHAOS_LOGS") else {
            return Stdio::null();
        };
        let file = std::path::Path::new(&dir).join(format!("{}.log", self.port));
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
            .map(Stdio::from)
            .unwrap_or_else(|_| Stdio::null())
    }

    /// SIGKILL: no shutdown, no draining, whatever was in flight.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub async fn wait_until_up(http: &reqwest::Client, base: &str) {
    for _ in 0..200 {
        if let Ok(r) = http
            .get(format!("{base}/api/v1/stores/demo/menu"))
            .send()
            .await
        {
            if r.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("tableorder did not come up at {base}");
}
