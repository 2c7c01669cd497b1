//! The built guest widget and owner's page (trunk's `dist/`): embedded in the binary when it
//! is built for release, after `./run` has built them, so that `tableorder serve` needs
//! nothing beside it; or a directory given with `--dist` (development, and tests). Files are
//! sent as the build compressed them (`.br`, `.gz`) when the client takes that.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::path::PathBuf;

#[derive(rust_embed::Embed)]
#[folder = "$CARGO_MANIFEST_DIR/../../dist/"]
#[allow_missing = true]
struct Built;

/// Where the built pages come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dist {
    /// Inside this binary (a debug build reads the build's `dist/` from disk instead).
    Embedded,
    Dir(PathBuf),
}

impl Dist {
    pub fn of(dir: Option<&PathBuf>) -> Dist {
        dir.map_or(Dist::Embedded, |d| Dist::Dir(d.clone()))
    }

    /// A file by its path under `dist/` (`admin/index.html`).
    pub fn read(&self, name: &str) -> Option<Cow<'static, [u8]>> {
        match self {
            Dist::Embedded => Built::get(name).map(|f| f.data),
            Dist::Dir(dir) => std::fs::read(dir.join(name)).ok().map(Cow::Owned),
        }
    }

    pub fn read_string(&self, name: &str) -> Option<String> {
        self.read(name)
            .and_then(|bytes| String::from_utf8(bytes.into_owned()).ok())
    }

    /// The files at the top of `dist/`.
    pub fn top_names(&self) -> Vec<String> {
        match self {
            Dist::Embedded => Built::iter()
                .filter(|name| !name.contains('/'))
                .map(Cow::into_owned)
                .collect(),
            Dist::Dir(dir) => std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter_map(|e| e.file_name().into_string().ok())
                .collect(),
        }
    }

    /// The SHA-256 of a file's content: made once at build time for an embedded file, so a
    /// request for the wasm does not hash a quarter megabyte each time.
    fn digest(&self, name: &str, content: &[u8]) -> [u8; 32] {
        match self {
            Dist::Embedded => Built::get(name).map_or_else(
                || Sha256::digest(content).into(),
                |f| f.metadata.sha256_hash(),
            ),
            Dist::Dir(_) => Sha256::digest(content).into(),
        }
    }

    /// Whether there is a built widget at all.
    pub fn has_widget(&self) -> bool {
        self.read("index.html").is_some()
    }

    pub fn describe(&self) -> String {
        match self {
            Dist::Embedded => "built into this binary".into(),
            Dist::Dir(dir) => dir.display().to_string(),
        }
    }

    /// The file at `path` of a request, as the client takes it: precompressed when it can,
    /// 304 when its copy is current, a directory's `index.html`.
    pub fn answer(&self, path: &str, headers: &HeaderMap) -> Response {
        let mut name = path.trim_start_matches('/').to_string();
        if name
            .split('/')
            .any(|part| part == ".." || part.starts_with('.'))
        {
            return StatusCode::NOT_FOUND.into_response();
        }
        if name.is_empty() || name.ends_with('/') {
            name.push_str("index.html");
        }
        let Some(plain) = self.read(&name) else {
            if self.read(&format!("{name}/index.html")).is_some() {
                // A directory asked for without its slash: with it, its relative links resolve.
                return (
                    StatusCode::PERMANENT_REDIRECT,
                    [(header::LOCATION, format!("/{name}/"))],
                )
                    .into_response();
            }
            return StatusCode::NOT_FOUND.into_response();
        };
        let etag = format!("\"{}\"", &hex::encode(self.digest(&name, &plain))[..20]);
        let content_type = mime_guess::from_path(&name)
            .first_or_octet_stream()
            .to_string();
        let mut common = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(&etag) {
            common.insert(header::ETAG, v);
        }
        common.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        let current = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag));
        if current {
            return (StatusCode::NOT_MODIFIED, common).into_response();
        }
        if let Ok(v) = HeaderValue::from_str(&content_type) {
            common.insert(header::CONTENT_TYPE, v);
        }
        let accepted = headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        for (coding, suffix) in [("br", ".br"), ("gzip", ".gz")] {
            if !crate::routes::accepts(accepted, coding) {
                continue;
            }
            if let Some(packed) = self.read(&format!("{name}{suffix}")) {
                common.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
                return (common, packed.into_owned()).into_response();
            }
        }
        (common, plain.into_owned()).into_response()
    }
}
