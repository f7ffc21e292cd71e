//! Signed license certificates: issued by `generate`, verified offline with `GET /api/v1/keys`
//! (library and `quantumlock verify`), validated by `validate`, and rotated by `quantumlock
//! keys` while the server runs.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context as _, bail};
use reqwest::StatusCode;
use sdk::{KeyStatus, PublicKeySet, Verifier, VerifyError};
use serde_json::{Value, json};

use crate::harness::{
    Backend, TestApp, TestDatabase, TestResult, expect_error, expect_status, str_field,
};

crate::on_both_backends!(
    every_issued_certificate_verifies_offline,
    validate_accepts_certificates_and_refuses_forgeries
);

/// Longer than the key store's reload interval.
const RELOAD_WAIT: Duration = Duration::from_millis(1_300);

fn request(metadata: Value) -> Value {
    json!({
        "end_customer_id": "customer-株式会社",
        "features": ["premium", "api_access"],
        "expires_in_days": 30,
        "metadata": metadata,
    })
}

fn issue(app: &TestApp, api_key: &str, metadata: Value) -> anyhow::Result<(Value, String)> {
    let body = app.generate(api_key, &request(metadata))?;
    let certificate = str_field(&body, "license_certificate")?;
    Ok((body, certificate))
}

fn keys(app: &TestApp) -> anyhow::Result<(String, PublicKeySet)> {
    let response = app.get("/api/v1/keys")?;
    let cache = response
        .headers()
        .get("cache-control")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    assert_eq!(cache.as_deref(), Some("public, max-age=300"));
    let text = response.text()?;
    let set = PublicKeySet::from_json(&text)?;
    Ok((text, set))
}

fn validate_certificate(app: &TestApp, certificate: &str) -> anyhow::Result<Value> {
    let body = json!({ "license_certificate": certificate });
    expect_status(
        app.post_json("/api/v1/licenses/validate", &body)?,
        StatusCode::OK,
    )
}

fn every_issued_certificate_verifies_offline(backend: Backend) -> TestResult {
    let app = TestApp::spawn(backend)?;
    let vendor = app.register("certs@example.com", "professional")?;
    let metadata = [
        json!({"company": "Café Δ 株式会社"}),
        json!({"company": "Acme Corp", "max_users": 100, "ratio": 0.25}),
        json!({}),
    ];
    let issued: Vec<(Value, String)> = metadata
        .iter()
        .map(|m| issue(&app, &vendor.api_key, m.clone()))
        .collect::<anyhow::Result<_>>()?;
    let (keys_json, key_set) = keys(&app)?;
    let verifier = Verifier::new(key_set);

    let dir = tempfile::tempdir()?;
    let keys_file = dir.path().join("keys.json");
    std::fs::write(&keys_file, &keys_json)?;
    for ((body, certificate), metadata) in issued.iter().zip(&metadata) {
        let license = verifier.verify(certificate, &vendor.id, chrono::Utc::now())?;
        assert_eq!(license.license_key, str_field(body, "license_key")?);
        assert_eq!(license.customer_id, vendor.id);
        assert_eq!(Value::Object(license.metadata.clone()), *metadata);
        assert_eq!(
            license.quantum_signature,
            str_field(body, "quantum_signature")?
        );
        assert_eq!(json!(license.quantum_fidelity), body["quantum_fidelity"]);

        let printed = cli_verify(&keys_file, &vendor.id, certificate)?;
        assert_eq!(printed, serde_json::to_value(&license)?);
    }
    Ok(())
}

