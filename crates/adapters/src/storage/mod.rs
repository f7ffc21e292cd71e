//! Diesel storage for both backends: the pool, migrations, and the store ports.

mod connection;
mod customers;
mod dialect;
mod errors;
mod licenses;
mod schema;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use diesel::connection::SimpleConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use domain::StoreError;
use tracing::info;

use connection::DbManager;
pub use connection::{ConnectionSettings, DatabaseUrl, DbConnection, UnsupportedUrl};
use dialect::WriterQueue;
use errors::{ConnectErrorLog, pool_error, query_error};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
/// Serializes migrations when several instances start at once on one PostgreSQL.
const MIGRATION_LOCK_ID: i64 = 0x5155_414e_544c_4f43;

/// Failed connection attempts are reported at most this often.
const CONNECT_ERROR_INTERVAL: Duration = Duration::from_secs(10);

/// How to reach the database and how patient to be with it.
#[derive(Debug, Clone)]
pub struct StorageConfig {
    pub url: DatabaseUrl,
    /// Connections kept by this instance.
    pub pool_size: u32,
    /// How long a request waits for a free connection before failing with 503.
    pub checkout_timeout: Duration,
    pub busy_timeout: Duration,
    pub statement_timeout: Duration,
    pub connect_timeout: Duration,
}

impl StorageConfig {
    /// Defaults suited to the backend the URL names.
    ///
    /// # Errors
    /// [`UnsupportedUrl`] when the setting names no backend we support.
    pub fn for_url(url: &str) -> Result<Self, UnsupportedUrl> {
        let url = DatabaseUrl::parse(url)?;
        let pool_size = match url {
            DatabaseUrl::Sqlite(_) => 8,
            DatabaseUrl::Postgres(_) => 16,
        };
        Ok(StorageConfig {
            url,
            pool_size,
            checkout_timeout: Duration::from_secs(2),
            busy_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(2),
        })
    }
}

/// The database: a pool of connections to one backend. Implements the domain's store ports.
#[derive(Clone)]
pub struct Database {
    pool: r2d2::Pool<DbManager>,
    backend: &'static str,
    /// SQLite only: the turns of this process's writers.
    writers: Option<Arc<WriterQueue>>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl Database {
    /// Connects and brings the schema up to date.
    ///
    /// # Errors
    /// When the database cannot be reached or a migration fails.
    pub fn open(config: &StorageConfig) -> anyhow::Result<Self> {
        let backend = config.url.backend_name();
        if let DatabaseUrl::Sqlite(path) = &config.url {
            create_private_file(path)?;
        }
        let manager = DbManager::new(ConnectionSettings {
            url: config.url.clone(),
            busy_timeout: config.busy_timeout,
            statement_timeout: config.statement_timeout,
            connect_timeout: config.connect_timeout,
        });
        let pool = r2d2::Pool::builder()
            .max_size(config.pool_size)
            .min_idle(Some(1))
            .connection_timeout(config.checkout_timeout)
            .error_handler(Box::new(ConnectErrorLog::new(
                backend,
                CONNECT_ERROR_INTERVAL,
            )))
            .build(manager)
            .with_context(|| {
                format!("cannot connect to the {backend} database {:?}", config.url)
            })?;
        let writers = WriterQueue::for_backend(&config.url, config.busy_timeout).map(Arc::new);
        let database = Database {
            pool,
            backend,
            writers,
        };
        database.migrate()?;
        Ok(database)
    }

    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// A cheap round trip, for health checks.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the database does not answer.
    pub fn ping(&self) -> Result<(), StoreError> {
        self.run(|connection| connection.batch_execute("SELECT 1").map_err(query_error))
            .map_err(|error| match error {
                StoreError::Failed(source) => StoreError::Unavailable(source),
                unavailable => unavailable,
            })
    }

    fn migrate(&self) -> anyhow::Result<()> {
        let mut connection = self
            .pool
            .get()
            .context("cannot get a connection to migrate")?;
        let applied = match &mut *connection {
            DbConnection::Sqlite(connection) => run_migrations(connection, SQLITE_MIGRATIONS)?,
            DbConnection::Postgres(connection) => {
                connection
                    .batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_ID})"))
                    .context("cannot take the migration lock")?;
                let applied = run_migrations(connection, POSTGRES_MIGRATIONS);
                connection
                    .batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_ID})"))
                    .context("cannot release the migration lock")?;
                applied?
            }
        };
        info!(
            db.backend = self.backend,
            migrations.applied = applied,
            "schema up to date"
        );
        Ok(())
    }

    /// Runs `work` on a pooled connection.
    pub(crate) fn run<T>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut connection = self.pool.get().map_err(pool_error)?;
        work(&mut connection)
    }

    /// Runs `work`, which writes, on a pooled connection; on SQLite once this process's
    /// earlier writers are done. The turn comes before the connection, so that writers
    /// waiting in line hold no connection that readers could use.
    pub(crate) fn write<T>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let _turn = self
            .writers
            .as_deref()
            .map(WriterQueue::wait_turn)
            .transpose()?;
        self.run(work)
    }
}

/// Creates a new SQLite file readable by its owner only: it holds vendors' e-mail addresses.
/// SQLite gives its `-wal` and `-shm` files the same mode. An existing file is left as it is.
fn create_private_file(path: &str) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt as _;

    if path.is_empty() || path.starts_with(':') || path.starts_with("file:") {
        return Ok(());
    }
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path);
    match created {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(error) => Err(anyhow::Error::new(error).context("cannot create the SQLite file")),
    }
}

fn run_migrations<C>(connection: &mut C, migrations: EmbeddedMigrations) -> anyhow::Result<usize>
where
    C: MigrationHarness<C::Backend> + diesel::Connection,
{
    let applied = connection
        .run_pending_migrations(migrations)
        .map_err(|error| anyhow::anyhow!("migration failed: {error}"))?;
    Ok(applied.len())
}

/// Reverts every migration and applies them again: proves the down scripts work.
///
/// # Errors
/// When any step fails.
pub fn check_migrations_reversible(config: &StorageConfig) -> anyhow::Result<()> {
    let database = Database::open(config)?;
    let mut connection = database.pool.get()?;
    let failed = |error| anyhow::anyhow!("migration step failed: {error}");
    match &mut *connection {
        DbConnection::Sqlite(connection) => {
            connection
                .revert_all_migrations(SQLITE_MIGRATIONS)
                .map_err(failed)?;
            connection
                .run_pending_migrations(SQLITE_MIGRATIONS)
                .map_err(failed)?;
        }
        DbConnection::Postgres(connection) => {
            connection
                .revert_all_migrations(POSTGRES_MIGRATIONS)
                .map_err(failed)?;
            connection
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map_err(failed)?;
        }
    }
    Ok(())
}
