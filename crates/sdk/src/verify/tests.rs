use chrono::{DateTime, Utc};
use proptest::prelude::*;

use super::*;
use crate::issue::SigningKeys;
use crate::keys::{KeysDocument, PublicKeySet};
use crate::payload::tests::sample;

fn keys(seed: u8) -> SigningKeys {
    SigningKeys::from_seeds(&[seed; 32], &[seed.wrapping_add(100); 32])
}

fn key_set(entries: &[(&SigningKeys, KeyStatus)]) -> PublicKeySet {
    let keys = entries
        .iter()
        .map(|(keys, status)| keys.public_entry(*status, "2025-12-01T00:00:00Z".to_owned()))
        .collect();
    match PublicKeySet::from_document(KeysDocument { keys }) {
        Ok(set) => set,
        Err(error) => panic!("{error}"),
    }
}

fn at(text: &str) -> DateTime<Utc> {
    crate::canonical_timestamp("test", text).unwrap_or_else(|error| panic!("{error}"))
}

fn issue(keys: &SigningKeys) -> String {
    keys.certify(sample())
        .unwrap_or_else(|error| panic!("{error}"))
}

/// The vendor of [`sample`].
const VENDOR: &str = "cust_abc123";

fn now() -> DateTime<Utc> {
    at("2026-01-01T00:00:00Z")
}

#[test]
fn issued_certificates_verify_with_non_ascii_metadata() {
    let active = keys(1);
    let verifier = Verifier::new(key_set(&[(&active, KeyStatus::Active)]));
    let license = verifier.verify(&issue(&active), VENDOR, now());
    let Ok(license) = license else {
        panic!("{license:?}")
    };
    assert_eq!(license.metadata["company"], "Café Δ 株式会社");
    assert_eq!(license.key_id, active.key_id());
    assert_eq!(license.license_key, sample().license_key);
}

#[test]
fn rotated_keys_verify_and_unknown_or_retired_do_not() {
    let (old, new, stranger) = (keys(1), keys(2), keys(3));
    let certificate = issue(&old);
    let rotated = Verifier::new(key_set(&[
        (&old, KeyStatus::Rotated),
        (&new, KeyStatus::Active),
    ]));
    assert!(rotated.verify(&certificate, VENDOR, now()).is_ok());

    let retired = Verifier::new(key_set(&[
        (&old, KeyStatus::Retired),
        (&new, KeyStatus::Active),
    ]));
    let error = retired.verify(&certificate, VENDOR, now());
    assert_eq!(error, Err(VerifyError::RetiredKey(old.key_id().to_owned())));

    let unknown = Verifier::new(key_set(&[(&stranger, KeyStatus::Active)]));
    let error = unknown.verify(&certificate, VENDOR, now());
    assert_eq!(
        error,
        Err(VerifyError::UnknownKeyId(old.key_id().to_owned()))
    );
}

/// Replaces one signature with one over the same bytes by other keys: each half must hold
/// on its own.
#[test]
fn one_good_signature_is_not_enough() {
    let (ours, theirs) = (keys(1), keys(2));
    let verifier = Verifier::new(key_set(&[(&ours, KeyStatus::Active)]));
    let genuine = Certificate::parse(&issue(&ours)).unwrap_or_else(|error| panic!("{error}"));
    let (their_ed25519, their_ml_dsa) = theirs.sign_bytes(&genuine.payload);

    let bad_post_quantum = Certificate {
        ml_dsa_65_signature: their_ml_dsa,
        ..genuine.clone()
    };
    let result = verifier.verify(&bad_post_quantum.encode(), VENDOR, now());
    assert_eq!(result, Err(VerifyError::BadPostQuantumSignature));

    let bad_classical = Certificate {
        ed25519_signature: their_ed25519,
        ..genuine
    };
    let result = verifier.verify(&bad_classical.encode(), VENDOR, now());
    assert_eq!(result, Err(VerifyError::BadClassicalSignature));
}

