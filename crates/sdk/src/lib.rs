#![doc = include_str!("../README.md")]

mod base64url;
mod certificate;
mod issue;
mod keys;
mod payload;
mod strict_json;
mod verify;

pub use base64url::{decode as decode_base64url, encode as encode_base64url};
pub use certificate::{
    Certificate, FORMAT_TAG, MAX_CERTIFICATE_CHARS, ML_DSA_65_SIGNATURE_BYTES, SIGNING_PREFIX,
    signing_message,
};
pub use issue::{SeedBytes, SigningKeys};
pub use keys::{
    ALGORITHMS, KeyStatus, KeysDocument, ML_DSA_65_PUBLIC_KEY_BYTES, PublicKeyEntry, PublicKeySet,
    derive_key_id,
};
pub use payload::{LicensePayload, canonical_timestamp};
pub use verify::{DEFAULT_LEEWAY_SECONDS, Verifier, VerifyError};

/// Why public keys, a secret key or a certificate could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FormatError(pub String);

impl FormatError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        FormatError(message.into())
    }
}
