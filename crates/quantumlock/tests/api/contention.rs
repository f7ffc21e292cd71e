//! Many writers on one SQLite file: every one is served, none gets "database is locked".

use std::time::Duration;

use reqwest::StatusCode;

use crate::harness::{Backend, TestApp, TestDatabase, TestResult};
use crate::load::{Load, NO_RATE_LIMITS};

const N_CLIENTS: usize = 48;
const LOAD_TIME: Duration = Duration::from_secs(3);

/// More pooled connections than cores, all writing, and a lock wait limit far above the
/// time one commit takes: writers must take turns instead of timing out.
#[test]
fn sqlite_writers_take_turns_without_failing() -> TestResult {
    let database = TestDatabase::create(Backend::Sqlite)?;
    let mut env = vec![
        ("QUANTUMLOCK_MONTHLY_LIMITS", "1000000,1000000,1000000"),
        ("QUANTUMLOCK_DB_POOL_SIZE", "32"),
        ("QUANTUMLOCK_DB_STATEMENT_TIMEOUT_MS", "1000"),
        ("QUANTUMLOCK_DB_CHECKOUT_TIMEOUT_MS", "10000"),
    ];
    env.extend(NO_RATE_LIMITS);
    let app = TestApp::spawn_on(database, &env)?;
    let vendor = app.register("writers@example.com", "enterprise")?;

    let load = Load::start(&[&app], &vendor.api_key, N_CLIENTS, Duration::from_secs(30))?;
    std::thread::sleep(LOAD_TIME);
    let outcomes = load.finish()?;
    let n_failed = outcomes.iter().filter(|outcome| !outcome.is_ok()).count();
    let first_failure = outcomes.iter().find(|outcome| !outcome.is_ok());
    assert_eq!(n_failed, 0, "first failure: {first_failure:?}");
    assert!(
        outcomes
            .iter()
            .all(|outcome| outcome.status == Some(StatusCode::OK))
    );
    Ok(())
}
