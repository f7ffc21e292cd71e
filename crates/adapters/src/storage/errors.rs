//! Translation of driver failures into the domain's [`StoreError`].

use diesel::result::{DatabaseErrorKind, Error};
use domain::StoreError;

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

/// Failures that say nothing about the request and may pass if retried later.
fn is_transient(error: &Error) -> bool {
    match error {
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        ) => true,
        Error::DatabaseError(_, info) => {
            let message = info.message();
            message.contains("database is locked")
                || message.contains("statement timeout")
                || message.contains("terminating connection")
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
