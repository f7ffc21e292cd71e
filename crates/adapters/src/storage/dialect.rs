//! The few statements whose SQL or transaction semantics differ between the backends.

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;

use super::connection::DbConnection;
use super::schema::monthly_usage;

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
