//! Licenses a vendor issues to its end customers, and the rules for their contents.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::customer::CustomerId;
use crate::fingerprint::QuantumSignature;
use crate::ports::{Entropy, EntropyError};
use crate::secrets::{UNAMBIGUOUS, random_string};
use crate::time::rfc3339;
use crate::validation::{InvalidInput, trimmed_text};

const KEY_PREFIX: &str = "QCOS";
const KEY_GROUPS: usize = 4;
const KEY_GROUP_CHARS: usize = 4;
const MAX_END_CUSTOMER_ID_CHARS: usize = 256;
const MAX_FEATURES: usize = 64;
const MAX_FEATURE_CHARS: usize = 64;
const MAX_METADATA_BYTES: usize = 16 * 1024;
const MAX_METADATA_DEPTH: usize = 8;
/// Separates the fingerprint's input from anything else we ever hash.
const FINGERPRINT_DOMAIN: &[u8] = b"quantumlock/license-fingerprint/v1\n";

/// A license as stored: who it is for, what it enables, when it ends.
#[derive(Debug, Clone, PartialEq)]
pub struct License {
    pub key: LicenseKey,
    pub customer_id: CustomerId,
    pub end_customer_id: EndCustomerId,
    pub features: Features,
    pub metadata: Metadata,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub status: LicenseStatus,
    pub quantum: QuantumSignature,
    pub generation_time_us: u64,
}

impl License {
    /// SHA-256 over the canonical form of everything the license grants, the input of its
    /// quantum fingerprint. Any change to a granted field changes it.
    pub fn content_digest(&self) -> [u8; 32] {
        content_digest(
            &self.key,
            &self.customer_id,
            &self.end_customer_id,
            &self.features,
            &self.metadata,
            self.issued_at,
            self.expires_at,
        )
    }

    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.expires_at
    }
}

/// Canonical JSON (fixed field order, metadata keys sorted) behind a domain prefix.
pub(crate) fn content_digest(
    key: &LicenseKey,
    customer_id: &CustomerId,
    end_customer_id: &EndCustomerId,
    features: &Features,
    metadata: &Metadata,
    issued_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> [u8; 32] {
    #[derive(Serialize)]
    struct Canonical<'a> {
        license_key: &'a str,
        customer_id: &'a str,
        end_customer_id: &'a str,
        features: &'a [String],
        issued_at: String,
        expires_at: String,
        metadata: &'a Map<String, Value>,
    }
    let canonical = Canonical {
        license_key: key.as_str(),
        customer_id: customer_id.as_str(),
        end_customer_id: end_customer_id.as_str(),
        features: features.as_slice(),
        issued_at: rfc3339(issued_at),
        expires_at: rfc3339(expires_at),
        metadata: metadata.as_map(),
    };
    let mut hasher = Sha256::new();
    hasher.update(FINGERPRINT_DOMAIN);
    // Serializing plain strings and an in-memory JSON map cannot fail.
    if let Ok(bytes) = serde_json::to_vec(&canonical) {
        hasher.update(bytes);
    }
    hasher.finalize().into()
}

/// Whether a license can still be used, apart from its expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LicenseStatus {
    Active,
    Suspended,
    Revoked,
}

impl LicenseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LicenseStatus::Active => "active",
            LicenseStatus::Suspended => "suspended",
            LicenseStatus::Revoked => "revoked",
        }
    }
}

impl FromStr for LicenseStatus {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "active" => Ok(LicenseStatus::Active),
            "suspended" => Ok(LicenseStatus::Suspended),
            "revoked" => Ok(LicenseStatus::Revoked),
            other => Err(format!("unknown license status {other:?}")),
        }
    }
}

/// `QCOS-XXXX-XXXX-XXXX-XXXX`, always held in canonical uppercase form.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct LicenseKey(String);

impl LicenseKey {
    /// # Errors
    /// Fails only when the entropy source fails.
    pub fn generate(entropy: &dyn Entropy) -> Result<Self, EntropyError> {
        let random = random_string(entropy, UNAMBIGUOUS, KEY_GROUPS * KEY_GROUP_CHARS)?;
        let mut key = String::from(KEY_PREFIX);
        for (idx, symbol) in random.chars().enumerate() {
            if idx % KEY_GROUP_CHARS == 0 {
                key.push('-');
            }
            key.push(symbol);
        }
        Ok(LicenseKey(key))
    }

