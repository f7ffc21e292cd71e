//! Tests of the license fingerprint and the start-up self-check.

use quantum::{FINGERPRINT_VERSION, license_fingerprint, self_check};

#[test]
fn self_check_passes() {
    assert_eq!(self_check(), Ok(()));
}

#[test]
fn fingerprint_is_deterministic_and_in_range() {
    let digest: [u8; 32] = std::array::from_fn(|i| (i * 37 + 11) as u8);
    let a = license_fingerprint(&digest);
    let b = license_fingerprint(&digest);
    assert_eq!(a, b);
    assert_eq!(FINGERPRINT_VERSION, 1);
    assert_eq!(a.qubit_values.len(), 5);
    for v in &a.qubit_values {
        assert!((0.0..=1.0).contains(v), "{v}");
    }
    assert!((0.0..=1.0).contains(&a.fidelity));
}
