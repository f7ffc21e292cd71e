//! Anyone checks whether a license key is good right now.

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

impl Licensing {
    /// # Errors
    /// [`ValidateLicenseError::Invalid`] when the text is not shaped like a license key.
    pub fn validate_license(&self, presented: &str) -> Result<Validation, ValidateLicenseError> {
        let key = LicenseKey::parse(presented)?;
        let Some(license) = self.licenses.find_by_key(&key)? else {
            return Ok(Validation {
                verdict: Verdict::NotFound,
                license: None,
                quantum_verified: false,
                days_remaining: 0,
            });
        };

        let now = self.clock.now();
        let quantum_verified = license.quantum.matches(&license.content_digest());
        let verdict = match license.status {
            _ if !quantum_verified => Verdict::Tampered,
            LicenseStatus::Revoked => Verdict::Revoked,
            LicenseStatus::Suspended => Verdict::Suspended,
            LicenseStatus::Active if license.is_expired(now) => Verdict::Expired,
            LicenseStatus::Active => Verdict::Valid,
        };
        Ok(Validation {
            verdict,
            days_remaining: days_remaining(now, license.expires_at),
            license: Some(license),
            quantum_verified,
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;
    use crate::usecases::fixtures::{Fixture, generate_request};

    #[test]
    fn fresh_license_is_valid_until_its_last_second() {
        let fixture = Fixture::new();
        let vendor = fixture.vendor("a@b.co");
        let request = generate_request(Some(1));
        let license = fixture.licensing.generate_license(&vendor, request);
        let Ok(license) = license else {
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
        let Ok(license) = license else {
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
}
