//! The actix-web HTTP API: routes, the error envelope, OpenAPI and Swagger UI.

mod error;
mod extract;
mod generate_license;
mod get_customer;
mod get_health;
mod get_keys;
mod get_sdk;
mod get_stats;
mod middleware;
pub mod openapi;
pub mod rate_limit;
mod register_customer;
mod schemas;
mod state;
mod validate_license;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, guard, web};
use utoipa_swagger_ui::{Config, SwaggerUi};

pub use error::{ApiError, ErrorBody};
pub use get_sdk::examples as sdk_examples;
pub use state::AppState;

use middleware::method_not_allowed;
use rate_limit::{RateLimitConfig, RateLimiters};

/// Tunables of the HTTP server itself.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// actix worker threads; each runs many connections.
    pub workers: usize,
    /// Request-rate limits.
    pub rate_limits: RateLimitConfig,
}

/// Starts serving on `listener`; the returned server runs until stopped or signalled.
///
/// # Errors
/// When the listener cannot be used.
pub fn serve(
    listener: TcpListener,
    state: AppState,
    config: &ServerConfig,
) -> std::io::Result<Server> {
    let state = web::Data::new(state);
    let limiters = Arc::new(RateLimiters::new(&config.rate_limits));
    RateLimiters::sweep_periodically(&limiters, config.rate_limits.sweep_interval);
    let limiters = web::Data::from(limiters);
    let document = openapi::document_json().map_err(std::io::Error::other)?;
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(limiters.clone())
            .app_data(extract::json_config())
            .configure(routes)
            .service(
                SwaggerUi::new("/docs/{_:.*}")
                    .external_url_unchecked("/openapi.json", document.clone())
                    // The bundled default sends the spec's URL to validator.swagger.io;
                    // nothing may leave the machine.
                    .config(Config::from("/openapi.json").validator_url("none")),
            )
            .default_service(web::to(middleware::not_found))
            .wrap(from_fn(middleware::deadline))
            .wrap(from_fn(middleware::json_errors))
            .wrap(from_fn(middleware::request_id))
    })
    .workers(config.workers)
    .shutdown_timeout(10)
    .listen(listener)?
    .run();
    Ok(server)
}

/// A GET route that also answers HEAD, as HTTP requires (load balancers probe with HEAD);
/// actix sends no body on HEAD responses.
fn get_or_head() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

fn routes(config: &mut web::ServiceConfig) {
    let resource = |path: &str, route: actix_web::Route, allow: &'static str| {
        web::resource(path)
            .route(route)
            .default_service(method_not_allowed(allow))
    };
    // Public routes are limited per client address, authenticated ones per vendor.
    let public = |path: &str, route: actix_web::Route, allow: &'static str| {
        resource(path, route, allow).wrap(from_fn(rate_limit::limit_by_address))
    };
    let vendor = |path: &str, route: actix_web::Route, allow: &'static str| {
        resource(path, route, allow).wrap(from_fn(rate_limit::limit_by_vendor))
    };
    config
        .service(resource(
            "/health",
            get_or_head().to(get_health::get_health),
            "GET, HEAD",
        ))
        .service(public(
            "/api/v1/customers/register",
            web::post().to(register_customer::register_customer),
            "POST",
        ))
        .service(vendor(
            "/api/v1/customers/me",
            get_or_head().to(get_customer::get_customer),
            "GET, HEAD",
        ))
        .service(vendor(
            "/api/v1/licenses/generate",
            web::post().to(generate_license::generate_license),
            "POST",
        ))
        .service(public(
            "/api/v1/licenses/validate",
            web::post().to(validate_license::validate_license),
            "POST",
        ))
        .service(vendor(
            "/api/v1/stats",
            get_or_head().to(get_stats::get_stats),
            "GET, HEAD",
        ))
        .service(public(
            "/api/v1/sdk/{language}",
            get_or_head().to(get_sdk::get_sdk),
            "GET, HEAD",
        ))
        .service(
            // A static public document: still limited per address, but its cacheable 200s
            // carry no per-client headers.
            public(
                "/api/v1/keys",
                get_or_head().to(get_keys::get_keys),
                "GET, HEAD",
            )
            .wrap(from_fn(rate_limit::cacheable)),
        )
        .service(web::resource("/docs").route(web::get().to(|| async {
            HttpResponse::PermanentRedirect()
                .insert_header((header::LOCATION, "/docs/"))
                .finish()
        })));
}
