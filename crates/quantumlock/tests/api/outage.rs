//! The database stops under load and comes back: requests fail fast with 503, no 200 is given
//! for a license that was not stored, and the instances recover without a restart.

use std::thread;
use std::time::{Duration, Instant};

use anyhow::bail;
use diesel::connection::SimpleConnection as _;
use diesel::sql_types::BigInt;
use diesel::{Connection as _, PgConnection, QueryableByName, RunQueryDsl as _};
use reqwest::StatusCode;

use crate::cluster::Cluster;
use crate::harness::{Backend, TestApp, TestDatabase, TestResult, expect_status};
use crate::load::{Load, Outcome, issued_keys, spawn_instances};

const N_CLIENTS: usize = 6;
const OUTAGE: Duration = Duration::from_secs(3);
/// The longest any request may take while the database is away: the configured checkout
/// timeout (1 s) for authentication and again for the generate itself, plus slack for a
/// busy test machine. Without the timeouts a request would wait for the database to return.
const HANG_BOUND: Duration = Duration::from_secs(5);
const RECOVERY_BOUND: Duration = Duration::from_secs(15);
const UNAVAILABLE: &str = "The database is temporarily unavailable. Please retry shortly.";

#[test]
fn instances_fail_fast_during_a_database_outage_and_recover_by_themselves() -> TestResult {
    let Some(cluster) = Cluster::create()? else {
        return Ok(());
    };
    let database = TestDatabase::existing(cluster.url(), Backend::Postgres);
    let env = [
        ("QUANTUMLOCK_MONTHLY_LIMITS", "100000,100000,100000"),
        ("QUANTUMLOCK_DB_CHECKOUT_TIMEOUT_MS", "1000"),
        ("QUANTUMLOCK_DB_STATEMENT_TIMEOUT_MS", "2000"),
    ];
    let (_data_dir, apps) = spawn_instances(&database, 2, &env)?;
    let vendor = apps[0].register("outage@example.com", "starter")?;
    let load = Load::start(
        &[&apps[0], &apps[1]],
        &vendor.api_key,
        N_CLIENTS,
        HANG_BOUND * 4,
    )?;
    load.wait_for_successes(20, Duration::from_secs(60))?;

    // Requests parked on a row lock are inside their transactions when the database goes:
    // the stop then cuts live queries, not just idle connections.
    let lock = hold_usage_row(&cluster.url(), N_CLIENTS / 2)?;
    cluster.stop()?;
    drop(lock);
    let stopped_at = Instant::now();
    for app in &apps {
        let health = expect_status(app.get("/health")?, StatusCode::SERVICE_UNAVAILABLE)?;
        assert_eq!(health["status"], "unhealthy");
    }
    thread::sleep(OUTAGE.saturating_sub(stopped_at.elapsed()));
    cluster.start()?;
    let restored_at = Instant::now();
    for app in &apps {
        wait_until_healthy(app, restored_at + RECOVERY_BOUND)?;
    }
    load.wait_for_successes(load.n_ok() + 20, RECOVERY_BOUND)?;
    let outcomes = load.finish()?;

    check_outcomes(&outcomes, restored_at)?;
    let keys = issued_keys(&outcomes)?;
    for key in &keys {
        for app in &apps {
            assert_eq!(
                app.validate(key)?["valid"],
                true,
                "acknowledged {key} was lost"
            );
        }
    }
    let me = expect_status(
        apps[1].get_authed("/api/v1/customers/me", &vendor.api_key)?,
        StatusCode::OK,
    )?;
    let stats = expect_status(
        apps[1].get_authed("/api/v1/stats", &vendor.api_key)?,
        StatusCode::OK,
    )?;
    assert_eq!(me["used_this_month"], stats["total_licenses"]);
    let n_stored = stats["total_licenses"].as_u64().unwrap_or(0);
    assert!(
        n_stored >= u64::try_from(keys.len())?,
        "{n_stored} stored, {} acked",
        keys.len()
    );
    Ok(())
}

/// Only 200 and a quick 503 are acceptable answers, and both instances served again after
/// the database came back.
fn check_outcomes(outcomes: &[Outcome], restored_at: Instant) -> TestResult {
    let mut n_unavailable = 0;
    for outcome in outcomes {
        match outcome.status {
            Some(StatusCode::OK) => {}
            Some(StatusCode::SERVICE_UNAVAILABLE) if outcome.body.contains(UNAVAILABLE) => {
                n_unavailable += 1;
            }
            status => bail!(
                "unexpected answer {status:?} during the outage: {}",
                outcome.body
            ),
        }
        if outcome.elapsed > HANG_BOUND {
            bail!(
                "a request took {:?} while the database was away",
                outcome.elapsed
            );
        }
    }
    if n_unavailable == 0 {
        bail!("no request noticed the outage");
    }
    for instance_idx in 0..2 {
        let recovered = outcomes.iter().any(|outcome| {
            outcome.instance_idx == instance_idx && outcome.is_ok() && outcome.sent_at > restored_at
        });
        if !recovered {
            bail!("instance {instance_idx} served no generate after the database returned");
        }
    }
    Ok(())
}

/// Locks the vendor's counter row from a transaction of our own and waits until at least
/// `n_blocked` requests queue behind it.
fn hold_usage_row(url: &str, n_blocked: usize) -> anyhow::Result<PgConnection> {
    let mut holder = PgConnection::establish(url)?;
    holder.batch_execute("BEGIN; SELECT n_licenses FROM monthly_usage FOR UPDATE")?;
    let mut observer = PgConnection::establish(url)?;
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let waiting: Waiting = diesel::sql_query(
            "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'",
        )
        .get_result(&mut observer)?;
        if usize::try_from(waiting.n)? >= n_blocked {
            return Ok(holder);
        }
        if Instant::now() > deadline {
            bail!("only {} requests queued behind the lock", waiting.n);
        }
        thread::sleep(Duration::from_millis(5));
    }
}

#[derive(Debug, QueryableByName)]
struct Waiting {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn wait_until_healthy(app: &TestApp, deadline: Instant) -> TestResult {
    loop {
        if app.get("/health")?.status() == StatusCode::OK {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!(
                "{} still unhealthy {RECOVERY_BOUND:?} after the restore",
                app.base_url
            );
        }
        thread::sleep(Duration::from_millis(50));
    }
}