    /// Accepts a key as people type and paste it: any case, surrounding white space.
    ///
    /// # Errors
    /// [`InvalidInput`] when the text is not of the key's shape.
    pub fn parse(value: &str) -> Result<Self, InvalidInput> {
        let key = value.trim().to_ascii_uppercase();
        let mut parts = key.split('-');
        let prefix_ok = parts.next() == Some(KEY_PREFIX);
        let groups: Vec<&str> = parts.collect();
        let groups_ok = groups.len() == KEY_GROUPS
            && groups.iter().all(|group| {
                group.len() == KEY_GROUP_CHARS && group.bytes().all(|b| b.is_ascii_alphanumeric())
            });
        if prefix_ok && groups_ok {
            Ok(LicenseKey(key))
        } else {
            Err(InvalidInput::new(
                "license_key",
                "must have the form QCOS-XXXX-XXXX-XXXX-XXXX",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What storage indexes instead of the key itself, so that a copy of the database does
    /// not hand out working license keys.
    pub fn digest(&self) -> LicenseKeyDigest {
        LicenseKeyDigest(Sha256::digest(self.0.as_bytes()).into())
    }
}

impl fmt::Debug for LicenseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys are bearer credentials for validation; logs get only the last group.
        let tail = self.0.get(self.0.len().saturating_sub(KEY_GROUP_CHARS)..);
        write!(f, "LicenseKey(QCOS-…-{})", tail.unwrap_or(""))
    }
}

/// SHA-256 of a canonical license key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LicenseKeyDigest([u8; 32]);

impl LicenseKeyDigest {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        LicenseKeyDigest(bytes)
    }

    pub fn to_hex(self) -> String {
        hex::encode(self.0)
    }
}

/// The vendor's own identifier for its customer: 1..=256 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndCustomerId(String);

impl EndCustomerId {
    /// # Errors
    /// [`InvalidInput`] when empty or too long after trimming, or holding control characters.
    pub fn parse(value: &str) -> Result<Self, InvalidInput> {
        trimmed_text("end_customer_id", value, MAX_END_CUSTOMER_ID_CHARS).map(EndCustomerId)
    }

    pub fn from_stored(value: String) -> Self {
        EndCustomerId(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// At most 64 distinct feature names of 1..=64 characters from `A-Z a-z 0-9 _ . : -`,
/// in the order the vendor gave them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Features(Vec<String>);

impl Features {
    /// # Errors
    /// [`InvalidInput`] on too many names, a malformed name or a repeated one.
    pub fn parse(names: Vec<String>) -> Result<Self, InvalidInput> {
        if names.len() > MAX_FEATURES {
            return Err(InvalidInput::new(
                "features",
                format!("must hold at most {MAX_FEATURES} names"),
            ));
        }
        let mut seen = HashSet::with_capacity(names.len());
        for name in &names {
            let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-');
            if name.is_empty() || name.len() > MAX_FEATURE_CHARS || !name.chars().all(allowed) {
                return Err(InvalidInput::new(
                    "features",
                    format!(
                        "must be names of 1 to {MAX_FEATURE_CHARS} letters, digits, '_', '.', \
                         ':' or '-'"
                    ),
                ));
            }
            if !seen.insert(name.as_str()) {
                return Err(InvalidInput::new(
                    "features",
                    format!("must not repeat a name ({name:?} appears twice)"),
                ));
            }
        }
        Ok(Features(names))
    }

    pub fn from_stored(names: Vec<String>) -> Self {
        Features(names)
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }
}

/// The vendor's free-form JSON object: at most 16 KiB serialized and 8 levels deep.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Metadata(Map<String, Value>);

impl Metadata {
    /// # Errors
    /// [`InvalidInput`] unless `value` is an object within the size and depth limits.
    pub fn parse(value: Value) -> Result<Self, InvalidInput> {
        let Value::Object(map) = value else {
            return Err(InvalidInput::new("metadata", "must be a JSON object"));
        };
        if depth(&map) > MAX_METADATA_DEPTH {
            return Err(InvalidInput::new(
                "metadata",
                format!("must be nested at most {MAX_METADATA_DEPTH} levels deep"),
            ));
        }
        let size = serde_json::to_vec(&map)
            .map(|bytes| bytes.len())
            .unwrap_or(usize::MAX);
        if size > MAX_METADATA_BYTES {
            return Err(InvalidInput::new(
                "metadata",
                format!("must be at most {MAX_METADATA_BYTES} bytes serialized"),
            ));
        }
        Ok(Metadata(map))
    }

    pub fn from_stored(map: Map<String, Value>) -> Self {
        Metadata(map)
    }

    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
}

/// Levels of nesting, counting the top-level object as one.
fn depth(map: &Map<String, Value>) -> usize {
    1 + map.values().map(value_depth).max().unwrap_or(0)
}

fn value_depth(value: &Value) -> usize {
    match value {
        Value::Object(map) => depth(map),
        Value::Array(items) => 1 + items.iter().map(value_depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// Days until a license expires: 1..=3650, 365 when not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpiryDays(u16);

impl ExpiryDays {
    pub const MAX: u16 = 3650;

    /// # Errors
    /// [`InvalidInput`] outside 1..=3650.
    pub fn parse(days: Option<i64>) -> Result<Self, InvalidInput> {
        match days {
            None => Ok(ExpiryDays(365)),
            Some(days) => u16::try_from(days)
                .ok()
                .filter(|days| (1..=Self::MAX).contains(days))
                .map(ExpiryDays)
                .ok_or_else(|| {
                    InvalidInput::new("expires_in_days", "must be an integer from 1 to 3650")
                }),
        }
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

#[cfg(test)]
mod tests;
