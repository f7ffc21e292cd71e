//! Several instances on one PostgreSQL share one quota: concurrent generates spread over them
//! never overshoot it, and every license one instance issues validates on all of them.

use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use anyhow::{anyhow, bail};
use diesel::connection::SimpleConnection as _;
use diesel::sql_types::Text;
use diesel::{Connection as _, PgConnection, QueryableByName, RunQueryDsl as _};
use reqwest::StatusCode;
use reqwest::blocking::Client;

use crate::harness::{
    Backend, TestApp, TestDatabase, TestResult, expect_status, license_request, postgres_available,
};
use crate::load::{Outcome, generate_once, issued_keys, spawn_instances};

const N_INSTANCES: usize = 3;
const MONTHLY_LIMIT: usize = 60;
const N_ALREADY_USED: usize = 10;
const N_REQUESTS: usize = 200;

#[test]
fn concurrent_generates_over_three_instances_take_exactly_the_remaining_quota() -> TestResult {
    if !postgres_available()? {
        return Ok(());
    }
    let database = TestDatabase::create(Backend::Postgres)?;
    let limits = format!("{MONTHLY_LIMIT},1000,10000");
    let env = [
        ("QUANTUMLOCK_MONTHLY_LIMITS", limits.as_str()),
        // Small pools keep three instances within the server's connection limit, and a
        // generous checkout timeout keeps a busy test machine from turning waits into 503s.
        ("QUANTUMLOCK_DB_POOL_SIZE", "6"),
        ("QUANTUMLOCK_DB_CHECKOUT_TIMEOUT_MS", "20000"),
    ];
    let (_data_dir, apps) = spawn_instances(&database, N_INSTANCES, &env)?;
    let vendor = apps[0].register("scale@example.com", "starter")?;
    for idx in 0..N_ALREADY_USED {
        apps[idx % N_INSTANCES].generate(&vendor.api_key, &license_request())?;
    }

    let outcomes = generate_all_at_once(&apps, &vendor.api_key, N_REQUESTS)?;
    let n_ok = outcomes.iter().filter(|outcome| outcome.is_ok()).count();
    let quota_detail = format!("Monthly license limit reached ({MONTHLY_LIMIT}).");
    for outcome in outcomes.iter().filter(|outcome| !outcome.is_ok()) {
        if outcome.status != Some(StatusCode::TOO_MANY_REQUESTS)
            || !outcome.body.contains(&quota_detail)
        {
            bail!(
                "expected the quota 429, got {:?}: {}",
                outcome.status,
                outcome.body
            );
        }
    }
    assert_eq!(n_ok, MONTHLY_LIMIT - N_ALREADY_USED);

    for key in issued_keys(&outcomes)? {
        for app in &apps {
            let validation = app.validate(&key)?;
            assert_eq!(validation["valid"], true, "{key} on {}", app.base_url);
        }
    }
    for app in &apps {
        let me = expect_status(
            app.get_authed("/api/v1/customers/me", &vendor.api_key)?,
            StatusCode::OK,
        )?;
        assert_eq!(me["used_this_month"], MONTHLY_LIMIT);
        let stats = expect_status(
            app.get_authed("/api/v1/stats", &vendor.api_key)?,
            StatusCode::OK,
        )?;
        assert_eq!(stats["total_licenses"], MONTHLY_LIMIT);
    }
    Ok(())
}

/// An operator may make SERIALIZABLE the database's default; the quota transaction must not
/// depend on the default, or racing first generates of a month fail with 500s.
#[test]
fn quota_holds_when_the_database_defaults_to_serializable() -> TestResult {
    if !postgres_available()? {
        return Ok(());
    }
    let database = TestDatabase::create(Backend::Postgres)?;
    let mut admin = PgConnection::establish(&database.url)?;
    let name: DatabaseName =
        diesel::sql_query("SELECT current_database() AS name").get_result(&mut admin)?;
    admin.batch_execute(&format!(
        "ALTER DATABASE {} SET default_transaction_isolation = 'serializable'",
        name.name
    ))?;
    let env = [("QUANTUMLOCK_MONTHLY_LIMITS", "5,1000,10000")];
    let (_data_dir, apps) = spawn_instances(&database, N_INSTANCES, &env)?;
    let vendor = apps[0].register("serializable@example.com", "starter")?;

    // A fresh vendor: every request races to create the month's counter row too.
    let outcomes = generate_all_at_once(&apps, &vendor.api_key, 30)?;
    for outcome in &outcomes {
        let expected = [StatusCode::OK, StatusCode::TOO_MANY_REQUESTS];
        if !outcome
            .status
            .is_some_and(|status| expected.contains(&status))
        {
            bail!("unexpected {:?}: {}", outcome.status, outcome.body);
        }
    }
    assert_eq!(outcomes.iter().filter(|outcome| outcome.is_ok()).count(), 5);
    Ok(())
}

#[derive(Debug, QueryableByName)]
struct DatabaseName {
    #[diesel(sql_type = Text)]
    name: String,
}

/// Fires `n_requests` at once, round-robin over the instances.
fn generate_all_at_once(
    apps: &[TestApp],
    api_key: &str,
    n_requests: usize,
) -> anyhow::Result<Vec<Outcome>> {
    let client = Client::builder().timeout(Duration::from_secs(60)).build()?;
    let start = Arc::new(Barrier::new(n_requests));
    let workers: Vec<_> = (0..n_requests)
        .map(|idx| {
            let instance_idx = idx % apps.len();
            let base_url = apps[instance_idx].base_url.clone();
            let (client, start, api_key) = (client.clone(), start.clone(), api_key.to_owned());
            thread::spawn(move || {
                start.wait();
                generate_once(&client, &base_url, &api_key, instance_idx)
            })
        })
        .collect();
    workers
        .into_iter()
        .map(|worker| worker.join().map_err(|_| anyhow!("client thread panicked")))
        .collect()
}
