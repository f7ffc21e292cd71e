//! The responses every operation shares, added to the document in one place: error statuses
//! with the `detail` envelope, `X-Request-Id`, `Allow` on 405, `WWW-Authenticate` on 401, the
//! rate-limit headers, and links between operations.

use serde_json::{Value, json};
use utoipa::Modify;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{OpenApi, Ref, RefOr};

/// Routes without a request-rate limit.
const UNLIMITED_PATHS: [&str; 1] = ["/health"];
/// Operations that need no database and so cannot answer 503.
const WITHOUT_DATABASE: [&str; 2] = ["get_sdk", "get_keys"];
/// Operations whose successful answer may sit in shared caches, so it carries no per-client
/// `RateLimit-*` headers (the server strips them; see `rate_limit::cacheable`).
const SHARED_CACHEABLE: [&str; 1] = ["get_keys"];

/// Adds what the handlers' annotations would otherwise repeat.
#[derive(Debug)]
pub struct SharedResponses;

impl Modify for SharedResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let limited = !UNLIMITED_PATHS.contains(&path.as_str());
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            let allow = allowed_methods(&operations);
            for operation in operations.into_iter().flatten() {
                add_error_responses(operation, limited);
                insert_method_not_allowed(operation, &allow);
                if limited {
                    add_rate_limit_headers(operation);
                }
                add_common_headers(operation);
                add_links(operation);
            }
        }
    }
}

/// The methods a path serves, as its 405's `Allow` header lists them.
fn allowed_methods(operations: &[&mut Option<Operation>; 5]) -> String {
    let names = ["GET", "PUT", "POST", "DELETE", "PATCH"];
    let served = names.iter().zip(operations.iter());
    let served: Vec<&str> = served
        .filter(|(_, operation)| operation.is_some())
        .map(|(name, _)| *name)
        .collect();
    served.join(", ")
}

fn insert_method_not_allowed(operation: &mut Operation, allow: &str) {
    insert_error(
        operation,
        "405",
        "The path exists but not with this method",
        &format!("Method DELETE is not allowed here; use {allow}."),
    );
    if let Some(RefOr::T(response)) = operation.responses.responses.get_mut("405") {
        let header = HeaderBuilder::new()
            .schema(string_header())
            .description(Some(format!("The methods this path serves: {allow}")))
            .build();
        response.headers.insert("Allow".to_owned(), header);
    }
}

/// `X-Request-Id` on every response, and `WWW-Authenticate` on 401.
fn add_common_headers(operation: &mut Operation) {
    for (status, response) in operation.responses.responses.iter_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        let id = HeaderBuilder::new()
            .schema(string_header().pattern(Some("^[0-9a-f]{16}$")))
            .description(Some(
                "16 hexadecimal digits naming this request in the server log",
            ))
            .build();
        response.headers.insert("X-Request-Id".to_owned(), id);
        if status == "401" {
            let challenge = HeaderBuilder::new()
                .schema(string_header())
                .description(Some("Always `Bearer`"))
                .build();
            response
                .headers
                .insert("WWW-Authenticate".to_owned(), challenge);
        }
    }
}

fn add_error_responses(operation: &mut Operation, limited: bool) {
    let id = operation.operation_id.clone().unwrap_or_default();
    if operation.request_body.is_some() {
        insert_error(
            operation,
            "400",
            "Malformed JSON or invalid parameters",
            "Malformed JSON: EOF while parsing a value at line 1 column 0.",
        );
        insert_error(
            operation,
            "413",
            "Request body over 64 KiB",
            "Request body is larger than 65536 bytes.",
        );
        insert_error(
            operation,
            "415",
            "Content-Type is not application/json",
            "Content-Type must be application/json.",
        );
    }
    if operation.security.is_some() {
        insert_error(
            operation,
            "401",
            "Missing or invalid API key",
            "Invalid or missing API key.",
        );
    }
    if limited {
        // Vendors are limited by plan; everyone else by address.
        let (description, detail) = if operation.security.is_some() {
            (
                "Request-rate limit exceeded, or the client address is blocked for a while \
                 after too many calls without a valid API key",
                "Rate limit exceeded: 100 requests per second on the starter plan. \
                 Retry after 1 second.",
            )
        } else {
            (
                "Request-rate limit exceeded",
                "Rate limit exceeded: 20 requests per second from your address. \
                 Retry after 1 second.",
            )
        };
        insert_error(operation, "429", description, detail);
    }
    if id != "get_health" && !WITHOUT_DATABASE.contains(&id.as_str()) {
        insert_error(
            operation,
            "503",
            "The database is temporarily unavailable",
            "The database is temporarily unavailable. Please retry shortly.",
        );
    }
    insert_error(
        operation,
        "500",
        "Internal fault; the log has the details",
        "Internal server error. The incident has been logged.",
    );
}

