use serde_json::json;

use super::*;
use crate::secrets::tests::CountingEntropy;

#[test]
fn generated_keys_have_the_published_shape() {
    let entropy = CountingEntropy::default();
    let key = LicenseKey::generate(&entropy)
        .map(|key| key.0)
        .unwrap_or_default();
    assert_eq!(key.len(), 24, "{key}");
    assert!(key.starts_with("QCOS-"));
    assert_eq!(LicenseKey::parse(&key).map(|parsed| parsed.0), Ok(key));
}

#[test]
fn key_parsing_forgives_case_and_white_space() {
    let parsed = LicenseKey::parse("  qcos-abcd-efgh-jkmn-pq23\n").map(|key| key.0);
    assert_eq!(parsed.as_deref(), Ok("QCOS-ABCD-EFGH-JKMN-PQ23"));
}

#[test]
fn key_parsing_refuses_other_shapes() {
    for bad in [
        "",
        "QCOS",
        "QCOS-ABCD-EFGH-JKMN",
        "QCOS-ABCD-EFGH-JKMN-PQ23-XXXX",
        "QCOX-ABCD-EFGH-JKMN-PQ23",
        "QCOS-ABC-DEFGH-JKMN-PQ23",
        "QCOS-AB D-EFGH-JKMN-PQ23",
        "QCOS-ÄBCD-EFGH-JKMN-PQ23",
    ] {
        assert!(LicenseKey::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn key_debug_shows_only_the_last_group() {
    let key = LicenseKey("QCOS-AAAA-BBBB-CCCC-DDDD".to_owned());
    assert_eq!(format!("{key:?}"), "LicenseKey(QCOS-…-DDDD)");
}

#[test]
fn features_rules() {
    let names = |list: &[&str]| {
        list.iter()
            .map(|name| (*name).to_owned())
            .collect::<Vec<_>>()
    };
    assert!(Features::parse(names(&["premium", "api_access", "v2.1:beta-x"])).is_ok());
    assert!(Features::parse(vec![]).is_ok());
    assert!(Features::parse(names(&["a", "a"])).is_err());
    assert!(Features::parse(names(&[""])).is_err());
    assert!(Features::parse(names(&["has space"])).is_err());
    assert!(Features::parse(names(&["café"])).is_err());
    assert!(Features::parse(vec!["x".repeat(64)]).is_ok());
    assert!(Features::parse(vec!["x".repeat(65)]).is_err());
    let many: Vec<String> = (0..65).map(|idx| format!("f{idx}")).collect();
    assert!(Features::parse(many[..64].to_vec()).is_ok());
    assert!(Features::parse(many).is_err());
}

#[test]
fn metadata_must_be_a_bounded_object() {
    assert!(Metadata::parse(json!({"company": "Acme", "max_users": 100})).is_ok());
    assert!(Metadata::parse(json!([1, 2])).is_err());
    assert!(Metadata::parse(json!("text")).is_err());
    assert!(Metadata::parse(json!(null)).is_err());

    let mut eight_deep = json!({"leaf": 1});
    for _ in 0..7 {
        eight_deep = json!({ "next": eight_deep });
    }
    assert!(Metadata::parse(eight_deep.clone()).is_ok());
    assert!(Metadata::parse(json!({ "next": eight_deep })).is_err());
    assert!(Metadata::parse(json!({"list": [[[[[[[1]]]]]]]})).is_ok());
    assert!(Metadata::parse(json!({"list": [[[[[[[[1]]]]]]]]})).is_err());

    let fits = "x".repeat(16 * 1024 - 8);
    assert!(Metadata::parse(json!({ "a": fits })).is_ok());
    let too_big = "x".repeat(16 * 1024);
    assert!(Metadata::parse(json!({ "a": too_big })).is_err());
}

#[test]
fn expiry_days_bounds() {
    assert_eq!(ExpiryDays::parse(None).map(ExpiryDays::get), Ok(365));
    assert_eq!(ExpiryDays::parse(Some(1)).map(ExpiryDays::get), Ok(1));
    assert_eq!(ExpiryDays::parse(Some(3650)).map(ExpiryDays::get), Ok(3650));
    for bad in [0, -1, 3651, i64::MAX, i64::MIN] {
        assert!(ExpiryDays::parse(Some(bad)).is_err(), "{bad}");
    }
}

#[test]
fn content_digest_changes_with_every_granted_field() {
    let entropy = CountingEntropy::default();
    let key = LicenseKey::generate(&entropy).unwrap_or_else(|_| LicenseKey(String::new()));
    let customer = CustomerId::from_stored("cust_a".to_owned());
    let end = EndCustomerId::from_stored("end".to_owned());
    let features = Features::from_stored(vec!["premium".to_owned()]);
    let metadata = Metadata::from_stored(Map::new());
    let now = DateTime::<Utc>::UNIX_EPOCH;
    let later = now + chrono::TimeDelta::days(1);
    let base = content_digest(&key, &customer, &end, &features, &metadata, now, later);

    let other_features = Features::from_stored(vec!["premium2".to_owned()]);
    let mut other_map = Map::new();
    other_map.insert("k".to_owned(), json!(1));
    let other_metadata = Metadata::from_stored(other_map);
    let other_customer = CustomerId::from_stored("cust_b".to_owned());
    let one_second = chrono::TimeDelta::seconds(1);
    let variants = [
        content_digest(
            &key,
            &other_customer,
            &end,
            &features,
            &metadata,
            now,
            later,
        ),
        content_digest(
            &key,
            &customer,
            &end,
            &other_features,
            &metadata,
            now,
            later,
        ),
        content_digest(
            &key,
            &customer,
            &end,
            &features,
            &other_metadata,
            now,
            later,
        ),
        content_digest(
            &key,
            &customer,
            &end,
            &features,
            &metadata,
            now,
            later + one_second,
        ),
    ];
    for variant in variants {
        assert_ne!(variant, base);
    }
    assert_eq!(
        base,
        content_digest(&key, &customer, &end, &features, &metadata, now, later)
    );
}
