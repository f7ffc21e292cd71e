//! Request-rate limits: per vendor by plan, per client address on public routes and on failed
//! authentications, the order of authentication and body parsing, and the headers that report
//! them. Limits live in the server's memory, not the database, so these run on SQLite only.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use reqwest::StatusCode;
use reqwest::blocking::{Client, Response};
use serde_json::json;

use crate::harness::{
    Backend, TestApp, TestDatabase, TestResult, expect_error, expect_status, license_request,
};

const VALIDATE: &str = "/api/v1/licenses/validate";
const QUOTA_DETAIL: &str =
    "Monthly license limit reached (1). Please upgrade your plan or wait for next month.";

fn spawn(env: &[(&str, &str)]) -> anyhow::Result<TestApp> {
    TestApp::spawn_on(TestDatabase::create(Backend::Sqlite)?, env)
}

fn header(response: &Response, name: &str) -> Option<u64> {
    response.headers().get(name)?.to_str().ok()?.parse().ok()
}

fn validate_from(app: &TestApp, forwarded_for: &str) -> anyhow::Result<Response> {
    Ok(app
        .client()
        .post(app.url(VALIDATE))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({"license_key": "QCOS-AAAA-BBBB-CCCC-DDDD"}))
        .send()?)
}

/// Hammers `/api/v1/stats` as `api_key` from several threads until one call is refused,
/// and returns that refusal.
fn burst_until_limited(app: &Arc<TestApp>, api_key: &str) -> anyhow::Result<Response> {
    let limited = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let (app, limited, api_key) = (app.clone(), limited.clone(), api_key.to_owned());
            thread::spawn(move || -> anyhow::Result<Option<Response>> {
                for _ in 0..500 {
                    if limited.load(Ordering::Relaxed) {
                        break;
                    }
                    let response = app.get_authed("/api/v1/stats", &api_key)?;
                    match response.status() {
                        StatusCode::OK => {}
                        StatusCode::TOO_MANY_REQUESTS => {
                            limited.store(true, Ordering::Relaxed);
                            return Ok(Some(response));
                        }
                        other => bail!("unexpected {other}: {}", response.text()?),
                    }
                }
                Ok(None)
            })
        })
        .collect();
    let mut refusal = None;
    for worker in workers {
        let outcome = worker
            .join()
            .map_err(|_| anyhow::anyhow!("worker panicked"))??;
        refusal = refusal.or(outcome);
    }
    refusal.context("4,000 calls in a burst were never limited")
}

#[test]
fn a_starter_burst_is_limited_while_another_vendor_is_not() -> TestResult {
    let app = Arc::new(spawn(&[])?);
    let alice = app.register("alice@example.com", "starter")?;
    let bob = app.register("bob@example.com", "starter")?;

    let refusal = burst_until_limited(&app, &alice.api_key)?;
    let bobs = app.get_authed("/api/v1/stats", &bob.api_key)?;

    assert_eq!(
        bobs.status(),
        StatusCode::OK,
        "bob was limited by alice's burst"
    );
    assert_eq!(header(&bobs, "ratelimit-limit"), Some(100));
    assert!(header(&refusal, "retry-after").is_some_and(|secs| secs >= 1));
    assert_eq!(header(&refusal, "ratelimit-limit"), Some(100));
    assert_eq!(header(&refusal, "ratelimit-remaining"), Some(0));
    assert!(header(&refusal, "ratelimit-reset").is_some_and(|secs| secs >= 1));
    let detail = expect_error(refusal, StatusCode::TOO_MANY_REQUESTS)?;
    assert!(
        detail.starts_with("Rate limit exceeded: 100 requests per second on the starter plan."),
        "{detail}"
    );
    Ok(())
}

#[test]
fn spoofed_forwarded_for_does_not_escape_the_address_limit() -> TestResult {
    let app = spawn(&[])?;
    let started = Instant::now();
    let (mut n_ok, mut n_limited) = (0u64, 0u64);
    for idx in 0..1_000u32 {
        let spoofed = format!("198.51.{}.{}", idx / 256, idx % 256);
        let response = validate_from(&app, &spoofed)?;
        match response.status() {
            StatusCode::OK => n_ok += 1,
            StatusCode::TOO_MANY_REQUESTS => n_limited += 1,
            other => bail!("unexpected {other}: {}", response.text()?),
        }
    }
    // The default allows a burst of 40 and 20 a second after it, whatever the header says.
    let allowed = 40 + 20 * (started.elapsed().as_secs() + 1);
    assert!(
        n_ok <= allowed,
        "{n_ok} calls passed, at most {allowed} may"
    );
    assert_eq!(n_ok + n_limited, 1_000);
    Ok(())
}

