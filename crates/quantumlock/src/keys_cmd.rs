//! `quantumlock keys ...`: where the signing keys live, and rotating or retiring them.

use std::path::PathBuf;

use anyhow::Context as _;
use chrono::Utc;

/// Where the signing keys are. Every instance behind one database must see the same keys:
/// share the directory, or copy it to each instance after every rotation.
#[derive(Debug, Clone, clap::Args)]
pub struct KeyDirArgs {
    /// Directory for state this instance keeps on disk; the signing keys go in its `keys/`
    /// subdirectory, created (mode 0700) with a first key generation when missing.
    #[arg(
        long,
        env = "QUANTUMLOCK_DATA_DIR",
        default_value = "quantumlock-data",
        global = true
    )]
    pub data_dir: PathBuf,

    /// A key manifest to use instead of `<data-dir>/keys/manifest.json`; it must exist.
    #[arg(long, env = "QUANTUMLOCK_SIGNING_KEYS", global = true)]
    pub signing_keys: Option<PathBuf>,
}

impl KeyDirArgs {
    /// The manifest path, and whether it may be created on first start.
    pub fn manifest(&self) -> (PathBuf, bool) {
        match &self.signing_keys {
            Some(path) => (path.clone(), false),
            None => (
                self.data_dir
                    .join("keys")
                    .join(adapters::keys::MANIFEST_FILE),
                true,
            ),
        }
    }

    /// Opens the key store, creating the first generation where allowed.
    ///
    /// # Errors
    /// When the keys cannot be created or loaded.
    pub fn open(&self) -> anyhow::Result<adapters::keys::FileKeyStore> {
        let (manifest, create) = self.manifest();
        if create {
            adapters::keys::initialize(&manifest, Utc::now())?;
        }
        adapters::keys::FileKeyStore::open(&manifest)
    }
}

#[derive(Debug, clap::Args)]
pub struct KeysArgs {
    #[command(flatten)]
    pub location: KeyDirArgs,
    #[command(subcommand)]
    pub action: KeysAction,
}

#[derive(Debug, clap::Subcommand)]
pub enum KeysAction {
    /// Create a new generation that signs from now on; older ones keep verifying.
    Rotate,
    /// Retire a rotated generation: its certificates stop verifying, its secret is deleted.
    Retire {
        /// The key id, as `keys list` or `GET /api/v1/keys` shows it.
        key_id: String,
    },
    /// Print the public key set, as `GET /api/v1/keys` serves it.
    List,
}

pub fn run(args: &KeysArgs) -> anyhow::Result<()> {
    let (manifest, _) = args.location.manifest();
    // A mistyped --data-dir must not quietly start a new key set beside the real one.
    if !manifest.exists() {
        anyhow::bail!(
            "no signing keys at {}: check --data-dir or --signing-keys (the server creates the \
             first generation on its first start)",
            manifest.display()
        );
    }
    let output = match &args.action {
        KeysAction::Rotate => {
            let key_id = adapters::keys::rotate(&manifest, Utc::now())?;
            format!("{key_id}\n")
        }
        KeysAction::Retire { key_id } => {
            adapters::keys::retire(&manifest, key_id)?;
            format!("{key_id} retired\n")
        }
        KeysAction::List => {
            let document = adapters::keys::Manifest::read(&manifest)?.document();
            let mut text = serde_json::to_string_pretty(&document)?;
            text.push('\n');
            text
        }
    };
    write_stdout(&output)
}

pub fn write_stdout(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .context("cannot write to standard output")
}
