//! Rate limits: a token bucket per key (a client's address, a table), and who the client is.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

pub struct RateLimiter {
    per_minute: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

/// Above this many keys, buckets that have refilled are dropped.
const PRUNE_ABOVE: usize = 10_000;

impl RateLimiter {
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter {
            per_minute: f64::from(per_minute.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `key`; when none is left, how long until one is, in ms.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: &str, now: Instant) -> Result<(), u64> {
        let per_ms = self.per_minute / 60_000.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() > PRUNE_ABOVE {
            let full = self.per_minute;
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_millis() as f64 * per_ms < full
            });
        }
        let (tokens, at) = buckets
            .entry(key.to_string())
            .or_insert((self.per_minute, now));
        let refilled =
            (*tokens + now.duration_since(*at).as_millis() as f64 * per_ms).min(self.per_minute);
        *at = now;
        if refilled >= 1.0 {
            *tokens = refilled - 1.0;
            Ok(())
        } else {
            *tokens = refilled;
            Err(((1.0 - refilled) / per_ms).ceil() as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_is_allowed_then_refilled_over_time() {
        let limiter = RateLimiter::new(60);
        let t0 = Instant::now();
        for _ in 0..60 {
            assert!(limiter.check_at("a", t0).is_ok());
        }
        let wait = limiter.check_at("a", t0).unwrap_err();
        assert!((900..=1_000).contains(&wait), "one token a second: {wait}");
        assert!(limiter.check_at("b", t0).is_ok(), "keys are separate");
        assert!(limiter
            .check_at("a", t0 + Duration::from_millis(1_000))
            .is_ok());
        assert!(limiter
            .check_at("a", t0 + Duration::from_millis(1_001))
            .is_err());
    }
}

/// An address or a CIDR range, as configured.
pub fn parse_net(s: &str) -> Option<ipnet::IpNet> {
    let s = s.trim();
    s.parse::<ipnet::IpNet>()
        .ok()
        .or_else(|| s.parse::<std::net::IpAddr>().ok().map(ipnet::IpNet::from))
}

/// The client behind a chain of reverse proxies: walking `X-Forwarded-For` from the right
/// (the hop nearest to us), the first address that is not a trusted proxy. A client can
/// write anything on the left of the header, so the left-most entry is never believed
/// while a trusted hop is to its right.
pub fn client_of(
    peer: std::net::IpAddr,
    forwarded_for: Option<&str>,
    peer_trusted: bool,
    trusted: &[ipnet::IpNet],
) -> std::net::IpAddr {
    let is_trusted = |ip: &std::net::IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !(peer_trusted || is_trusted(&peer)) {
        return peer;
    }
    let hops: Vec<std::net::IpAddr> = forwarded_for
        .unwrap_or_default()
        .split(',')
        .filter_map(|h| h.trim().parse().ok())
        .collect();
    hops.iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .or(hops.first())
        .copied()
        .unwrap_or(peer)
}

/// The key a client is limited by: its address, or its /64 for IPv6 (one home or phone
/// gets a whole /64 and can pick any address in it).
pub fn client_key(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => ipnet::Ipv6Net::new(v6, 64)
                .map(|n| n.trunc().to_string())
                .unwrap_or_else(|_| v6.to_string()),
        },
    }
}

#[cfg(test)]
mod client_tests {
    use super::*;

    #[test]
    fn the_client_is_the_right_most_untrusted_hop() {
        let trusted = [
            parse_net("10.0.0.0/8").unwrap(),
            parse_net("192.0.2.7").unwrap(),
        ];
        let peer = "10.0.0.5".parse().unwrap();
        // The guest wrote a fake address on the left; the proxies appended the real one.
        let chain = "1.2.3.4, 203.0.113.9, 192.0.2.7";
        assert_eq!(
            client_of(peer, Some(chain), false, &trusted).to_string(),
            "203.0.113.9"
        );
        // A peer that is not a trusted proxy is the client, whatever it writes.
        let stranger = "198.51.100.1".parse().unwrap();
        assert_eq!(client_of(stranger, Some(chain), false, &trusted), stranger);
        // Every hop trusted: the left-most.
        assert_eq!(
            client_of(peer, Some("10.1.1.1"), false, &trusted).to_string(),
            "10.1.1.1"
        );
        assert_eq!(client_of(peer, None, false, &trusted), peer);
    }

    #[test]
    fn ipv6_clients_are_limited_per_64() {
        let a = client_key("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = client_key("2001:db8:1:2:bbbb::9".parse().unwrap());
        let c = client_key("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(client_key("::ffff:192.0.2.1".parse().unwrap()), "192.0.2.1");
    }
}
