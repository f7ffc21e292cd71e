//! The license as a certificate carries it: the canonical payload both signatures cover.

use chrono::{DateTime, Datelike as _, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::FormatError;

/// Everything a license grants, plus its quantum fingerprint and the key generation that
/// signed it. Field order is fixed; unknown fields are refused when reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicensePayload {
    /// `QCOS-XXXX-XXXX-XXXX-XXXX`.
    pub license_key: String,
    /// The vendor that issued the license (`cust_...`).
    pub customer_id: String,
    /// The vendor's own identifier for its customer.
    pub end_customer_id: String,
    pub features: Vec<String>,
    /// RFC 3339 UTC to the second, with `Z`.
    pub issued_at: String,
    /// RFC 3339 UTC to the second, with `Z`; the license stops holding at this instant.
    pub expires_at: String,
    pub metadata: Map<String, Value>,
    /// `q1:0.9876|q2:...`, the license's quantum fingerprint.
    pub quantum_signature: String,
    pub quantum_fidelity: f64,
    /// The key generation that signed this payload; set by the signer.
    pub key_id: String,
}

impl LicensePayload {
    /// The exact bytes that get signed: compact JSON in field order.
    ///
    /// # Errors
    /// [`FormatError`] if the payload cannot be serialized (a non-finite fidelity).
    pub fn to_bytes(&self) -> Result<Vec<u8>, FormatError> {
        serde_json::to_vec(self)
            .map_err(|error| FormatError::new(format!("payload cannot be serialized: {error}")))
    }

    /// Reads payload bytes, refusing unknown fields and non-canonical timestamps.
    ///
    /// # Errors
    /// [`FormatError`] on anything but a well-formed payload.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, FormatError> {
        crate::strict_json::refuse_repeated_keys(bytes)?;
        let payload: LicensePayload = serde_json::from_slice(bytes)
            .map_err(|error| FormatError::new(format!("payload is not valid: {error}")))?;
        let issued_at = canonical_timestamp("issued_at", &payload.issued_at)?;
        let expires_at = canonical_timestamp("expires_at", &payload.expires_at)?;
        if expires_at <= issued_at {
            return Err(FormatError::new(
                "payload expires_at is not after issued_at",
            ));
        }
        Ok(payload)
    }

    /// When the license starts holding.
    ///
    /// # Errors
    /// [`FormatError`] when `issued_at` is not canonical RFC 3339.
    pub fn issued_at(&self) -> Result<DateTime<Utc>, FormatError> {
        canonical_timestamp("issued_at", &self.issued_at)
    }

    /// When the license stops holding.
    ///
    /// # Errors
    /// [`FormatError`] when `expires_at` is not canonical RFC 3339.
    pub fn expires_at(&self) -> Result<DateTime<Utc>, FormatError> {
        canonical_timestamp("expires_at", &self.expires_at)
    }
}

/// Parses `2025-12-14T10:30:00Z` and nothing else: UTC, `Z`, whole seconds, years 0001 to
/// 9999, no leap second (the Python and Node verifiers cannot represent one).
///
/// # Errors
/// [`FormatError`] naming `field` for any other spelling.
pub fn canonical_timestamp(field: &str, text: &str) -> Result<DateTime<Utc>, FormatError> {
    let parsed = DateTime::parse_from_rfc3339(text)
        .map(|instant| instant.with_timezone(&Utc))
        .map_err(|error| FormatError::new(format!("{field} is not RFC 3339: {error}")))?;
    let leap_second = parsed.timestamp_subsec_nanos() >= 1_000_000_000;
    if leap_second || parsed.year() < 1 {
        return Err(FormatError::new(format!(
            "{field} must be a time of years 0001 to 9999 without a leap second"
        )));
    }
    if parsed.to_rfc3339_opts(SecondsFormat::Secs, true) != text {
        return Err(FormatError::new(format!(
            "{field} must be UTC to the second with a Z, like 2025-12-14T10:30:00Z"
        )));
    }
    Ok(parsed)
}

#[cfg(test)]
pub(crate) mod tests {
    use serde_json::json;

    use super::*;

    pub(crate) fn sample() -> LicensePayload {
        LicensePayload {
            license_key: "QCOS-ABCD-EFGH-JKMN-PQRS".to_owned(),
            customer_id: "cust_abc123".to_owned(),
            end_customer_id: "customer-123".to_owned(),
            features: vec!["premium".to_owned(), "api_access".to_owned()],
            issued_at: "2025-12-14T10:35:00Z".to_owned(),
            expires_at: "2026-12-14T10:35:00Z".to_owned(),
            metadata: json!({"company": "Café Δ 株式会社", "max_users": 100})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            quantum_signature: "q1:0.9876|q2:0.9823".to_owned(),
            quantum_fidelity: 0.9386,
            key_id: "0123456789abcdef".to_owned(),
        }
    }

    #[test]
    fn round_trips_through_bytes() {
        let payload = sample();
        let bytes = payload.to_bytes();
        let back = bytes.as_deref().map(LicensePayload::from_bytes);
        assert_eq!(back, Ok(Ok(payload)));
    }

    #[test]
    fn refuses_unknown_fields_and_loose_timestamps() {
        let mut value = serde_json::to_value(sample()).unwrap_or_default();
        value["admin"] = json!(true);
        let bytes = serde_json::to_vec(&value).unwrap_or_default();
        assert!(LicensePayload::from_bytes(&bytes).is_err());

        for stamp in [
            "2025-12-14T10:35:00+00:00",
            "2025-12-14T10:35:00.5Z",
            "2025-12-14",
            "2016-12-31T23:59:60Z",
            "0000-01-01T00:00:00Z",
            "２０２５-12-14T10:35:00Z",
        ] {
            let mut payload = sample();
            payload.issued_at = stamp.to_owned();
            let bytes = payload.to_bytes().unwrap_or_default();
            assert!(LicensePayload::from_bytes(&bytes).is_err(), "{stamp}");
        }
    }

    #[test]
    fn refuses_repeated_metadata_keys() {
        let bytes = sample().to_bytes().unwrap_or_default();
        let text = String::from_utf8(bytes).unwrap_or_default();
        let repeated = text.replacen(r#""metadata":{"#, r#""metadata":{"max_users":1,"#, 1);
        assert!(LicensePayload::from_bytes(repeated.as_bytes()).is_err());
        let nested = text.replacen(r#""metadata":{"#, r#""metadata":{"n":{"a":1,"a":2},"#, 1);
        assert!(LicensePayload::from_bytes(nested.as_bytes()).is_err());
        let distinct = text.replacen(
            r#""metadata":{"#,
            r#""metadata":{"n":[{"a":1},{"a":2}],"#,
            1,
        );
        assert!(LicensePayload::from_bytes(distinct.as_bytes()).is_ok());
    }

    #[test]
    fn refuses_expiry_before_issue() {
        let mut payload = sample();
        payload.expires_at = payload.issued_at.clone();
        let bytes = payload.to_bytes().unwrap_or_default();
        assert!(LicensePayload::from_bytes(&bytes).is_err());
    }
}
