//! The schemas agree with the server: each constrained string's pattern and length accept
//! exactly what the domain's parser accepts, checked on generated strings.

use proptest::prelude::*;
use regex::Regex;
use utoipa::openapi::schema::Object;

use super::*;

type Check = Box<dyn Fn(&str) -> bool + Send + Sync>;

/// The pattern and the length bound of a string schema, as a client would check them;
/// compiled once per test, as the patterns are large.
macro_rules! client_check {
    ($schema:ty) => {{
        static CHECK: std::sync::LazyLock<Check> =
            std::sync::LazyLock::new(|| Box::new(compile::<$schema>()));
        &*CHECK
    }};
}

fn compile<T: PartialSchema>() -> impl Fn(&str) -> bool + Send + Sync + 'static {
    let RefOr::T(Schema::Object(Object {
        pattern,
        max_length,
        ..
    })) = T::schema()
    else {
        panic!("not a string schema");
    };
    let regex = Regex::new(&pattern.unwrap_or_default()).unwrap_or_else(|e| panic!("{e}"));
    move |text| regex.is_match(text) && max_length.is_none_or(|max| text.chars().count() <= max)
}

/// Characters that sit on the rules' edges: white space the server trims (and some it does
/// not), control characters, separators and ordinary letters.
const PALETTE: &[char] = &[
    ' ', '\t', '\n', '\r', '\u{0B}', '\u{85}', '\u{A0}', '\u{2028}', '\u{3000}', '\u{FEFF}',
    '\u{1C}', '\0', '\u{7F}', '\u{9F}', '@', '.', '-', '_', ':', 'a', 'Z', '5', 'q', 'Q', 'c', 'C',
    'o', 'O', 's', 'S', 'é', '株',
];

fn text(max_len: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PALETTE), 0..max_len)
        .prop_map(|chars| chars.into_iter().collect())
}

fn padded(core: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    (text(3), core, text(3)).prop_map(|(before, core, after)| format!("{before}{core}{after}"))
}

fn long_name() -> impl Strategy<Value = String> {
    (250usize..260).prop_map(|n| "n".repeat(n))
}

fn email_like() -> impl Strategy<Value = String> {
    let noisy = || text(8).prop_filter("non-empty", |part| !part.is_empty());
    let part = move || prop_oneof![3 => "[a-z]{1,6}", 1 => noisy()];
    let pad = || prop_oneof!["", " ", "\t", "\u{3000}", "\u{FEFF}", "\u{1C}"];
    // Lengths around the 254-character bound, where an off-by-one would show.
    let filler = (226usize..252).prop_map(|n| "x".repeat(n));
    (pad(), part(), filler, part(), part(), pad()).prop_map(
        |(before, local, filler, host, tld, after)| {
            format!("{before}{local}{filler}@{host}.{tld}{after}")
        },
    )
}

fn key_like() -> impl Strategy<Value = String> {
    let group = || "[A-Za-z0-9]{4}|[A-Za-z0-9]{3}|[a-z0-9 ]{5}";
    (group(), group(), group(), group(), 0usize..60)
        .prop_map(|(a, b, c, d, n_pad)| format!("{}qcos-{a}-{b}-{c}-{d}", " ".repeat(n_pad)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4_000))]

    #[test]
    fn company_names(name in prop_oneof![text(12), padded(long_name())]) {
        let accepted = domain::CompanyName::parse(&name).is_ok();
        prop_assert_eq!(client_check!(CompanyNameText)(&name), accepted, "{:?}", name);
    }

    #[test]
    fn end_customer_ids(id in prop_oneof![text(12), padded(long_name())]) {
        let accepted = domain::EndCustomerId::parse(&id).is_ok();
        prop_assert_eq!(client_check!(EndCustomerIdText)(&id), accepted, "{:?}", id);
    }

    #[test]
    fn emails(email in prop_oneof![text(16), email_like()]) {
        // The HTTP layer bounds the raw text; the domain checks the rest.
        let accepted = email.chars().count() <= MAX_EMAIL_CHARS
            && domain::Email::parse(&email).is_ok();
        prop_assert_eq!(client_check!(EmailText)(&email), accepted, "{:?}", email);
    }

    #[test]
    fn license_keys(key in prop_oneof![text(24), padded(key_like())]) {
        let accepted = key.chars().count() <= MAX_LICENSE_KEY_CHARS
            && domain::LicenseKey::parse(&key).is_ok();
        prop_assert_eq!(client_check!(LicenseKeyInput)(&key), accepted, "{:?}", key);
    }

    #[test]
    fn certificates(text in "QLC1\\.[0-9a-fA-F]{15,17}(\\.[A-Za-z0-9_+-]{0,3}){2,4}") {
        let schema = client_check!(LicenseCertificateText);
        prop_assert_eq!(schema(&text), is_certificate_shaped(&text), "{:?}", text);
    }
}

#[derive(Debug, serde::Deserialize)]
struct Days {
    #[serde(default, deserialize_with = "whole_number")]
    days: Option<i64>,
}

fn days(json: &str) -> Result<Option<i64>, serde_json::Error> {
    serde_json::from_str::<Days>(json).map(|parsed| parsed.days)
}

#[test]
fn certificate_shape_follows_the_pattern() {
    let good = "QLC1.0123456789abcdef.eyJh.c2ln-_.c2ln";
    assert!(is_certificate_shaped(good));
    for bad in [
        "QLC1.0123456789abcdef.eyJh.c2ln",
        "QLC1.0123456789abcdef.eyJh.c2ln.c2ln.x",
        "QLC1.0123456789ABCDEF.eyJh.c2ln.c2ln",
        "QLC1.0123456789abcde.eyJh.c2ln.c2ln",
        "QLC2.0123456789abcdef.eyJh.c2ln.c2ln",
        "QLC1.0123456789abcdef..c2ln.c2ln",
        "QLC1.0123456789abcdef.ey+h.c2ln.c2ln",
        " QLC1.0123456789abcdef.eyJh.c2ln.c2ln",
    ] {
        assert!(!is_certificate_shaped(bad), "{bad}");
    }
}

#[test]
fn whole_numbers_may_be_written_with_a_fraction_of_zero() -> serde_json::Result<()> {
    assert_eq!(days("{}")?, None);
    assert_eq!(days(r#"{"days": null}"#)?, None);
    assert_eq!(days(r#"{"days": 365}"#)?, Some(365));
    assert_eq!(days(r#"{"days": 1452.0}"#)?, Some(1452));
    assert_eq!(days(r#"{"days": -3e2}"#)?, Some(-300));
    assert!(days(r#"{"days": 1.5}"#).is_err());
    assert!(days(r#"{"days": 1e300}"#).is_err());
    assert!(days(r#"{"days": "365"}"#).is_err());
    Ok(())
}
