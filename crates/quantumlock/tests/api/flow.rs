//! The reference's whole flow: register, me, generate, validate, stats, SDK, health.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Backend, TestApp, TestResult, expect_status, license_request, str_field};

crate::on_both_backends!(
    reference_flow,
    validation_forgives_case_and_white_space,
    metadata_numbers_survive_storage,
    sdk_info,
);

fn is_rfc3339_utc_seconds(text: &str) -> bool {
    text.len() == 20 && text.ends_with('Z') && chrono_like(text)
}

fn chrono_like(text: &str) -> bool {
    let bytes = text.as_bytes();
    [4, 7].iter().all(|&idx| bytes.get(idx) == Some(&b'-'))
        && bytes.get(10) == Some(&b'T')
        && [13, 16].iter().all(|&idx| bytes.get(idx) == Some(&b':'))
}

fn reference_flow(backend: Backend) -> TestResult {
    let app = TestApp::spawn(backend)?;

    let health = expect_status(app.get("/health")?, StatusCode::OK)?;
    assert_eq!(health["status"], "healthy");
    assert_eq!(health["quantum_ready"], true);
    assert!(
        is_rfc3339_utc_seconds(&str_field(&health, "timestamp")?),
        "{health}"
    );

    let vendor = app.register("Your-Company@example.com", "professional")?;
    let registration = &vendor.body;
    assert!(vendor.id.starts_with("cust_"), "{registration}");
    assert!(vendor.api_key.starts_with("ql_") && vendor.api_key.len() >= 35);
    assert_eq!(registration["email"], "Your-Company@example.com");
    assert_eq!(registration["company_name"], "Acme Corp");
    assert_eq!(registration["plan"], "professional");
    assert_eq!(registration["monthly_license_limit"], 1000);
    assert_eq!(registration["licenses_generated_this_month"], 0);
    assert!(is_rfc3339_utc_seconds(&str_field(
        registration,
        "created_at"
    )?));

    let me = expect_status(
        app.get_authed("/api/v1/customers/me", &vendor.api_key)?,
        StatusCode::OK,
    )?;
    assert_eq!(me["id"], vendor.id.as_str());
    assert_eq!(me["monthly_limit"], 1000);
    assert_eq!(me["used_this_month"], 0);
    assert!(
        me.get("api_key").is_none(),
        "the key must never be returned again: {me}"
    );

    let license = app.generate(&vendor.api_key, &license_request())?;
    let key = str_field(&license, "license_key")?;
    assert_license_key_shape(&key);
    assert_eq!(license["customer_id"], vendor.id.as_str());
    assert_eq!(license["end_customer_id"], "customer-123");
    assert_eq!(
        license["features"],
        json!(["premium", "api_access", "real_quantum"])
    );
    assert_eq!(license["metadata"], license_request()["metadata"]);
    let issued = str_field(&license, "issued_at")?;
    let expires = str_field(&license, "expires_at")?;
    assert!(is_rfc3339_utc_seconds(&issued) && is_rfc3339_utc_seconds(&expires));
    assert_quantum_signature(&license)?;
    assert!(
        license["generation_time_ms"]
            .as_f64()
            .is_some_and(|ms| ms > 0.0),
        "{license}"
    );

    let valid = app.validate(&key)?;
    assert_eq!(valid["valid"], true);
    assert_eq!(valid["quantum_verified"], true);
    assert_eq!(valid["days_remaining"], 365);
    assert_eq!(valid["customer_id"], vendor.id.as_str());
    assert_eq!(valid["issued_at"], issued.as_str());
    assert_eq!(valid["expires_at"], expires.as_str());
    assert_eq!(valid["features"], license["features"]);
    assert_eq!(valid["metadata"], license["metadata"]);

    let unknown = app.validate("QCOS-AAAA-BBBB-CCCC-DDDD")?;
    assert_eq!(unknown["valid"], false);
    assert_eq!(unknown["quantum_verified"], false);

    let stats = expect_status(
        app.get_authed("/api/v1/stats", &vendor.api_key)?,
        StatusCode::OK,
    )?;
    assert_eq!(stats["total_licenses"], 1);
    assert_eq!(stats["active_licenses"], 1);
    assert_eq!(stats["expired_licenses"], 0);
    assert_eq!(stats["this_month"], 1);
    assert_eq!(stats["monthly_limit"], 1000);
    assert_eq!(stats["quantum_fidelity_avg"], license["quantum_fidelity"]);
    assert!(
        stats["generation_time_avg_ms"]
            .as_f64()
            .is_some_and(|ms| ms > 0.0)
    );

    let me = expect_status(
        app.get_authed("/api/v1/customers/me", &vendor.api_key)?,
        StatusCode::OK,
    )?;
    assert_eq!(me["used_this_month"], 1);
    Ok(())
}

