//! License signing keys on the filesystem: generations in a directory shared by every
//! instance, picked up by running servers within a second of a rotation.

mod files;
mod manifest;

use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context as _, bail};
use chrono::{DateTime, Utc};
use domain::{LicenseSigner, SignerError};
use sdk::{KeysDocument, LicensePayload, SigningKeys, Verifier, VerifyError};
use tracing::{error, info};

pub use manifest::{GenerationRecord, LoadedKeys, Manifest};

/// How often a running server looks for a changed manifest.
const RELOAD_INTERVAL: Duration = Duration::from_secs(1);

/// The file name of the manifest inside a key directory.
pub const MANIFEST_FILE: &str = "manifest.json";

/// Creates the key directory (0700) with a first generation unless a manifest exists.
/// Safe when several instances start at once: they take turns on a lock.
///
/// # Errors
/// On I/O failure or when no secure randomness is available.
pub fn initialize(manifest: &Path, now: DateTime<Utc>) -> anyhow::Result<()> {
    // Checked before locking too, so that a read-only shared directory works.
    if manifest.exists() {
        return Ok(());
    }
    let dir = parent(manifest);
    files::create_private_dir(dir)?;
    let _lock = files::lock_dir(dir)?;
    if manifest.exists() {
        return Ok(());
    }
    let mut fresh = Manifest {
        generations: Vec::new(),
    };
    let key_id = fresh.add_generation(manifest, now)?;
    fresh.write(manifest)?;
    info!(key.id = %key_id, key.dir = %dir.display(), "created the first signing key generation");
    Ok(())
}

/// Makes a new active generation; the previous one becomes rotated and keeps verifying.
/// Returns the new key id.
///
/// # Errors
/// When the manifest cannot be read or written.
pub fn rotate(manifest: &Path, now: DateTime<Utc>) -> anyhow::Result<String> {
    let _lock = files::lock_dir(parent(manifest))?;
    let mut keys = Manifest::read(manifest)?;
    let key_id = keys.add_generation(manifest, now)?;
    keys.write(manifest)?;
    Ok(key_id)
}

/// Retires a rotated generation: its certificates stop verifying and its secret is deleted.
///
/// # Errors
/// When the generation is unknown or active, or the files cannot be changed.
pub fn retire(manifest: &Path, key_id: &str) -> anyhow::Result<()> {
    let _lock = files::lock_dir(parent(manifest))?;
    let mut keys = Manifest::read(manifest)?;
    keys.retire(manifest, key_id)?;
    keys.write(manifest)
}

fn parent(manifest: &Path) -> &Path {
    manifest
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The [`LicenseSigner`] over a key directory.
#[derive(Debug)]
pub struct FileKeyStore {
    manifest: PathBuf,
    state: RwLock<State>,
}

#[derive(Debug)]
struct State {
    snapshot: Arc<Snapshot>,
    stamp: FileStamp,
    checked: Instant,
}

#[derive(Debug)]
struct Snapshot {
    active: SigningKeys,
    verifier: Verifier,
}

/// Identifies one version of the manifest file; an atomic replacement changes the inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    inode: u64,
    modified: Option<SystemTime>,
    len: u64,
}

impl FileKeyStore {
    /// Loads the key set named by `manifest`.
    ///
    /// # Errors
    /// When the manifest or the active secret cannot be read or is inconsistent.
    pub fn open(manifest: &Path) -> anyhow::Result<Self> {
        let stamp = stamp(manifest)?;
        let snapshot = load_snapshot(manifest)?;
        info!(
            key.id = snapshot.active.key_id(),
            key.manifest = %manifest.display(),
            "signing keys loaded"
        );
        Ok(FileKeyStore {
            manifest: manifest.to_owned(),
            state: RwLock::new(State {
                snapshot: Arc::new(snapshot),
                stamp,
                checked: Instant::now(),
            }),
        })
    }

    fn current(&self) -> Arc<Snapshot> {
        {
            let state = self.state.read().unwrap_or_else(|p| p.into_inner());
            if state.checked.elapsed() < RELOAD_INTERVAL {
                return state.snapshot.clone();
            }
        }
        let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
        if state.checked.elapsed() >= RELOAD_INTERVAL {
            state.checked = Instant::now();
            self.reload_if_changed(&mut state);
        }
        state.snapshot.clone()
    }

    fn reload_if_changed(&self, state: &mut State) {
        let fresh = stamp(&self.manifest).and_then(|stamp| {
            if stamp == state.stamp {
                return Ok(None);
            }
            load_snapshot(&self.manifest).map(|snapshot| Some((stamp, snapshot)))
        });
        match fresh {
            Ok(None) => {}
            Ok(Some((stamp, snapshot))) => {
                info!(key.id = snapshot.active.key_id(), "signing keys reloaded");
                state.stamp = stamp;
                state.snapshot = Arc::new(snapshot);
            }
            // Keep signing with the keys we have; an operator must fix the directory.
            Err(cause) => error!(error = format!("{cause:#}"), "signing keys not reloaded"),
        }
    }
}

fn stamp(manifest: &Path) -> anyhow::Result<FileStamp> {
    let metadata = std::fs::metadata(manifest)
        .with_context(|| format!("cannot read key manifest {}", manifest.display()))?;
    Ok(FileStamp {
        inode: metadata.ino(),
        modified: metadata.modified().ok(),
        len: metadata.len(),
    })
}

fn load_snapshot(manifest: &Path) -> anyhow::Result<Snapshot> {
    let LoadedKeys { active, public } = Manifest::read(manifest)?.load(manifest)?;
    if public.document().keys.is_empty() {
        bail!("key manifest {} lists no keys", manifest.display());
    }
    Ok(Snapshot {
        active,
        verifier: Verifier::new(public),
    })
}

impl LicenseSigner for FileKeyStore {
    fn certify(&self, payload: LicensePayload) -> Result<String, SignerError> {
        self.current()
            .active
            .certify(payload)
            .map_err(|error| SignerError(error.into()))
    }

    fn verify(&self, certificate: &str) -> Result<LicensePayload, VerifyError> {
        self.current()
            .verifier
            .verify_signatures_any_vendor(certificate)
    }

    fn public_keys(&self) -> Result<KeysDocument, SignerError> {
        Ok(self.current().verifier.keys().document().clone())
    }
}

#[cfg(test)]
mod tests;
