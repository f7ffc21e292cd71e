//! Connections to either backend, chosen by the URL's scheme, and the pool that holds them.

use std::fmt;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::R2D2Connection;
use diesel::{Connection, ConnectionError, PgConnection, SqliteConnection};

/// One connection type for both backends, so that queries are written once.
#[expect(
    missing_debug_implementations,
    reason = "diesel's connections do not implement Debug"
)]
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// Where the data lives, decided from the configured URL before anything connects.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A file path (`quantumlock.db`, `sqlite://path`, `sqlite:path`).
    Sqlite(String),
    /// A `postgres://` or `postgresql://` URL.
    Postgres(String),
}

const SUPPORTED: &str = "postgres://, postgresql://, sqlite:// or a file path";

/// A database setting we cannot use. Its message never repeats the setting, which may hold a
/// password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnsupportedUrl {
    #[error("unsupported database URL scheme {0:?}: use {SUPPORTED}")]
    Scheme(String),
    #[error("keyword=value connection strings are not supported: use a postgres:// URL")]
    KeywordString,
    #[error("the database URL is empty")]
    Empty,
}

impl DatabaseUrl {
    /// Schemes compare without regard to case, as URLs define; anything that looks like a URL
    /// or a libpq connection string but is not one of ours is refused rather than taken for a
    /// SQLite file name.
    ///
    /// # Errors
    /// [`UnsupportedUrl`] for other schemes, keyword strings and empty settings.
    pub fn parse(url: &str) -> Result<Self, UnsupportedUrl> {
        let url = url.trim();
        if url.is_empty() {
            return Err(UnsupportedUrl::Empty);
        }
        if let Some((scheme, rest)) = url.split_once("://") {
            return match scheme.to_ascii_lowercase().as_str() {
                // libpq knows only the lower-case spelling, and echoes whatever it cannot
                // parse (password included) in its error.
                "postgres" | "postgresql" => {
                    Ok(DatabaseUrl::Postgres(format!("postgres://{rest}")))
                }
                "sqlite" => Ok(DatabaseUrl::Sqlite(rest.to_owned())),
                _ => Err(UnsupportedUrl::Scheme(scheme.chars().take(20).collect())),
            };
        }
        if url.contains('=') && url.contains(char::is_whitespace) {
            return Err(UnsupportedUrl::KeywordString);
        }
        let path = url.strip_prefix("sqlite:").unwrap_or(url);
        Ok(DatabaseUrl::Sqlite(path.to_owned()))
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            DatabaseUrl::Sqlite(_) => "sqlite",
            DatabaseUrl::Postgres(_) => "postgres",
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    // A PostgreSQL URL may carry a password; only the backend and the host part are shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "sqlite:{path}"),
            DatabaseUrl::Postgres(url) => {
                let host = url.rsplit_once('@').map_or_else(
                    || url.split_once("://").map_or("", |(_, rest)| rest),
                    |(_, host)| host,
                );
                write!(f, "postgres://…@{}", host.split('?').next().unwrap_or(""))
            }
        }
    }
}

/// Per-connection settings applied as each pooled connection opens.
#[derive(Debug, Clone)]
pub struct ConnectionSettings {
    pub url: DatabaseUrl,
    /// How long a SQLite writer waits for another to finish.
    pub busy_timeout: Duration,
    /// PostgreSQL `statement_timeout`: no query may hold a connection longer.
    pub statement_timeout: Duration,
    /// How long opening a PostgreSQL connection may take.
    pub connect_timeout: Duration,
}

/// An r2d2 manager that opens the configured backend directly, so a failure reports the real
/// cause instead of the last of several guesses.
#[derive(Debug)]
pub struct DbManager {
    settings: ConnectionSettings,
}

impl DbManager {
    pub fn new(settings: ConnectionSettings) -> Self {
        DbManager { settings }
    }
}

impl r2d2::ManageConnection for DbManager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        let settings = &self.settings;
        let connection = match &settings.url {
            DatabaseUrl::Sqlite(path) => open_sqlite(path, settings.busy_timeout),
            DatabaseUrl::Postgres(url) => open_postgres(url, settings),
        };
        connection.map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, connection: &mut DbConnection) -> Result<(), Self::Error> {
        connection.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, connection: &mut DbConnection) -> bool {
        connection.is_broken()
    }
}

fn open_sqlite(path: &str, busy_timeout: Duration) -> Result<DbConnection, ConnectionError> {
    let mut connection = SqliteConnection::establish(path)?;
    // FULL synchronous: a license we answered 200 for survives a power cut, not just a crash.
    let pragmas = format!(
        "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
         PRAGMA foreign_keys = ON;",
        busy_timeout.as_millis()
    );
    connection
        .batch_execute(&pragmas)
        .map_err(ConnectionError::CouldntSetupConfiguration)?;
    Ok(DbConnection::Sqlite(connection))
}

