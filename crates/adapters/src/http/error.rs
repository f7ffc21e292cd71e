//! The one error envelope, `{"detail": "..."}`, and the mapping of every domain error to it.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use domain::StoreError;
use domain::usecases::authenticate::AuthenticateError;
use domain::usecases::generate_license::GenerateLicenseError;
use domain::usecases::register_customer::RegisterCustomerError;
use domain::usecases::validate_license::ValidateLicenseError;
use serde::Serialize;
use tracing::{error, warn};
use utoipa::ToSchema;

/// Every error response body.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"detail": "Invalid or missing API key."}))]
pub struct ErrorBody {
    /// One sentence saying what went wrong.
    pub detail: String,
}

/// An error on its way to the client: a status, a detail and any headers it calls for.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    detail: String,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            detail: detail.into(),
            headers: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, detail)
    }

    pub fn unauthorized() -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "Invalid or missing API key.")
            .with_header(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))
    }

    /// A fault of ours: logged in full here, reported to the client without internals.
    pub fn internal(cause: &dyn std::error::Error) -> Self {
        error!(error = %ErrorChain(cause), "request failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal server error. The incident has been logged.",
        )
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status, self.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        for (name, value) in &self.headers {
            response.insert_header((name.clone(), value.clone()));
        }
        response.json(ErrorBody {
            detail: self.detail.clone(),
        })
    }
}

/// Displays an error with all its sources, for the log.
struct ErrorChain<'a>(&'a dyn std::error::Error);

impl fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match &error {
            StoreError::Unavailable(_) => {
                warn!(error = %ErrorChain(&error), "database unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The database is temporarily unavailable. Please retry shortly.",
                )
                .with_header(header::RETRY_AFTER, HeaderValue::from_static("1"))
            }
            StoreError::Failed(_) => ApiError::internal(&error),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        ApiError::internal(&error)
    }
}

impl From<RegisterCustomerError> for ApiError {
    fn from(error: RegisterCustomerError) -> Self {
        match error {
            RegisterCustomerError::Invalid(invalid) => ApiError::bad_request(invalid.to_string()),
            RegisterCustomerError::EmailTaken => ApiError::new(
                StatusCode::CONFLICT,
                "A customer with this email is already registered.",
            ),
            RegisterCustomerError::Entropy(error) => ApiError::internal(&error),
            RegisterCustomerError::Store(error) => error.into(),
        }
    }
}

impl From<AuthenticateError> for ApiError {
    fn from(error: AuthenticateError) -> Self {
        match error {
            AuthenticateError::InvalidKey => ApiError::unauthorized(),
            AuthenticateError::Store(error) => error.into(),
        }
    }
}

impl From<GenerateLicenseError> for ApiError {
    fn from(error: GenerateLicenseError) -> Self {
        match error {
            GenerateLicenseError::Invalid(invalid) => ApiError::bad_request(invalid.to_string()),
            quota @ GenerateLicenseError::QuotaExhausted { .. } => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, quota.to_string())
            }
            GenerateLicenseError::Entropy(error) => ApiError::internal(&error),
            GenerateLicenseError::Signer(error) => ApiError::internal(&error),
            GenerateLicenseError::Store(error) => error.into(),
        }
    }
}

impl From<ValidateLicenseError> for ApiError {
    fn from(error: ValidateLicenseError) -> Self {
        match error {
            ValidateLicenseError::Invalid(invalid) => ApiError::bad_request(invalid.to_string()),
            ValidateLicenseError::Store(error) => error.into(),
        }
    }
}
