//! Data survives a restart; secrets never reach the log.

use reqwest::StatusCode;

use crate::harness::{Backend, TestApp, TestResult, expect_status, license_request, str_field};

crate::on_both_backends!(data_survives_a_restart);

/// The SQLite file holds vendors' e-mail addresses: only its owner may read it.
#[test]
fn sqlite_file_is_private() -> TestResult {
    use std::os::unix::fs::PermissionsExt as _;

    let app = TestApp::spawn(Backend::Sqlite)?;
    app.register("a@example.com", "starter")?;
    let mode = std::fs::metadata(&app.database.url)?.permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
    Ok(())
}

fn data_survives_a_restart(backend: Backend) -> TestResult {
    let app = TestApp::spawn(backend)?;
    let vendor = app.register("a@example.com", "starter")?;
    let license = app.generate(&vendor.api_key, &license_request())?;
    let key = str_field(&license, "license_key")?;
    let log_before = app.log();

    let app = app.restart()?;
    let me = expect_status(
        app.get_authed("/api/v1/customers/me", &vendor.api_key)?,
        StatusCode::OK,
    )?;
    assert_eq!(me["used_this_month"], 1);
    let valid = app.validate(&key)?;
    assert_eq!(valid["valid"], true);
    assert_eq!(valid["quantum_verified"], true);

    let log = format!("{log_before}\n{}", app.log());
    for secret in [vendor.api_key.as_str(), key.as_str(), "a@example.com"] {
        assert!(!log.contains(secret), "the log leaks {secret:?}");
    }
    Ok(())
}
