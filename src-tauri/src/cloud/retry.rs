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

    #[test]
    fn retry_after_is_honoured_but_capped() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(p.delay(1, Some(Duration::from_secs(999))), p.max_delay);
    }

    #[test]
    fn backoff_grows_but_never_exceeds_the_cap() {
        let p = RetryPolicy::default();
        for attempt in 1..40 {
            let ceiling = p
                .base_delay
                .saturating_mul(1 << (attempt - 1).min(16))
                .min(p.max_delay);
            assert!(p.delay(attempt, None) <= ceiling);
        }
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
