//! A vendor issues a license to one of its customers, within its monthly quota.

use std::time::Instant;

use serde_json::Value;
use tracing::info;

use crate::certificate::payload_for;
use crate::customer::Customer;
use crate::fingerprint::QuantumSignature;
use crate::license::{
    EndCustomerId, ExpiryDays, Features, License, LicenseKey, LicenseStatus, Metadata,
    content_digest,
};
use crate::ports::{EntropyError, InsertLicenseError, SignerError, StoreError};
use crate::service::Licensing;
use crate::time::{UsageMonth, expiry, truncate_to_second};
use crate::validation::InvalidInput;

/// Fresh keys collide with probability about n/31^16 each; a few retries make a failure
/// practically impossible without hiding a broken generator.
const MAX_KEY_ATTEMPTS: usize = 3;

/// What a vendor asks for, unchecked.
#[derive(Debug, Clone)]
pub struct GenerateLicense {
    pub end_customer_id: String,
    pub features: Vec<String>,
    pub expires_in_days: Option<i64>,
    pub metadata: Option<Value>,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateLicenseError {
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    #[error(
        "Monthly license limit reached ({limit}). Please upgrade your plan or wait for next month."
    )]
    QuotaExhausted { limit: u32 },
    #[error(transparent)]
    Entropy(#[from] EntropyError),
    #[error(transparent)]
    Signer(#[from] SignerError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A new license and the signed certificate that carries it offline.
#[derive(Debug, Clone)]
pub struct IssuedLicense {
    pub license: License,
    /// The `QLC1.` certificate text (see `docs/license-certificate.md`).
    pub certificate: String,
}

struct CheckedRequest {
    end_customer_id: EndCustomerId,
    features: Features,
    days: ExpiryDays,
    metadata: Metadata,
}

impl GenerateLicense {
    fn check(self) -> Result<CheckedRequest, InvalidInput> {
        Ok(CheckedRequest {
            end_customer_id: EndCustomerId::parse(&self.end_customer_id)?,
            features: Features::parse(self.features)?,
            days: ExpiryDays::parse(self.expires_in_days)?,
            metadata: self
                .metadata
                .map(Metadata::parse)
                .transpose()?
                .unwrap_or_default(),
        })
    }
}

impl Licensing {
    /// # Errors
    /// See [`GenerateLicenseError`]; a failed request stores nothing and consumes no quota.
    pub fn generate_license(
        &self,
        vendor: &Customer,
        request: GenerateLicense,
    ) -> Result<IssuedLicense, GenerateLicenseError> {
        let request = request.check()?;
        let limit = self.plans.limits(vendor.plan).monthly_licenses;
        let mut attempt = 1;
        loop {
            let started = Instant::now();
            let mut license = self.build_license(vendor, &request, started)?;
            // Signed before storing, so that a signing failure leaves nothing behind.
            let certificate = self.signer.certify(payload_for(&license))?;
            license.generation_time_us = elapsed_us(started);
            let month = UsageMonth::containing(license.issued_at);
            match self.licenses.insert_within_quota(&license, month, limit) {
                Ok(()) => {
                    info!(
                        customer.id = %vendor.id,
                        license.key = ?license.key,
                        duration_us = license.generation_time_us,
                        "license generated"
                    );
                    return Ok(IssuedLicense {
                        license,
                        certificate,
                    });
                }
                Err(InsertLicenseError::KeyTaken) if attempt < MAX_KEY_ATTEMPTS => attempt += 1,
                Err(InsertLicenseError::KeyTaken) => {
                    let error = "fresh license keys collided repeatedly";
                    return Err(StoreError::Failed(error.into()).into());
                }
                Err(InsertLicenseError::QuotaExhausted) => {
                    return Err(GenerateLicenseError::QuotaExhausted { limit });
                }
                Err(InsertLicenseError::Store(error)) => return Err(error.into()),
            }
        }
    }

    fn build_license(
        &self,
        vendor: &Customer,
        request: &CheckedRequest,
        started: Instant,
    ) -> Result<License, EntropyError> {
        let key = LicenseKey::generate(self.entropy.as_ref())?;
        let issued_at = truncate_to_second(self.clock.now());
        let expires_at = expiry(issued_at, request.days.get());
        let digest = content_digest(
            &key,
            &vendor.id,
            &request.end_customer_id,
            &request.features,
            &request.metadata,
            issued_at,
            expires_at,
        );
        let quantum = QuantumSignature::compute(&digest);
        Ok(License {
            key,
            customer_id: vendor.id.clone(),
            end_customer_id: request.end_customer_id.clone(),
            features: request.features.clone(),
            metadata: request.metadata.clone(),
            issued_at,
            expires_at,
            status: LicenseStatus::Active,
            quantum,
            generation_time_us: elapsed_us(started),
        })
    }
}

fn elapsed_us(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests;