fn assert_license_key_shape(key: &str) {
    let groups: Vec<&str> = key.split('-').collect();
    assert_eq!(groups.len(), 5, "{key}");
    assert_eq!(groups.first(), Some(&"QCOS"), "{key}");
    for group in groups.iter().skip(1) {
        assert_eq!(group.len(), 4, "{key}");
        assert!(
            group
                .bytes()
                .all(|b| b"ABCDEFGHJKMNPQRSTUVWXYZ23456789".contains(&b)),
            "{key}"
        );
    }
}

fn assert_quantum_signature(license: &Value) -> TestResult {
    let signature = str_field(license, "quantum_signature")?;
    for (idx, entry) in signature.split('|').enumerate() {
        let (label, value) = entry.split_once(':').unwrap_or_default();
        assert_eq!(label, format!("q{}", idx + 1), "{signature}");
        let (_, decimals) = value.split_once('.').unwrap_or_default();
        assert_eq!(decimals.len(), 4, "{signature}");
        let value: f64 = value.parse()?;
        assert!((0.0..=1.0).contains(&value), "{signature}");
    }
    let fidelity = license["quantum_fidelity"].as_f64().unwrap_or(-1.0);
    assert!((0.0..=1.0).contains(&fidelity), "{license}");
    assert_eq!(
        (fidelity * 1e4).round() / 1e4,
        fidelity,
        "four decimals: {license}"
    );
    Ok(())
}

fn validation_forgives_case_and_white_space(backend: Backend) -> TestResult {
    let app = TestApp::spawn(backend)?;
    let vendor = app.register("a@example.com", "starter")?;
    let key = str_field(
        &app.generate(&vendor.api_key, &license_request())?,
        "license_key",
    )?;
    for variant in [
        key.to_lowercase(),
        format!("  {key}\n"),
        format!("\t{}  ", key.to_lowercase()),
    ] {
        let body = app.validate(&variant)?;
        assert_eq!(body["valid"], true, "{variant:?}: {body}");
    }
    Ok(())
}

fn sdk_info(backend: Backend) -> TestResult {
    let app = TestApp::spawn(backend)?;
    for (language, name) in [
        ("python", "Python"),
        ("nodejs", "Node.js"),
        ("java", "Java"),
        ("csharp", "C#"),
    ] {
        let body = expect_status(app.get(&format!("/api/v1/sdk/{language}"))?, StatusCode::OK)?;
        assert_eq!(body["language"], name);
        for field in ["installation", "import", "example", "docs"] {
            assert!(!str_field(&body, field)?.is_empty(), "{language}.{field}");
        }
        assert!(str_field(&body, "example")?.contains("/api/v1/licenses/validate"));
    }
    Ok(())
}

/// Decimal numbers whose nearest double is hard to find must come back as the same double,
/// or the stored license no longer reproduces its fingerprint.
fn metadata_numbers_survive_storage(backend: Backend) -> TestResult {
    let app = TestApp::spawn(backend)?;
    let vendor = app.register("a@example.com", "starter")?;
    let metadata = json!({
        "tiny": 2.3105490088037702e-07,
        "small": 7.0e-10,
        "third": 0.1 + 0.2,
        "big": 1.7976931348623157e308,
        "negative": -5e-324,
        "nested": {"values": [1e-5, 2.718281828459045e-3, 9007199254740993u64]},
    });
    let request = json!({"end_customer_id": "c", "features": [], "metadata": metadata});
    let license = app.generate(&vendor.api_key, &request)?;
    assert_eq!(license["metadata"], metadata);
    let valid = app.validate(&str_field(&license, "license_key")?)?;
    assert_eq!(valid["valid"], true, "{valid}");
    assert_eq!(valid["metadata"], metadata);
    Ok(())
}
