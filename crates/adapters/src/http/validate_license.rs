//! `POST /api/v1/licenses/validate`: anyone checks a license key.

use actix_web::web;
use domain::time::rfc3339;
use domain::usecases::validate_license::{ValidateLicenseError, Validation, Verdict};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::error::{ApiError, ErrorBody};
use super::schemas;
use super::state::AppState;

/// Exactly one of `license_key` and `license_certificate`; its schema is
/// [`schemas::validate_license_request`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidateLicenseRequest {
    /// The key; case and surrounding white space are ignored.
    pub license_key: Option<String>,
    /// A certificate from `generate`: both signatures are verified, then the stored license
    /// is consulted for its current state.
    pub license_certificate: Option<String>,
}

impl utoipa::PartialSchema for ValidateLicenseRequest {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        schemas::validate_license_request()
    }
}

impl ToSchema for ValidateLicenseRequest {}

/// A valid license carries its details; an invalid one only `valid`, `quantum_verified` and
/// the `reason`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "valid": true,
    "customer_id": "cust_abc123xyz",
    "end_customer_id": "customer-123",
    "features": ["premium", "api_access", "real_quantum"],
    "issued_at": "2025-12-14T10:35:00Z",
    "expires_at": "2026-12-14T10:35:00Z",
    "days_remaining": 365,
    "quantum_verified": true,
    "metadata": {"company": "Acme Corp", "plan": "enterprise"}
}))]
pub struct ValidateLicenseResponse {
    pub valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_customer_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_remaining: Option<u32>,
    /// Whether the license's quantum fingerprint was recomputed and matched.
    pub quantum_verified: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// Why the license is not valid: `not_found`, `expired`, `suspended`, `revoked`,
    /// `fingerprint_mismatch`; for certificates also `unknown_key_id`, `retired_key`,
    /// `bad_classical_signature`, `bad_post_quantum_signature`, `certificate_mismatch` or
    /// `malformed` (shaped like a certificate but unreadable).
    /// Absent when valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
}

impl ValidateLicenseResponse {
    fn refused(reason: &'static str) -> Self {
        ValidateLicenseResponse {
            valid: false,
            customer_id: None,
            end_customer_id: None,
            features: None,
            issued_at: None,
            expires_at: None,
            days_remaining: None,
            quantum_verified: false,
            metadata: None,
            reason: Some(reason),
        }
    }
}

impl From<Validation> for ValidateLicenseResponse {
    fn from(validation: Validation) -> Self {
        match (validation.verdict, validation.license) {
            (Verdict::Valid, Some(license)) => ValidateLicenseResponse {
                valid: true,
                customer_id: Some(license.customer_id.to_string()),
                end_customer_id: Some(license.end_customer_id.as_str().to_owned()),
                features: Some(license.features.as_slice().to_vec()),
                issued_at: Some(rfc3339(license.issued_at)),
                expires_at: Some(rfc3339(license.expires_at)),
                days_remaining: Some(validation.days_remaining),
                quantum_verified: validation.quantum_verified,
                metadata: Some(license.metadata.as_map().clone()),
                reason: None,
            },
            (verdict, _) => ValidateLicenseResponse::refused(verdict.as_str()),
        }
    }
}

/// Refuses what the schema refuses, so clients can check a request before they call.
fn check_shape(presented: &Presented) -> Result<(), ApiError> {
    match presented {
        Presented::Key(key) if key.chars().count() > schemas::MAX_LICENSE_KEY_CHARS => {
            Err(ApiError::bad_request(format!(
                "license_key must be at most {} characters long.",
                schemas::MAX_LICENSE_KEY_CHARS
            )))
        }
        Presented::Certificate(certificate) if !schemas::is_certificate_shaped(certificate) => {
            Err(ApiError::bad_request(
                "license_certificate must have the form QLC1.<key id>.<payload>.<signature>.\
                 <signature>.",
            ))
        }
        _ => Ok(()),
    }
}

enum Presented {
    Key(String),
    Certificate(String),
}

/// Validate a license key or certificate (no authentication required).
#[utoipa::path(
    post,
    path = "/api/v1/licenses/validate",
    tag = "licenses",
    operation_id = "validate_license",
    request_body = ValidateLicenseRequest,
    responses(
        (status = 200, description = "Validity of the license", body = ValidateLicenseResponse),
        (status = 400, description = "Not exactly one of license_key and license_certificate, \
            or not shaped like one", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 429, description = "Rate limit exceeded", body = ErrorBody),
    )
)]
pub async fn validate_license(
    state: web::Data<AppState>,
    body: web::Json<ValidateLicenseRequest>,
) -> Result<web::Json<ValidateLicenseResponse>, ApiError> {
    let presented = match body.into_inner() {
        ValidateLicenseRequest {
            license_key: Some(key),
            license_certificate: None,
        } => Presented::Key(key),
        ValidateLicenseRequest {
            license_key: None,
            license_certificate: Some(certificate),
        } => Presented::Certificate(certificate),
        _ => {
            return Err(ApiError::bad_request(
                "Provide exactly one of license_key and license_certificate.",
            ));
        }
    };

    check_shape(&presented)?;

    let licensing = state.licensing.clone();
    let validation = web::block(move || match presented {
        Presented::Key(key) => licensing.validate_license(&key).map(Into::into),
        Presented::Certificate(certificate) => {
            match licensing.validate_certificate(&certificate) {
                // Shaped like a certificate (checked above) yet unreadable inside: a forged or
                // damaged certificate, which is an answer, not a bad request.
                Err(ValidateLicenseError::Invalid(_)) => {
                    Ok(ValidateLicenseResponse::refused("malformed"))
                }
                other => other.map(Into::into),
            }
        }
    })
    .await??;

    Ok(web::Json(validation))
}
