//! HTTPS without a front: the certificate chain and key come from the config's files and
//! are read again on SIGHUP (`systemctl reload`, after a renewal). Connections keep the
//! certificate they shook hands with; new ones get the new one; none is dropped. A reload
//! that fails keeps the certificate in use and says why.

use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{path}: {why}")]
    File { path: PathBuf, why: String },
    #[error("TLS: {0}")]
    Rustls(#[from] rustls::Error),
}

/// The certificate served, as last read from its files.
#[derive(Debug)]
pub struct Certificate {
    cert: PathBuf,
    key: PathBuf,
    current: RwLock<Arc<CertifiedKey>>,
}

fn read(cert: &Path, key: &Path) -> Result<CertifiedKey, TlsError> {
    let file = |path: &Path| {
        let path = path.to_path_buf();
        move |e: rustls_pki_types::pem::Error| TlsError::File {
            why: e.to_string(),
            path,
        }
    };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(file(cert))?
        .collect::<Result<_, _>>()
        .map_err(file(cert))?;
    if chain.is_empty() {
        return Err(TlsError::File {
            path: cert.to_path_buf(),
            why: "no certificate in it (PEM, the server's first, then its chain)".into(),
        });
    }
    let key_der = PrivateKeyDer::from_pem_file(key).map_err(file(key))?;
    let signing = rustls::crypto::ring::default_provider()
        .key_provider
        .load_private_key(key_der)?;
    let certified = CertifiedKey::new(chain, signing);
    certified.keys_match().map_err(|e| TlsError::File {
        path: key.to_path_buf(),
        why: format!("not the key of {}: {e}", cert.display()),
    })?;
    Ok(certified)
}

impl Certificate {
    pub fn load(cert: &Path, key: &Path) -> Result<Arc<Certificate>, TlsError> {
        Ok(Arc::new(Certificate {
            current: RwLock::new(Arc::new(read(cert, key)?)),
            cert: cert.to_path_buf(),
            key: key.to_path_buf(),
        }))
    }

    /// Reads the files again; the certificate in use stays if they are not good.
    pub fn reload(&self) -> Result<(), TlsError> {
        let fresh = Arc::new(read(&self.cert, &self.key)?);
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = fresh;
        Ok(())
    }
}

impl ResolvesServerCert for Certificate {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(
            self.current
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
        )
    }
}

/// What accepts TLS connections with `certificate`: HTTP/2 or HTTP/1.1, as the client asks.
pub fn acceptor(certificate: Arc<Certificate>) -> Result<tokio_rustls::TlsAcceptor, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_cert_resolver(certificate);
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// Reads the certificate again on every SIGHUP.
pub fn reload_on_hangup(certificate: Arc<Certificate>) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut hangups) = signal(SignalKind::hangup()) else {
            tracing::warn!("cannot listen for SIGHUP: the certificate is read at start only");
            return;
        };
        while hangups.recv().await.is_some() {
            match certificate.reload() {
                Ok(()) => {
                    tracing::info!(cert = %certificate.cert.display(), "TLS certificate read again")
                }
                Err(e) => {
                    tracing::error!(error = %e, "TLS certificate not reloaded: the one in use stays")
                }
            }
        }
    });
    #[cfg(not(unix))]
    drop(certificate);
}
