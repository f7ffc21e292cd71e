//! `POST /api/v1/licenses/generate`: a vendor issues a license within its monthly quota.

use actix_web::web;
use domain::time::rfc3339;
use domain::usecases::generate_license::{GenerateLicense, IssuedLicense};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::error::{ApiError, ErrorBody};
use super::extract::VendorJson;
use super::schemas::{
    self, CustomerIdText, EndCustomerIdText, FeatureList, LicenseKeyText, QuantumSignatureText,
    Timestamp,
};
use super::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "end_customer_id": "customer-123",
    "features": ["premium", "api_access", "real_quantum"],
    "expires_in_days": 365,
    "metadata": {"company": "Acme Corp", "plan": "enterprise", "max_users": 100}
}))]
pub struct GenerateLicenseRequest {
    /// Your customer's identifier, 1 to 256 characters after trimming, no control characters.
    #[schema(inline, value_type = EndCustomerIdText)]
    pub end_customer_id: String,
    /// Distinct feature names to enable, at most 64.
    #[schema(inline, value_type = FeatureList)]
    pub features: Vec<String>,
    /// Days until expiration.
    #[schema(minimum = 1, maximum = 3650, default = 365)]
    #[serde(default, deserialize_with = "schemas::whole_number")]
    pub expires_in_days: Option<i64>,
    /// Custom key-value metadata: a JSON object of at most 16 KiB, nested at most 8 deep.
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "license_key": "QCOS-8WWD-35TH-JN6N-MZU5",
    "customer_id": "cust_50ovyfloynsol5we8a6m",
    "end_customer_id": "customer-123",
    "features": ["premium", "api_access", "real_quantum"],
    "issued_at": "2026-12-04T17:58:29Z",
    "expires_at": "2027-12-04T17:58:29Z",
    "quantum_signature": "q1:0.9901|q2:0.9941|q3:0.9989|q4:0.9892|q5:0.9881",
    "quantum_fidelity": 0.9057,
    "generation_time_ms": 2.681,
    "metadata": {"company": "Acme Corp", "max_users": 100, "plan": "enterprise"},
    "license_certificate": schemas::EXAMPLE_CERTIFICATE
}))]
pub struct GenerateLicenseResponse {
    #[schema(inline, value_type = LicenseKeyText)]
    pub license_key: String,
    #[schema(inline, value_type = CustomerIdText)]
    pub customer_id: String,
    pub end_customer_id: String,
    pub features: Vec<String>,
    #[schema(inline, value_type = Timestamp)]
    pub issued_at: String,
    #[schema(inline, value_type = Timestamp)]
    pub expires_at: String,
    /// Per-qubit values of the license's simulated circuit, four decimals each.
    #[schema(inline, value_type = QuantumSignatureText)]
    pub quantum_signature: String,
    /// Overall state fidelity of the simulated circuit, four decimals.
    #[schema(minimum = 0, maximum = 1)]
    pub quantum_fidelity: f64,
    /// Time spent building this license in the server, in milliseconds.
    #[schema(minimum = 0)]
    pub generation_time_ms: f64,
    pub metadata: Map<String, Value>,
    /// The license as a signed certificate (Ed25519 and ML-DSA-65) for offline verification
    /// with the keys from `GET /api/v1/keys`; format in `docs/license-certificate.md`.
    #[schema(pattern = r"^QLC1\.[0-9a-f]{16}(\.[A-Za-z0-9_-]+){3}$")]
    pub license_certificate: String,
}

impl From<IssuedLicense> for GenerateLicenseResponse {
    fn from(
        IssuedLicense {
            license,
            certificate,
        }: IssuedLicense,
    ) -> Self {
        GenerateLicenseResponse {
            license_key: license.key.as_str().to_owned(),
            customer_id: license.customer_id.to_string(),
            end_customer_id: license.end_customer_id.as_str().to_owned(),
            features: license.features.as_slice().to_vec(),
            issued_at: rfc3339(license.issued_at),
            expires_at: rfc3339(license.expires_at),
            quantum_signature: license.quantum.to_text(),
            quantum_fidelity: license.quantum.fidelity(),
            generation_time_ms: license.generation_time_us as f64 / 1_000.0,
            metadata: license.metadata.as_map().clone(),
            license_certificate: certificate,
        }
    }
}

/// Generate a quantum-fingerprinted license for your end customer.
#[utoipa::path(
    post,
    path = "/api/v1/licenses/generate",
    tag = "licenses",
    operation_id = "generate_license",
    security(("bearer" = [])),
    request_body = GenerateLicenseRequest,
    responses(
        (status = 200, description = "The new license", body = GenerateLicenseResponse),
        (status = 400, description = "Invalid parameters", body = ErrorBody),
        (status = 401, description = "Invalid or missing API key", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 429, description = "Monthly license limit or request-rate limit reached; \
            the detail tells which, and only the rate limit sends Retry-After",
            body = ErrorBody, examples(
                ("monthly_limit" = (summary = "Monthly license limit", value = json!({
                    "detail": "Monthly license limit reached (1000). Please upgrade your plan \
                        or wait for next month."
                }))),
                ("rate_limit" = (summary = "Request-rate limit", value = json!({
                    "detail": "Rate limit exceeded: 500 requests per second on the \
                        professional plan. Retry after 1 second."
                }))),
            )),
    )
)]
pub async fn generate_license(
    state: web::Data<AppState>,
    VendorJson { vendor, body }: VendorJson<GenerateLicenseRequest>,
) -> Result<web::Json<GenerateLicenseResponse>, ApiError> {
    let request = GenerateLicense {
        end_customer_id: body.end_customer_id,
        features: body.features,
        expires_in_days: body.expires_in_days,
        metadata: body.metadata,
    };

    let licensing = state.licensing.clone();
    let license = web::block(move || licensing.generate_license(&vendor, request)).await??;

    Ok(web::Json(license.into()))
}
