//! The OpenAPI contract: the committed `openapi/openapi.json` is what the code generates and
//! serves, every documented operation is served, and Swagger UI works without a network.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context as _, bail};
use reqwest::StatusCode;
use reqwest::blocking::Response;
use serde_json::{Value, json};

use crate::harness::{Backend, TestApp, TestDatabase, TestResult, expect_status};

const REGENERATE: &str =
    "regenerate it with `cargo run -q -p quantumlock -- openapi > openapi/openapi.json`";

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json")
}

fn spawn() -> anyhow::Result<TestApp> {
    let no_limits = [("QUANTUMLOCK_NO_RATE_LIMITS", "true")];
    TestApp::spawn_on(TestDatabase::create(Backend::Sqlite)?, &no_limits)
}

#[test]
fn committed_document_is_what_the_code_generates() -> TestResult {
    let output = Command::new(env!("CARGO_BIN_EXE_quantumlock"))
        .arg("openapi")
        .output()?;
    assert!(output.status.success(), "{output:?}");
    let generated = String::from_utf8(output.stdout)?;
    let committed = std::fs::read_to_string(committed_path())
        .with_context(|| format!("openapi/openapi.json is missing: {REGENERATE}"))?;
    if generated != committed {
        bail!("openapi/openapi.json differs from the generated document: {REGENERATE}");
    }
    Ok(())
}

#[test]
fn served_document_is_the_committed_one() -> TestResult {
    let app = spawn()?;
    let served = expect_status(app.get("/openapi.json")?, StatusCode::OK)?;
    let committed: Value = serde_json::from_str(&std::fs::read_to_string(committed_path())?)?;
    assert!(
        served == committed,
        "/openapi.json differs from openapi/openapi.json"
    );
    assert_eq!(served["openapi"].as_str().map(|v| &v[..4]), Some("3.1."));
    Ok(())
}

/// Calls every documented operation with a plausible request and checks the route exists:
/// neither the unknown-route 404 nor a 405.
#[test]
fn every_documented_operation_is_served() -> TestResult {
    let app = spawn()?;
    let vendor = app.register("spec@example.com", "enterprise")?;
    let document = expect_status(app.get("/openapi.json")?, StatusCode::OK)?;
    let paths = document["paths"].as_object().context("no paths")?;
    let mut n_operations = 0;
    for (path, item) in paths {
        let concrete = path.replace("{language}", "python");
        for (method, operation) in item.as_object().context("path item")? {
            let response = call(&app, method, &concrete, &vendor.api_key, operation)?;
            let status = response.status();
            let body = response.text()?;
            let unknown = status == StatusCode::NOT_FOUND && body.contains("No such endpoint");
            if unknown || status == StatusCode::METHOD_NOT_ALLOWED {
                bail!("{method} {path} is documented but not served: {status} {body}");
            }
            n_operations += 1;
        }
    }
    assert!(
        n_operations >= 7,
        "only {n_operations} operations documented"
    );
    Ok(())
}

/// The other direction: every route registered in the HTTP adapter is documented. actix-web
/// cannot list its routes, so the route table's path literals are read from its source.
#[test]
fn every_route_is_documented() -> TestResult {
    let source_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../adapters/src/http/mod.rs");
    let source = std::fs::read_to_string(source_path)?;
    let committed: Value = serde_json::from_str(&std::fs::read_to_string(committed_path())?)?;
    let documented = committed["paths"].as_object().context("no paths")?;
    let routes: Vec<&str> = source
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|literal| literal.starts_with("/api/") || *literal == "/health")
        .collect();
    assert!(
        routes.len() >= 7,
        "only {routes:?} found in the route table"
    );
    for route in routes {
        assert!(
            documented.contains_key(route),
            "{route} is served but not documented"
        );
    }
    Ok(())
}

fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    api_key: &str,
    operation: &Value,
) -> anyhow::Result<Response> {
    let mut request = match method {
        "get" => app.client().get(app.url(path)),
        "post" => app.client().post(app.url(path)),
        other => bail!("{other} {path}: add this method to the test"),
    };
    if operation.get("security").is_some() {
        request = request.bearer_auth(api_key);
    }
    if !operation["requestBody"].is_null() {
        request = request.json(&json!({}));
    }
    Ok(request.send()?)
}

#[test]
fn swagger_ui_is_served_from_the_binary() -> TestResult {
    let app = spawn()?;
    let no_redirects = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let redirect = no_redirects.get(app.url("/docs")).send()?;
    assert!(redirect.status().is_redirection());
    assert_eq!(
        redirect
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some("/docs/")
    );
    let page = app.get("/docs/")?;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text()?.contains("swagger-ui"));
    for asset in [
        "swagger-ui-bundle.js",
        "swagger-ui.css",
        "swagger-initializer.js",
    ] {
        let response = app.get(&format!("/docs/{asset}"))?;
        assert_eq!(response.status(), StatusCode::OK, "{asset}");
        let text = response.text()?;
        assert!(text.len() > 100, "{asset} is empty");
        if asset == "swagger-initializer.js" {
            assert!(text.contains("/openapi.json"), "{text}");
            // Swagger UI's default would send the document's URL to validator.swagger.io.
            assert!(text.contains(r#""validatorUrl": "none""#), "{text}");
        }
    }
    Ok(())
}
