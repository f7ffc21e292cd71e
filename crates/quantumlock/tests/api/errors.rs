//! Every documented error: right status, the `{"detail"}` envelope, and nothing written.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{Backend, TestApp, TestResult, expect_error, expect_status, license_request};

crate::on_both_backends!(
    registration_errors,
    authentication_errors,
    generate_input_errors,
    validate_input_errors,
    routing_and_body_errors,
);

fn registration_errors(backend: Backend) -> TestResult {
    let app = TestApp::spawn(backend)?;
    let path = "/api/v1/customers/register";
    let long_name = "x".repeat(257);
    let long_email = format!("{}@example.com", "a".repeat(243));
    let cases = [
        json!({"email": "not-an-email", "company_name": "Acme", "plan": "starter"}),
        json!({"email": "a b@example.com", "company_name": "Acme", "plan": "starter"}),
        json!({"email": long_email, "company_name": "Acme", "plan": "starter"}),
        json!({"email": "a@example.com", "company_name": "   ", "plan": "starter"}),
        json!({"email": "a@example.com", "company_name": long_name, "plan": "starter"}),
        json!({"email": "a@example.com", "company_name": "Acme", "plan": "platinum"}),
        json!({"email": "a@example.com", "company_name": "Acme"}),
        json!({"email": "a@example.com", "company_name": "Acme", "plan": "starter", "x": 1}),
        json!({"email": 5, "company_name": "Acme", "plan": "starter"}),
        json!(["a@example.com"]),
    ];
    for body in &cases {
        let detail = expect_error(app.post_json(path, body)?, StatusCode::BAD_REQUEST)?;
        assert!(detail.ends_with('.'), "{detail}");
    }
    // None of those stored anything: the address is still free.
    app.register("a@example.com", "starter")?;
    let duplicate =
        json!({"email": "A@EXAMPLE.COM", "company_name": "Other", "plan": "enterprise"});
    let detail = expect_error(app.post_json(path, &duplicate)?, StatusCode::CONFLICT)?;
    assert!(detail.contains("already registered"), "{detail}");
    Ok(())
}

fn authentication_errors(backend: Backend) -> TestResult {
    let app = TestApp::spawn(backend)?;
    let vendor = app.register("a@example.com", "starter")?;
    let wrong = format!("ql_{}", "A".repeat(43));
    for path in ["/api/v1/customers/me", "/api/v1/stats"] {
        let missing = app.get(path)?;
        assert_eq!(
            missing
                .headers()
                .get("www-authenticate")
                .and_then(|v| v.to_str().ok()),
            Some("Bearer")
        );
        expect_error(missing, StatusCode::UNAUTHORIZED)?;
        for key in [wrong.as_str(), "ql_short", "", "Bearer"] {
            expect_error(app.get_authed(path, key)?, StatusCode::UNAUTHORIZED)?;
        }
        let twice = app
            .client()
            .get(app.url(path))
            .header("authorization", format!("Bearer {}", vendor.api_key))
            .header("authorization", format!("Bearer {}", vendor.api_key))
            .send()?;
        expect_error(twice, StatusCode::UNAUTHORIZED)?;
        let basic = app
            .client()
            .get(app.url(path))
            .header("authorization", "Basic abc")
            .send()?;
        expect_error(basic, StatusCode::UNAUTHORIZED)?;
    }
    let generate = app.post_json("/api/v1/licenses/generate", &license_request())?;
    expect_error(generate, StatusCode::UNAUTHORIZED)?;
    let stats = app.get_authed("/api/v1/stats", &vendor.api_key)?;
    assert_eq!(expect_status(stats, StatusCode::OK)?["total_licenses"], 0);
    Ok(())
}

