//! Tenants never see each other's data.

use reqwest::StatusCode;

use crate::harness::{Backend, TestApp, TestResult, expect_status, license_request, str_field};

crate::on_both_backends!(vendors_see_only_their_own_data);

fn vendors_see_only_their_own_data(backend: Backend) -> TestResult {
    let app = TestApp::spawn(backend)?;
    let alice = app.register("alice@example.com", "starter")?;
    let bob = app.register("bob@example.com", "enterprise")?;
    for _ in 0..3 {
        app.generate(&alice.api_key, &license_request())?;
    }
    let bobs = app.generate(&bob.api_key, &license_request())?;
    assert_eq!(bobs["customer_id"], bob.id.as_str());

    let alice_stats = expect_status(
        app.get_authed("/api/v1/stats", &alice.api_key)?,
        StatusCode::OK,
    )?;
    let bob_stats = expect_status(
        app.get_authed("/api/v1/stats", &bob.api_key)?,
        StatusCode::OK,
    )?;
    assert_eq!(
        (
            alice_stats["total_licenses"].as_u64(),
            bob_stats["total_licenses"].as_u64()
        ),
        (Some(3), Some(1))
    );
    assert_eq!(bob_stats["monthly_limit"], 10_000);

    let alice_me = expect_status(
        app.get_authed("/api/v1/customers/me", &alice.api_key)?,
        StatusCode::OK,
    )?;
    assert_eq!(alice_me["id"], alice.id.as_str());
    assert_eq!(alice_me["email"], "alice@example.com");
    assert_eq!(alice_me["used_this_month"], 3);

    // Validation is public by design, but it names the issuing vendor correctly.
    let key = str_field(&bobs, "license_key")?;
    assert_eq!(app.validate(&key)?["customer_id"], bob.id.as_str());
    Ok(())
}
