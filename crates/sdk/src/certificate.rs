//! The certificate's text form: `QLC1.<key id>.<payload>.<Ed25519 sig>.<ML-DSA-65 sig>`.

use crate::FormatError;
use crate::base64url;

/// The first field of every certificate of this version.
pub const FORMAT_TAG: &str = "QLC1";

/// Prepended to the payload bytes before either algorithm signs them, so that no other
/// message signed with these keys can ever pass as a license certificate.
pub const SIGNING_PREFIX: &[u8] = b"quantumlock/license-certificate/v1\n";

/// Longest certificate text accepted; the largest payload the server issues fits easily.
pub const MAX_CERTIFICATE_CHARS: usize = 64 * 1024;

/// Length of an encoded ML-DSA-65 signature (FIPS 204, table 2).
pub const ML_DSA_65_SIGNATURE_BYTES: usize = 3309;

const ED25519_SIGNATURE_BYTES: usize = 64;
const KEY_ID_CHARS: usize = 16;

/// The bytes both algorithms sign: [`SIGNING_PREFIX`] followed by the payload bytes.
pub fn signing_message(payload: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(SIGNING_PREFIX.len() + payload.len());
    message.extend_from_slice(SIGNING_PREFIX);
    message.extend_from_slice(payload);
    message
}

/// A certificate split into its parts, signatures not yet checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub key_id: String,
    pub payload: Vec<u8>,
    pub ed25519_signature: [u8; ED25519_SIGNATURE_BYTES],
    pub ml_dsa_65_signature: Vec<u8>,
}

impl Certificate {
    /// Splits the text form, checking shape and lengths only.
    ///
    /// # Errors
    /// [`FormatError`] saying which part is wrong.
    pub fn parse(text: &str) -> Result<Self, FormatError> {
        if text.len() > MAX_CERTIFICATE_CHARS {
            return Err(FormatError::new(format!(
                "certificate is longer than {MAX_CERTIFICATE_CHARS} characters"
            )));
        }
        let parts: Vec<&str> = text.split('.').collect();
        let [tag, key_id, payload, ed25519, ml_dsa] = parts[..] else {
            return Err(FormatError::new(
                "certificate must have five dot-separated parts",
            ));
        };
        if tag != FORMAT_TAG {
            return Err(FormatError::new(format!(
                "certificate must start with {FORMAT_TAG}."
            )));
        }
        check_key_id(key_id)?;
        let payload = base64url::decode("payload", payload)?;
        if payload.is_empty() {
            return Err(FormatError::new("payload is empty"));
        }
        let ed25519_signature = base64url::decode("Ed25519 signature", ed25519)?
            .try_into()
            .map_err(|_| FormatError::new("Ed25519 signature must be 64 bytes"))?;
        let ml_dsa_65_signature = base64url::decode("ML-DSA-65 signature", ml_dsa)?;
        if ml_dsa_65_signature.len() != ML_DSA_65_SIGNATURE_BYTES {
            return Err(FormatError::new(format!(
                "ML-DSA-65 signature must be {ML_DSA_65_SIGNATURE_BYTES} bytes"
            )));
        }
        Ok(Certificate {
            key_id: key_id.to_owned(),
            payload,
            ed25519_signature,
            ml_dsa_65_signature,
        })
    }

    /// The text form.
    pub fn encode(&self) -> String {
        format!(
            "{FORMAT_TAG}.{}.{}.{}.{}",
            self.key_id,
            base64url::encode(&self.payload),
            base64url::encode(&self.ed25519_signature),
            base64url::encode(&self.ml_dsa_65_signature),
        )
    }
}

/// Key ids are 16 lowercase hexadecimal digits (see [`crate::derive_key_id`]).
pub(crate) fn check_key_id(key_id: &str) -> Result<(), FormatError> {
    let well_formed = key_id.len() == KEY_ID_CHARS
        && key_id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if well_formed {
        Ok(())
    } else {
        Err(FormatError::new(
            "key id must be 16 lowercase hexadecimal digits",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Certificate {
        Certificate {
            key_id: "0123456789abcdef".to_owned(),
            payload: b"{}".to_vec(),
            ed25519_signature: [7; 64],
            ml_dsa_65_signature: vec![9; ML_DSA_65_SIGNATURE_BYTES],
        }
    }

    #[test]
    fn text_form_round_trips() {
        let certificate = sample();
        let text = certificate.encode();
        assert!(text.starts_with("QLC1.0123456789abcdef.e30."), "{text}");
        assert_eq!(Certificate::parse(&text), Ok(certificate));
    }

    #[test]
    fn refuses_wrong_shapes() {
        let text = sample().encode();
        let cases = [
            text.replacen("QLC1", "QLC2", 1),
            text.replacen("0123456789abcdef", "0123456789ABCDEF", 1),
            text.replacen(".e30.", "..", 1),
            format!("{text}.x"),
            format!(" {text}"),
            text.rsplit_once('.')
                .map(|(head, _)| head.to_owned())
                .unwrap_or_default(),
            text.replacen(".e30.", ".e30=.", 1),
        ];
        for case in cases {
            assert!(Certificate::parse(&case).is_err(), "accepted {case:.40}");
        }
    }

    #[test]
    fn message_is_prefixed() {
        let message = signing_message(b"{}");
        assert!(message.starts_with(SIGNING_PREFIX));
        assert!(message.ends_with(b"\n{}"));
    }
}
