//! Offline verification: both signatures, then the payload, then its validity period.

use chrono::{DateTime, TimeDelta, Utc};
use ml_dsa::MlDsa65;
use ml_dsa::signature::Verifier as _;

use crate::certificate::{Certificate, signing_message};
use crate::keys::{KeyStatus, PublicKeySet};
use crate::payload::LicensePayload;

/// How far a verifier's clock may lag the issuer's before a fresh certificate reads as not
/// yet valid.
pub const DEFAULT_LEEWAY_SECONDS: i64 = 300;

/// Why a certificate does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("malformed certificate: {0}")]
    Malformed(String),
    #[error("unknown key id {0}")]
    UnknownKeyId(String),
    #[error("key {0} is retired")]
    RetiredKey(String),
    #[error("the Ed25519 (classical) signature does not verify")]
    BadClassicalSignature,
    #[error("the ML-DSA-65 (post-quantum) signature does not verify")]
    BadPostQuantumSignature,
    #[error("the license expired at {0}")]
    Expired(String),
    #[error("the license is not valid before {0}")]
    NotYetValid(String),
    /// Genuine, but issued by another vendor (its `customer_id` is carried here).
    #[error("the license was issued by vendor {0}, not by the expected vendor")]
    WrongVendor(String),
}

impl VerifyError {
    /// A stable snake_case code for programs and for `validate`'s `reason`.
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::Malformed(_) => "malformed",
            VerifyError::UnknownKeyId(_) => "unknown_key_id",
            VerifyError::RetiredKey(_) => "retired_key",
            VerifyError::BadClassicalSignature => "bad_classical_signature",
            VerifyError::BadPostQuantumSignature => "bad_post_quantum_signature",
            VerifyError::Expired(_) => "expired",
            VerifyError::NotYetValid(_) => "not_yet_valid",
            VerifyError::WrongVendor(_) => "wrong_vendor",
        }
    }
}

/// Verifies certificates against a fixed set of public keys; no network, no storage.
#[derive(Debug, Clone)]
pub struct Verifier {
    keys: PublicKeySet,
    leeway: TimeDelta,
}

impl Verifier {
    pub fn new(keys: PublicKeySet) -> Self {
        Verifier {
            keys,
            leeway: TimeDelta::seconds(DEFAULT_LEEWAY_SECONDS),
        }
    }

    /// Tolerates a verifier clock up to `seconds` behind the issuer's.
    pub fn with_leeway(mut self, seconds: u32) -> Self {
        self.leeway = TimeDelta::seconds(i64::from(seconds));
        self
    }

    pub fn keys(&self) -> &PublicKeySet {
        &self.keys
    }

    /// Checks the certificate completely as of `now`, and that `vendor_id` (your own
    /// QuantumLock customer id, `cust_...`) issued it.
    ///
    /// Every vendor's certificates carry the same QuantumLock signatures, so the signatures
    /// alone only prove that *some* vendor issued the license; the vendor check is what keeps
    /// another vendor's licenses out of your software.
    ///
    /// # Errors
    /// The first reason the certificate does not hold, in the order: shape, key, Ed25519,
    /// ML-DSA-65, payload, vendor, validity period.
    pub fn verify(
        &self,
        text: &str,
        vendor_id: &str,
        now: DateTime<Utc>,
    ) -> Result<LicensePayload, VerifyError> {
        let payload = self.verify_signatures_any_vendor(text)?;
        // Not secret, so a plain comparison is fine.
        if payload.customer_id != vendor_id {
            return Err(VerifyError::WrongVendor(payload.customer_id));
        }
        let malformed = |error: crate::FormatError| VerifyError::Malformed(error.0);
        if now + self.leeway < payload.issued_at().map_err(malformed)? {
            return Err(VerifyError::NotYetValid(payload.issued_at));
        }
        if now >= payload.expires_at().map_err(malformed)? {
            return Err(VerifyError::Expired(payload.expires_at));
        }
        Ok(payload)
    }

    /// Checks shape, key and both signatures, then reads the payload; ignores time and
    /// **accepts every vendor's certificates**. Only for the QuantumLock server, which serves
    /// all vendors and takes the license's current state from its database; vendor software
    /// uses [`Verifier::verify`].
    ///
    /// # Errors
    /// As [`Verifier::verify`], without the validity-period reasons.
    pub fn verify_signatures_any_vendor(&self, text: &str) -> Result<LicensePayload, VerifyError> {
        let certificate =
            Certificate::parse(text).map_err(|error| VerifyError::Malformed(error.0))?;
        let key_id = &certificate.key_id;
        let generation = self
            .keys
            .generation(key_id)
            .ok_or_else(|| VerifyError::UnknownKeyId(key_id.clone()))?;
        if generation.status == KeyStatus::Retired {
            return Err(VerifyError::RetiredKey(key_id.clone()));
        }

        let message = signing_message(&certificate.payload);
        let ed25519 = ed25519_dalek::Signature::from_bytes(&certificate.ed25519_signature);
        generation
            .ed25519
            .verify_strict(&message, &ed25519)
            .map_err(|_| VerifyError::BadClassicalSignature)?;
        let ml_dsa = ml_dsa::Signature::<MlDsa65>::try_from(&certificate.ml_dsa_65_signature[..])
            .map_err(|_| VerifyError::BadPostQuantumSignature)?;
        generation
            .ml_dsa_65
            .verify(&message, &ml_dsa)
            .map_err(|_| VerifyError::BadPostQuantumSignature)?;

        // Only now, with both signatures good, is the payload read at all.
        let payload = LicensePayload::from_bytes(&certificate.payload)
            .map_err(|error| VerifyError::Malformed(error.0))?;
        if &payload.key_id != key_id {
            return Err(VerifyError::Malformed(
                "payload names a different key id than the certificate".to_owned(),
            ));
        }
        Ok(payload)
    }
}

#[cfg(test)]
mod tests;
