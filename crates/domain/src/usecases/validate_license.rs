//! Anyone checks whether a license key, or a license certificate, is good right now.

use sdk::VerifyError;

use crate::certificate::describes;
use crate::license::{License, LicenseKey, LicenseStatus};
use crate::ports::StoreError;
use crate::service::Licensing;
use crate::time::days_remaining;
use crate::validation::InvalidInput;

/// Why a license does not hold, or that it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    NotFound,
    Expired,
    Suspended,
    Revoked,
    /// The stored content no longer reproduces its quantum fingerprint.
    Tampered,
    /// A certificate whose key generation we never had.
    UnknownKey,
    /// A certificate signed by a retired key generation.
    RetiredKey,
    /// A certificate whose Ed25519 signature does not verify.
    BadClassicalSignature,
    /// A certificate whose ML-DSA-65 signature does not verify.
    BadPostQuantumSignature,
    /// A correctly signed certificate that does not describe the stored license.
    CertificateMismatch,
    /// A certificate whose license starts later (offline verifiers only; the server judges
    /// time from its own records).
    NotYetValid,
}

impl Verdict {
    /// The machine-readable reason given to clients.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::NotFound => "not_found",
            Verdict::Expired => "expired",
            Verdict::Suspended => "suspended",
            Verdict::Revoked => "revoked",
            Verdict::Tampered => "fingerprint_mismatch",
            Verdict::UnknownKey => "unknown_key_id",
            Verdict::RetiredKey => "retired_key",
            Verdict::BadClassicalSignature => "bad_classical_signature",
            Verdict::BadPostQuantumSignature => "bad_post_quantum_signature",
            Verdict::CertificateMismatch => "certificate_mismatch",
            Verdict::NotYetValid => "not_yet_valid",
        }
    }
}

