//! The ports: what the use cases need from the outside world, implemented by adapters.

use chrono::{DateTime, Utc};
use sdk::{KeysDocument, LicensePayload, VerifyError};

use crate::customer::{ApiKeyDigest, Customer, CustomerId};
use crate::license::{License, LicenseKey};
use crate::time::UsageMonth;

/// The current time.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

/// A cryptographically secure source of random bytes.
pub trait Entropy: Send + Sync + 'static {
    /// Fills `buffer` with random bytes.
    ///
    /// # Errors
    /// [`EntropyError`] when the operating system's generator is unavailable.
    fn fill(&self, buffer: &mut [u8]) -> Result<(), EntropyError>;
}

/// The random generator could not deliver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the secure random generator failed")]
pub struct EntropyError;

/// Storage failed; the use case cannot tell the client anything more specific.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached now; retrying later may succeed.
    #[error("the database is unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Anything else: a bug or corruption; someone must look at the log.
    #[error("the database failed")]
    Failed(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Signs license certificates and checks them, with key generations that rotate.
pub trait LicenseSigner: Send + Sync + 'static {
    /// Signs `payload` with the active generation (setting its `key_id`) and returns the
    /// certificate text.
    ///
    /// # Errors
    /// [`SignerError`] when the signing keys cannot be used.
    fn certify(&self, payload: LicensePayload) -> Result<String, SignerError>;

    /// Checks a certificate's shape, key generation and both signatures and returns its
    /// payload. Validity dates are left to the caller.
    ///
    /// # Errors
    /// [`VerifyError`] saying why the certificate does not hold.
    fn verify(&self, certificate: &str) -> Result<LicensePayload, VerifyError>;

    /// Every generation's public keys, oldest first.
    ///
    /// # Errors
    /// [`SignerError`] when the key set cannot be read.
    fn public_keys(&self) -> Result<KeysDocument, SignerError>;
}

/// The signing keys could not be used; someone must look at the log.
#[derive(Debug, thiserror::Error)]
#[error("the license signing keys are unavailable")]
pub struct SignerError(#[source] pub Box<dyn std::error::Error + Send + Sync>);

/// Vendors and their API keys.
pub trait CustomerStore: Send + Sync + 'static {
    /// Stores a new vendor with the digest of its API key.
    ///
    /// # Errors
    /// [`InsertCustomerError::EmailTaken`] when another vendor has the same e-mail address
    /// regardless of case; [`InsertCustomerError::Store`] on storage failure.
    fn insert_customer(
        &self,
        customer: &Customer,
        api_key: &ApiKeyDigest,
    ) -> Result<(), InsertCustomerError>;

    /// The vendor whose API key has this digest.
    ///
    /// # Errors
    /// [`StoreError`] on storage failure.
    fn find_by_api_key(&self, api_key: &ApiKeyDigest) -> Result<Option<Customer>, StoreError>;

    /// Licenses the vendor has generated in `month`.
    ///
    /// # Errors
    /// [`StoreError`] on storage failure.
    fn licenses_generated_in(
        &self,
        customer: &CustomerId,
        month: UsageMonth,
    ) -> Result<u32, StoreError>;
}

/// Why a vendor was not stored.
#[derive(Debug, thiserror::Error)]
pub enum InsertCustomerError {
    #[error("the e-mail address is already registered")]
    EmailTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Licenses and the monthly quota they draw on.
pub trait LicenseStore: Send + Sync + 'static {
    /// In one transaction: takes one unit of the vendor's quota for `month` if fewer than
    /// `monthly_limit` are used, and stores the license. Either both happen or neither does,
    /// whatever other writers run at the same time.
    ///
    /// # Errors
    /// [`InsertLicenseError::QuotaExhausted`] when the month's quota is used up;
    /// [`InsertLicenseError::KeyTaken`] when the key already exists (nothing is consumed);
    /// [`InsertLicenseError::Store`] on storage failure.
    fn insert_within_quota(
        &self,
        license: &License,
        month: UsageMonth,
        monthly_limit: u32,
    ) -> Result<(), InsertLicenseError>;

    /// The license with this key. Stores may keep only [`LicenseKey::digest`], never the key.
    ///
    /// # Errors
    /// [`StoreError`] on storage failure.
    fn find_by_key(&self, key: &LicenseKey) -> Result<Option<License>, StoreError>;

    /// Aggregates over all of one vendor's licenses, as of `now`.
    ///
    /// # Errors
    /// [`StoreError`] on storage failure.
    fn stats(
        &self,
        customer: &CustomerId,
        now: DateTime<Utc>,
        month: UsageMonth,
    ) -> Result<LicenseStats, StoreError>;
}

/// Why a license was not stored.
#[derive(Debug, thiserror::Error)]
pub enum InsertLicenseError {
    #[error("the monthly license quota is used up")]
    QuotaExhausted,
    #[error("the license key already exists")]
    KeyTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A vendor's license figures.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LicenseStats {
    pub n_total: u64,
    /// Neither expired nor revoked or suspended.
    pub n_active: u64,
    /// Past `expires_at`, whatever their status.
    pub n_expired: u64,
    /// Issued within the current month.
    pub n_this_month: u64,
    /// Mean quantum fidelity over all licenses; 0 when there are none.
    pub quantum_fidelity_avg: f64,
    /// Mean generation time in microseconds over all licenses; 0 when there are none.
    pub generation_time_avg_us: f64,
}