fn open_postgres(
    url: &str,
    settings: &ConnectionSettings,
) -> Result<DbConnection, ConnectionError> {
    let url = with_client_timeouts(url, settings);
    let mut connection = PgConnection::establish(&url)?;
    let setup = format!(
        "SET statement_timeout = {}; SET TIME ZONE 'UTC';",
        settings.statement_timeout.as_millis()
    );
    connection
        .batch_execute(&setup)
        .map_err(ConnectionError::CouldntSetupConfiguration)?;
    Ok(DbConnection::Postgres(connection))
}

/// libpq waits for an unreachable host, or for the answer of one that vanished mid-query,
/// indefinitely unless told otherwise. Parameters the operator wrote in the URL win.
fn with_client_timeouts(url: &str, settings: &ConnectionSettings) -> String {
    let keepalive_idle = settings.statement_timeout.as_secs().clamp(1, 60);
    let parameters = [
        ("connect_timeout", settings.connect_timeout.as_secs().max(1)),
        // Unacknowledged data this long means the server is gone.
        (
            "tcp_user_timeout",
            saturating_millis(settings.statement_timeout),
        ),
        // A silent server is probed after this many seconds, then given three 1 s chances.
        ("keepalives_idle", keepalive_idle),
        ("keepalives_interval", 1),
        ("keepalives_count", 3),
    ];
    let mut url = url.to_owned();
    for (name, value) in parameters {
        if url.contains(&format!("{name}=")) {
            continue;
        }
        let separator = if url.contains('?') { '&' } else { '?' };
        url = format!("{url}{separator}{name}={value}");
    }
    url
}

fn saturating_millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_picks_the_backend() {
        let sqlite = |path: &str| Ok(DatabaseUrl::Sqlite(path.to_owned()));
        assert_eq!(
            DatabaseUrl::parse("quantumlock.db"),
            sqlite("quantumlock.db")
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/a.db"),
            sqlite("/tmp/a.db")
        );
        assert_eq!(DatabaseUrl::parse("SQLite://a.db"), sqlite("a.db"));
        assert_eq!(DatabaseUrl::parse("sqlite:data/a.db"), sqlite("data/a.db"));
        for url in [
            "postgresql://u:secret@db:5432/q",
            "POSTGRES://u:secret@db/q",
        ] {
            let normalized = match DatabaseUrl::parse(url) {
                Ok(DatabaseUrl::Postgres(text)) => text,
                other => panic!("{url}: {other:?}"),
            };
            assert!(normalized.starts_with("postgres://"), "{url}");
        }
    }

    #[test]
    fn foreign_settings_are_refused_without_echoing_them() {
        for url in [
            "mysql://root:MySecret@db/q",
            "postgress://u:TypoSecret@db/q",
            "host=db port=5432 password=DsnSecret dbname=q",
            "  ",
        ] {
            let error = DatabaseUrl::parse(url).map(|_| ()).unwrap_err().to_string();
            assert!(!error.contains("Secret"), "{error}");
        }
    }

    #[test]
    fn debug_hides_credentials() {
        let url = DatabaseUrl::parse("postgres://user:hunter2@db.internal:5432/q?sslmode=disable")
            .unwrap();
        let shown = format!("{url:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("user"),
            "{shown}"
        );
        assert!(shown.contains("db.internal:5432/q"), "{shown}");
    }

    #[test]
    fn client_timeouts_are_added_unless_given() {
        let settings = ConnectionSettings {
            url: DatabaseUrl::parse("postgres://h/d").unwrap(),
            busy_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_millis(2_500),
            connect_timeout: Duration::from_secs(3),
        };
        let added = "connect_timeout=3&tcp_user_timeout=2500&keepalives_idle=2\
                     &keepalives_interval=1&keepalives_count=3";
        assert_eq!(
            with_client_timeouts("postgres://h/d", &settings),
            format!("postgres://h/d?{added}")
        );
        assert_eq!(
            with_client_timeouts("postgres://h/d?sslmode=disable", &settings),
            format!("postgres://h/d?sslmode=disable&{added}")
        );
        let given = "postgres://h/d?connect_timeout=9&tcp_user_timeout=0&keepalives_idle=30\
                     &keepalives_interval=5&keepalives_count=9";
        assert_eq!(with_client_timeouts(given, &settings), given);
    }
}
