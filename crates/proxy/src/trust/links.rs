//! Signed table links. A table's QR code opens `…?store=S&table=T&t=TOKEN`, where TOKEN is
//! `KEYID.MAC`: an HMAC-SHA-256 over the store and table under the store's current key,
//! truncated to 128 bits. Without a valid token a table does not exist for the caller, so a
//! stranger with the store's slug cannot list its tables or order at them. Rotating the key
//! invalidates every printed link at once; renewing one table's link (a photographed
//! sticker) signs that table's with its next generation, `KEYID.GEN.MAC`, and leaves every
//! other table's printed link working.

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

/// Generation 0 is a table never renewed: its MAC is the one printed before renewals
/// existed, so those stickers keep working.
fn mac(secret: &[u8], store: &str, table: &str, generation: i64) -> HmacSha256 {
    // new_from_slice takes a key of any length; ours are 32 random bytes.
    let mut mac = HmacSha256::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    mac.update(b"tableorder table link\0");
    mac.update(store.as_bytes());
    mac.update(b"\0");
    mac.update(table.as_bytes());
    if generation > 0 {
        mac.update(b"\0");
        mac.update(&generation.to_be_bytes());
    }
    mac
}

/// A token's parts: key id, generation, MAC.
fn token_parts(token: &str) -> Option<(i64, i64, Vec<u8>)> {
    let mut parts = token.split('.');
    let key = parts.next()?.parse::<i64>().ok()?;
    let (generation, tag) = match (parts.next()?, parts.next(), parts.next()) {
        (tag, None, _) => (0, tag),
        (generation, Some(tag), None) => (generation.parse::<i64>().ok().filter(|g| *g > 0)?, tag),
        _ => return None,
    };
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    (tag.len() == MAC_BYTES).then_some((key, generation, tag))
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

    /// The table's current generation: how often its link was renewed alone.
    async fn generation(&self, store: &str, table: &str) -> Result<i64, TrustError> {
        Ok(self
            .reads
            .row(
                "SELECT generation FROM table_link_renewals WHERE store = $1 AND table_id = $2",
                &[Arg::Text(store), Arg::Text(table)],
                |row| row.int(0),
            )
            .await?
            .unwrap_or(0))
    }

    /// The token for one table's link, under the store's current key.
    pub async fn token(&self, store: &str, table: &str) -> Result<String, TrustError> {
        let (key, generation) =
            tokio::try_join!(self.current(store), self.generation(store, table))?;
        let tag = mac(&key.secret, store, table, generation)
            .finalize()
            .into_bytes();
        let tag = URL_SAFE_NO_PAD.encode(&tag[..MAC_BYTES]);
        Ok(match generation {
            0 => format!("{}.{tag}", key.id),
            g => format!("{}.{g}.{tag}", key.id),
        })
    }

    /// Whether `token` is this table's, under the store's current key and the table's
    /// current generation. A token of an older key or generation, a forged one and a
    /// malformed one are all simply not valid. Read from the database each time, so a
    /// renewal is in force on every server at once.
    pub async fn verify(&self, store: &str, table: &str, token: &str) -> Result<bool, TrustError> {
        let Some((id, generation, tag)) = token_parts(token) else {
            return Ok(false);
        };
        let (key, current) = tokio::try_join!(self.current(store), self.generation(store, table))?;
        if id != key.id || generation != current {
            tracing::debug!(
                store,
                table,
                key = id,
                current = key.id,
                generation,
                "a link signed with another key or an older generation"
            );
            return Ok(false);
        }
        Ok(mac(&key.secret, store, table, generation)
            .verify_truncated_left(&tag)
            .is_ok())
    }

    /// A new link for one table: its printed link stops working at once, every other
    /// table's keeps working. Returns the table's new generation.
    pub async fn renew(&self, store: &str, table: &str) -> Result<i64, TrustError> {
        let generation: i64 = sqlx::query_scalar(
            "INSERT INTO table_link_renewals (store, table_id, generation, renewed_at_ms)
             VALUES ($1, $2, 1, $3)
             ON CONFLICT (store, table_id) DO UPDATE
             SET generation = table_link_renewals.generation + 1, renewed_at_ms = excluded.renewed_at_ms
             RETURNING generation",
        )
        .bind(store)
        .bind(table)
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?;
        tracing::info!(
            store,
            table,
            generation,
            "a table's link renewed: its printed code stops working"
        );
        Ok(generation)
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
        // One table renewed alone: its old link stops, its neighbour's keeps working.
        let neighbour = keys.token("demo", "0001-0002").await.unwrap();
        assert_eq!(keys.renew("demo", "0001-0001").await.unwrap(), 1);
        assert!(!keys.verify("demo", "0001-0001", &fresh).await.unwrap());
        assert!(keys.verify("demo", "0001-0002", &neighbour).await.unwrap());
        let renewed = keys.token("demo", "0001-0001").await.unwrap();
        assert!(renewed.starts_with("2.1."), "{renewed}");
        assert!(keys.verify("demo", "0001-0001", &renewed).await.unwrap());
        // The generation is signed: a renewed token edited back to the old one is refused.
        let (_, tag) = renewed.rsplit_once('.').unwrap();
        assert!(!keys
            .verify("demo", "0001-0001", &format!("2.{tag}"))
            .await
            .unwrap());
        assert!(!keys
            .verify("demo", "0001-0001", &format!("2.0.{tag}"))
            .await
            .unwrap());
        assert_eq!(keys.renew("demo", "0001-0001").await.unwrap(), 2);
        assert!(!keys.verify("demo", "0001-0001", &renewed).await.unwrap());
        std::fs::remove_dir_all(&dir).ok();
    }
}
