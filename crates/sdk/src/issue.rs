//! The issuing half: one key generation's secret keys, signing payloads into certificates.

use std::fmt;

use ed25519_dalek::Signer as _;
use ml_dsa::{Keypair as _, MlDsa65, Seed, Signer as _};

use crate::FormatError;
use crate::base64url;
use crate::certificate::{Certificate, signing_message};
use crate::keys::{ALGORITHMS, KeyStatus, PublicKeyEntry, derive_key_id};
use crate::payload::LicensePayload;

/// A 32-byte secret seed, from which each algorithm derives its key pair.
pub type SeedBytes = [u8; 32];

/// Secret keys of one generation. `Debug` shows only the key id.
pub struct SigningKeys {
    key_id: String,
    ed25519: ed25519_dalek::SigningKey,
    ml_dsa_65: ml_dsa::SigningKey<MlDsa65>,
    ed25519_public: [u8; 32],
    ml_dsa_65_public: Vec<u8>,
}

impl fmt::Debug for SigningKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKeys")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl SigningKeys {
    /// Derives both key pairs from their seeds (RFC 8032 and FIPS 204 `KeyGen_internal`).
    pub fn from_seeds(ed25519_seed: &SeedBytes, ml_dsa_65_seed: &SeedBytes) -> Self {
        let ed25519 = ed25519_dalek::SigningKey::from_bytes(ed25519_seed);
        let ml_dsa_65 = ml_dsa::SigningKey::<MlDsa65>::from_seed(&Seed::from(*ml_dsa_65_seed));
        let ed25519_public = ed25519.verifying_key().to_bytes();
        let ml_dsa_65_public = ml_dsa_65.verifying_key().encode().to_vec();
        SigningKeys {
            key_id: derive_key_id(&ed25519_public, &ml_dsa_65_public),
            ed25519,
            ml_dsa_65,
            ed25519_public,
            ml_dsa_65_public,
        }
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The public half as `GET /api/v1/keys` lists it.
    pub fn public_entry(&self, status: KeyStatus, created_at: String) -> PublicKeyEntry {
        PublicKeyEntry {
            key_id: self.key_id.clone(),
            algorithms: ALGORITHMS.iter().map(|name| (*name).to_owned()).collect(),
            status,
            created_at,
            ed25519_public_key: base64url::encode(&self.ed25519_public),
            ml_dsa_65_public_key: base64url::encode(&self.ml_dsa_65_public),
        }
    }

    /// Sets the payload's key id to this generation, then signs its bytes with both keys.
    ///
    /// # Errors
    /// [`FormatError`] only if the payload cannot be serialized.
    pub fn certify(&self, mut payload: LicensePayload) -> Result<String, FormatError> {
        payload.key_id.clone_from(&self.key_id);
        let bytes = payload.to_bytes()?;
        let (ed25519_signature, ml_dsa_65_signature) = self.sign_bytes(&bytes);
        let certificate = Certificate {
            key_id: self.key_id.clone(),
            payload: bytes,
            ed25519_signature,
            ml_dsa_65_signature,
        };
        Ok(certificate.encode())
    }

    /// Both signatures over [`signing_message`] of `payload`.
    pub(crate) fn sign_bytes(&self, payload: &[u8]) -> ([u8; 64], Vec<u8>) {
        let message = signing_message(payload);
        let ed25519 = self.ed25519.sign(&message).to_bytes();
        let ml_dsa_65 = self.ml_dsa_65.sign(&message).encode().to_vec();
        (ed25519, ml_dsa_65)
    }
}
