//! The retry policy (pure): given what happened to an attempt, wait how long and try again, or
//! give up.
//!
//! | outcome | safe to replay | single-use grant | single-use grant with `retryUnsafe` |
//! |---|---|---|---|
//! | 429 | retry | retry | retry |
//! | 408, 5xx | retry | no | retry |
//! | network error, attempt timeout | retry | no | retry |
//! | anything else | no | no | no |
//!
//! A 429 means Square refused the request without acting on it, so even an authorization code
//! is still unspent. The delay honours `Retry-After` (seconds or an HTTP date); otherwise it is
//! exponential with full jitter, capped.

use crate::request::Replay;

/// First backoff step.
pub const BASE_DELAY_MS: u64 = 250;
/// Longest computed backoff.
pub const MAX_DELAY_MS: u64 = 8_000;
/// A `Retry-After` longer than this is not waited for: the call fails with the answer as it is.
pub const MAX_RETRY_AFTER_MS: u64 = 60_000;

/// What an attempt ended with, as far as the policy cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// An HTTP status, with `Retry-After` in milliseconds if it had a usable one.
    Status(u16, Option<u64>),
    /// `fetch` rejected: nothing is known about whether Square saw the request.
    NetworkError,
    /// The attempt's own time limit fired.
    AttemptTimeout,
}

/// Decides whether to try again after attempt number `attempt` (0 for the first) and how long to
/// wait first. `random` is in `[0, 1)`.
pub fn next_delay(
    outcome: Outcome,
    replay: Replay,
    retry_unsafe: bool,
    attempt: u32,
    max_retries: u32,
    random: f64,
) -> Option<u64> {
    if attempt >= max_retries {
        return None;
    }
    let replay_ok = replay == Replay::Safe || retry_unsafe;
    let retry_after = match outcome {
        Outcome::Status(429, ra) => ra,
        Outcome::Status(408, ra) | Outcome::Status(500..=599, ra) if replay_ok => ra,
        Outcome::NetworkError | Outcome::AttemptTimeout if replay_ok => None,
        _ => return None,
    };
    match retry_after {
        Some(ms) if ms > MAX_RETRY_AFTER_MS => None,
        Some(ms) => Some(ms),
        None => {
            let cap = BASE_DELAY_MS
                .saturating_mul(1u64 << attempt.min(20))
                .min(MAX_DELAY_MS);
            // Full jitter, but never less than a tenth of the step.
            let r = if random.is_finite() {
                random.clamp(0.0, 1.0)
            } else {
                0.5
            };
            Some(((cap as f64) * (0.1 + 0.9 * r)) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAFE: Replay = Replay::Safe;
    const ONCE: Replay = Replay::SingleUse;

    #[test]
    fn table() {
        use Outcome::*;
        // 429 always, honouring Retry-After.
        assert_eq!(
            next_delay(Status(429, Some(1000)), ONCE, false, 0, 2, 0.5),
            Some(1000)
        );
        assert!(next_delay(Status(429, None), ONCE, false, 0, 2, 0.5).is_some());
        // 5xx/408/network/timeout only when replay is safe or opted in.
        for o in [
            Status(500, None),
            Status(503, None),
            Status(408, None),
            NetworkError,
            AttemptTimeout,
        ] {
            assert!(next_delay(o, SAFE, false, 0, 2, 0.5).is_some(), "{o:?}");
            assert_eq!(next_delay(o, ONCE, false, 0, 2, 0.5), None, "{o:?}");
            assert!(next_delay(o, ONCE, true, 0, 2, 0.5).is_some(), "{o:?}");
        }
        // Never other statuses.
        for s in [200, 301, 400, 401, 404, 409, 422] {
            assert_eq!(
                next_delay(Status(s, None), SAFE, true, 0, 2, 0.5),
                None,
                "{s}"
            );
        }
        // Budget.
        assert_eq!(next_delay(Status(429, None), SAFE, false, 2, 2, 0.5), None);
        assert_eq!(next_delay(Status(429, None), SAFE, false, 0, 0, 0.5), None);
        // A huge Retry-After is not waited for.
        assert_eq!(
            next_delay(Status(429, Some(3_600_000)), SAFE, false, 0, 2, 0.5),
            None
        );
    }

    #[test]
    fn backoff_is_capped_exponential_with_jitter() {
        let d = |attempt, r| {
            next_delay(Outcome::Status(503, None), SAFE, false, attempt, 10, r).unwrap_or(0)
        };
        assert_eq!(d(0, 1.0), 250);
        assert_eq!(d(1, 1.0), 500);
        assert_eq!(d(2, 1.0), 1000);
        assert_eq!(d(9, 1.0), MAX_DELAY_MS);
        assert_eq!(d(0, 0.0), 25);
        assert!(d(3, 0.5) < d(3, 0.9));
        assert_eq!(d(0, f64::NAN), d(0, 0.5));
    }
}
