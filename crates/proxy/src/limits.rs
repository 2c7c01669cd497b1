//! Rate limits: a token bucket per key (a client's address, a table), and who the client is.

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::Quota;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

/// Per key, a minute's allowance at once, refilled evenly over the minute (governor's GCRA,
/// one lock-free entry per key).
pub struct RateLimiter<C: Clock = DefaultClock> {
    limiter:
        governor::RateLimiter<String, DashMapStateStore<String>, C, NoOpMiddleware<C::Instant>>,
    clock: C,
    calls: AtomicU64,
}

/// How long until the limit lets the caller in again, in ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

impl RetryAfter {
    pub fn of(wait: std::time::Duration) -> RetryAfter {
        RetryAfter(u64::try_from(wait.as_millis()).unwrap_or(u64::MAX).max(1))
    }
}

/// Above this many keys, those whose allowance has refilled are dropped.
const PRUNE_ABOVE: usize = 10_000;
/// How often (in calls) the keys are counted.
const PRUNE_CHECK_EVERY: u64 = 1_024;

impl RateLimiter {
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter::with_clock(per_minute, DefaultClock::default())
    }
}

impl<C: Clock + Clone> RateLimiter<C> {
    fn with_clock(per_minute: u32, clock: C) -> RateLimiter<C> {
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        RateLimiter {
            limiter: governor::RateLimiter::dashmap_with_clock(
                Quota::per_minute(per_minute),
                clock.clone(),
            ),
            clock,
            calls: AtomicU64::new(0),
        }
    }

    /// Takes one token for `key`; when none is left, how long until one is.
    pub fn check(&self, key: &str) -> Result<(), RetryAfter> {
        // Counting the keys locks every shard of the map: done now and then, not per call.
        let calls = self.calls.fetch_add(1, Ordering::Relaxed);
        if calls.is_multiple_of(PRUNE_CHECK_EVERY) && self.limiter.len() > PRUNE_ABOVE {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&key.to_string())
            .map_err(|not_until| RetryAfter::of(not_until.wait_time_from(self.clock.now())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;
    use std::time::Duration;

    #[test]
    fn a_burst_is_allowed_then_refilled_over_time() {
        let clock = FakeRelativeClock::default();
        let limiter = RateLimiter::with_clock(60, clock.clone());
        for _ in 0..60 {
            assert!(limiter.check("a").is_ok());
        }
        let RetryAfter(wait) = limiter.check("a").unwrap_err();
        assert!((900..=1_000).contains(&wait), "one token a second: {wait}");
        assert!(limiter.check("b").is_ok(), "keys are separate");
        clock.advance(Duration::from_millis(1_000));
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").is_err());
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
