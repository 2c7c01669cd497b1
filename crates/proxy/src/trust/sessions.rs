//! Signed-in admin pages: the admin token is traded once for a random session kept in an
//! HttpOnly, SameSite=Strict cookie, so the token never sits in a page's script. Sessions
//! end at sign-out, after `SESSION_LIFETIME_MS`, or when the admin token changes (each
//! keeps a hash of the token it was opened with); only a hash of each is kept.

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
    /// A hash of this server's admin token: sessions opened with another are over.
    token_hash: Option<String>,
}

/// A new session: the cookie's value and when it stops working.
#[derive(Debug)]
pub struct NewSession {
    pub secret: String,
    pub expires_at_ms: i64,
}

impl AdminSessions {
    pub fn new(pool: Pool, admin_token: Option<&str>) -> AdminSessions {
        AdminSessions {
            pool,
            token_hash: admin_token.map(|t| hash_hex(&format!("admin token\0{t}"))),
        }
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
            "INSERT INTO admin_sessions (session_hash, created_at_ms, expires_at_ms, token_hash)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(hash_hex(&secret))
        .bind(now)
        .bind(expires_at_ms)
        .bind(&self.token_hash)
        .execute(&self.pool)
        .await?;
        Ok(NewSession {
            secret,
            expires_at_ms,
        })
    }

    /// Whether `secret` is a session that has not ended, opened with this admin token.
    pub async fn is_open(&self, secret: &str) -> Result<bool, TrustError> {
        let Some(token_hash) = &self.token_hash else {
            return Ok(false);
        };
        let found: Option<(i64, Option<String>)> = sqlx::query_as(
            "SELECT expires_at_ms, token_hash FROM admin_sessions WHERE session_hash = $1",
        )
        .bind(hash_hex(secret))
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some_and(|(expires, opened_with)| {
            expires > now_ms() && opened_with.as_ref() == Some(token_hash)
        }))
    }

    pub async fn end(&self, secret: &str) -> Result<(), TrustError> {
        sqlx::query("DELETE FROM admin_sessions WHERE session_hash = $1")
            .bind(hash_hex(secret))
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
