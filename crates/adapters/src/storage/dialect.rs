//! The few statements whose SQL or transaction semantics differ between the backends.

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;
use domain::StoreError;
use parking_lot::{Mutex, MutexGuard};

use super::connection::{DatabaseUrl, DbConnection};
use super::schema::monthly_usage;

/// The writers of one process take turns here before they write to SQLite, which allows one
/// writer at a time. This lock hands the turn to a waiting writer as soon as the last one is
/// done; SQLite's busy handler instead polls with growing sleeps, so under many writers an
/// unlucky one starves past its timeout and "database is locked" reaches a client.
/// PostgreSQL locks rows and needs no queue.
#[derive(Debug)]
pub(crate) struct WriterQueue {
    turn: Mutex<()>,
    /// The longest a writer waits for its turn before giving up with a 503.
    patience: Duration,
}

impl WriterQueue {
    pub(crate) fn for_backend(url: &DatabaseUrl, patience: Duration) -> Option<Self> {
        match url {
            DatabaseUrl::Sqlite(_) => Some(WriterQueue {
                turn: Mutex::new(()),
                patience,
            }),
            DatabaseUrl::Postgres(_) => None,
        }
    }

    /// Waits for this writer's turn, which lasts as long as the returned value.
    pub(crate) fn wait_turn(&self) -> Result<Turn<'_>, StoreError> {
        match self.turn.try_lock_for(self.patience) {
            Some(guard) => Ok(Turn(Some(guard))),
            None => Err(StoreError::Unavailable(
                "timed out waiting for the other writers".into(),
            )),
        }
    }
}

/// A writer's turn. When it ends the lock passes straight to the longest-waiting writer, so
/// that newcomers cannot overtake the queue: the wait is bounded by the writers ahead.
#[derive(Debug)]
pub(crate) struct Turn<'a>(Option<MutexGuard<'a, ()>>);

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if let Some(guard) = self.0.take() {
            MutexGuard::unlock_fair(guard);
        }
    }
}

/// Runs `work` in a transaction that holds the write lock from its first statement.
///
/// SQLite's default deferred transactions take the write lock only at the first write and fail
/// at once with "database is locked" when another writer got there first; `BEGIN IMMEDIATE`
/// waits for the busy timeout instead. PostgreSQL locks per row; READ COMMITTED is named
/// because the quota's conditional update relies on it (a blocked update re-reads the row it
/// waited for), whatever default isolation an operator has configured.
pub(crate) fn write_transaction<T, E>(
    connection: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match connection {
        DbConnection::Sqlite(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
        }
        DbConnection::Postgres(inner) => AnsiTransactionManager::begin_transaction_sql(
            inner,
            "BEGIN ISOLATION LEVEL READ COMMITTED",
        )?,
    }
    type Manager = <DbConnection as Connection>::TransactionManager;
    match work(connection) {
        Ok(value) => {
            Manager::commit_transaction(connection)?;
            Ok(value)
        }
        Err(error) => {
            // The original error is what the caller needs; a failed rollback marks the
            // connection broken and r2d2 discards it.
            let _ = Manager::rollback_transaction(connection);
            Err(error)
        }
    }
}

/// Makes sure the vendor's counter row for `month` exists, without disturbing a concurrent
/// creator of the same row.
pub(crate) fn ensure_usage_row(
    connection: &mut DbConnection,
    customer_id: &str,
    month: i32,
) -> QueryResult<usize> {
    let row = (
        monthly_usage::customer_id.eq(customer_id),
        monthly_usage::month.eq(month),
        monthly_usage::n_licenses.eq(0),
    );
    // Multi-backend connections cannot express ON CONFLICT, so each backend runs its own.
    match connection {
        DbConnection::Sqlite(inner) => diesel::insert_into(monthly_usage::table)
            .values(row)
            .on_conflict((monthly_usage::customer_id, monthly_usage::month))
            .do_nothing()
            .execute(inner),
        DbConnection::Postgres(inner) => diesel::insert_into(monthly_usage::table)
            .values(row)
            .on_conflict((monthly_usage::customer_id, monthly_usage::month))
            .do_nothing()
            .execute(inner),
    }
}
