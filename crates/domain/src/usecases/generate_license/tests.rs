use chrono::{DateTime, Utc};

use super::*;
use crate::plan::Plan;
use crate::usecases::fixtures::{Fixture, generate_request};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .map(|instant| instant.with_timezone(&Utc))
        .unwrap_or_else(|error| panic!("bad test timestamp {text}: {error}"))
}

#[test]
fn issues_a_complete_license() {
    let fixture = Fixture::new();
    let vendor = fixture.vendor("a@b.co");
    let license = fixture
        .licensing
        .generate_license(&vendor, generate_request(None));
    let Ok(IssuedLicense { license, .. }) = license else {
        panic!("{license:?}")
    };
    assert_eq!(license.issued_at, at("2025-12-14T10:35:00Z"));
    assert_eq!(license.expires_at, at("2026-12-14T10:35:00Z"));
    assert_eq!(license.customer_id, vendor.id);
    assert_eq!(license.end_customer_id.as_str(), "customer-123");
    assert!(license.quantum.matches(&license.content_digest()));
    let fidelity = license.quantum.fidelity();
    assert!(fidelity > 0.0 && fidelity <= 1.0, "{fidelity}");
}

#[test]
fn quota_stops_at_the_plan_limit_and_resets_next_month() {
    let fixture = Fixture::new();
    let mut vendor = fixture.vendor("a@b.co");
    vendor.plan = Plan::Starter;
    fixture.clock.set(at("2026-01-31T00:00:00Z"));
    for _ in 0..100 {
        let result = fixture
            .licensing
            .generate_license(&vendor, generate_request(Some(30)));
        assert!(result.is_ok(), "{result:?}");
    }
    fixture.clock.set(at("2026-01-31T23:59:59Z"));
    let over = fixture
        .licensing
        .generate_license(&vendor, generate_request(None));
    let Err(error) = over else {
        panic!("quota not enforced")
    };
    assert_eq!(
        error.to_string(),
        "Monthly license limit reached (100). Please upgrade your plan or wait for next month."
    );
    fixture.clock.set(at("2026-02-01T00:00:00Z"));
    assert!(
        fixture
            .licensing
            .generate_license(&vendor, generate_request(None))
            .is_ok()
    );
}

#[test]
fn invalid_requests_consume_no_quota() {
    let fixture = Fixture::new();
    let vendor = fixture.vendor("a@b.co");
    let mut bad = generate_request(Some(0));
    bad.features.push("not valid!".to_owned());
    let result = fixture.licensing.generate_license(&vendor, bad);
    assert!(matches!(result, Err(GenerateLicenseError::Invalid(_))));
    let info = fixture.licensing.customer_info(vendor);
    assert_eq!(info.ok().map(|info| info.used_this_month), Some(0));
}

#[test]
fn stats_follow_expiry_and_the_month() {
    let fixture = Fixture::new();
    let vendor = fixture.vendor("a@b.co");
    for days in [Some(1), Some(1), None] {
        let result = fixture
            .licensing
            .generate_license(&vendor, generate_request(days));
        assert!(result.is_ok());
    }
    fixture.clock.advance(chrono::TimeDelta::days(2));
    let stats = fixture.licensing.stats(&vendor).map(|stats| stats.licenses);
    let Ok(stats) = stats else {
        panic!("{stats:?}")
    };
    assert_eq!((stats.n_total, stats.n_active, stats.n_expired), (3, 1, 2));
    assert_eq!(stats.n_this_month, 3);
    fixture.clock.advance(chrono::TimeDelta::days(31));
    let stats = fixture
        .licensing
        .stats(&vendor)
        .map(|stats| stats.licenses.n_this_month);
    assert_eq!(stats.ok(), Some(0));
}
