//! The actix-web HTTP API: routes, the error envelope, OpenAPI and Swagger UI.

mod error;
mod extract;
mod generate_license;
mod get_customer;
mod get_health;
mod get_sdk;
mod get_stats;
mod middleware;
pub mod openapi;
mod register_customer;
mod state;
mod validate_license;

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, web};
use utoipa_swagger_ui::SwaggerUi;

pub use error::{ApiError, ErrorBody};
pub use get_sdk::examples as sdk_examples;
pub use state::AppState;

use middleware::method_not_allowed;

/// Tunables of the HTTP server itself.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// actix worker threads; each runs many connections.
    pub workers: usize,
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
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(extract::json_config())
            .configure(routes)
            .default_service(web::to(middleware::not_found))
            .wrap(from_fn(middleware::json_errors))
            .wrap(from_fn(middleware::request_id))
    })
    .workers(config.workers)
    .shutdown_timeout(10)
    .listen(listener)?
    .run();
    Ok(server)
}

fn routes(config: &mut web::ServiceConfig) {
    let resource = |path: &str, route: actix_web::Route, allow: &'static str| {
        web::resource(path)
            .route(route)
            .default_service(method_not_allowed(allow))
    };
    config
        .service(resource(
            "/health",
            web::get().to(get_health::get_health),
            "GET",
        ))
        .service(resource(
            "/api/v1/customers/register",
            web::post().to(register_customer::register_customer),
            "POST",
        ))
        .service(resource(
            "/api/v1/customers/me",
            web::get().to(get_customer::get_customer),
            "GET",
        ))
        .service(resource(
            "/api/v1/licenses/generate",
            web::post().to(generate_license::generate_license),
            "POST",
        ))
        .service(resource(
            "/api/v1/licenses/validate",
            web::post().to(validate_license::validate_license),
            "POST",
        ))
        .service(resource(
            "/api/v1/stats",
            web::get().to(get_stats::get_stats),
            "GET",
        ))
        .service(resource(
            "/api/v1/sdk/{language}",
            web::get().to(get_sdk::get_sdk),
            "GET",
        ))
        .service(web::resource("/docs").route(web::get().to(|| async {
            HttpResponse::PermanentRedirect()
                .insert_header((header::LOCATION, "/docs/"))
                .finish()
        })))
        .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", openapi::document()));
}