fn generate_input_errors(backend: Backend) -> TestResult {
    let app = TestApp::spawn(backend)?;
    let vendor = app.register("a@example.com", "starter")?;
    let path = "/api/v1/licenses/generate";
    let many: Vec<String> = (0..65).map(|idx| format!("f{idx}")).collect();
    let mut deep = json!({"leaf": 1});
    for _ in 0..8 {
        deep = json!({ "next": deep });
    }
    let with = |field: &str, value: serde_json::Value| {
        let mut body = license_request();
        body[field] = value;
        body
    };
    let cases = [
        with("end_customer_id", json!("")),
        with("end_customer_id", json!("x".repeat(257))),
        with("end_customer_id", json!(42)),
        with("features", json!("premium")),
        with("features", json!(["ok", "not ok"])),
        with("features", json!(["dup", "dup"])),
        with("features", json!(many)),
        with("features", json!(["x".repeat(65)])),
        with("expires_in_days", json!(0)),
        with("expires_in_days", json!(3651)),
        with("expires_in_days", json!(-5)),
        with("expires_in_days", json!(1.5)),
        with("expires_in_days", json!("30")),
        with("metadata", json!([1, 2])),
        with("metadata", json!("text")),
        with("metadata", deep),
        with("metadata", json!({"blob": "x".repeat(16 * 1024)})),
        with("unexpected", json!(true)),
        json!({"features": []}),
    ];
    for body in &cases {
        let response = app.post_authed(path, &vendor.api_key, body)?;
        expect_error(response, StatusCode::BAD_REQUEST)?;
    }
    let me = expect_status(
        app.get_authed("/api/v1/customers/me", &vendor.api_key)?,
        StatusCode::OK,
    )?;
    assert_eq!(
        me["used_this_month"], 0,
        "rejected requests must not use quota"
    );

    let minimal = json!({"end_customer_id": "c", "features": []});
    let license = app.generate(&vendor.api_key, &minimal)?;
    assert_eq!(license["metadata"], json!({}));
    let null_metadata = json!({"end_customer_id": "c", "features": [], "metadata": null});
    app.generate(&vendor.api_key, &null_metadata)?;
    Ok(())
}

fn validate_input_errors(backend: Backend) -> TestResult {
    let app = TestApp::spawn(backend)?;
    let path = "/api/v1/licenses/validate";
    for body in [
        json!({}),
        json!({"license_key": 5}),
        json!({"license_key": "not a key"}),
        json!({"license_key": "QCOS-AAAA-BBBB-CCCC"}),
        json!({"license_key": "QCOS-AAAA-BBBB-CCCC-DDDD", "extra": 1}),
    ] {
        expect_error(app.post_json(path, &body)?, StatusCode::BAD_REQUEST)?;
    }
    Ok(())
}

fn routing_and_body_errors(backend: Backend) -> TestResult {
    let app = TestApp::spawn(backend)?;
    let client = app.client();
    expect_error(app.get("/api/v1/nothing-here")?, StatusCode::NOT_FOUND)?;
    expect_error(app.get("/api/v1/sdk/cobol")?, StatusCode::NOT_FOUND)?;

    let head = client.head(app.url("/health")).send()?;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(head.text()?, "", "HEAD answers without a body");
    let get_only = client.delete(app.url("/api/v1/stats")).send()?;
    assert_eq!(
        get_only
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("GET, HEAD")
    );

    let wrong_method = client.delete(app.url("/api/v1/licenses/validate")).send()?;
    assert_eq!(
        wrong_method
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("POST")
    );
    expect_error(wrong_method, StatusCode::METHOD_NOT_ALLOWED)?;
    expect_error(
        client.post(app.url("/health")).send()?,
        StatusCode::METHOD_NOT_ALLOWED,
    )?;

    let path = app.url("/api/v1/customers/register");
    let malformed = client
        .post(&path)
        .header("content-type", "application/json")
        .body("{\"email\":");
    expect_error(malformed.send()?, StatusCode::BAD_REQUEST)?;
    let not_json = client
        .post(&path)
        .header("content-type", "text/plain")
        .body("{}");
    expect_error(not_json.send()?, StatusCode::UNSUPPORTED_MEDIA_TYPE)?;
    let huge = format!("{{\"email\":\"{}\"}}", "a".repeat(70 * 1024));
    let too_large = client
        .post(&path)
        .header("content-type", "application/json")
        .body(huge);
    expect_error(too_large.send()?, StatusCode::PAYLOAD_TOO_LARGE)?;
    Ok(())
}
