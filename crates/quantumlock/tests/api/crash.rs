//! A server killed outright (SIGKILL) in the middle of a generate load loses no license it
//! acknowledged, and its quota counter still equals the number of stored licenses.

use std::time::Duration;

use diesel::sql_types::BigInt;
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};
use reqwest::StatusCode;

use crate::harness::{Backend, TestApp, TestDatabase, TestResult, expect_status, license_request};
use crate::load::{Load, NO_RATE_LIMITS, issued_keys, shared_data_dir};

crate::on_both_backends!(sigkill_during_generate_load_loses_no_acknowledged_license);

const N_CLIENTS: usize = 8;
/// Successful generates to wait for before the kill, so that writes are surely in flight.
const N_BEFORE_KILL: usize = 40;

fn sigkill_during_generate_load_loses_no_acknowledged_license(backend: Backend) -> TestResult {
    let database = TestDatabase::create(backend)?;
    let mut env = vec![("QUANTUMLOCK_MONTHLY_LIMITS", "100000,100000,100000")];
    env.extend(NO_RATE_LIMITS);
    let (_data_dir, data_path) = shared_data_dir()?;
    env.push(("QUANTUMLOCK_DATA_DIR", &data_path));
    let mut app = TestApp::spawn_on(database.clone(), &env)?;
    let vendor = app.register("crash@example.com", "starter")?;

    let load = Load::start(&[&app], &vendor.api_key, N_CLIENTS, Duration::from_secs(30))?;
    load.wait_for_successes(N_BEFORE_KILL, Duration::from_secs(60))?;
    app.kill()?;
    let outcomes = load.finish()?;
    // Before the kill every request must succeed: concurrency alone may not fail a write.
    for outcome in &outcomes {
        if let Some(status) = outcome.status {
            assert_eq!(status, StatusCode::OK, "{}", outcome.body);
        }
    }

    let app = TestApp::spawn_on(database.clone(), &env)?;
    let keys = issued_keys(&outcomes)?;
    for key in &keys {
        assert_eq!(
            app.validate(key)?["valid"],
            true,
            "acknowledged {key} was lost"
        );
    }
    let counts = stored_counts(&database)?;
    assert_eq!(
        counts.n_licenses, counts.n_quota_units,
        "the quota counter disagrees with the stored licenses"
    );
    // A request cut off by the kill may have committed without its answer getting out.
    let n_stored = usize::try_from(counts.n_licenses)?;
    assert!(
        n_stored >= keys.len(),
        "{n_stored} stored < {} acknowledged",
        keys.len()
    );
    assert!(
        n_stored <= keys.len() + N_CLIENTS,
        "{n_stored} stored for {} acks",
        keys.len()
    );

    app.generate(&vendor.api_key, &license_request())?;
    let me = expect_status(
        app.get_authed("/api/v1/customers/me", &vendor.api_key)?,
        StatusCode::OK,
    )?;
    assert_eq!(me["used_this_month"], counts.n_licenses + 1);
    Ok(())
}

#[derive(Debug, QueryableByName)]
struct Counts {
    #[diesel(sql_type = BigInt)]
    n_licenses: i64,
    #[diesel(sql_type = BigInt)]
    n_quota_units: i64,
}

/// Reads the tables directly: what is stored, not what the server says.
fn stored_counts(database: &TestDatabase) -> anyhow::Result<Counts> {
    let query = diesel::sql_query(
        "SELECT (SELECT COUNT(*) FROM licenses) AS n_licenses, \
         (SELECT COALESCE(SUM(n_licenses), 0) FROM monthly_usage) AS n_quota_units",
    );
    Ok(match database.backend() {
        Backend::Sqlite => query.get_result(&mut SqliteConnection::establish(&database.url)?)?,
        Backend::Postgres => query.get_result(&mut PgConnection::establish(&database.url)?)?,
    })
}
