//! The key directory: a manifest of generations and one secret file per generation.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use chrono::{DateTime, Utc};
use sdk::{KeyStatus, KeysDocument, PublicKeyEntry, PublicKeySet, SeedBytes, SigningKeys};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::files::{read_private, replace_private, write_new_private};

/// `manifest.json`: every generation, oldest first. Holds no secret.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub generations: Vec<GenerationRecord>,
}

/// One generation: its public keys and status, and where its secret seeds are.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerationRecord {
    /// Exactly as `GET /api/v1/keys` lists it.
    pub public: PublicKeyEntry,
    /// File name of the secret seeds, relative to the manifest; removed once retired.
    pub secret_file: String,
}

/// `<key id>.secret.json`, mode 0600.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretFile {
    key_id: String,
    ed25519_seed: String,
    ml_dsa_65_seed: String,
}

/// What a running server needs: the generation that signs and the keys that verify.
#[derive(Debug)]
pub struct LoadedKeys {
    pub active: SigningKeys,
    pub public: PublicKeySet,
}

impl Manifest {
    /// Reads the manifest at `path`.
    ///
    /// # Errors
    /// When the file is missing or malformed.
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read key manifest {}", path.display()))?;
        serde_json::from_str(&text)
            .with_context(|| format!("key manifest {} is malformed", path.display()))
    }

    /// Writes the manifest atomically.
    ///
    /// # Errors
    /// On I/O failure.
    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        let mut text = serde_json::to_vec_pretty(self)?;
        text.push(b'\n');
        replace_private(path, &text)
    }

    /// The public document `GET /api/v1/keys` serves.
    pub fn document(&self) -> KeysDocument {
        KeysDocument {
            keys: self.generations.iter().map(|g| g.public.clone()).collect(),
        }
    }

    /// Demotes the active generation to rotated and adds a fresh active one, whose secret
    /// file is written next to `path`. Returns the new key id.
    ///
    /// # Errors
    /// When no randomness is available or the secret cannot be written.
    pub fn add_generation(&mut self, path: &Path, now: DateTime<Utc>) -> anyhow::Result<String> {
        let mut ed25519_seed = Zeroizing::new([0u8; 32]);
        let mut ml_dsa_seed = Zeroizing::new([0u8; 32]);
        getrandom::fill(ed25519_seed.as_mut()).context("no secure randomness")?;
        getrandom::fill(ml_dsa_seed.as_mut()).context("no secure randomness")?;
        let keys = SigningKeys::from_seeds(&ed25519_seed, &ml_dsa_seed);
        let key_id = keys.key_id().to_owned();
        let secret_file = format!("{key_id}.secret.json");
        let secret = SecretFile {
            key_id: key_id.clone(),
            ed25519_seed: sdk::encode_base64url(ed25519_seed.as_ref()),
            ml_dsa_65_seed: sdk::encode_base64url(ml_dsa_seed.as_ref()),
        };
        let contents = Zeroizing::new(serde_json::to_vec(&secret)?);
        drop(Zeroizing::new(secret.ed25519_seed));
        drop(Zeroizing::new(secret.ml_dsa_65_seed));
        write_new_private(&beside(path, &secret_file), &contents)?;

        for generation in &mut self.generations {
            if generation.public.status == KeyStatus::Active {
                generation.public.status = KeyStatus::Rotated;
            }
        }
        let created_at = domain::time::rfc3339(now);
        self.generations.push(GenerationRecord {
            public: keys.public_entry(KeyStatus::Active, created_at),
            secret_file,
        });
        Ok(key_id)
    }

    /// Marks a rotated generation retired and deletes its secret file.
    ///
    /// # Errors
    /// When the key id is unknown or names the active generation.
    pub fn retire(&mut self, path: &Path, key_id: &str) -> anyhow::Result<()> {
        let Some(generation) = self
            .generations
            .iter_mut()
            .find(|g| g.public.key_id == key_id)
        else {
            bail!("no key generation {key_id}");
        };
        if generation.public.status == KeyStatus::Active {
            bail!("{key_id} is the active generation; rotate first, then retire it");
        }
        generation.public.status = KeyStatus::Retired;
        let secret = beside(path, &generation.secret_file);
        match std::fs::remove_file(&secret) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                Err(error).with_context(|| format!("cannot delete {}", secret.display()))
            }
            _ => Ok(()),
        }
    }

    /// Loads the active generation's secret and checks the whole set.
    ///
    /// # Errors
    /// When there is not exactly one active generation, a secret is unreadable or does not
    /// match its public keys, or a public key is refused.
    pub fn load(&self, path: &Path) -> anyhow::Result<LoadedKeys> {
        let public = PublicKeySet::from_document(self.document())
            .with_context(|| format!("key manifest {} holds bad keys", path.display()))?;
        let mut active = self
            .generations
            .iter()
            .filter(|g| g.public.status == KeyStatus::Active);
        let (Some(record), None) = (active.next(), active.next()) else {
            bail!(
                "key manifest {} must have exactly one active generation",
                path.display()
            );
        };
        let keys = read_secret(&beside(path, &record.secret_file))?;
        if keys.key_id() != record.public.key_id {
            bail!(
                "secret file {} does not belong to key {}",
                record.secret_file,
                record.public.key_id
            );
        }
        Ok(LoadedKeys {
            active: keys,
            public,
        })
    }
}

fn read_secret(path: &Path) -> anyhow::Result<SigningKeys> {
    let bytes = Zeroizing::new(read_private(path)?);
    let secret: SecretFile = serde_json::from_slice(&bytes)
        .with_context(|| format!("secret key file {} is malformed", path.display()))?;
    let (ed25519, ml_dsa) = (
        Zeroizing::new(secret.ed25519_seed),
        Zeroizing::new(secret.ml_dsa_65_seed),
    );
    let seed = |what: &str, text: &str| -> anyhow::Result<Zeroizing<SeedBytes>> {
        let bytes = Zeroizing::new(sdk::decode_base64url(what, text)?);
        let seed: SeedBytes = bytes
            .as_slice()
            .try_into()
            .map_err(|_| anyhow::anyhow!("{what} in {} must be 32 bytes", path.display()))?;
        Ok(Zeroizing::new(seed))
    };
    let ed25519 = seed("ed25519_seed", &ed25519)?;
    let ml_dsa = seed("ml_dsa_65_seed", &ml_dsa)?;
    Ok(SigningKeys::from_seeds(&ed25519, &ml_dsa))
}

/// `name` in the manifest's directory; names with path separators are refused by the caller
/// never writing them, and a hand-edited one still resolves inside the key directory.
fn beside(manifest: &Path, name: &str) -> PathBuf {
    let file_name = Path::new(name).file_name().unwrap_or_default();
    manifest.with_file_name(file_name)
}
