//! `GET /api/v1/keys`: the public keys that verify license certificates offline.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{ApiError, ErrorBody};
use super::state::AppState;

/// Clients and proxies may reuse the key set this long; a rotation reaches them within it.
const CACHE_CONTROL: &str = "public, max-age=300";

/// Every key generation, oldest first. Save this body to a file for `quantumlock verify
/// --keys` or the Python and Node verifiers.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeysResponse {
    pub keys: Vec<PublicKeyResponse>,
}

/// One key generation's public keys.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "key_id": "3f9a0c1e5b7d2a64",
    "algorithms": ["Ed25519", "ML-DSA-65"],
    "status": "active",
    "created_at": "2025-12-14T10:30:00Z",
    "ed25519_public_key": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
    "ml_dsa_65_public_key": "..."
}))]
pub struct PublicKeyResponse {
    /// 16 hexadecimal digits: the first 8 bytes of SHA-256 over a prefix and both keys.
    #[schema(pattern = "^[0-9a-f]{16}$")]
    pub key_id: String,
    /// Always `["Ed25519", "ML-DSA-65"]`; a certificate carries both signatures.
    pub algorithms: Vec<String>,
    /// `active` signs new certificates; `rotated` still verifies; `retired` no longer does.
    #[schema(pattern = "^(active|rotated|retired)$")]
    pub status: &'static str,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// 32 bytes, unpadded base64url.
    pub ed25519_public_key: String,
    /// 1952 bytes (FIPS 204), unpadded base64url.
    pub ml_dsa_65_public_key: String,
}

impl From<sdk::KeysDocument> for KeysResponse {
    fn from(document: sdk::KeysDocument) -> Self {
        let keys = document
            .keys
            .into_iter()
            .map(|entry| PublicKeyResponse {
                key_id: entry.key_id,
                algorithms: entry.algorithms,
                status: entry.status.as_str(),
                created_at: entry.created_at,
                ed25519_public_key: entry.ed25519_public_key,
                ml_dsa_65_public_key: entry.ml_dsa_65_public_key,
            })
            .collect();
        KeysResponse { keys }
    }
}

/// List the public keys that verify license certificates (no authentication required).
#[utoipa::path(
    get,
    path = "/api/v1/keys",
    tag = "licenses",
    operation_id = "get_keys",
    responses(
        (status = 200, description = "Every key generation's public keys; cacheable for 5 \
            minutes", body = KeysResponse,
            headers(("Cache-Control" = String, description = "public, max-age=300"))),
        (status = 429, description = "Rate limit exceeded", body = ErrorBody),
        (status = 500, description = "The key set cannot be read", body = ErrorBody),
    )
)]
pub async fn get_keys(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    // A changed key directory is reloaded on the way, which reads files: keep it off the
    // async workers.
    let licensing = state.licensing.clone();
    let document = web::block(move || licensing.signing_keys())
        .await?
        .map_err(|error| ApiError::internal(&error))?;

    Ok(HttpResponse::Ok()
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static(CACHE_CONTROL),
        ))
        .json(KeysResponse::from(document)))
}
