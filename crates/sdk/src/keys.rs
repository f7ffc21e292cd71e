//! Public keys by generation, as `GET /api/v1/keys` publishes them, checked on load.

use std::collections::HashMap;
use std::fmt;

use ed25519_dalek::VerifyingKey as Ed25519Key;
use ml_dsa::{EncodedVerifyingKey, MlDsa65, VerifyingKey as MlDsaKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::FormatError;
use crate::base64url;
use crate::certificate::check_key_id;
use crate::payload::canonical_timestamp;

/// Length of an encoded ML-DSA-65 public key (FIPS 204, table 2).
pub const ML_DSA_65_PUBLIC_KEY_BYTES: usize = 1952;

/// The algorithms of every generation, in the order the certificate carries their signatures.
pub const ALGORITHMS: [&str; 2] = ["Ed25519", "ML-DSA-65"];

const KEY_ID_PREFIX: &[u8] = b"quantumlock/key-id/v1\n";

/// Where a key generation is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyStatus {
    /// Signs new certificates; verifies.
    Active,
    /// Replaced by a newer generation; still verifies what it signed.
    Rotated,
    /// Withdrawn; its certificates no longer verify.
    Retired,
}

impl KeyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "active",
            KeyStatus::Rotated => "rotated",
            KeyStatus::Retired => "retired",
        }
    }
}

/// The body of `GET /api/v1/keys`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeysDocument {
    /// Every generation, oldest first.
    pub keys: Vec<PublicKeyEntry>,
}

/// One key generation's public half.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicKeyEntry {
    /// 16 hexadecimal digits derived from both public keys ([`derive_key_id`]).
    pub key_id: String,
    /// Always `["Ed25519", "ML-DSA-65"]` in this format version.
    pub algorithms: Vec<String>,
    pub status: KeyStatus,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// 32 bytes, unpadded base64url.
    pub ed25519_public_key: String,
    /// 1952 bytes, unpadded base64url.
    pub ml_dsa_65_public_key: String,
}

/// SHA-256 over a domain prefix and both public keys, first 8 bytes in hexadecimal: the id
/// names exactly one pair of keys, so a key set cannot pair an id with other keys.
pub fn derive_key_id(ed25519_public: &[u8; 32], ml_dsa_65_public: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(KEY_ID_PREFIX);
    hasher.update(ed25519_public);
    hasher.update(ml_dsa_65_public);
    hex::encode(hasher.finalize().get(..8).unwrap_or_default())
}

/// One generation, decoded and checked.
#[derive(Clone)]
pub(crate) struct Generation {
    pub(crate) status: KeyStatus,
    pub(crate) ed25519: Ed25519Key,
    pub(crate) ml_dsa_65: MlDsaKey<MlDsa65>,
}

/// The generations a verifier trusts, by key id.
#[derive(Clone)]
pub struct PublicKeySet {
    generations: HashMap<String, Generation>,
    document: KeysDocument,
}

impl fmt::Debug for PublicKeySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKeySet")
            .field("keys", &self.document.keys)
            .finish()
    }
}

impl PublicKeySet {
    /// Reads the JSON that `GET /api/v1/keys` returns.
    ///
    /// # Errors
    /// [`FormatError`] on malformed JSON or any entry [`PublicKeySet::from_document`] refuses.
    pub fn from_json(json: &str) -> Result<Self, FormatError> {
        let document: KeysDocument = serde_json::from_str(json)
            .map_err(|error| FormatError::new(format!("key set is not valid: {error}")))?;
        PublicKeySet::from_document(document)
    }

    /// Checks every entry: known algorithms, canonical encodings, Ed25519 keys that are not of
    /// small order, key ids that match their keys, no id twice.
    ///
    /// # Errors
    /// [`FormatError`] naming the first offending entry.
    pub fn from_document(document: KeysDocument) -> Result<Self, FormatError> {
        let mut generations = HashMap::with_capacity(document.keys.len());
        for entry in &document.keys {
            let generation = decode_entry(entry)
                .map_err(|error| FormatError::new(format!("key {}: {error}", entry.key_id)))?;
            if generations
                .insert(entry.key_id.clone(), generation)
                .is_some()
            {
                return Err(FormatError::new(format!(
                    "key {} appears twice",
                    entry.key_id
                )));
            }
        }
        Ok(PublicKeySet {
            generations,
            document,
        })
    }

    /// The set as published.
    pub fn document(&self) -> &KeysDocument {
        &self.document
    }

    pub(crate) fn generation(&self, key_id: &str) -> Option<&Generation> {
        self.generations.get(key_id)
    }
}

/// Whether the y coordinate (the low 255 bits, little-endian) is below p = 2^255 - 19: only
/// then is the encoding the one spelling of its point, as every verifier requires.
fn is_canonical_y(bytes: &[u8; 32]) -> bool {
    let [low, middle @ .., high] = bytes;
    !(high & 0x7f == 0x7f && middle.iter().all(|b| *b == 0xff) && *low >= 0xed)
}

fn decode_entry(entry: &PublicKeyEntry) -> Result<Generation, FormatError> {
    check_key_id(&entry.key_id)?;
    if entry.algorithms != ALGORITHMS {
        return Err(FormatError::new(format!(
            "algorithms must be {ALGORITHMS:?}"
        )));
    }
    canonical_timestamp("created_at", &entry.created_at)?;
    let ed25519_bytes: [u8; 32] = base64url::decode("Ed25519 key", &entry.ed25519_public_key)?
        .try_into()
        .map_err(|_| FormatError::new("Ed25519 key must be 32 bytes"))?;
    if !is_canonical_y(&ed25519_bytes) {
        return Err(FormatError::new(
            "Ed25519 key is not canonically encoded (y >= 2^255 - 19)",
        ));
    }
    let ed25519 = Ed25519Key::from_bytes(&ed25519_bytes)
        .map_err(|_| FormatError::new("Ed25519 key is not a curve point"))?;
    if ed25519.is_weak() {
        return Err(FormatError::new("Ed25519 key is of small order (weak)"));
    }
    let ml_dsa_bytes = base64url::decode("ML-DSA-65 key", &entry.ml_dsa_65_public_key)?;
    let encoded = EncodedVerifyingKey::<MlDsa65>::try_from(ml_dsa_bytes.as_slice())
        .map_err(|_| FormatError::new("ML-DSA-65 key must be 1952 bytes"))?;
    if derive_key_id(&ed25519_bytes, &ml_dsa_bytes) != entry.key_id {
        return Err(FormatError::new("key id does not match its keys"));
    }
    Ok(Generation {
        status: entry.status,
        ed25519,
        ml_dsa_65: MlDsaKey::decode(&encoded),
    })
}

#[cfg(test)]
mod tests {
    use super::is_canonical_y;

    #[test]
    fn only_y_below_p_is_canonical() {
        let mut p = [0xff; 32];
        p[0] = 0xed;
        p[31] = 0x7f;
        assert!(!is_canonical_y(&p));
        p[31] = 0xff;
        assert!(!is_canonical_y(&p), "the sign bit does not matter");
        p[0] = 0xec;
        assert!(is_canonical_y(&p));
        p[0] = 0xff;
        assert!(!is_canonical_y(&p));
        assert!(is_canonical_y(&[0; 32]));
    }
}
