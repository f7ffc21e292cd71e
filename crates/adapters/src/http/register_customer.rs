//! `POST /api/v1/customers/register`: a vendor signs up and receives its API key once.

use actix_web::{HttpResponse, web};
use domain::usecases::register_customer::{RegisterCustomer, Registration};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::{ApiError, ErrorBody};
use super::schemas::{
    ApiKeyText, CompanyNameText, CustomerIdText, EmailText, MAX_EMAIL_CHARS, PlanName, Timestamp,
};
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
    /// Company e-mail address, at most 254 characters; unique regardless of case.
    #[schema(inline, value_type = EmailText)]
    pub email: String,
    /// Company name, 1 to 256 characters after trimming, no control characters.
    #[schema(inline, value_type = CompanyNameText)]
    pub company_name: String,
    /// Plan tier: starter, professional or enterprise.
    #[schema(inline, value_type = PlanName)]
    pub plan: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "cust_abc123xyz",
    "email": "your-company@example.com",
    "company_name": "Your Company Inc",
    "api_key": super::schemas::EXAMPLE_API_KEY,
    "plan": "professional",
    "monthly_license_limit": 1000,
    "licenses_generated_this_month": 0,
    "created_at": "2025-12-14T10:30:00Z"
}))]
pub struct RegisterCustomerResponse {
    #[schema(inline, value_type = CustomerIdText)]
    pub id: String,
    pub email: String,
    pub company_name: String,
    /// The API key. Returned only here, once: store it securely.
    #[schema(inline, value_type = ApiKeyText)]
    pub api_key: String,
    #[schema(inline, value_type = PlanName)]
    pub plan: String,
    /// Licenses allowed per calendar month (UTC).
    pub monthly_license_limit: u32,
    /// Always 0 for a new account.
    #[schema(minimum = 0, maximum = 0)]
    pub licenses_generated_this_month: u32,
    #[schema(inline, value_type = Timestamp)]
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
    // The schema bounds the raw value, so clients can check it before they call.
    if body.email.chars().count() > MAX_EMAIL_CHARS {
        return Err(ApiError::bad_request(format!(
            "email must be at most {MAX_EMAIL_CHARS} characters long."
        )));
    }
    let request = RegisterCustomer {
        email: body.email,
        company_name: body.company_name,
        plan: body.plan,
    };

    let licensing = state.licensing.clone();
    let registration = web::block(move || licensing.register_customer(request)).await??;

    Ok(HttpResponse::Created().json(RegisterCustomerResponse::from(registration)))
}
