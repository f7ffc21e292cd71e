//! The SDK endpoint's example programs really run and validate a license.

use std::path::Path;
use std::process::Command;

use anyhow::Context as _;
use reqwest::StatusCode;

use crate::harness::{Backend, TestApp, TestResult, expect_status, license_request, str_field};

/// How to run each language's example, where its toolchain is on this machine. C# needs the
/// .NET SDK, which this machine kind does not carry; that example is checked by hand.
fn runner(language: &str, file: &Path) -> Option<Command> {
    let (program, args): (&str, Vec<String>) = match language {
        "python" => ("python3", vec![file.display().to_string()]),
        "nodejs" => ("node", vec![file.display().to_string()]),
        "java" => ("java", vec![file.display().to_string()]),
        _ => return None,
    };
    let available = Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    available.then(|| {
        let mut command = Command::new(program);
        command.args(args);
        command
    })
}

fn file_name(language: &str) -> &'static str {
    match language {
        "python" => "validate.py",
        "nodejs" => "validate.mjs",
        "java" => "Validate.java",
        _ => "Validate.cs",
    }
}

/// Each example, run as `vendor`, accepts `vendor`'s license and refuses an unknown key and
/// another vendor's genuine license.
#[test]
fn examples_validate_real_licenses() -> TestResult {
    let app = TestApp::spawn(Backend::Sqlite)?;
    let vendor = app.register("a@example.com", "starter")?;
    let key = str_field(
        &app.generate(&vendor.api_key, &license_request())?,
        "license_key",
    )?;
    let other = app.register("other@example.com", "starter")?;
    let other_key = str_field(
        &app.generate(&other.api_key, &license_request())?,
        "license_key",
    )?;
    let dir = tempfile::tempdir()?;
    let mut n_run = 0;
    for language in ["python", "nodejs", "java", "csharp"] {
        let body = expect_status(app.get(&format!("/api/v1/sdk/{language}"))?, StatusCode::OK)?;
        let path = dir.path().join(file_name(language));
        std::fs::write(&path, str_field(&body, "example")?)?;
        let run = |license_key: &str| -> anyhow::Result<Option<std::process::Output>> {
            let Some(mut command) = runner(language, &path) else {
                return Ok(None);
            };
            let output = command
                .arg(license_key)
                .env("QUANTUMLOCK_URL", &app.base_url)
                .env("QUANTUMLOCK_VENDOR_ID", &vendor.id)
                .output()?;
            Ok(Some(output))
        };
        let Some(output) = run(&key)? else {
            continue;
        };
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{language}: {stdout} {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.contains("valid"), "{language}: {stdout}");

        let unknown = run("QCOS-AAAA-BBBB-CCCC-DDDD")?.context("runner vanished")?;
        assert_eq!(
            unknown.status.code(),
            Some(1),
            "{language} must report an unknown key"
        );
        let foreign = run(&other_key)?.context("runner vanished")?;
        let stdout = String::from_utf8_lossy(&foreign.stdout);
        assert_eq!(
            foreign.status.code(),
            Some(1),
            "{language} accepted another vendor's license: {stdout}"
        );
        assert!(stdout.contains("wrong_vendor"), "{language}: {stdout}");
        n_run += 1;
    }
    assert!(n_run >= 1, "no example toolchain found");
    Ok(())
}
