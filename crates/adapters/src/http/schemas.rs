//! JSON Schemas of the constrained strings on the wire, written so that a client validating
//! against them accepts exactly what the server accepts.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, KnownFormat, ObjectBuilder, OneOfBuilder, Schema,
    SchemaFormat, Type,
};
use utoipa::{PartialSchema, ToSchema};

/// White space as the server trims it (Unicode `White_Space`), spelled out because `\s`
/// differs between regex dialects.
const WS: &str = r"\t\n\x0B\x0C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
/// Control characters (Unicode `Cc`), which the server refuses inside text.
const CC: &str = r"\x00-\x1F\x7F-\x9F";

/// The longest e-mail address accepted, surrounding white space included.
pub const MAX_EMAIL_CHARS: usize = 254;
/// The longest license key text accepted, surrounding white space included.
pub const MAX_LICENSE_KEY_CHARS: usize = 64;

/// Defines a unit type whose schema is `build`, for `#[schema(inline, value_type = ...)]`.
macro_rules! wire_schema {
    ($(#[$doc:meta])* $name:ident => $build:expr) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                $build.into()
            }
        }

        impl ToSchema for $name {}
    };
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// 1 to `max` characters after trimming white space, none of them control characters.
fn trimmed_text(max: usize) -> ObjectBuilder {
    let edge = format!("[^{WS}{CC}]");
    let inner = format!("[^{CC}]{{0,{}}}", max - 2);
    let pattern = format!("^[{WS}]*{edge}(?:{inner}{edge})?[{WS}]*$");
    string().min_length(Some(1)).pattern(Some(pattern))
}

wire_schema!(
    /// A company name.
    CompanyNameText => trimmed_text(256).examples(["Your Company Inc"])
);

wire_schema!(
    /// The vendor's own identifier of its customer.
    EndCustomerIdText => trimmed_text(256).examples(["customer-123"])
);

wire_schema!(
    /// An e-mail address as the server accepts it: one `@`, a dotted domain without empty
    /// labels, no white space or control characters inside, at most 254 characters.
    EmailText => {
        let part = format!("[^@{WS}{CC}]");
        let label = format!("[^@.{WS}{CC}]+");
        let pattern = format!("^[{WS}]*{part}+@{label}(?:\\.{label})+[{WS}]*$");
        string()
            .max_length(Some(MAX_EMAIL_CHARS))
            .pattern(Some(pattern))
            .examples(["your-company@example.com"])
    }
);

wire_schema!(
    /// Up to 64 distinct feature names of 1 to 64 letters, digits, `_ . : -`.
    FeatureList => ArrayBuilder::new()
        .items(string().min_length(Some(1)).max_length(Some(64)).pattern(Some(
            r"^[A-Za-z0-9_.:-]{1,64}$"
        )))
        .max_items(Some(64))
        .unique_items(true)
        .examples([serde_json::json!(["premium", "api_access", "real_quantum"])])
);

wire_schema!(
    /// A plan tier.
    PlanName => string()
        .enum_values(Some(["starter", "professional", "enterprise"]))
        .examples(["professional"])
);

wire_schema!(
    /// What `GET /health` reports.
    HealthStatus => string().enum_values(Some(["healthy", "unhealthy"]))
);

wire_schema!(
    /// A license key as typed or pasted: any case, surrounding white space allowed.
    LicenseKeyInput => string()
        .max_length(Some(MAX_LICENSE_KEY_CHARS))
        .pattern(Some(format!(
            "^[{WS}]*[Qq][Cc][Oo][Ss](?:-[A-Za-z0-9]{{4}}){{4}}[{WS}]*$"
        )))
        .examples(["QCOS-ABCD-EFGH-JKMN-PQRS"])
);

wire_schema!(
    /// A license key as issued: `QCOS-` and four groups of four characters from an alphabet
    /// without look-alikes.
    LicenseKeyText => string()
        .pattern(Some(r"^QCOS(-[A-HJKMNP-Z2-9]{4}){4}$"))
        .examples(["QCOS-ABCD-EFGH-JKMN-PQRS"])
);

wire_schema!(
    /// A vendor's id.
    CustomerIdText => string()
        .pattern(Some(r"^cust_[a-z0-9]+$"))
        .examples(["cust_abc123xyz"])
);