/// Runs `quantumlock verify` as `vendor` and returns the license it prints.
fn cli_verify(keys_file: &Path, vendor: &str, certificate: &str) -> anyhow::Result<Value> {
    let output = cli_verify_output(keys_file, &["--vendor", vendor, certificate])?;
    if !output.status.success() {
        bail!(
            "quantumlock verify failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(serde_json::from_slice(&output.stdout)?)
}

fn cli_verify_output(keys_file: &Path, args: &[&str]) -> anyhow::Result<std::process::Output> {
    Ok(Command::new(env!("CARGO_BIN_EXE_quantumlock"))
        .arg("verify")
        .arg("--keys")
        .arg(keys_file)
        .args(args)
        .output()?)
}

/// A free-signup vendor's genuine certificate must not pass as another vendor's license,
/// in the library and in the CLI; the CLI tells refusal (1) from bad input (2).
#[test]
fn another_vendors_certificate_is_refused_offline() -> TestResult {
    let app = TestApp::spawn(Backend::Sqlite)?;
    let victim = app.register("victim@example.com", "starter")?;
    let attacker = app.register("attacker@example.com", "starter")?;
    let (_, forged) = issue(&app, &attacker.api_key, json!({"plan": "enterprise"}))?;
    let (keys_json, key_set) = keys(&app)?;
    let verdict = Verifier::new(key_set).verify(&forged, &victim.id, chrono::Utc::now());
    assert_eq!(verdict, Err(VerifyError::WrongVendor(attacker.id.clone())));

    let dir = tempfile::tempdir()?;
    let keys_file = dir.path().join("keys.json");
    std::fs::write(&keys_file, &keys_json)?;
    let refused = cli_verify_output(&keys_file, &["--vendor", &victim.id, &forged])?;
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("certificate refused (wrong_vendor)"),
        "{stderr}"
    );
    assert!(refused.stdout.is_empty());

    let anyone = cli_verify_output(&keys_file, &["--any-vendor", &forged])?;
    assert_eq!(anyone.status.code(), Some(0));
    let no_vendor = cli_verify_output(&keys_file, &[&forged])?;
    assert_eq!(no_vendor.status.code(), Some(2), "--vendor is required");

    let missing = dir.path().join("missing.qlc");
    let missing = missing.to_string_lossy();
    let unreadable = cli_verify_output(&keys_file, &["--vendor", &victim.id, &missing])?;
    let stderr = String::from_utf8_lossy(&unreadable.stderr);
    assert_eq!(unreadable.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot read CERT"), "{stderr}");
    Ok(())
}

fn validate_accepts_certificates_and_refuses_forgeries(backend: Backend) -> TestResult {
    let app = TestApp::spawn(backend)?;
    let vendor = app.register("validate@example.com", "starter")?;
    let (body, certificate) = issue(&app, &vendor.api_key, json!({"company": "Café Δ"}))?;

    let by_certificate = validate_certificate(&app, &certificate)?;
    let by_key = app.validate(&str_field(&body, "license_key")?)?;
    assert_eq!(by_certificate, by_key);
    assert_eq!(by_certificate["valid"], true);

    // The last character of the ML-DSA signature, then a payload character, changed.
    let mut forged = certificate.clone();
    let last = forged.pop().context("empty certificate")?;
    forged.push(if last == 'A' { 'Q' } else { 'A' });
    let refused = validate_certificate(&app, &forged)?;
    assert_eq!(refused["valid"], false);
    assert_eq!(refused["reason"], "bad_post_quantum_signature");
    let payload_start = certificate.find(".ey").context("no payload")? + 6;
    let mut chars: Vec<char> = certificate.chars().collect();
    chars[payload_start] = if chars[payload_start] == 'A' {
        'B'
    } else {
        'A'
    };
    let refused = validate_certificate(&app, &chars.into_iter().collect::<String>())?;
    assert_eq!(refused["reason"], "bad_classical_signature", "{refused}");

    // Shaped like a certificate, but the signature is far too short: an answer, not a 400.
    let (head, _) = certificate.rsplit_once('.').context("no signature")?;
    let refused = validate_certificate(&app, &format!("{head}.AAAA"))?;
    assert_eq!(refused["reason"], "malformed", "{refused}");

    let bad_requests = [
        json!({}),
        json!({
            "license_key": str_field(&body, "license_key")?,
            "license_certificate": certificate,
        }),
        json!({"license_certificate": "QLC1.not-a-certificate"}),
        json!({"license_certificate": format!("{certificate}=")}),
    ];
    for bad in bad_requests {
        let response = app.post_json("/api/v1/licenses/validate", &bad)?;
        let detail = expect_error(response, StatusCode::BAD_REQUEST)?;
        assert!(detail.contains("license_"), "{detail}");
    }
    Ok(())
}

/// Rotation and retirement by the CLI while the server runs, on a data directory of the
/// test's own; also checks the directory's permissions and that no secret leaks.
#[test]
fn rotation_and_retirement_reach_a_running_server() -> TestResult {
    let data = tempfile::tempdir()?;
    let data_dir = data.path().join("data");
    let data_dir_text = data_dir.to_string_lossy().into_owned();
    let database = TestDatabase::create(Backend::Sqlite)?;
    let env = [("QUANTUMLOCK_DATA_DIR", data_dir_text.as_str())];
    let app = TestApp::spawn_on(database, &env)?;
    let vendor = app.register("rotate@example.com", "starter")?;
    let (_, old) = issue(&app, &vendor.api_key, json!({"n": 1}))?;
    let old_key_id = old.split('.').nth(1).context("no key id")?.to_owned();

    let new_key_id = keys_cli(&data_dir_text, &["rotate"])?.trim().to_owned();
    std::thread::sleep(RELOAD_WAIT);
    let (_, new) = issue(&app, &vendor.api_key, json!({"n": 2}))?;
    assert!(new.starts_with(&format!("QLC1.{new_key_id}.")), "{new:.40}");
    let (_, rotated) = keys(&app)?;
    let statuses: Vec<KeyStatus> = rotated.document().keys.iter().map(|k| k.status).collect();
    assert_eq!(statuses, [KeyStatus::Rotated, KeyStatus::Active]);
    let verifier = Verifier::new(rotated);
    assert!(
        verifier
            .verify(&old, &vendor.id, chrono::Utc::now())
            .is_ok()
    );
    assert_eq!(validate_certificate(&app, &old)?["valid"], true);

    keys_cli(&data_dir_text, &["retire", &old_key_id])?;
    std::thread::sleep(RELOAD_WAIT);
    let refused = validate_certificate(&app, &old)?;
    assert_eq!(refused["reason"], "retired_key");
    let (_, retired) = keys(&app)?;
    let verdict = Verifier::new(retired).verify(&old, &vendor.id, chrono::Utc::now());
    assert_eq!(verdict, Err(VerifyError::RetiredKey(old_key_id)));
    assert_eq!(validate_certificate(&app, &new)?["valid"], true);
    let payload = new.split('.').nth(2).context("no payload")?;
    assert!(
        !app.log().contains(payload),
        "a certificate reached the log"
    );

    check_key_files(&data_dir.join("keys"), &app)
}

/// Runs `quantumlock keys ACTION... --data-dir DIR`: the flag after the action, as operators
/// type it, works as well as before it.
fn keys_cli(data_dir: &str, args: &[&str]) -> anyhow::Result<String> {
    let output = Command::new(env!("CARGO_BIN_EXE_quantumlock"))
        .arg("keys")
        .args(args)
        .args(["--data-dir", data_dir])
        .output()?;
    if !output.status.success() {
        bail!(
            "quantumlock keys failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8(output.stdout)?)
}

/// Owner-only modes, and no secret seed in the log or the public key listing.
fn check_key_files(dir: &Path, app: &TestApp) -> TestResult {
    use std::os::unix::fs::PermissionsExt as _;

    let mode = |path: &Path| std::fs::metadata(path).map(|m| m.permissions().mode() & 0o777);
    assert_eq!(mode(dir)?, 0o700);
    let listing = app.get("/api/v1/keys")?.text()?;
    let log = app.log();
    let mut n_secrets = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if !path.to_string_lossy().ends_with(".secret.json") {
            continue;
        }
        n_secrets += 1;
        assert_eq!(mode(&path)?, 0o600);
        let secret: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        for field in ["ed25519_seed", "ml_dsa_65_seed"] {
            let seed = str_field(&secret, field)?;
            assert!(
                !log.contains(&seed) && !listing.contains(&seed),
                "{field} leaked"
            );
        }
    }
    // The retired generation's secret is deleted; only the active one remains.
    assert_eq!(n_secrets, 1);
    Ok(())
}

/// A key manifest named in configuration must exist: nothing is generated in its place.
#[test]
fn a_missing_configured_key_manifest_stops_the_server() -> TestResult {
    let dir = tempfile::tempdir()?;
    let missing = dir.path().join("nowhere").join("manifest.json");
    let output = Command::new(env!("CARGO_BIN_EXE_quantumlock"))
        .args(["serve", "--bind", "127.0.0.1:0", "--database-url"])
        .arg(dir.path().join("q.db"))
        .arg("--signing-keys")
        .arg(&missing)
        .env_remove("QUANTUMLOCK_DATA_DIR")
        .output()?;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot read key manifest"), "{stderr}");
    assert!(!missing.exists() && !dir.path().join("nowhere").exists());
    Ok(())
}