#[test]
fn a_trusted_proxy_names_the_client() -> TestResult {
    let app = spawn(&[("QUANTUMLOCK_TRUSTED_PROXIES", "127.0.0.0/8, ::1")])?;
    for idx in 0..100u32 {
        let response = validate_from(&app, &format!("203.0.113.{idx}"))?;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "client {idx} was limited"
        );
        assert_eq!(header(&response, "ratelimit-remaining"), Some(39));
    }
    let statuses: Vec<StatusCode> = (0..100)
        .map(|_| validate_from(&app, "192.0.2.1").map(|response| response.status()))
        .collect::<anyhow::Result<_>>()?;
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS));
    Ok(())
}

#[test]
fn quota_and_rate_refusals_are_told_apart() -> TestResult {
    let app = spawn(&[
        ("QUANTUMLOCK_MONTHLY_LIMITS", "1,1000,10000"),
        ("QUANTUMLOCK_RATE_LIMITS", "2,500,2000"),
    ])?;
    let vendor = app.register("a@example.com", "starter")?;
    let path = "/api/v1/licenses/generate";

    let mut details = Vec::new();
    for _ in 0..10 {
        let response = app.post_authed(path, &vendor.api_key, &license_request())?;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            let retry_after = header(&response, "retry-after");
            details.push((
                expect_error(response, StatusCode::TOO_MANY_REQUESTS)?,
                retry_after,
            ));
        } else {
            expect_status(response, StatusCode::OK)?;
        }
    }

    let quota = details.iter().find(|(detail, _)| detail == QUOTA_DETAIL);
    let rate = details
        .iter()
        .find(|(detail, _)| detail.starts_with("Rate limit exceeded: 2 requests per second"));
    assert!(quota.is_some(), "no quota refusal in {details:?}");
    assert!(
        rate.is_some_and(|(_, retry)| retry.is_some()),
        "{details:?}"
    );
    Ok(())
}

#[test]
fn calls_without_a_valid_key_count_against_the_address() -> TestResult {
    let app = spawn(&[])?;
    let wrong = format!("ql_{}", "A".repeat(43));
    let mut last = None;
    for _ in 0..60 {
        let response = app.get_authed("/api/v1/customers/me", &wrong)?;
        assert!(
            header(&response, "ratelimit-limit") == Some(40),
            "{response:?}"
        );
        let status = response.status();
        last = Some(response);
        if status == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let refusal = last.context("no response")?;
    let detail = expect_error(refusal, StatusCode::TOO_MANY_REQUESTS)?;
    assert!(
        detail.contains("requests per second from your address"),
        "{detail}"
    );
    Ok(())
}

#[test]
fn every_response_of_a_limited_route_reports_the_limit() -> TestResult {
    let app = spawn(&[])?;
    let vendor = app.register("a@example.com", "professional")?;
    let responses = [
        app.post_json("/api/v1/customers/register", &json!({"email": "x"}))?,
        app.post_json(
            VALIDATE,
            &json!({"license_key": "QCOS-AAAA-BBBB-CCCC-DDDD"}),
        )?,
        app.post_json(VALIDATE, &json!({"license_key": "nonsense"}))?,
        app.get(VALIDATE)?,
        app.get("/api/v1/sdk/python")?,
        app.get("/api/v1/sdk/cobol")?,
        app.get_authed("/api/v1/customers/me", &vendor.api_key)?,
        app.post_authed("/api/v1/licenses/generate", &vendor.api_key, &json!({}))?,
        app.get("/api/v1/stats")?,
    ];
    for response in &responses {
        for name in ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"] {
            assert!(
                header(response, name).is_some(),
                "{name} missing: {response:?}"
            );
        }
    }
    let me = app.get_authed("/api/v1/customers/me", &vendor.api_key)?;
    assert_eq!(header(&me, "ratelimit-limit"), Some(500));
    // The key set may sit in shared caches, so its 200 says nothing about one client.
    let keys = app.get("/api/v1/keys")?;
    assert_eq!(keys.status(), StatusCode::OK);
    assert!(
        keys.headers().get("ratelimit-remaining").is_none(),
        "{keys:?}"
    );
    assert_eq!(
        keys.headers().get("cache-control").map(|v| v.as_bytes()),
        Some(&b"public, max-age=300"[..])
    );
    assert!(
        app.get("/health")?
            .headers()
            .get("ratelimit-limit")
            .is_none()
    );
    Ok(())
}

