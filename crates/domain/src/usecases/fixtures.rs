//! In-memory ports for the domain's unit tests; the real stores are tested in the adapters.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;

use crate::customer::{ApiKeyDigest, Customer, CustomerId};
use crate::license::{License, LicenseKey, LicenseKeyDigest};
use crate::plan::PlanCatalog;
use crate::ports::{
    Clock, CustomerStore, Entropy, EntropyError, InsertCustomerError, InsertLicenseError,
    LicenseSigner, LicenseStats, LicenseStore, SignerError, StoreError,
};
use crate::service::Licensing;
use crate::time::UsageMonth;
use crate::usecases::generate_license::GenerateLicense;
use crate::usecases::register_customer::RegisterCustomer;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A clock the test moves by hand.
#[derive(Debug)]
pub(crate) struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub(crate) fn advance(&self, by: TimeDelta) {
        *lock(&self.0) += by;
    }

    pub(crate) fn set(&self, to: DateTime<Utc>) {
        *lock(&self.0) = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *lock(&self.0)
    }
}

/// splitmix64: reproducible, and without the short period a counter would have.
#[derive(Debug)]
pub(crate) struct SeededEntropy(Mutex<u64>);

impl Entropy for SeededEntropy {
    fn fill(&self, buffer: &mut [u8]) -> Result<(), EntropyError> {
        let mut state = lock(&self.0);
        for chunk in buffer.chunks_mut(8) {
            *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = *state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
        }
        Ok(())
    }
}

#[derive(Debug, Default)]
struct Tables {
    customers: Vec<(Customer, ApiKeyDigest)>,
    licenses: HashMap<LicenseKeyDigest, License>,
    usage: HashMap<(String, i32), u32>,
}

/// Both stores over one mutex, which is what makes quota-then-insert atomic here.
#[derive(Debug, Default)]
pub(crate) struct MemoryStore(Mutex<Tables>);

impl MemoryStore {
    pub(crate) fn tamper(&self, key: &LicenseKey, change: impl FnOnce(&mut License)) {
        if let Some(license) = lock(&self.0).licenses.get_mut(&key.digest()) {
            change(license);
        }
    }
}

impl CustomerStore for MemoryStore {
    fn insert_customer(
        &self,
        customer: &Customer,
        api_key: &ApiKeyDigest,
    ) -> Result<(), InsertCustomerError> {
        let mut tables = lock(&self.0);
        let email = customer.email.normalized();
        if tables
            .customers
            .iter()
            .any(|(c, _)| c.email.normalized() == email)
        {
            return Err(InsertCustomerError::EmailTaken);
        }
        tables.customers.push((customer.clone(), *api_key));
        Ok(())
    }

    fn find_by_api_key(&self, api_key: &ApiKeyDigest) -> Result<Option<Customer>, StoreError> {
        let tables = lock(&self.0);
        let found = tables
            .customers
            .iter()
            .find(|(_, digest)| digest == api_key);
        Ok(found.map(|(customer, _)| customer.clone()))
    }

    fn licenses_generated_in(
        &self,
        customer: &CustomerId,
        month: UsageMonth,
    ) -> Result<u32, StoreError> {
        let key = (customer.as_str().to_owned(), month.key());
        Ok(lock(&self.0).usage.get(&key).copied().unwrap_or(0))
    }
}

impl LicenseStore for MemoryStore {
    fn insert_within_quota(
        &self,
        license: &License,
        month: UsageMonth,
        monthly_limit: u32,
    ) -> Result<(), InsertLicenseError> {
        let mut tables = lock(&self.0);
        let digest = license.key.digest();
        if tables.licenses.contains_key(&digest) {
            return Err(InsertLicenseError::KeyTaken);
        }
        let used = tables
            .usage
            .entry((license.customer_id.as_str().to_owned(), month.key()))
            .or_default();
        if *used >= monthly_limit {
            return Err(InsertLicenseError::QuotaExhausted);
        }
        *used += 1;
        tables.licenses.insert(digest, license.clone());
        Ok(())
    }

    fn find_by_key(&self, key: &LicenseKey) -> Result<Option<License>, StoreError> {
        Ok(lock(&self.0).licenses.get(&key.digest()).cloned())
    }

