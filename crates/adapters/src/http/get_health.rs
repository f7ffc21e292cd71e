//! `GET /health`: liveness, database reachability and the simulator's self-check.

use std::time::Duration;

use actix_web::{HttpResponse, web};
use chrono::Utc;
use serde::Serialize;
use utoipa::ToSchema;

use super::error::ApiError;
use super::schemas::{HealthStatus, Timestamp};
use super::state::AppState;

/// How long the database may take to answer before the service reports itself unhealthy.
const PING_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "status": "healthy", "timestamp": "2025-12-14T10:30:00Z", "quantum_ready": true
}))]
pub struct HealthResponse {
    /// `healthy`, or `unhealthy` when the database cannot be reached.
    #[schema(inline, value_type = HealthStatus)]
    pub status: &'static str,
    /// Server time, RFC 3339 UTC.
    #[schema(inline, value_type = Timestamp)]
    pub timestamp: String,
    /// Whether the quantum simulator passed its self-check at start.
    pub quantum_ready: bool,
}

/// Check API status (no authentication required).
#[utoipa::path(
    get,
    path = "/health",
    tag = "health",
    operation_id = "get_health",
    responses(
        (status = 200, description = "Service and database are up", body = HealthResponse),
        (status = 503, description = "The database cannot be reached", body = HealthResponse),
    )
)]
pub async fn get_health(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let database = state.database.clone();
    // A stalled (not stopped) database would otherwise hold the probe as long as it stalls.
    let ping = actix_web::rt::time::timeout(PING_TIMEOUT, web::block(move || database.ping()));
    let database_up = matches!(ping.await, Ok(Ok(Ok(()))));
    let body = HealthResponse {
        status: if database_up { "healthy" } else { "unhealthy" },
        timestamp: domain::time::rfc3339(Utc::now()),
        quantum_ready: state.quantum_ready,
    };
    let mut response = if database_up {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    Ok(response.json(body))
}