#[test]
fn limits_can_be_switched_off_for_load_tests() -> TestResult {
    let app = spawn(&[("QUANTUMLOCK_NO_RATE_LIMITS", "true")])?;
    for _ in 0..100 {
        let response = validate_from(&app, "192.0.2.1")?;
        assert!(response.headers().get("ratelimit-limit").is_none());
        expect_status(response, StatusCode::OK)?;
    }
    Ok(())
}

/// A client whose connections come from `source`, a loopback address other than the
/// server's own where needed: two sources are two addresses to the limiter.
fn client_from(source: &str) -> anyhow::Result<Client> {
    let source: IpAddr = source.parse()?;
    Ok(Client::builder()
        .local_address(source)
        .timeout(Duration::from_secs(30))
        .build()?)
}

#[test]
fn an_address_over_its_failed_authentications_is_refused_before_any_lookup() -> TestResult {
    let app = spawn(&[])?;
    let vendor = app.register("a@example.com", "professional")?;
    let me = app.url("/api/v1/customers/me");
    let guesser = client_from("127.0.0.2")?;
    let wrong = format!("ql_{}", "A".repeat(43));

    let mut n_unauthorized = 0;
    loop {
        let response = guesser.get(&me).bearer_auth(&wrong).send()?;
        match response.status() {
            StatusCode::UNAUTHORIZED if n_unauthorized < 60 => n_unauthorized += 1,
            StatusCode::TOO_MANY_REQUESTS => break,
            other => bail!("after {n_unauthorized} bad keys: {other}"),
        }
    }
    // The right key from the same address is refused too: the block is decided before the
    // key is looked up, so a lucky guess would learn nothing either.
    let refused = guesser.get(&me).bearer_auth(&vendor.api_key).send()?;
    assert_eq!(header(&refused, "ratelimit-limit"), Some(40));
    let retry_after = header(&refused, "retry-after").context("no Retry-After")?;
    let detail = expect_error(refused, StatusCode::TOO_MANY_REQUESTS)?;
    assert!(
        detail.starts_with("Too many requests without a valid API key from your address."),
        "{detail}"
    );

    let elsewhere = client_from("127.0.0.1")?;
    let response = elsewhere.get(&me).bearer_auth(&vendor.api_key).send()?;
    assert_eq!(header(&response, "ratelimit-limit"), Some(500));
    expect_status(response, StatusCode::OK)?;

    // The block ends with the wait it announced.
    thread::sleep(Duration::from_secs(retry_after) + Duration::from_millis(100));
    let response = guesser.get(&me).bearer_auth(&vendor.api_key).send()?;
    expect_status(response, StatusCode::OK)?;
    Ok(())
}

#[test]
fn the_key_is_checked_before_the_body_is_read() -> TestResult {
    let app = spawn(&[])?;
    let vendor = app.register("a@example.com", "starter")?;
    let generate = app.url("/api/v1/licenses/generate");
    let send = |api_key: &str| {
        app.client()
            .post(&generate)
            .bearer_auth(api_key)
            .header("content-type", "application/json")
            .body("{not json")
            .send()
    };

    for _ in 0..20 {
        let response = send(&format!("ql_{}", "B".repeat(43)))?;
        assert_eq!(header(&response, "ratelimit-limit"), Some(40));
        expect_error(response, StatusCode::UNAUTHORIZED)?;

        let response = send(&vendor.api_key)?;
        // Charged to the vendor's plan (starter: 100 a second), not to the address.
        assert_eq!(header(&response, "ratelimit-limit"), Some(100));
        let detail = expect_error(response, StatusCode::BAD_REQUEST)?;
        assert!(detail.starts_with("Malformed JSON"), "{detail}");
    }
    Ok(())
}
