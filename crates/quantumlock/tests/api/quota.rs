//! The monthly quota holds under concurrency and counts only stored licenses.

use std::sync::Arc;
use std::thread;

use reqwest::StatusCode;

use crate::harness::{
    Backend, TestApp, TestDatabase, TestResult, expect_error, expect_status, license_request,
};

crate::on_both_backends!(concurrent_generates_stop_exactly_at_the_limit);

const LIMIT: u64 = 7;
const N_REQUESTS: usize = 40;

fn concurrent_generates_stop_exactly_at_the_limit(backend: Backend) -> TestResult {
    let database = TestDatabase::create(backend)?;
    let limits = format!("{LIMIT},1000,10000");
    let app = Arc::new(TestApp::spawn_on(
        database,
        &[
            ("QUANTUMLOCK_MONTHLY_LIMITS", &limits),
            ("QUANTUMLOCK_RATE_LIMITS", "100000,100000,100000"),
        ],
    )?);
    let vendor = app.register("a@example.com", "starter")?;

    let workers: Vec<_> = (0..N_REQUESTS)
        .map(|_| {
            let app = Arc::clone(&app);
            let api_key = vendor.api_key.clone();
            thread::spawn(move || {
                app.post_authed("/api/v1/licenses/generate", &api_key, &license_request())
                    .map(|response| (response.status(), response.text().unwrap_or_default()))
            })
        })
        .collect();
    let mut n_ok = 0;
    for worker in workers {
        let (status, body) = worker
            .join()
            .map_err(|_| anyhow::anyhow!("worker panicked"))??;
        match status {
            StatusCode::OK => n_ok += 1,
            StatusCode::TOO_MANY_REQUESTS => assert!(
                body.contains(&format!(
                    "Monthly license limit reached ({LIMIT}). Please upgrade your plan or wait \
                     for next month."
                )),
                "{body}"
            ),
            other => anyhow::bail!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(n_ok, LIMIT);

    let stats = expect_status(
        app.get_authed("/api/v1/stats", &vendor.api_key)?,
        StatusCode::OK,
    )?;
    assert_eq!(stats["total_licenses"], LIMIT);
    let me = expect_status(
        app.get_authed("/api/v1/customers/me", &vendor.api_key)?,
        StatusCode::OK,
    )?;
    assert_eq!(me["used_this_month"], LIMIT);
    let again = app.post_authed(
        "/api/v1/licenses/generate",
        &vendor.api_key,
        &license_request(),
    )?;
    expect_error(again, StatusCode::TOO_MANY_REQUESTS)?;
    Ok(())
}
