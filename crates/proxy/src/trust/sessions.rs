//! Signed-in admin pages: the admin token is traded once for a random session kept in an
//! HttpOnly, SameSite=Strict cookie, so the token never sits in a page's script. Sessions
//! end at sign-out or after `SESSION_LIFETIME_MS`; only a hash of each is kept.

use super::{hash_hex, random_bytes, TrustError};
use crate::db::Pool;
use crate::ledger::now_ms;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// The cookie the admin page's session travels in.
pub const SESSION_COOKIE: &str = "tableorder_admin";
/// A session lasts a working day, then the owner signs in again.
pub const SESSION_LIFETIME_MS: i64 = 12 * 60 * 60 * 1000;

#[derive(Clone)]
pub struct AdminSessions {
    pool: Pool,
}

/// A new session: the cookie's value and when it stops working.
#[derive(Debug)]
pub struct NewSession {
    pub secret: String,
    pub expires_at_ms: i64,
}

impl AdminSessions {
    pub fn new(pool: Pool) -> AdminSessions {
        AdminSessions { pool }
    }

    pub async fn open(&self) -> Result<NewSession, TrustError> {
        let secret = URL_SAFE_NO_PAD.encode(random_bytes::<32>()?);
        let now = now_ms();
        let expires_at_ms = now + SESSION_LIFETIME_MS;
        sqlx::query("DELETE FROM admin_sessions WHERE expires_at_ms <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO admin_sessions (session_hash, created_at_ms, expires_at_ms) VALUES ($1, $2, $3)",
        )
        .bind(hash_hex(&secret))
        .bind(now)
        .bind(expires_at_ms)
        .execute(&self.pool)
        .await?;
        Ok(NewSession {
            secret,
            expires_at_ms,
        })
    }

    /// Whether `secret` is a session that has not ended.
    pub async fn is_open(&self, secret: &str) -> Result<bool, TrustError> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT expires_at_ms FROM admin_sessions WHERE session_hash = $1")
                .bind(hash_hex(secret))
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.is_some_and(|expires| expires > now_ms()))
    }

    pub async fn end(&self, secret: &str) -> Result<(), TrustError> {
        sqlx::query("DELETE FROM admin_sessions WHERE session_hash = $1")
            .bind(hash_hex(secret))
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