wire_schema!(
    /// An API key, `ql_` and at least 32 random characters.
    ApiKeyText => string()
        .pattern(Some(r"^ql_[A-Za-z0-9]{32,}$"))
        .examples([EXAMPLE_API_KEY])
);

wire_schema!(
    /// RFC 3339 in UTC with a `Z`, to the second.
    Timestamp => string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
        .pattern(Some(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"))
        .examples(["2025-12-14T10:30:00Z"])
);

wire_schema!(
    /// One `qN:value` entry per simulated qubit, four decimals each, joined by `|`.
    QuantumSignatureText => string()
        .pattern(Some(r"^q1:-?\d+\.\d{4}(\|q[1-9]\d*:-?\d+\.\d{4})*$"))
        .examples(["q1:0.9876|q2:0.9823|q3:0.9901|q4:0.9889"])
);

wire_schema!(
    /// A license certificate: `QLC1`, the signing key's id and three base64url segments.
    LicenseCertificateText => string()
        .pattern(Some(CERTIFICATE_PATTERN))
        .examples([EXAMPLE_CERTIFICATE])
);

/// A made-up API key of the real shape, for examples.
pub const EXAMPLE_API_KEY: &str = "ql_7Kp2Vx9QmR4tLw8ZsN3bYc6HdJf1GaEu5XoTiWq0Bzk";

/// A certificate the server issued in a scratch run (key generation `4aba716311e5a800`), so
/// the examples show the real shape and size; it is the one in the generate example.
pub const EXAMPLE_CERTIFICATE: &str = include_str!("schemas/example-certificate.txt");

const CERTIFICATE_PATTERN: &str = r"^QLC1\.[0-9a-f]{16}(\.[A-Za-z0-9_-]+){3}$";

/// Whether `text` matches [`CERTIFICATE_PATTERN`], the shape the schema promises to accept.
pub fn is_certificate_shaped(text: &str) -> bool {
    let mut parts = text.split('.');
    let key_id_ok =
        |id: &str| id.len() == 16 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let segment_ok = |segment: &str| {
        !segment.is_empty()
            && segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    parts.next() == Some("QLC1")
        && parts.next().is_some_and(key_id_ok)
        && parts
            .by_ref()
            .take(3)
            .filter(|segment| segment_ok(segment))
            .count()
            == 3
        && parts.next().is_none()
}

/// The body of `POST /api/v1/licenses/validate`: exactly one of a key and a certificate (the
/// other absent or null), nothing else.
pub fn validate_license_request() -> RefOr<Schema> {
    let null = || ObjectBuilder::new().schema_type(Type::Null);
    let by_key = ObjectBuilder::new()
        .title(Some("By license key"))
        .property("license_key", LicenseKeyInput::schema())
        .property("license_certificate", null())
        .required("license_key")
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    let by_certificate = ObjectBuilder::new()
        .title(Some("By license certificate"))
        .property("license_key", null())
        .property("license_certificate", LicenseCertificateText::schema())
        .required("license_certificate")
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    OneOfBuilder::new()
        .item(by_key)
        .item(by_certificate)
        .examples([serde_json::json!({"license_key": "QCOS-ABCD-EFGH-JKMN-PQRS"})])
        .into()
}

/// Reads an optional integer the way JSON Schema counts integers: `1452.0` is the whole
/// number 1452, as a client validating against the schema expects.
///
/// # Errors
/// When the value is not a number without a fractional part within `i64`.
pub fn whole_number<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<i64>, D::Error> {
    use serde::Deserialize as _;
    use serde::de::Error as _;

    let Some(number) = Option::<serde_json::Number>::deserialize(deserializer)? else {
        return Ok(None);
    };
    if let Some(value) = number.as_i64() {
        return Ok(Some(value));
    }
    // 2^63 as f64; anything at or past it does not fit an i64.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    match number.as_f64() {
        Some(value) if value.fract() == 0.0 && value.abs() < LIMIT => Ok(Some(value as i64)),
        _ => Err(D::Error::custom(format!("{number} is not a whole number"))),
    }
}

#[cfg(test)]
mod tests;
