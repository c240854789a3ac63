//! When and how long to wait before repeating a call that is safe to repeat.

use crate::domain::error::{Error, ErrorCode};
use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in total, the first included.
    pub max_attempts: u32,
    /// Upper bound of the first backoff; doubles per attempt (full jitter).
    pub base_delay: Duration,
    /// No wait is longer than this, `x-acs-retry-after` included.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Default::default()
        }
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1). The
    /// server's `x-acs-retry-after` wins over our own backoff.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_delay);
        }
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
            .min(self.max_delay);
        // Full jitter: spread clients out instead of retrying in lockstep.
        let millis = ceiling.as_millis() as u64;
        Duration::from_millis(if millis == 0 {
            0
        } else {
            rand::random_range(0..=millis)
        })
    }
}

/// Errors worth another try: the server or the path to it had a passing problem.
pub fn is_transient(error: &Error) -> bool {
    matches!(
        error.code,
        ErrorCode::Throttled
            | ErrorCode::Server
            | ErrorCode::Network
            | ErrorCode::Timeout
            | ErrorCode::BadResponse
            | ErrorCode::NonceReused
    ) && error.reason.as_deref() != Some("dns_failed")
}

/// How patiently a lost Create is looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconcilePolicy {
    /// Waits before the second, third, ... listing; the first is immediate.
    /// A server that timed out may still be applying the create, so one
    /// empty listing does not prove that nothing was made.
    pub relist_delays: Vec<Duration>,
}

impl Default for ReconcilePolicy {
    /// Three listings spread over about three seconds.
    fn default() -> Self {
        ReconcilePolicy {
            relist_delays: vec![Duration::from_secs(1), Duration::from_secs(2)],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Enough draws that "none above half the ceiling" has odds of 2^-400.
    const SAMPLES: usize = 400;

    #[test]
    fn retry_after_is_used_exactly_whatever_the_attempt_but_capped() {
        let p = RetryPolicy::default();
        for attempt in [1, 2, 3, 10] {
            for _ in 0..SAMPLES {
                // No jitter on the server's own wait: exactly what it asked.
                assert_eq!(
                    p.delay(attempt, Some(Duration::from_millis(2_500))),
                    Duration::from_millis(2_500)
                );
                assert_eq!(
                    p.delay(attempt, Some(Duration::from_secs(999))),
                    p.max_delay
                );
            }
        }
    }

    #[test]
    fn backoff_is_full_jitter_under_a_ceiling_that_doubles_up_to_the_cap() {
        let p = RetryPolicy::default();
        // The ceilings written out (200 ms doubling, capped at 10 s), not
        // recomputed with the formula under test.
        let ceilings_ms: [u64; 9] = [200, 400, 800, 1_600, 3_200, 6_400, 10_000, 10_000, 10_000];
        for (attempt, ceiling_ms) in (1u32..).zip(ceilings_ms) {
            let ceiling = Duration::from_millis(ceiling_ms);
            let delays: Vec<Duration> = (0..SAMPLES).map(|_| p.delay(attempt, None)).collect();
            assert!(
                delays.iter().all(|d| *d <= ceiling),
                "attempt {attempt}: a delay above {ceiling:?}"
            );
            // Full jitter spreads the whole range: some waits in the upper half,
            // some in the lower, many different ones (not one fixed delay).
            let upper = delays.iter().filter(|d| **d > ceiling / 2).count();
            assert!(
                upper > 0 && upper < SAMPLES,
                "attempt {attempt}: {upper} of {SAMPLES} above half of {ceiling:?}"
            );
            let mut distinct = delays.clone();
            distinct.sort();
            distinct.dedup();
            assert!(
                distinct.len() > SAMPLES / 4,
                "attempt {attempt}: only {} different delays",
                distinct.len()
            );
        }
        // Late attempts stay at the cap instead of overflowing.
        for attempt in [17, 40, u32::MAX] {
            assert!(p.delay(attempt, None) <= p.max_delay);
        }
    }

    #[test]
    fn a_zero_base_delay_never_waits() {
        let p = RetryPolicy {
            base_delay: Duration::ZERO,
            ..Default::default()
        };
        assert_eq!(p.delay(3, None), Duration::ZERO);
    }

    #[test]
    fn only_passing_problems_are_retried() {
        assert!(is_transient(&Error::new(ErrorCode::Throttled)));
        assert!(is_transient(&Error::new(ErrorCode::Server)));
        assert!(!is_transient(&Error::new(ErrorCode::SignatureMismatch)));
        assert!(!is_transient(&Error::new(ErrorCode::NotFound)));
        assert!(!is_transient(
            &Error::new(ErrorCode::Network).with_reason("dns_failed")
        ));
    }
}
