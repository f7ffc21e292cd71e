//! `GET /api/v1/stats`: the calling vendor's license statistics.

use actix_web::web;
use domain::usecases::stats::VendorStats;
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{ApiError, ErrorBody};
use super::extract::Vendor;
use super::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "total_licenses": 450,
    "active_licenses": 380,
    "expired_licenses": 70,
    "this_month": 45,
    "monthly_limit": 1000,
    "quantum_fidelity_avg": 0.9386,
    "generation_time_avg_ms": 0.415
}))]
pub struct StatsResponse {
    pub total_licenses: u64,
    /// Neither expired nor revoked or suspended.
    pub active_licenses: u64,
    pub expired_licenses: u64,
    /// Generated in the current calendar month (UTC).
    pub this_month: u64,
    pub monthly_limit: u32,
    /// Mean over all your licenses, four decimals; 0 when there are none.
    #[schema(minimum = 0, maximum = 1)]
    pub quantum_fidelity_avg: f64,
    /// Mean over all your licenses, in milliseconds; 0 when there are none.
    #[schema(minimum = 0)]
    pub generation_time_avg_ms: f64,
}

impl From<VendorStats> for StatsResponse {
    fn from(stats: VendorStats) -> Self {
        let licenses = stats.licenses;
        StatsResponse {
            total_licenses: licenses.n_total,
            active_licenses: licenses.n_active,
            expired_licenses: licenses.n_expired,
            this_month: licenses.n_this_month,
            monthly_limit: stats.monthly_limit,
            quantum_fidelity_avg: round_to(licenses.quantum_fidelity_avg, 4),
            generation_time_avg_ms: round_to(licenses.generation_time_avg_us / 1_000.0, 3),
        }
    }
}

fn round_to(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

/// Get your license generation statistics.
#[utoipa::path(
    get,
    path = "/api/v1/stats",
    tag = "licenses",
    operation_id = "get_stats",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your statistics", body = StatsResponse),
        (status = 401, description = "Invalid or missing API key", body = ErrorBody),
        (status = 429, description = "Rate limit exceeded", body = ErrorBody),
    )
)]
pub async fn get_stats(
    state: web::Data<AppState>,
    Vendor(vendor): Vendor,
) -> Result<web::Json<StatsResponse>, ApiError> {
    let licensing = state.licensing.clone();
    let stats = web::block(move || licensing.stats(&vendor)).await??;
    Ok(web::Json(stats.into()))
}
