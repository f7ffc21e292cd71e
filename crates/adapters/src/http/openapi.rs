//! The OpenAPI 3.1 document, generated from the handlers' annotations.

mod responses;

use responses::SharedResponses;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::error::ErrorBody;
use super::{
    generate_license, get_customer, get_health, get_keys, get_sdk, get_stats, register_customer,
    validate_license,
};

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "QuantumLock API",
        description = "Issue and validate software licenses for your customers. Every license \
            carries a quantum fingerprint from a simulated noisy circuit; its security rests \
            on signatures, not on the fingerprint: each license certificate carries both an \
            Ed25519 and an ML-DSA-65 (FIPS 204) signature, verifiable offline with the keys \
            from `GET /api/v1/keys`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    paths(
        get_health::get_health,
        register_customer::register_customer,
        get_customer::get_customer,
        generate_license::generate_license,
        validate_license::validate_license,
        get_stats::get_stats,
        get_sdk::get_sdk,
        get_keys::get_keys,
    ),
    components(schemas(ErrorBody)),
    modifiers(&BearerAuth, &SharedResponses),
    tags(
        (name = "health", description = "Service status"),
        (name = "customers", description = "Vendor accounts"),
        (name = "licenses", description = "Issuing and checking licenses"),
        (name = "sdk", description = "Client integration help"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some("The API key returned by registration, `ql_...`"))
            .build();
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The document as the handlers describe it; [`document_json`] is what clients get.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The document as served at `/openapi.json`.
///
/// # Errors
/// Only if the document cannot be serialized, which would be a bug.
pub fn document_json() -> serde_json::Result<serde_json::Value> {
    let mut document = serde_json::to_value(document())?;
    responses::fix_link_field_names(&mut document);
    Ok(document)
}

/// The document as committed in `openapi/openapi.json`: pretty JSON and a final newline.
///
/// # Errors
/// Only if the document cannot be serialized, which would be a bug.
pub fn document_text() -> serde_json::Result<String> {
    let mut text = serde_json::to_string_pretty(&document_json()?)?;
    text.push('\n');
    Ok(text)
}
