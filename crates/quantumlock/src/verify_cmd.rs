//! `quantumlock verify --keys FILE --vendor cust_... CERT`: offline verification with
//! `quantumlock-sdk`. Exit status: 0 the certificate holds, 1 it is refused, 2 usage or input
//! error (clap's own usage errors also exit 2).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use chrono::{DateTime, Utc};
use sdk::{PublicKeySet, Verifier};

/// Exit status when the certificate is refused.
const REFUSED: u8 = 1;
/// Exit status for unreadable keys or certificate, or bad arguments.
const INPUT_ERROR: u8 = 2;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 the certificate holds; 1 it is refused (the reason is \
printed as `certificate refused (<code>)`); 2 usage or input error, such as an unreadable \
key set or certificate file."
)]
pub struct VerifyArgs {
    /// The JSON that `GET /api/v1/keys` returns, saved to a file.
    #[arg(long)]
    pub keys: PathBuf,
    /// Your own QuantumLock customer id (`cust_...`): a certificate QuantumLock issued to any
    /// other vendor is refused (`wrong_vendor`).
    #[arg(
        long,
        value_name = "CUSTOMER_ID",
        required_unless_present = "any_vendor",
        conflicts_with = "any_vendor"
    )]
    pub vendor: Option<String>,
    /// Accept a certificate issued to any vendor. Signatures prove only that QuantumLock
    /// issued the license to *some* vendor: vendor software should pass `--vendor` instead.
    #[arg(long)]
    pub any_vendor: bool,
    /// The certificate: the text itself (starting with `QLC`, checked exactly as given), `-`
    /// for standard input, or a file holding it (surrounding white space is ignored in both).
    pub certificate: String,
    /// Check as of this RFC 3339 instant instead of now.
    #[arg(long)]
    pub at: Option<DateTime<Utc>>,
    /// Seconds this machine's clock may lag the issuer's.
    #[arg(long, default_value_t = 300)]
    pub leeway: u32,
}

/// Prints the license as JSON when the certificate holds, or the reason it does not.
pub fn run(args: &VerifyArgs) -> ExitCode {
    if args
        .vendor
        .as_deref()
        .is_some_and(|vendor| vendor.trim().is_empty())
    {
        return report("--vendor needs your customer id (cust_...)", INPUT_ERROR);
    }
    let (keys, certificate) = match read_inputs(args) {
        Ok(inputs) => inputs,
        Err(error) => return report(&format!("{error:#}"), INPUT_ERROR),
    };
    let verifier = Verifier::new(keys).with_leeway(args.leeway);
    let now = args.at.unwrap_or_else(Utc::now);
    let verdict = match &args.vendor {
        Some(vendor) => verifier.verify(&certificate, vendor, now),
        None => verify_any_vendor(&verifier, &certificate, now),
    };
    match verdict {
        Ok(license) => match print_license(&license) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => report(&format!("{error:#}"), INPUT_ERROR),
        },
        Err(reason) => report(
            &format!("certificate refused ({}): {reason}", reason.code()),
            REFUSED,
        ),
    }
}

/// `--any-vendor`: the full check with the certificate's own vendor as the expected one.
fn verify_any_vendor(
    verifier: &Verifier,
    certificate: &str,
    now: DateTime<Utc>,
) -> Result<sdk::LicensePayload, sdk::VerifyError> {
    let license = verifier.verify_signatures_any_vendor(certificate)?;
    verifier.verify(certificate, &license.customer_id, now)
}

fn read_inputs(args: &VerifyArgs) -> anyhow::Result<(PublicKeySet, String)> {
    let keys_json = std::fs::read_to_string(&args.keys)
        .with_context(|| format!("cannot read {}", args.keys.display()))?;
    let keys = PublicKeySet::from_json(&keys_json)
        .with_context(|| format!("{} is not a usable key set", args.keys.display()))?;
    Ok((keys, read_certificate(&args.certificate)?))
}

fn print_license(license: &sdk::LicensePayload) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(license)?;
    text.push('\n');
    crate::keys_cmd::write_stdout(&text)
}

fn report(message: &str, code: u8) -> ExitCode {
    #[expect(clippy::print_stderr, reason = "the verdict goes to the terminal")]
    {
        eprintln!("quantumlock: {message}");
    }
    ExitCode::from(code)
}

fn read_certificate(argument: &str) -> anyhow::Result<String> {
    let path = std::path::Path::new(argument);
    let text = if argument == "-" {
        std::io::read_to_string(std::io::stdin()).context("cannot read standard input")?
    } else if argument.starts_with("QLC") {
        // The text itself, checked exactly as given: any version tag, so that another
        // version is refused as such rather than read as a file name.
        return Ok(argument.to_owned());
    } else if path.is_file() {
        std::fs::read_to_string(path).with_context(|| format!("cannot read CERT {argument}"))?
    } else {
        bail!("cannot read CERT {argument:?}: no such file, and not certificate text (QLC1....)");
    };
    // Files usually end with a newline; the certificate itself never holds white space.
    Ok(text.trim().to_owned())
}
