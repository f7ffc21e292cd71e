//! Translation of driver failures into the domain's [`StoreError`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::result::{DatabaseErrorKind, Error};
use domain::StoreError;
use tracing::error;

/// No free connection within the checkout timeout: the database is down or saturated.
pub(crate) fn pool_error(error: r2d2::Error) -> StoreError {
    StoreError::Unavailable(Box::new(error))
}

pub(crate) fn query_error(error: Error) -> StoreError {
    if is_transient(&error) {
        StoreError::Unavailable(Box::new(error))
    } else {
        StoreError::Failed(Box::new(error))
    }
}

/// Messages of failures that say nothing about the request and may pass if retried: locks
/// and timeouts, a server shutting down or failing over, a connection cut mid-query.
const TRANSIENT_MESSAGES: [&str; 9] = [
    "database is locked",
    "database table is locked",
    "statement timeout",
    "lock timeout",
    "deadlock detected",
    "terminating connection",
    "the database system is",
    "server closed the connection",
    "no connection to the server",
];

/// Failures that say nothing about the request and may pass if retried later.
fn is_transient(error: &Error) -> bool {
    match error {
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection
            | DatabaseErrorKind::UnableToSendCommand
            | DatabaseErrorKind::SerializationFailure
            // A primary demoted to a read-only standby during a failover.
            | DatabaseErrorKind::ReadOnlyTransaction,
            _,
        ) => true,
        Error::DatabaseError(_, info) => {
            let message = info.message();
            TRANSIENT_MESSAGES
                .iter()
                .any(|transient| message.contains(transient))
        }
        _ => false,
    }
}

/// Whether `error` is a unique violation on a constraint whose name mentions `column`.
pub(crate) fn is_unique_violation_on(error: &Error, column: &str) -> bool {
    match error {
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            info.constraint_name()
                .is_some_and(|name| name.contains(column))
                || info.message().contains(column)
        }
        _ => false,
    }
}

/// Reports the pool's failed connection attempts, at most once per `interval`: during an
/// outage the pool retries several times a second, and a line per attempt would bury the log.
#[derive(Debug)]
pub(crate) struct ConnectErrorLog {
    backend: &'static str,
    interval: Duration,
    started: Instant,
    /// Milliseconds after `started` of the last report, plus one (zero: never reported).
    last_report_ms: AtomicU64,
    n_unreported: AtomicU64,
}

impl ConnectErrorLog {
    pub(crate) fn new(backend: &'static str, interval: Duration) -> Self {
        ConnectErrorLog {
            backend,
            interval,
            started: Instant::now(),
            last_report_ms: AtomicU64::new(0),
            n_unreported: AtomicU64::new(0),
        }
    }

    /// Whether this failure is the one to report now; counts it otherwise.
    fn claim_report(&self) -> bool {
        let now_ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX) + 1;
        let interval_ms = u64::try_from(self.interval.as_millis()).unwrap_or(u64::MAX);
        let last = self.last_report_ms.load(Ordering::Relaxed);
        let due = last == 0 || now_ms.saturating_sub(last) >= interval_ms;
        let claimed = due
            && self
                .last_report_ms
                .compare_exchange(last, now_ms, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok();
        if !claimed {
            self.n_unreported.fetch_add(1, Ordering::Relaxed);
        }
        claimed
    }
}

impl r2d2::HandleError<diesel::r2d2::Error> for ConnectErrorLog {
    fn handle_error(&self, failure: diesel::r2d2::Error) {
        if self.claim_report() {
            let n_unreported = self.n_unreported.swap(0, Ordering::Relaxed);
            error!(
                db.backend = self.backend,
                db.failed_attempts_unreported = n_unreported,
                error = %failure,
                "cannot open a database connection"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::DatabaseErrorInformation;

    struct Info(&'static str);

    impl DatabaseErrorInformation for Info {
        fn message(&self) -> &str {
            self.0
        }
        fn details(&self) -> Option<&str> {
            None
        }
        fn hint(&self) -> Option<&str> {
            None
        }
        fn table_name(&self) -> Option<&str> {
            None
        }
        fn column_name(&self) -> Option<&str> {
            None
        }
        fn constraint_name(&self) -> Option<&str> {
            None
        }
        fn statement_position(&self) -> Option<i32> {
            None
        }
    }

    fn database_error(kind: DatabaseErrorKind, message: &'static str) -> Error {
        Error::DatabaseError(kind, Box::new(Info(message)))
    }

    fn is_unavailable(error: Error) -> bool {
        matches!(query_error(error), StoreError::Unavailable(_))
    }

    #[test]
    fn outages_and_contention_are_unavailable() {
        use DatabaseErrorKind::{ClosedConnection, SerializationFailure, Unknown};
        for error in [
            database_error(
                ClosedConnection,
                "server closed the connection unexpectedly",
            ),
            database_error(SerializationFailure, "could not serialize access"),
            database_error(Unknown, "database is locked"),
            database_error(Unknown, "canceling statement due to statement timeout"),
            database_error(Unknown, "deadlock detected"),
            database_error(
                Unknown,
                "terminating connection due to administrator command",
            ),
            database_error(Unknown, "the database system is shutting down"),
        ] {
            assert!(is_unavailable(error));
        }
    }

    #[test]
    fn connection_failures_are_reported_once_per_interval() {
        let log = ConnectErrorLog::new("postgres", Duration::from_secs(3600));
        let reported: Vec<bool> = (0..5).map(|_| log.claim_report()).collect();
        assert_eq!(reported, [true, false, false, false, false]);
        assert_eq!(log.n_unreported.load(Ordering::Relaxed), 4);
        let eager = ConnectErrorLog::new("sqlite", Duration::ZERO);
        assert!(eager.claim_report() && eager.claim_report());
    }

    #[test]
    fn faults_of_ours_are_failures() {
        use DatabaseErrorKind::{CheckViolation, Unknown};
        for error in [
            database_error(CheckViolation, "new row violates check constraint"),
            database_error(Unknown, "no such table: licenses"),
            Error::NotFound,
        ] {
            assert!(!is_unavailable(error));
        }
    }
}
