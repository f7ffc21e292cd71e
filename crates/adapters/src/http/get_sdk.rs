//! `GET /api/v1/sdk/{language}`: how to call QuantumLock from a vendor's language.

use actix_web::http::StatusCode;
use actix_web::web;
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{ApiError, ErrorBody};

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "language": "Python",
    "installation": "No package needed: the example uses only Python 3's standard library.",
    "import": "import json, urllib.request",
    "example": "...",
    "docs": "/docs"
}))]
pub struct SdkResponse {
    pub language: &'static str,
    /// What to install before running the example.
    pub installation: &'static str,
    /// What the example imports.
    pub import: &'static str,
    /// A complete program that validates a license key over HTTP.
    pub example: &'static str,
    /// Where the full API is described.
    pub docs: &'static str,
}

const DOCS: &str = "/docs";

/// Dedicated client libraries are not published yet; until they are, each entry is an honest,
/// runnable program against the HTTP API.
const SDKS: [(&str, SdkResponse); 4] = [
    (
        "python",
        SdkResponse {
            language: "Python",
            installation: "Online validation needs only Python 3's standard library. Offline \
                certificate verification (--offline): pip install ./sdks/python from the \
                QuantumLock repository (quantumlock-verify: cryptography, dilithium-py).",
            import: "import json, os, sys, urllib.request; from quantumlock_verify import \
                KeySet, VerifyError, verify",
            example: include_str!("sdk/validate.py"),
            docs: DOCS,
        },
    ),
    (
        "nodejs",
        SdkResponse {
            language: "Node.js",
            installation: "Online validation needs no package (Node.js 18 or later has fetch). \
                Offline certificate verification (--offline): npm install ./sdks/node from the \
                QuantumLock repository (quantumlock-verify, Node.js 20.19 or later).",
            import: "import { KeySet, VerifyError, verify } from \"quantumlock-verify\";",
            example: include_str!("sdk/validate.mjs"),
            docs: DOCS,
        },
    ),
    (
        "java",
        SdkResponse {
            language: "Java",
            installation: "No dependency needed: Java 11 or later has java.net.http built in.",
            import: "import java.net.http.HttpClient;",
            example: include_str!("sdk/Validate.java"),
            docs: DOCS,
        },
    ),
    (
        "csharp",
        SdkResponse {
            language: "C#",
            installation: "No package needed: .NET 6 or later has System.Net.Http.Json built in.",
            import: "using System.Net.Http.Json;",
            example: include_str!("sdk/Validate.cs"),
            docs: DOCS,
        },
    ),
];

/// Get SDK installation instructions for a specific language.
#[utoipa::path(
    get,
    path = "/api/v1/sdk/{language}",
    tag = "sdk",
    operation_id = "get_sdk",
    params(("language" = String, Path, description = "One of python, nodejs, java, csharp",
        pattern = "^(python|nodejs|java|csharp)$")),
    responses(
        (status = 200, description = "How to call the API from that language", body = SdkResponse),
        (status = 404, description = "Unknown language", body = ErrorBody),
    )
)]
pub async fn get_sdk(language: web::Path<String>) -> Result<web::Json<SdkResponse>, ApiError> {
    SDKS.iter()
        .find(|(name, _)| *name == language.as_str())
        .map(|(_, sdk)| web::Json(sdk.clone()))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "Unknown SDK language. Choose one of python, nodejs, java or csharp.",
            )
        })
}

/// The example programs, by language, for tests that run them.
pub fn examples() -> impl Iterator<Item = (&'static str, &'static str)> {
    SDKS.iter().map(|(name, sdk)| (*name, sdk.example))
}