    fn stats(
        &self,
        customer: &CustomerId,
        now: DateTime<Utc>,
        month: UsageMonth,
    ) -> Result<LicenseStats, StoreError> {
        let tables = lock(&self.0);
        let mine: Vec<&License> = tables
            .licenses
            .values()
            .filter(|l| &l.customer_id == customer)
            .collect();
        let n_total = mine.len() as u64;
        let count = |keep: &dyn Fn(&License) -> bool| mine.iter().filter(|l| keep(l)).count();
        let mean = |value: &dyn Fn(&License) -> f64| {
            if mine.is_empty() {
                0.0
            } else {
                mine.iter().map(|l| value(l)).sum::<f64>() / mine.len() as f64
            }
        };
        Ok(LicenseStats {
            n_total,
            n_active: count(&|l| !l.is_expired(now) && l.status == crate::LicenseStatus::Active)
                as u64,
            n_expired: count(&|l| l.is_expired(now)) as u64,
            n_this_month: count(&|l| UsageMonth::containing(l.issued_at) == month) as u64,
            quantum_fidelity_avg: mean(&|l| l.quantum.fidelity()),
            generation_time_avg_us: mean(&|l| l.generation_time_us as f64),
        })
    }
}

/// One real key generation held in memory.
#[derive(Debug)]
pub(crate) struct MemorySigner {
    keys: sdk::SigningKeys,
    verifier: sdk::Verifier,
}

impl MemorySigner {
    pub(crate) fn new() -> Self {
        let keys = sdk::SigningKeys::from_seeds(&[1; 32], &[2; 32]);
        let entry = keys.public_entry(sdk::KeyStatus::Active, "2025-12-01T00:00:00Z".into());
        let document = sdk::KeysDocument { keys: vec![entry] };
        match sdk::PublicKeySet::from_document(document) {
            Ok(set) => MemorySigner {
                keys,
                verifier: sdk::Verifier::new(set),
            },
            Err(error) => panic!("fixture keys refused: {error}"),
        }
    }
}

impl LicenseSigner for MemorySigner {
    fn certify(&self, payload: sdk::LicensePayload) -> Result<String, SignerError> {
        self.keys
            .certify(payload)
            .map_err(|error| SignerError(error.into()))
    }

    fn verify(&self, certificate: &str) -> Result<sdk::LicensePayload, sdk::VerifyError> {
        self.verifier.verify_signatures_any_vendor(certificate)
    }

    fn public_keys(&self) -> Result<sdk::KeysDocument, SignerError> {
        Ok(self.verifier.keys().document().clone())
    }
}

/// A [`Licensing`] over in-memory ports, with handles to steer them.
pub(crate) struct Fixture {
    pub(crate) licensing: Licensing,
    pub(crate) clock: Arc<ManualClock>,
    pub(crate) store: Arc<MemoryStore>,
}

impl Fixture {
    pub(crate) fn new() -> Self {
        let start = DateTime::parse_from_rfc3339("2025-12-14T10:35:00Z")
            .map(|instant| instant.with_timezone(&Utc))
            .unwrap_or_default();
        let clock = Arc::new(ManualClock(Mutex::new(start)));
        let store = Arc::new(MemoryStore::default());
        let entropy = Arc::new(SeededEntropy(Mutex::new(42)));
        let licensing = Licensing::new(
            store.clone(),
            store.clone(),
            clock.clone(),
            entropy,
            Arc::new(MemorySigner::new()),
            PlanCatalog::default(),
        );
        Fixture {
            licensing,
            clock,
            store,
        }
    }

    /// Registers a professional vendor and returns it.
    pub(crate) fn vendor(&self, email: &str) -> Customer {
        match self.licensing.register_customer(register_request(email)) {
            Ok(registration) => registration.customer,
            Err(error) => panic!("fixture registration failed: {error}"),
        }
    }
}

pub(crate) fn register_request(email: &str) -> RegisterCustomer {
    RegisterCustomer {
        email: email.to_owned(),
        company_name: "Acme Corp".to_owned(),
        plan: "professional".to_owned(),
    }
}

pub(crate) fn generate_request(expires_in_days: Option<i64>) -> GenerateLicense {
    GenerateLicense {
        end_customer_id: "customer-123".to_owned(),
        features: vec!["premium".to_owned(), "api_access".to_owned()],
        expires_in_days,
        metadata: Some(json!({"company": "Acme Corp", "max_users": 100})),
    }
}
