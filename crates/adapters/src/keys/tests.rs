use std::os::unix::fs::PermissionsExt as _;

use chrono::Utc;
use domain::LicenseSigner as _;
use sdk::{KeyStatus, LicensePayload, VerifyError};
use serde_json::Map;

use super::*;

fn payload() -> LicensePayload {
    LicensePayload {
        license_key: "QCOS-ABCD-EFGH-JKMN-PQRS".to_owned(),
        customer_id: "cust_abc".to_owned(),
        end_customer_id: "customer-1".to_owned(),
        features: vec!["premium".to_owned()],
        issued_at: "2025-12-14T10:35:00Z".to_owned(),
        expires_at: "2026-12-14T10:35:00Z".to_owned(),
        metadata: Map::new(),
        quantum_signature: "q1:0.9000".to_owned(),
        quantum_fidelity: 0.9,
        key_id: String::new(),
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).map_or(0, |m| m.permissions().mode() & 0o777)
}

#[test]
fn first_start_creates_owner_only_files_once() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let manifest = dir.path().join("keys").join(MANIFEST_FILE);
    initialize(&manifest, Utc::now())?;
    let first = Manifest::read(&manifest)?;
    initialize(&manifest, Utc::now())?;
    let second = Manifest::read(&manifest)?;
    assert_eq!(first.generations.len(), 1);
    assert_eq!(
        first.generations[0].public.key_id,
        second.generations[0].public.key_id
    );
    assert_eq!(mode(&dir.path().join("keys")), 0o700);
    let secret = manifest.with_file_name(&first.generations[0].secret_file);
    assert_eq!(mode(&secret), 0o600);
    assert_eq!(mode(&manifest), 0o600);
    let manifest_text = std::fs::read_to_string(&manifest)?;
    let secret_text = std::fs::read_to_string(&secret)?;
    let seed = secret_text.split('"').nth(7).unwrap_or("missing");
    assert!(!manifest_text.contains(seed), "manifest leaks a seed");
    Ok(())
}

#[test]
fn rotation_keeps_old_certificates_until_retired() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let manifest = dir.path().join(MANIFEST_FILE);
    initialize(&manifest, Utc::now())?;
    let store = FileKeyStore::open(&manifest)?;
    let old_certificate = store.certify(payload())?;

    let new_key = rotate(&manifest, Utc::now())?;
    let store = FileKeyStore::open(&manifest)?;
    let new_certificate = store.certify(payload())?;
    assert!(new_certificate.starts_with(&format!("QLC1.{new_key}.")));
    assert!(store.verify(&old_certificate).is_ok());
    let statuses: Vec<KeyStatus> = store.public_keys()?.keys.iter().map(|k| k.status).collect();
    assert_eq!(statuses, [KeyStatus::Rotated, KeyStatus::Active]);

    let old_key = Manifest::read(&manifest)?.generations[0]
        .public
        .key_id
        .clone();
    assert!(
        retire(&manifest, &new_key).is_err(),
        "retired the active key"
    );
    retire(&manifest, &old_key)?;
    let store = FileKeyStore::open(&manifest)?;
    assert_eq!(
        store.verify(&old_certificate),
        Err(VerifyError::RetiredKey(old_key))
    );
    assert!(store.verify(&new_certificate).is_ok());
    Ok(())
}

#[test]
fn a_running_store_picks_up_a_rotation() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let manifest = dir.path().join(MANIFEST_FILE);
    initialize(&manifest, Utc::now())?;
    let store = FileKeyStore::open(&manifest)?;
    let new_key = rotate(&manifest, Utc::now())?;
    std::thread::sleep(RELOAD_INTERVAL + Duration::from_millis(100));
    let certificate = store.certify(payload())?;
    assert!(certificate.starts_with(&format!("QLC1.{new_key}.")));
    Ok(())
}

#[test]
fn secrets_readable_by_others_are_refused() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let manifest = dir.path().join(MANIFEST_FILE);
    initialize(&manifest, Utc::now())?;
    let record = Manifest::read(&manifest)?.generations[0].clone();
    let secret = manifest.with_file_name(&record.secret_file);
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644))?;
    let error = FileKeyStore::open(&manifest)
        .err()
        .map(|e| format!("{e:#}"));
    assert!(error.is_some_and(|e| e.contains("chmod 600")));
    Ok(())
}

#[test]
fn simultaneous_first_starts_create_one_generation() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let manifest = dir.path().join("keys").join(MANIFEST_FILE);
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let manifest = manifest.clone();
            std::thread::spawn(move || initialize(&manifest, Utc::now()).is_ok())
        })
        .collect();
    for start in starts {
        assert_eq!(start.join().ok(), Some(true));
    }
    assert_eq!(Manifest::read(&manifest)?.generations.len(), 1);
    let n_secrets = std::fs::read_dir(dir.path().join("keys"))?
        .filter_map(Result::ok)
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .ends_with(".secret.json")
        })
        .count();
    assert_eq!(n_secrets, 1);
    Ok(())
}
