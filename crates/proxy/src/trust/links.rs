//! Signed table links. A table's QR code opens `…?store=S&table=T&t=TOKEN`, where TOKEN is
//! `KEYID.MAC`: an HMAC-SHA-256 over the store and table under the store's current key,
//! truncated to 128 bits. Without a valid token a table does not exist for the caller, so a
//! stranger with the store's slug cannot list its tables or order at them. Rotating the key
//! invalidates every printed link at once.

use super::{random_bytes, TrustError};
use crate::db::{Arg, Pool, Reads};
use crate::ledger::now_ms;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use order_core::Table;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The query parameter a table's link carries its token in.
pub const TOKEN_PARAM: &str = "t";

/// One table and the address its code opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableLink {
    pub table: Table,
    pub url: String,
}

/// The address a table's code opens: `BASE/?store=SLUG&table=FLR-TBL&t=TOKEN`. Slugs,
/// table ids and tokens need no escaping (letters, digits, `-`, `_`, `.`).
pub fn table_url(base_url: &str, store: &str, table: &str, token: &str) -> String {
    format!(
        "{}/?store={store}&table={table}&{TOKEN_PARAM}={token}",
        base_url.trim_end_matches('/')
    )
}

/// Bytes of the MAC kept in a link: 128 bits, short enough for a small QR code.
const MAC_BYTES: usize = 16;

#[derive(Clone)]
pub struct LinkKeys {
    pool: Pool,
    reads: Reads,
}

struct Key {
    id: i64,
    secret: Vec<u8>,
}

fn mac(secret: &[u8], store: &str, table: &str) -> HmacSha256 {
    // new_from_slice takes a key of any length; ours are 32 random bytes.
    let mut mac = HmacSha256::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    mac.update(b"tableorder table link\0");
    mac.update(store.as_bytes());
    mac.update(b"\0");
    mac.update(table.as_bytes());
    mac
}

impl LinkKeys {
    pub fn new(pool: Pool) -> LinkKeys {
        LinkKeys {
            reads: Reads::of(&pool),
            pool,
        }
    }

    /// The store's current key, made on first use.
    async fn current(&self, store: &str) -> Result<Key, TrustError> {
        if let Some(key) = self.newest(store).await? {
            return Ok(key);
        }
        // Two servers may both get here: the primary key lets one row win.
        sqlx::query(
            "INSERT INTO link_keys (store, key_id, secret, created_at_ms) VALUES ($1, 1, $2, $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(store)
        .bind(random_bytes::<32>()?.to_vec())
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        self.newest(store)
            .await?
            .ok_or_else(|| TrustError::Db(sqlx::Error::RowNotFound))
    }

    async fn newest(&self, store: &str) -> Result<Option<Key>, TrustError> {
        Ok(self
            .reads
            .row(
                "SELECT key_id, secret FROM link_keys WHERE store = $1 ORDER BY key_id DESC LIMIT 1",
                &[Arg::Text(store)],
                |row| {
                    Ok(Key {
                        id: row.int(0)?,
                        secret: row.bytes(1)?,
                    })
                },
            )
            .await?)
    }

    /// The token for one table's link, under the store's current key.
    pub async fn token(&self, store: &str, table: &str) -> Result<String, TrustError> {
        let key = self.current(store).await?;
        let tag = mac(&key.secret, store, table).finalize().into_bytes();
        Ok(format!(
            "{}.{}",
            key.id,
            URL_SAFE_NO_PAD.encode(&tag[..MAC_BYTES])
        ))
    }

    /// Whether `token` is this table's, under the store's current key. A token of an older
    /// key, a forged one and a malformed one are all simply not valid.
    pub async fn verify(&self, store: &str, table: &str, token: &str) -> Result<bool, TrustError> {
        let Some((id, tag)) = token.split_once('.') else {
            return Ok(false);
        };
        let (Ok(id), Ok(tag)) = (id.parse::<i64>(), URL_SAFE_NO_PAD.decode(tag)) else {
            return Ok(false);
        };
        if tag.len() != MAC_BYTES {
            return Ok(false);
        }
        let key = self.current(store).await?;
        if id != key.id {
            tracing::debug!(
                store,
                table,
                key = id,
                current = key.id,
                "a link signed with another key"
            );
            return Ok(false);
        }
        Ok(mac(&key.secret, store, table)
            .verify_truncated_left(&tag)
            .is_ok())
    }

    /// Every table's link under the store's current key.
    pub async fn table_links(
        &self,
        store: &str,
        base_url: &str,
        tables: &[Table],
    ) -> Result<Vec<TableLink>, TrustError> {
        let mut links = Vec::with_capacity(tables.len());
        for table in tables {
            let token = self.token(store, &table.id).await?;
            links.push(TableLink {
                table: table.clone(),
                url: table_url(base_url, store, &table.id, &token),
            });
        }
        Ok(links)
    }

    /// A new key for the store: every link printed before stops working. Returns its id.
    pub async fn rotate(&self, store: &str) -> Result<i64, TrustError> {
        let secret = random_bytes::<32>()?.to_vec();
        // Another rotation at the same moment takes the same id: try the next one.
        for _ in 0..5 {
            let next = self.newest(store).await?.map_or(1, |k| k.id + 1);
            let done = sqlx::query(
                "INSERT INTO link_keys (store, key_id, secret, created_at_ms) VALUES ($1, $2, $3, $4)
                 ON CONFLICT DO NOTHING",
            )
            .bind(store)
            .bind(next)
            .bind(&secret)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
            if done.rows_affected() == 1 {
                tracing::info!(
                    store,
                    key = next,
                    "table links rotated: printed links stop working"
                );
                return Ok(next);
            }
        }
        Err(TrustError::Db(sqlx::Error::PoolTimedOut))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn keys(name: &str) -> (LinkKeys, std::path::PathBuf) {
        let dir =
            std::env::temp_dir().join(format!("tableorder-links-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        (LinkKeys::new(crate::db::open(&dir).await.unwrap()), dir)
    }

    #[tokio::test]
    async fn a_token_opens_its_own_table_only_until_the_key_rotates() {
        let (keys, dir) = keys("rotate").await;
        let token = keys.token("demo", "0001-0001").await.unwrap();
        assert!(token.starts_with("1."), "{token}");
        assert_eq!(token, keys.token("demo", "0001-0001").await.unwrap());
        assert!(keys.verify("demo", "0001-0001", &token).await.unwrap());
        assert!(!keys.verify("demo", "0001-0002", &token).await.unwrap());
        assert!(!keys.verify("other", "0001-0001", &token).await.unwrap());
        // One character changed, or the wrong length, or no key id: not valid.
        let mut altered = token.clone().into_bytes();
        let last = altered.len() - 2;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        for bad in [
            altered.as_str(),
            "1.AAAA",
            "",
            "x",
            &token[2..],
            "2.",
            "1.!!!!",
        ] {
            assert!(
                !keys.verify("demo", "0001-0001", bad).await.unwrap(),
                "{bad}"
            );
        }
        assert_eq!(keys.rotate("demo").await.unwrap(), 2);
        assert!(!keys.verify("demo", "0001-0001", &token).await.unwrap());
        let fresh = keys.token("demo", "0001-0001").await.unwrap();
        assert!(fresh.starts_with("2.") && fresh != token);
        assert!(keys.verify("demo", "0001-0001", &fresh).await.unwrap());
        std::fs::remove_dir_all(&dir).ok();
    }
}