#[test]
fn validity_period_is_enforced() {
    let active = keys(1);
    let verifier = Verifier::new(key_set(&[(&active, KeyStatus::Active)]));
    let certificate = issue(&active);
    let early = verifier.verify(&certificate, VENDOR, at("2025-12-14T10:29:59Z"));
    assert_eq!(
        early,
        Err(VerifyError::NotYetValid("2025-12-14T10:35:00Z".into()))
    );
    assert!(
        verifier
            .verify(&certificate, VENDOR, at("2025-12-14T10:30:00Z"))
            .is_ok()
    );
    assert!(
        verifier
            .verify(&certificate, VENDOR, at("2026-12-14T10:34:59Z"))
            .is_ok()
    );
    let late = verifier.verify(&certificate, VENDOR, at("2026-12-14T10:35:00Z"));
    assert_eq!(
        late,
        Err(VerifyError::Expired("2026-12-14T10:35:00Z".into()))
    );
}

#[test]
fn another_vendors_certificate_is_refused() {
    let active = keys(1);
    let verifier = Verifier::new(key_set(&[(&active, KeyStatus::Active)]));
    let certificate = issue(&active);
    let result = verifier.verify(&certificate, "cust_other", now());
    assert_eq!(result, Err(VerifyError::WrongVendor(VENDOR.to_owned())));
    assert_eq!(result.map_err(|e| e.code()), Err("wrong_vendor"));
    let prefix = verifier.verify(&certificate, "cust_abc12", now());
    assert!(
        prefix.is_err(),
        "a prefix of the vendor id is another vendor"
    );
    assert!(verifier.verify_signatures_any_vendor(&certificate).is_ok());
}

#[test]
fn weak_and_mismatched_keys_are_refused_at_load() {
    let active = keys(1);
    let mut entry = active.public_entry(KeyStatus::Active, "2025-12-01T00:00:00Z".into());
    // The identity point: of small order, it would accept forged signatures.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    entry.ed25519_public_key = crate::encode_base64url(&identity);
    let error = PublicKeySet::from_document(KeysDocument { keys: vec![entry] });
    assert!(error.is_err_and(|e| e.0.contains("weak")));

    let mut swapped = active.public_entry(KeyStatus::Active, "2025-12-01T00:00:00Z".into());
    swapped.ed25519_public_key = keys(2)
        .public_entry(KeyStatus::Active, String::new())
        .ed25519_public_key;
    let error = PublicKeySet::from_document(KeysDocument {
        keys: vec![swapped],
    });
    assert!(error.is_err_and(|e| e.0.contains("does not match")));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Flipping any one bit of the payload or of either signature makes verification fail.
    #[test]
    fn any_flipped_bit_is_refused(part in 0usize..3, position in any::<prop::sample::Index>(),
                                  bit in 0u8..8) {
        let active = keys(1);
        let verifier = Verifier::new(key_set(&[(&active, KeyStatus::Active)]));
        let mut certificate = Certificate::parse(&issue(&active))
            .unwrap_or_else(|error| panic!("{error}"));
        let flip = |bytes: &mut [u8]| {
            let idx = position.index(bytes.len());
            if let Some(byte) = bytes.get_mut(idx) {
                *byte ^= 1 << bit;
            }
        };
        match part {
            0 => flip(&mut certificate.payload),
            1 => flip(&mut certificate.ed25519_signature),
            _ => flip(&mut certificate.ml_dsa_65_signature),
        }
        let result = verifier.verify(&certificate.encode(), VENDOR, now());
        prop_assert!(result.is_err(), "part {part} accepted after a flip");
        let expected = match part {
            0 | 1 => VerifyError::BadClassicalSignature,
            _ => VerifyError::BadPostQuantumSignature,
        };
        prop_assert_eq!(result, Err(expected));
    }

    /// Any text in metadata and the customer id, non-ASCII included, survives issue and
    /// verification byte for byte.
    #[test]
    fn any_text_round_trips(customer in "\\PC{1,40}", key in "\\PC{1,20}", value in "\\PC{0,80}") {
        let active = keys(1);
        let verifier = Verifier::new(key_set(&[(&active, KeyStatus::Active)]));
        let mut payload = sample();
        payload.end_customer_id = customer;
        payload.metadata.insert(key, serde_json::Value::String(value));
        let certificate = active.certify(payload.clone())
            .unwrap_or_else(|error| panic!("{error}"));
        payload.key_id = active.key_id().to_owned();
        prop_assert_eq!(verifier.verify(&certificate, VENDOR, now()), Ok(payload));
    }
}
