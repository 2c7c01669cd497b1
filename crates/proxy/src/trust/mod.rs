//! Who may do what: guests hold their table's signed link, the store's own tablets hold a
//! device credential, staff know the PIN.

pub mod devices;
pub mod links;
pub mod pin;
pub mod sessions;

pub use devices::{Device, Devices, Enrolled, EnrolmentCode};
pub use links::{table_url, LinkKeys, TableLink};
pub use pin::{PinRefusal, PinStore, StaffPin};
pub use sessions::{AdminSessions, NewSession, SESSION_COOKIE};

#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Read(#[from] crate::db::ReadError),
    #[error("the system's random source failed: {0}")]
    Random(String),
}

/// `n` bytes from the operating system's random source.
fn random_bytes<const N: usize>() -> Result<[u8; N], TrustError> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).map_err(|e| TrustError::Random(e.to_string()))?;
    Ok(bytes)
}

/// SHA-256 in hex: how credentials and codes are kept (they are long and random, so a plain
/// hash is enough; a leaked database does not hand out working credentials).
fn hash_hex(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(secret.as_bytes()))
}
