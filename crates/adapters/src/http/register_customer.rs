//! `POST /api/v1/customers/register`: a vendor signs up and receives its API key once.

use actix_web::{HttpResponse, web};
use domain::usecases::register_customer::{RegisterCustomer, Registration};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::{ApiError, ErrorBody};
use super::state::AppState;
use domain::time::rfc3339;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "email": "your-company@example.com",
    "company_name": "Your Company Inc",
    "plan": "professional"
}))]
pub struct RegisterCustomerRequest {
    /// Company e-mail address; unique regardless of case.
    #[schema(max_length = 254, pattern = r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    pub email: String,
    /// Company name, 1 to 256 characters after trimming.
    #[schema(min_length = 1, max_length = 256)]
    pub company_name: String,
    /// Plan tier.
    #[schema(pattern = "^(starter|professional|enterprise)$")]
    pub plan: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "cust_abc123xyz",
    "email": "your-company@example.com",
    "company_name": "Your Company Inc",
    "api_key": "ql_a1b2c3d4e5f6...",
    "plan": "professional",
    "monthly_license_limit": 1000,
    "licenses_generated_this_month": 0,
    "created_at": "2025-12-14T10:30:00Z"
}))]
pub struct RegisterCustomerResponse {
    pub id: String,
    pub email: String,
    pub company_name: String,
    /// The API key. Returned only here, once: store it securely.
    pub api_key: String,
    pub plan: String,
    pub monthly_license_limit: u32,
    pub licenses_generated_this_month: u32,
    pub created_at: String,
}

impl From<Registration> for RegisterCustomerResponse {
    fn from(registration: Registration) -> Self {
        let customer = registration.customer;
        RegisterCustomerResponse {
            id: customer.id.to_string(),
            email: customer.email.as_str().to_owned(),
            company_name: customer.company_name.as_str().to_owned(),
            api_key: registration.api_key.expose().to_owned(),
            plan: customer.plan.to_string(),
            monthly_license_limit: registration.limits.monthly_licenses,
            licenses_generated_this_month: 0,
            created_at: rfc3339(customer.created_at),
        }
    }
}

/// Create a new B2B customer account. The API key is only returned once.
#[utoipa::path(
    post,
    path = "/api/v1/customers/register",
    tag = "customers",
    operation_id = "register_customer",
    request_body = RegisterCustomerRequest,
    responses(
        (status = 201, description = "Registered", body = RegisterCustomerResponse),
        (status = 400, description = "Invalid parameters", body = ErrorBody),
        (status = 409, description = "E-mail already registered", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 429, description = "Rate limit exceeded", body = ErrorBody),
    )
)]
pub async fn register_customer(
    state: web::Data<AppState>,
    body: web::Json<RegisterCustomerRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let request = RegisterCustomer {
        email: body.email,
        company_name: body.company_name,
        plan: body.plan,
    };

    let licensing = state.licensing.clone();
    let registration = web::block(move || licensing.register_customer(request)).await??;

    Ok(HttpResponse::Created().json(RegisterCustomerResponse::from(registration)))
}
