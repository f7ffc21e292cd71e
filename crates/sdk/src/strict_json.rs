//! JSON with a key repeated inside one object has no single meaning (parsers keep the first,
//! the last, or refuse), so every verifier refuses it outright.

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::FormatError;

/// Refuses `bytes` when any object in it, at any depth, names a key twice.
///
/// # Errors
/// [`FormatError`] naming the repeated key, or saying the bytes are not JSON.
pub(crate) fn refuse_repeated_keys(bytes: &[u8]) -> Result<(), FormatError> {
    serde_json::from_slice::<NoRepeats>(bytes)
        .map(|_| ())
        .map_err(|error| FormatError::new(format!("payload is not valid: {error}")))
}

/// Any JSON value, read only to check its objects' keys.
struct NoRepeats;

impl<'de> Deserialize<'de> for NoRepeats {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NoRepeatsVisitor)
    }
}

struct NoRepeatsVisitor;

impl<'de> Visitor<'de> for NoRepeatsVisitor {
    type Value = NoRepeats;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<NoRepeats, E> {
        Ok(NoRepeats)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<NoRepeats, E> {
        Ok(NoRepeats)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<NoRepeats, E> {
        Ok(NoRepeats)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<NoRepeats, E> {
        Ok(NoRepeats)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<NoRepeats, E> {
        Ok(NoRepeats)
    }

    fn visit_unit<E: de::Error>(self) -> Result<NoRepeats, E> {
        Ok(NoRepeats)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NoRepeats, A::Error> {
        while seq.next_element::<NoRepeats>()?.is_some() {}
        Ok(NoRepeats)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NoRepeats, A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            map.next_value::<NoRepeats>()?;
            if !seen.insert(key.clone()) {
                return Err(de::Error::custom(format!("key {key:?} appears twice")));
            }
        }
        Ok(NoRepeats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_repeats_at_any_depth_only_within_one_object() {
        assert!(refuse_repeated_keys(br#"{"a":1,"b":{"a":2}}"#).is_ok());
        assert!(refuse_repeated_keys(br#"{"a":1,"a":1}"#).is_err());
        assert!(refuse_repeated_keys(br#"{"x":[{"a":1,"b":2,"\u0061":3}]}"#).is_err());
        assert!(refuse_repeated_keys(b"[1, ").is_err());
    }
}
