#![doc = include_str!("../README.md")]

pub mod certificate;
pub mod customer;
pub mod fingerprint;
pub mod license;
pub mod plan;
pub mod ports;
pub mod secrets;
pub mod service;
pub mod time;
pub mod usecases;
mod validation;

pub use customer::{ApiKey, ApiKeyDigest, CompanyName, Customer, CustomerId, Email};
pub use fingerprint::QuantumSignature;
pub use license::{
    EndCustomerId, ExpiryDays, Features, License, LicenseKey, LicenseKeyDigest, LicenseStatus,
    Metadata,
};
pub use plan::{Plan, PlanCatalog, PlanLimits};
pub use ports::{
    Clock, CustomerStore, Entropy, EntropyError, LicenseSigner, LicenseStore, SignerError,
    StoreError,
};
pub use service::Licensing;
pub use time::UsageMonth;
pub use validation::InvalidInput;
