//! Request extractors: JSON bodies with our error envelope, the authenticated, rate-limited
//! vendor, and the two in that order for authenticated routes with a body.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::{JsonBody, Payload};
use actix_web::error::JsonPayloadError;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use domain::Customer;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use super::rate_limit;
use super::state::AppState;

/// Bodies above this size are refused with 413 before they are parsed.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// JSON extraction that answers in our envelope: 400 for malformed or mistyped JSON, 413 for
/// oversized bodies, 415 for other content types.
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(MAX_BODY_BYTES)
        .error_handler(|error, _request| json_error(error).into())
}

fn json_error(error: JsonPayloadError) -> ApiError {
    match error {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("Request body is larger than {MAX_BODY_BYTES} bytes."),
            )
        }
        JsonPayloadError::ContentType => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json.",
        ),
        JsonPayloadError::Deserialize(error) if error.is_data() => {
            ApiError::bad_request(format!("Invalid request body: {error}."))
        }
        JsonPayloadError::Deserialize(error) => {
            ApiError::bad_request(format!("Malformed JSON: {error}."))
        }
        // Other payload errors (truncated or undecodable bodies) carry driver detail that
        // means nothing to a client.
        _ => ApiError::bad_request("The request body could not be read."),
    }
}

/// The vendor whose API key came in `Authorization: Bearer ...`.
#[derive(Debug, Clone)]
pub struct Vendor(pub Customer);

impl FromRequest for Vendor {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move { authenticate(&request).await.map(Vendor) })
    }
}

/// Authenticates the bearer key, then charges the vendor's rate.
async fn authenticate(request: &HttpRequest) -> Result<Customer, ApiError> {
    let token = bearer_token(request).ok_or_else(ApiError::unauthorized)?;
    let state = request
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal(&MissingState))?;
    let licensing = state.licensing.clone();
    let customer = web::block(move || licensing.authenticate(&token)).await??;
    // Limited after authentication, so only a vendor's own calls use its budget.
    rate_limit::charge_vendor(request, &customer)?;
    Ok(customer)
}

/// The authenticated vendor and its JSON body `T`, read in that order: actix polls a
/// handler's extractors together, so separate `Vendor` and `Json` extractors would let a
/// malformed body answer 400 before a bad key answers 401. Here the body is not read until
/// the vendor has authenticated and been charged.
#[derive(Debug)]
pub struct VendorJson<T> {
    pub vendor: Customer,
    pub body: T,
}

impl<T: DeserializeOwned + 'static> FromRequest for VendorJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let request = request.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let vendor = authenticate(&request).await?;
            let body = JsonBody::<T>::new(&request, &mut payload, None, true)
                .limit(MAX_BODY_BYTES)
                .await
                .map_err(json_error)?;
            Ok(VendorJson { vendor, body })
        })
    }
}

fn bearer_token(request: &HttpRequest) -> Option<String> {
    let mut values = request.headers().get_all(header::AUTHORIZATION);
    let value = values.next()?.to_str().ok()?;
    // Two credentials are ambiguous; proxies and servers disagree on which one counts.
    if values.next().is_some() {
        return None;
    }
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

#[derive(Debug, thiserror::Error)]
#[error("application state is not registered")]
struct MissingState;

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn bearer_scheme_is_case_insensitive_and_required() {
        let token = |value: &str| {
            let request = TestRequest::default()
                .insert_header((header::AUTHORIZATION, value))
                .to_http_request();
            bearer_token(&request)
        };
        assert_eq!(token("Bearer ql_abc").as_deref(), Some("ql_abc"));
        assert_eq!(token("bearer  ql_abc ").as_deref(), Some("ql_abc"));
        assert_eq!(token("Basic ql_abc"), None);
        assert_eq!(token("ql_abc"), None);

        let twice = TestRequest::default()
            .append_header((header::AUTHORIZATION, "Bearer ql_a"))
            .append_header((header::AUTHORIZATION, "Bearer ql_b"))
            .to_http_request();
        assert_eq!(bearer_token(&twice), None);
    }
}
