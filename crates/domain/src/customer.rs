//! Vendors (our customers), their identifiers and their API keys.

use std::fmt;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::plan::Plan;
use crate::ports::{Entropy, EntropyError};
use crate::secrets::{ALPHANUMERIC, LOWER_ALPHANUMERIC, random_string};
use crate::validation::{InvalidInput, trimmed_text};

const CUSTOMER_ID_PREFIX: &str = "cust_";
const CUSTOMER_ID_RANDOM_CHARS: usize = 20;
const API_KEY_PREFIX: &str = "ql_";
/// 43 characters of a 62-symbol alphabet carry 256 bits.
const API_KEY_RANDOM_CHARS: usize = 43;
const MAX_EMAIL_CHARS: usize = 254;
const MAX_COMPANY_NAME_CHARS: usize = 256;

/// A vendor registered with QuantumLock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: CustomerId,
    pub email: Email,
    pub company_name: CompanyName,
    pub plan: Plan,
    pub created_at: DateTime<Utc>,
}

/// `cust_` followed by random lowercase letters and digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CustomerId(String);

impl CustomerId {
    /// # Errors
    /// Fails only when the entropy source fails.
    pub fn generate(entropy: &dyn Entropy) -> Result<Self, EntropyError> {
        let random = random_string(entropy, LOWER_ALPHANUMERIC, CUSTOMER_ID_RANDOM_CHARS)?;
        Ok(CustomerId(format!("{CUSTOMER_ID_PREFIX}{random}")))
    }

    /// Rebuilds an id read back from storage.
    pub fn from_stored(value: String) -> Self {
        CustomerId(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CustomerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A plausible e-mail address, kept as the vendor typed it (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// # Errors
    /// [`InvalidInput`] unless the address has one `@`, a non-empty local part, a dotted domain,
    /// no white space and at most 254 characters.
    pub fn parse(value: &str) -> Result<Self, InvalidInput> {
        let value = value.trim();
        let invalid = || InvalidInput::new("email", "must be a valid e-mail address");
        if value.chars().count() > MAX_EMAIL_CHARS {
            return Err(InvalidInput::new(
                "email",
                format!("must be at most {MAX_EMAIL_CHARS} characters long"),
            ));
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = value.split_once('@').ok_or_else(invalid)?;
        let domain_is_dotted =
            domain.split('.').all(|label| !label.is_empty()) && domain.contains('.');
        if local.is_empty() || domain.contains('@') || !domain_is_dotted {
            return Err(invalid());
        }
        Ok(Email(value.to_owned()))
    }

    pub fn from_stored(value: String) -> Self {
        Email(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form that uniqueness is judged on: addresses differing only in case are one vendor.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A vendor's company name: 1..=256 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyName(String);

impl CompanyName {
    /// # Errors
    /// [`InvalidInput`] when empty or too long after trimming, or holding control characters.
    pub fn parse(value: &str) -> Result<Self, InvalidInput> {
        trimmed_text("company_name", value, MAX_COMPANY_NAME_CHARS).map(CompanyName)
    }

    pub fn from_stored(value: String) -> Self {
        CompanyName(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A vendor's secret API key. It exists in clear only in the registration response; the
/// service keeps its [`ApiKeyDigest`]. Debug output never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// # Errors
    /// Fails only when the entropy source fails.
    pub fn generate(entropy: &dyn Entropy) -> Result<Self, EntropyError> {
        let random = random_string(entropy, ALPHANUMERIC, API_KEY_RANDOM_CHARS)?;
        Ok(ApiKey(format!("{API_KEY_PREFIX}{random}")))
    }

    /// Accepts a presented key only if it has our shape, so garbage never reaches storage.
    pub fn parse(value: &str) -> Option<Self> {
        let random = value.strip_prefix(API_KEY_PREFIX)?;
        let well_formed = random.len() == API_KEY_RANDOM_CHARS
            && random.bytes().all(|byte| byte.is_ascii_alphanumeric());
        well_formed.then(|| ApiKey(value.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn digest(&self) -> ApiKeyDigest {
        ApiKeyDigest(Sha256::digest(self.0.as_bytes()).into())
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// SHA-256 of an API key. The key carries 256 random bits, so a fast unsalted digest is
/// enough to make a stolen table useless; a password hash would only slow every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiKeyDigest([u8; 32]);

impl ApiKeyDigest {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        ApiKeyDigest(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn to_hex(self) -> String {
        hex::encode(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::tests::CountingEntropy;

    #[test]
    fn emails() {
        for good in [
            "a@b.co",
            "  vendor@example.com ",
            "first.last+tag@sub.example.org",
        ] {
            assert!(Email::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "plain",
            "@example.com",
            "a@",
            "a@b",
            "a@@b.com",
            "a@b@c.com",
            "a b@c.com",
            "a@.com",
            "a@b.",
            "a@b..com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        let long = format!("{}@example.com", "a".repeat(243));
        assert!(Email::parse(&long).is_err());
        assert!(Email::parse(&long[1..]).is_ok());
    }

    #[test]
    fn email_uniqueness_ignores_case() {
        let a = Email::parse("Vendor@Example.COM")
            .ok()
            .map(|email| email.normalized());
        assert_eq!(a.as_deref(), Some("vendor@example.com"));
    }

    #[test]
    fn generated_ids_and_keys_have_their_shapes() {
        let entropy = CountingEntropy::default();
        let id = CustomerId::generate(&entropy)
            .map(|id| id.0)
            .unwrap_or_default();
        assert!(id.starts_with("cust_") && id.len() == 25, "{id}");
        let key = ApiKey::generate(&entropy).ok();
        let parsed = key.as_ref().and_then(|key| ApiKey::parse(key.expose()));
        assert!(parsed.is_some());
        assert_eq!(parsed, key);
    }

    #[test]
    fn foreign_api_keys_are_refused_before_lookup() {
        assert!(ApiKey::parse("").is_none());
        assert!(ApiKey::parse("ql_short").is_none());
        assert!(ApiKey::parse(&format!("xx_{}", "a".repeat(43))).is_none());
        assert!(ApiKey::parse(&format!("ql_{}!", "a".repeat(42))).is_none());
        assert!(ApiKey::parse(&format!("ql_{}", "a".repeat(43))).is_some());
    }

    #[test]
    fn api_key_debug_is_redacted() {
        let key = ApiKey(format!("ql_{}", "s".repeat(43)));
        assert!(!format!("{key:?}").contains("sss"));
    }
}
