//! Strict, unpadded base64url: one spelling per byte string, nothing else accepted.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::FormatError;

/// Encodes with the URL-safe alphabet and no padding.
pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes unpadded base64url, refusing padding, other alphabets, white space and
/// non-zero trailing bits, so that no two texts decode to the same bytes.
///
/// # Errors
/// [`FormatError`] naming `what` when the text is not canonical base64url.
pub fn decode(what: &str, text: &str) -> Result<Vec<u8>, FormatError> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|error| FormatError::new(format!("{what} is not canonical base64url: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_variants() {
        let bytes = [0xfbu8, 0xff, 0x00, 0x10];
        let text = encode(&bytes);
        assert_eq!(text, "-_8AEA");
        assert_eq!(decode("x", &text), Ok(bytes.to_vec()));
        for bad in [
            "-_8AEA==", "+/8AEA", "-_8A EA", "-_8AEB", "-_8AE", "-_8AEA\n",
        ] {
            assert!(decode("x", bad).is_err(), "{bad:?} accepted");
        }
    }
}
