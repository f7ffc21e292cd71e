//! `quantumlock verify --keys FILE CERT`: offline verification with `quantumlock-sdk`.

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use chrono::{DateTime, Utc};
use sdk::{PublicKeySet, Verifier};

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The JSON that `GET /api/v1/keys` returns, saved to a file.
    #[arg(long)]
    pub keys: PathBuf,
    /// The certificate: a file holding it, `-` for standard input (surrounding white space
    /// is ignored in both), or the certificate text itself.
    pub certificate: String,
    /// Check as of this RFC 3339 instant instead of now.
    #[arg(long)]
    pub at: Option<DateTime<Utc>>,
    /// Seconds this machine's clock may lag the issuer's.
    #[arg(long, default_value_t = 300)]
    pub leeway: u32,
}

/// Prints the license as JSON when the certificate holds; fails with the reason otherwise.
pub fn run(args: &VerifyArgs) -> anyhow::Result<()> {
    let keys_json = std::fs::read_to_string(&args.keys)
        .with_context(|| format!("cannot read {}", args.keys.display()))?;
    let keys = PublicKeySet::from_json(&keys_json)
        .with_context(|| format!("{} is not a usable key set", args.keys.display()))?;
    let certificate = read_certificate(&args.certificate)?;
    let verifier = Verifier::new(keys).with_leeway(args.leeway);
    let now = args.at.unwrap_or_else(Utc::now);
    match verifier.verify(&certificate, now) {
        Ok(license) => {
            let mut text = serde_json::to_string_pretty(&license)?;
            text.push('\n');
            crate::keys_cmd::write_stdout(&text)
        }
        Err(reason) => bail!("certificate refused ({}): {reason}", reason.code()),
    }
}

fn read_certificate(argument: &str) -> anyhow::Result<String> {
    let path = std::path::Path::new(argument);
    let text = if argument == "-" {
        std::io::read_to_string(std::io::stdin()).context("cannot read standard input")?
    } else if !argument.starts_with(sdk::FORMAT_TAG) && path.is_file() {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {argument}"))?
    } else {
        // The text itself, checked exactly as given.
        return Ok(argument.to_owned());
    };
    // Files usually end with a newline; the certificate itself never holds white space.
    Ok(text.trim().to_owned())
}
