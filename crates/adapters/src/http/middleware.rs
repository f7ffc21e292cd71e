//! Cross-cutting request handling: request ids in logs and headers, and the guarantee that
//! every error leaves in the JSON envelope.

use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use tracing::{Instrument, debug, info_span, warn};

use super::error::{ApiError, ErrorBody};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Tags the request's log lines and its response with a fresh id, so that a client's report
/// ("request id ...") leads straight to the log.
pub async fn request_id(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut bytes = [0u8; 8];
    // An id is a convenience; if the generator fails the request goes on with zeros.
    let _ = getrandom::fill(&mut bytes);
    let id = hex::encode(bytes);
    let span = info_span!(
        "request",
        request.id = %id,
        http.method = %request.method(),
        http.route = request.match_pattern().as_deref().unwrap_or("unmatched"),
    );
    let started = Instant::now();
    let mut response = next.call(request).instrument(span.clone()).await?;
    span.in_scope(|| {
        debug!(
            http.status = response.status().as_u16(),
            duration_ms = started.elapsed().as_secs_f64() * 1e3,
            "request finished"
        );
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(response)
}

/// No request may take longer than this, whether the client trickles its body or the
/// database stalls without failing.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(15);

/// Answers 503 when a request outlives [`REQUEST_DEADLINE`]. Work already handed to the
/// blocking pool finishes on its own; a generate cut off this way may still have been stored,
/// which is the same ambiguity as a lost response (see docs/known-limitations.md).
pub async fn deadline(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    match actix_web::rt::time::timeout(REQUEST_DEADLINE, next.call(request)).await {
        Ok(response) => response,
        Err(_) => {
            warn!(
                deadline_s = REQUEST_DEADLINE.as_secs(),
                "request cut off at its deadline"
            );
            // Returned as an error: the request itself now belongs to the abandoned call, and
            // actix renders the error with ApiError's JSON envelope.
            let error = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "The request did not complete within {} seconds. Please retry.",
                    REQUEST_DEADLINE.as_secs()
                ),
            )
            .with_header(header::RETRY_AFTER, HeaderValue::from_static("1"));
            Err(error.into())
        }
    }
}

/// Rewrites any error response not already in our envelope (from actix itself or a library)
/// into `{"detail": ...}`, keeping its status and headers.
pub async fn json_errors(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let response = next.call(request).await?;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return Ok(response.map_into_boxed_body());
    }
    let (request, original) = response.into_parts();
    let mut replacement = HttpResponse::build(status).json(ErrorBody {
        detail: default_detail(status),
    });
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            replacement
                .headers_mut()
                .insert(name.clone(), value.clone());
        }
    }
    Ok(ServiceResponse::new(request, replacement))
}

fn default_detail(status: StatusCode) -> String {
    match status {
        StatusCode::NOT_FOUND => "Not found.".to_owned(),
        StatusCode::METHOD_NOT_ALLOWED => "Method not allowed.".to_owned(),
        status => format!("{}.", status.canonical_reason().unwrap_or("Request failed")),
    }
}

/// The answer for paths we do not serve.
pub async fn not_found(request: actix_web::HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(
        StatusCode::NOT_FOUND,
        format!("No such endpoint: {} {}.", request.method(), request.path()),
    ))
}

/// The answer for a known path called with the wrong method; `allow` lists the right ones.
pub fn method_not_allowed(allow: &'static str) -> actix_web::Route {
    web::to(move |request: actix_web::HttpRequest| async move {
        Err::<HttpResponse, _>(
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                format!(
                    "Method {} is not allowed here; use {allow}.",
                    request.method()
                ),
            )
            .with_header(header::ALLOW, HeaderValue::from_static(allow)),
        )
    })
}
