//! `POST /api/v1/licenses/validate`: anyone checks a license key.

use actix_web::web;
use domain::time::rfc3339;
use domain::usecases::validate_license::{Validation, Verdict};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::error::{ApiError, ErrorBody};
use super::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"license_key": "QCOS-ABCD-EFGH-JKMN-PQRS"}))]
pub struct ValidateLicenseRequest {
    /// The key; case and surrounding white space are ignored.
    #[schema(
        max_length = 64,
        pattern = r"^\s*[Qq][Cc][Oo][Ss](-[A-Za-z0-9]{4}){4}\s*$"
    )]
    pub license_key: String,
}

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
    /// Why the license is not valid: `not_found`, `expired`, `suspended`, `revoked` or
    /// `fingerprint_mismatch`. Absent when valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
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
            (verdict, _) => ValidateLicenseResponse {
                valid: false,
                customer_id: None,
                end_customer_id: None,
                features: None,
                issued_at: None,
                expires_at: None,
                days_remaining: None,
                quantum_verified: false,
                metadata: None,
                reason: Some(verdict.as_str()),
            },
        }
    }
}

/// Validate a license key (no authentication required).
#[utoipa::path(
    post,
    path = "/api/v1/licenses/validate",
    tag = "licenses",
    operation_id = "validate_license",
    request_body = ValidateLicenseRequest,
    responses(
        (status = 200, description = "Validity of the license", body = ValidateLicenseResponse),
        (status = 400, description = "Not shaped like a license key", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 429, description = "Rate limit exceeded", body = ErrorBody),
    )
)]
pub async fn validate_license(
    state: web::Data<AppState>,
    body: web::Json<ValidateLicenseRequest>,
) -> Result<web::Json<ValidateLicenseResponse>, ApiError> {
    let key = body.into_inner().license_key;

    let licensing = state.licensing.clone();
    let validation = web::block(move || licensing.validate_license(&key)).await??;

    Ok(web::Json(validation.into()))
}
