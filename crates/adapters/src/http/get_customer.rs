//! `GET /api/v1/customers/me`: the calling vendor's account.

use actix_web::web;
use domain::usecases::customer_info::CustomerInfo;
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{ApiError, ErrorBody};
use super::extract::Vendor;
use super::schemas::{CustomerIdText, PlanName, Timestamp};
use super::state::AppState;
use domain::time::rfc3339;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "cust_abc123xyz",
    "email": "your-company@example.com",
    "company_name": "Your Company Inc",
    "plan": "professional",
    "monthly_limit": 1000,
    "used_this_month": 45,
    "created_at": "2025-12-14T10:30:00Z"
}))]
pub struct CustomerResponse {
    #[schema(inline, value_type = CustomerIdText)]
    pub id: String,
    pub email: String,
    pub company_name: String,
    #[schema(inline, value_type = PlanName)]
    pub plan: String,
    /// Licenses allowed per calendar month (UTC).
    pub monthly_limit: u32,
    /// Licenses generated in the current calendar month (UTC).
    pub used_this_month: u32,
    #[schema(inline, value_type = Timestamp)]
    pub created_at: String,
}

impl From<CustomerInfo> for CustomerResponse {
    fn from(info: CustomerInfo) -> Self {
        let customer = info.customer;
        CustomerResponse {
            id: customer.id.to_string(),
            email: customer.email.as_str().to_owned(),
            company_name: customer.company_name.as_str().to_owned(),
            plan: customer.plan.to_string(),
            monthly_limit: info.limits.monthly_licenses,
            used_this_month: info.used_this_month,
            created_at: rfc3339(customer.created_at),
        }
    }
}

/// Get your account information.
#[utoipa::path(
    get,
    path = "/api/v1/customers/me",
    tag = "customers",
    operation_id = "get_customer",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The calling vendor", body = CustomerResponse),
        (status = 401, description = "Invalid or missing API key", body = ErrorBody),
        (status = 429, description = "Rate limit exceeded", body = ErrorBody),
    )
)]
pub async fn get_customer(
    state: web::Data<AppState>,
    Vendor(vendor): Vendor,
) -> Result<web::Json<CustomerResponse>, ApiError> {
    let licensing = state.licensing.clone();
    let info = web::block(move || licensing.customer_info(vendor)).await??;
    Ok(web::Json(info.into()))
}