/// Adds an error response unless the handler documented that status itself, and then gives
/// it an example if it has none.
fn insert_error(operation: &mut Operation, status: &str, description: &str, detail: &str) {
    let responses = &mut operation.responses.responses;
    if let Some(RefOr::T(documented)) = responses.get_mut(status) {
        let content = documented.content.get_mut("application/json");
        if let Some(content) = content.filter(|c| c.example.is_none() && c.examples.is_empty()) {
            content.example = Some(json!({ "detail": detail }));
        }
        return;
    }
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("ErrorBody")))
        .example(Some(json!({ "detail": detail })))
        .build();
    let mut response = ResponseBuilder::new()
        .description(description)
        .content("application/json", content);
    if status == "503" {
        response = response.header("Retry-After", seconds_header("Seconds to wait"));
    }
    responses.insert(status.to_owned(), RefOr::T(response.build()));
}

fn add_rate_limit_headers(operation: &mut Operation) {
    let id = operation.operation_id.clone().unwrap_or_default();
    let cacheable = SHARED_CACHEABLE.contains(&id.as_str());
    for (status, response) in operation.responses.responses.iter_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        if cacheable && status.starts_with('2') {
            continue;
        }
        insert_rate_headers(response);
        if status == "429" {
            let retry = seconds_header("Seconds to wait before the next request can pass");
            response.headers.insert("Retry-After".to_owned(), retry);
        }
    }
}

fn insert_rate_headers(response: &mut Response) {
    let headers = [
        ("RateLimit-Limit", "Requests allowed in a burst"),
        (
            "RateLimit-Remaining",
            "Requests that may still be made right now",
        ),
        (
            "RateLimit-Reset",
            "Seconds until the full burst is available again",
        ),
    ];
    for (name, description) in headers {
        response
            .headers
            .insert(name.to_owned(), seconds_header(description));
    }
}

fn string_header() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn seconds_header(description: &str) -> utoipa::openapi::header::Header {
    let schema = ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(0));
    HeaderBuilder::new()
        .schema(schema)
        .description(Some(description))
        .build()
}

/// A new license can be validated straight away, by its key or by its certificate.
fn add_links(operation: &mut Operation) {
    if operation.operation_id.as_deref() != Some("generate_license") {
        return;
    }
    let Some(RefOr::T(ok)) = operation.responses.responses.get_mut("200") else {
        return;
    };
    let links = [
        (
            "ValidateLicense",
            "license_key",
            "Validate the license just issued by its key.",
        ),
        (
            "ValidateCertificate",
            "license_certificate",
            "Validate the license just issued by its certificate.",
        ),
    ];
    for (name, field, description) in links {
        let body = json!({ field: format!("$response.body#/{field}") });
        let link = LinkBuilder::new()
            .operation_id("validate_license")
            .request_body(Some(body))
            .description(description)
            .build();
        ok.links.insert(name.to_owned(), RefOr::T(link));
    }
}

/// utoipa 5 writes Link fields in snake case (`operation_id`); OpenAPI spells them in camel
/// case, and tools ignore links otherwise.
pub fn fix_link_field_names(document: &mut Value) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let responses = paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
        .filter_map(|operation| operation.get_mut("responses")?.as_object_mut())
        .flat_map(|responses| responses.values_mut());
    for response in responses {
        let Some(links) = response.get_mut("links").and_then(Value::as_object_mut) else {
            continue;
        };
        for link in links.values_mut().filter_map(Value::as_object_mut) {
            for (snake, camel) in [
                ("operation_id", "operationId"),
                ("operation_ref", "operationRef"),
                ("request_body", "requestBody"),
            ] {
                if let Some(value) = link.remove(snake) {
                    link.insert(camel.to_owned(), value);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_fields_are_renamed_in_place() {
        let mut document = serde_json::json!({"paths": {"/a": {"post": {"responses": {"200": {
            "links": {"L": {"operation_id": "b", "request_body": {"k": "$response.body#/k"}}}
        }}}}}});
        fix_link_field_names(&mut document);
        let link = &document["paths"]["/a"]["post"]["responses"]["200"]["links"]["L"];
        assert_eq!(link["operationId"], "b");
        assert_eq!(link["requestBody"]["k"], "$response.body#/k");
        assert!(link.get("operation_id").is_none());
    }
}