/// The answer to a validation.
#[derive(Debug, Clone)]
pub struct Validation {
    pub verdict: Verdict,
    /// Present whenever the key exists.
    pub license: Option<License>,
    /// Whether the stored fingerprint was recomputed and matched.
    pub quantum_verified: bool,
    pub days_remaining: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum ValidateLicenseError {
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Validation {
    fn refused(verdict: Verdict) -> Self {
        Validation {
            verdict,
            license: None,
            quantum_verified: false,
            days_remaining: 0,
        }
    }
}

impl Licensing {
    /// # Errors
    /// [`ValidateLicenseError::Invalid`] when the text is not shaped like a license key.
    pub fn validate_license(&self, presented: &str) -> Result<Validation, ValidateLicenseError> {
        let key = LicenseKey::parse(presented)?;
        match self.licenses.find_by_key(&key)? {
            Some(license) => Ok(self.judge(license)),
            None => Ok(Validation::refused(Verdict::NotFound)),
        }
    }

    /// Checks the certificate's key generation and both signatures, then judges the stored
    /// license it names, which must match the certificate field for field.
    ///
    /// # Errors
    /// [`ValidateLicenseError::Invalid`] when the text is not shaped like a certificate.
    pub fn validate_certificate(
        &self,
        certificate: &str,
    ) -> Result<Validation, ValidateLicenseError> {
        let payload = match self.signer.verify(certificate) {
            Ok(payload) => payload,
            Err(error) => return Ok(Validation::refused(refusal(error)?)),
        };
        let key = LicenseKey::parse(&payload.license_key)?;
        match self.licenses.find_by_key(&key)? {
            Some(license) if describes(&payload, &license) => Ok(self.judge(license)),
            Some(_) => Ok(Validation::refused(Verdict::CertificateMismatch)),
            None => Ok(Validation::refused(Verdict::NotFound)),
        }
    }

    fn judge(&self, license: License) -> Validation {
        let now = self.clock.now();
        let quantum_verified = license.quantum.matches(&license.content_digest());
        let verdict = match license.status {
            _ if !quantum_verified => Verdict::Tampered,
            LicenseStatus::Revoked => Verdict::Revoked,
            LicenseStatus::Suspended => Verdict::Suspended,
            LicenseStatus::Active if license.is_expired(now) => Verdict::Expired,
            LicenseStatus::Active => Verdict::Valid,
        };
        Validation {
            verdict,
            days_remaining: days_remaining(now, license.expires_at),
            license: Some(license),
            quantum_verified,
        }
    }
}

/// The verdict on a certificate that does not verify; one that cannot even be read is bad
/// input instead.
fn refusal(error: VerifyError) -> Result<Verdict, InvalidInput> {
    Ok(match error {
        VerifyError::Malformed(reason) => {
            let message = format!("is not a valid QuantumLock certificate: {reason}");
            return Err(InvalidInput::new("license_certificate", message));
        }
        VerifyError::UnknownKeyId(_) => Verdict::UnknownKey,
        VerifyError::RetiredKey(_) => Verdict::RetiredKey,
        VerifyError::BadClassicalSignature => Verdict::BadClassicalSignature,
        VerifyError::BadPostQuantumSignature => Verdict::BadPostQuantumSignature,
        VerifyError::Expired(_) => Verdict::Expired,
        VerifyError::NotYetValid(_) => Verdict::NotYetValid,
        // The server verifies for every vendor, so this never arises here.
        VerifyError::WrongVendor(_) => {
            let message = "names another vendor than the one expected".to_owned();
            return Err(InvalidInput::new("license_certificate", message));
        }
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;
    use crate::usecases::fixtures::{Fixture, generate_request};
    use crate::usecases::generate_license::IssuedLicense;

    #[test]
    fn fresh_license_is_valid_until_its_last_second() {
        let fixture = Fixture::new();
        let vendor = fixture.vendor("a@b.co");
        let request = generate_request(Some(1));
        let license = fixture.licensing.generate_license(&vendor, request);
        let Ok(IssuedLicense { license, .. }) = license else {
            panic!("{license:?}")
        };
        let key = license.key.as_str().to_lowercase();

        let check = |fixture: &Fixture| fixture.licensing.validate_license(&key).ok();
        let fresh = check(&fixture);
        assert_eq!(fresh.as_ref().map(|v| v.verdict), Some(Verdict::Valid));
        assert_eq!(fresh.as_ref().map(|v| v.days_remaining), Some(1));
        assert_eq!(fresh.map(|v| v.quantum_verified), Some(true));

        fixture
            .clock
            .advance(TimeDelta::days(1) - TimeDelta::seconds(1));
        assert_eq!(check(&fixture).map(|v| v.verdict), Some(Verdict::Valid));
        fixture.clock.advance(TimeDelta::seconds(1));
        let expired = check(&fixture);
        assert_eq!(expired.as_ref().map(|v| v.verdict), Some(Verdict::Expired));
        assert_eq!(expired.map(|v| v.days_remaining), Some(0));
    }

    #[test]
    fn unknown_and_malformed_keys() {
        let fixture = Fixture::new();
        let unknown = fixture
            .licensing
            .validate_license("QCOS-AAAA-BBBB-CCCC-DDDD");
        assert_eq!(unknown.ok().map(|v| v.verdict), Some(Verdict::NotFound));
        let malformed = fixture.licensing.validate_license("not a key");
        assert!(matches!(malformed, Err(ValidateLicenseError::Invalid(_))));
    }

    #[test]
    fn tampered_content_fails_the_fingerprint() {
        let fixture = Fixture::new();
        let vendor = fixture.vendor("a@b.co");
        let license = fixture
            .licensing
            .generate_license(&vendor, generate_request(None));
        let Ok(IssuedLicense { license, .. }) = license else {
            panic!("{license:?}")
        };
        fixture.store.tamper(&license.key, |stored| {
            stored.features = crate::Features::from_stored(vec!["everything".to_owned()]);
        });
        let verdict = fixture.licensing.validate_license(license.key.as_str());
        let verdict = verdict.ok();
        assert_eq!(verdict.as_ref().map(|v| v.verdict), Some(Verdict::Tampered));
        assert_eq!(verdict.map(|v| v.quantum_verified), Some(false));
    }

    #[test]
    fn certificates_validate_against_the_stored_license() {
        let fixture = Fixture::new();
        let vendor = fixture.vendor("a@b.co");
        let issued = fixture
            .licensing
            .generate_license(&vendor, generate_request(None));
        let Ok(IssuedLicense {
            license,
            certificate,
        }) = issued
        else {
            panic!("{issued:?}")
        };
        let check = |text: &str| fixture.licensing.validate_certificate(text);
        let good = check(&certificate);
        assert_eq!(good.as_ref().ok().map(|v| v.verdict), Some(Verdict::Valid));

        fixture.store.tamper(&license.key, |stored| {
            stored.status = LicenseStatus::Revoked;
        });
        let revoked = check(&certificate).ok().map(|v| v.verdict);
        assert_eq!(revoked, Some(Verdict::Revoked));

        fixture.store.tamper(&license.key, |stored| {
            stored.status = LicenseStatus::Active;
            stored.end_customer_id = crate::EndCustomerId::from_stored("someone-else".into());
        });
        let mismatch = check(&certificate).ok().map(|v| v.verdict);
        assert_eq!(mismatch, Some(Verdict::CertificateMismatch));
    }

    #[test]
    fn forged_and_malformed_certificates() {
        let fixture = Fixture::new();
        let vendor = fixture.vendor("a@b.co");
        let issued = fixture
            .licensing
            .generate_license(&vendor, generate_request(None));
        let Ok(IssuedLicense { certificate, .. }) = issued else {
            panic!("{issued:?}")
        };
        let malformed = fixture.licensing.validate_certificate("QLC1.nonsense");
        assert!(matches!(malformed, Err(ValidateLicenseError::Invalid(_))));

        // Swap the last signature character for another valid one.
        let mut forged = certificate.clone();
        let last = forged.pop();
        forged.push(if last == Some('A') { 'Q' } else { 'A' });
        let verdict = fixture.licensing.validate_certificate(&forged);
        let verdict = verdict.ok().map(|v| v.verdict);
        assert!(
            matches!(
                verdict,
                Some(Verdict::BadPostQuantumSignature | Verdict::BadClassicalSignature)
            ),
            "{verdict:?}"
        );
    }
}
